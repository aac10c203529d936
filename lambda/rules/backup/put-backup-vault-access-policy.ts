import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';

/**
 * AWS Backup PutBackupVaultAccessPolicy. `policy` is the complete new vault access policy as a JSON
 * string. Allow statements typically let another account copy recovery points into the vault. The
 * common Deny statements that protect recovery points grant nothing.
 */
export const putBackupVaultAccessPolicy: RuleDefinition = {
  id: 'backup-vault-policy',
  eventSource: 'backup.amazonaws.com',
  eventNames: ['PutBackupVaultAccessPolicy'],
  title: 'AWS Backup vault access policy',
  resourceLabel: 'AWS Backup vault',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const vault = bound(str(params, 'backupVaultName') ?? '', 256);
    if (vault === '') {
      warnings.push('requestParameters.backupVaultName is missing');
    }
    const grants = readWrittenPolicy(field(params, 'policy'), 'requestParameters.policy', warnings);
    const owner = context.ownerAccountId ?? ownerAccountId(record) ?? '';
    return {
      resource: { type: 'AWS::Backup::BackupVault', id: vault, arn: `arn:aws:backup:${recordRegion(record)}:${owner}:backup-vault:${vault}` },
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    // A vault access policy is replaced whole, so the fix is to write it back without the offending statements.
    const target = `--region ${shellQuote(region)} --backup-vault-name ${shellQuote(result.resource.id)}`;
    return [
      `aws backup get-backup-vault-access-policy ${target} --query Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws backup put-backup-vault-access-policy ${target} --policy file://policy.json`,
    ].join('\n');
  },
};

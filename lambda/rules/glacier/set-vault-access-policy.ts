import { isAccountId } from '../../core/principals';
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';

/**
 * S3 Glacier SetVaultAccessPolicy. The complete new vault policy sits one level deeper than in other
 * services, as a JSON string in `policy.policy`. `accountId` is the vault owner, or `-` for the
 * caller's own account.
 */
export const setVaultAccessPolicy: RuleDefinition = {
  id: 'glacier-vault-policy',
  eventSource: 'glacier.amazonaws.com',
  eventNames: ['SetVaultAccessPolicy'],
  title: 'S3 Glacier vault access policy',
  resourceLabel: 'S3 Glacier vault',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const vault = bound(str(params, 'vaultName') ?? '', 256);
    if (vault === '') {
      warnings.push('requestParameters.vaultName is missing');
    }
    // A flat string in `policy` is read too, although no recorded event has one.
    const wrapper = field(params, 'policy');
    const document = typeof wrapper === 'string' ? wrapper : field(wrapper, 'policy');
    const grants = readWrittenPolicy(document, 'requestParameters.policy.policy', warnings);
    const accountId = bound(str(params, 'accountId') ?? '-', 64);
    const owner = isAccountId(accountId) ? accountId : (context.ownerAccountId ?? ownerAccountId(record) ?? '');
    // NOTE: the type name follows CloudFormation's form, although CloudFormation may define no Glacier vault type.
    return {
      resource: { type: 'AWS::Glacier::Vault', id: vault, arn: `arn:aws:glacier:${recordRegion(record)}:${owner}:vaults/${vault}` },
      grants,
      warnings,
      details: { accountId },
    };
  },

  remediation({ result, untrusted, region }) {
    // A vault policy is replaced whole. The CLI takes it wrapped as {"Policy": "<policy JSON>"}, which jq builds from policy.json.
    const target = `--region ${shellQuote(region)} --account-id ${shellQuote(String(result.details?.accountId ?? '-'))} --vault-name ${shellQuote(result.resource.id)}`;
    return [
      `aws glacier get-vault-access-policy ${target} --query policy.Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws glacier set-vault-access-policy ${target} --policy "$(jq -n --rawfile policy policy.json '{Policy: $policy}')"`,
    ].join('\n');
  },
};

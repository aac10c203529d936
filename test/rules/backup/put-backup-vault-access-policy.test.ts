import { putBackupVaultAccessPolicy } from '../../../lambda/rules/backup/put-backup-vault-access-policy';
import { evaluate, evaluateFixture, findingOf, labelledTrustedList, loadFixture, ORGANIZATION, OUTSIDER, OWNER, quietGrantsOf } from '../../support/fixtures';

/** Builds the two-line fix for a vault access policy: fetch it, delete the named statements by hand, and put it back. */
function policyFix(vault: string, statements: string, region = 'eu-west-1'): string {
  const target = `--region ${region} --backup-vault-name ${vault}`;
  return [
    `aws backup get-backup-vault-access-policy ${target} --query Policy --output text > policy.json  # delete statements: ${statements}`,
    `aws backup put-backup-vault-access-policy ${target} --policy file://policy.json`,
  ].join('\n');
}

describe('PutBackupVaultAccessPolicy rule', () => {
  it('reads the vault and its ARN', () => {
    const result = putBackupVaultAccessPolicy.extract(loadFixture('backup', 'vault-policy-copy-from-account'));

    expect(result?.resource).toEqual({
      type: 'AWS::Backup::BackupVault',
      id: 'central-dr-vault',
      arn: `arn:aws:backup:eu-west-1:${OWNER}:backup-vault:central-dr-vault`,
    });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts on copy from another account', () => {
    const finding = findingOf(evaluateFixture('backup', 'vault-policy-copy-from-account'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:root`,
        via: 'AllowCopyFromProduction',
        actions: ['backup:CopyIntoBackupVault'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'backup-vault-policy' });
    expect(finding.remediation).toBe(policyFix('central-dr-vault', 'AllowCopyFromProduction'));
  });

  it('grants nothing with Deny-only policy', () => {
    const record = loadFixture('backup', 'vault-policy-deny-delete');

    expect(putBackupVaultAccessPolicy.extract(record)?.grants).toEqual([]);
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('trusts organization copy on the list', () => {
    const record = loadFixture('backup', 'vault-policy-copy-from-account');
    (record.requestParameters as { policy: string }).policy = JSON.stringify({
      Statement: [{ Sid: 'OrgCopy', Effect: 'Allow', Principal: '*', Action: 'backup:CopyIntoBackupVault', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } } }],
    });

    const evaluation = evaluate(record, { trustedList: labelledTrustedList({ [ORGANIZATION]: 'our organization' }) });

    expect(quietGrantsOf(evaluation)).toEqual([
      { kind: 'organization', organizationId: ORGANIZATION, via: 'OrgCopy', actions: ['backup:CopyIntoBackupVault'], trusted: true, label: 'our organization' },
    ]);
  });

  it.each([
    ['requestParameters is null', null, ['requestParameters.backupVaultName is missing', 'requestParameters.policy is missing, so the grants of the new policy are unknown']],
    ['policy is absent', { backupVaultName: 'central-dr-vault' }, ['requestParameters.policy is missing, so the grants of the new policy are unknown']],
  ])('warns when %s', (_name, params, warnings) => {
    const record = loadFixture('backup', 'vault-policy-copy-from-account');
    record.requestParameters = params;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(warnings);
    expect(finding).toMatchObject({ severity: 'medium', public: false, remediation: null });
  });
});

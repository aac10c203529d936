import { setVaultAccessPolicy } from '../../../lambda/rules/glacier/set-vault-access-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

/** Builds the two-line fix for a vault policy, which the CLI takes wrapped as {"Policy": "<policy JSON>"}. */
function policyFix(vault: string, statements: string, accountId = '-', region = 'us-west-2'): string {
  const target = `--region ${region} --account-id ${accountId} --vault-name ${vault}`;
  return [
    `aws glacier get-vault-access-policy ${target} --query policy.Policy --output text > policy.json  # delete statements: ${statements}`,
    `aws glacier set-vault-access-policy ${target} --policy "$(jq -n --rawfile policy policy.json '{Policy: $policy}')"`,
  ].join('\n');
}

function withPolicy(policy: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('glacier', 'vault-policy-cross-account');
  (record.requestParameters as { policy: unknown }).policy = policy;
  return record;
}

describe('SetVaultAccessPolicy rule', () => {
  it('reads the vault, its ARN and account', () => {
    const result = setVaultAccessPolicy.extract(loadFixture('glacier', 'vault-policy-cross-account'));

    expect(result?.resource).toEqual({
      type: 'AWS::Glacier::Vault',
      id: 'finance-archive-2025',
      arn: `arn:aws:glacier:us-west-2:${OWNER}:vaults/finance-archive-2025`,
    });
    expect(result?.details).toEqual({ accountId: '-' });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts on nested cross-account policy', () => {
    const finding = findingOf(evaluateFixture('glacier', 'vault-policy-cross-account'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:root`,
        via: 'AuditorRetrieval',
        actions: ['glacier:InitiateJob', 'glacier:GetJobOutput', 'glacier:ListJobs'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'glacier-vault-policy' });
    expect(finding.remediation).toBe(policyFix('finance-archive-2025', 'AuditorRetrieval'));
  });

  it('trusts auditor on the list', () => {
    const evaluation = evaluateFixture('glacier', 'vault-policy-cross-account', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation)).toEqual([expect.objectContaining({ accountId: OUTSIDER, trusted: true })]);
  });

  it('stays quiet on own role', () => {
    const record = loadFixture('glacier', 'vault-policy-own-account');

    expect(setVaultAccessPolicy.extract(record)?.details).toEqual({ accountId: OWNER });
    expect(quietGrantsOf(evaluate(record))).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:role/nightly-archiver`,
        via: 'ArchiverUpload',
        actions: ['glacier:UploadArchive', 'glacier:InitiateMultipartUpload'],
        trusted: true,
        label: 'resource owner',
      },
    ]);
  });

  it('alerts critical on public vault', () => {
    const finding = findingOf(
      evaluate(withPolicy({ policy: '{"Statement":[{"Sid":"OpenRead","Effect":"Allow","Principal":{"AWS":"*"},"Action":"glacier:InitiateJob"}]}' })),
    );

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'OpenRead', actions: ['glacier:InitiateJob'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
    expect(finding.remediation).toBe(policyFix('finance-archive-2025', 'OpenRead'));
  });

  it('reads capitalised Policy key', () => {
    const record = loadFixture('glacier', 'vault-policy-cross-account');
    const params = record.requestParameters as { policy: { policy?: string; Policy?: string } };
    params.policy = { Policy: params.policy.policy };

    expect(findingOf(evaluate(record)).grants).toEqual([expect.objectContaining({ accountId: OUTSIDER, via: 'AuditorRetrieval' })]);
  });

  it('reads a flat policy string', () => {
    const finding = findingOf(evaluate(withPolicy(`{"Statement":[{"Sid":"Flat","Effect":"Allow","Principal":{"AWS":"${OUTSIDER}"},"Action":"glacier:ListJobs"}]}`)));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'Flat', actions: ['glacier:ListJobs'], trusted: false }]);
  });

  it.each([
    ['null', null],
    ['an empty object', {}],
  ])('warns when policy is %s', (_name, policy) => {
    const finding = findingOf(evaluate(withPolicy(policy)));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['requestParameters.policy.policy is missing, so the grants of the new policy are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });
});

import { putAccessPointPolicy, s3ControlAccount } from '../../../lambda/rules/s3/put-access-point-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

/** Builds the two-line fix for an access point policy: fetch it, delete the named statements by hand, and put it back. */
function policyFix(name: string, statements: string, account = OWNER, region = 'us-east-1'): string {
  const target = `--region ${region} --account-id ${account} --name ${name}`;
  return [
    `aws s3control get-access-point-policy ${target} --query Policy --output text > policy.json  # delete statements: ${statements}`,
    `aws s3control put-access-point-policy ${target} --policy file://policy.json`,
  ].join('\n');
}

function withPolicy(policy: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('s3', 'access-point-policy-cross-account');
  (record.requestParameters as { PutAccessPointPolicyRequest: { Policy: unknown } }).PutAccessPointPolicyRequest.Policy = policy;
  return record;
}

describe('PutAccessPointPolicy rule', () => {
  it('reads the access point and its ARN', () => {
    const result = putAccessPointPolicy.extract(loadFixture('s3', 'access-point-policy-cross-account'));

    expect(result?.resource).toEqual({ type: 'AWS::S3::AccessPoint', id: 'research-share', arn: `arn:aws:s3:us-east-1:${OWNER}:accesspoint/research-share` });
    expect(result?.details).toEqual({ accountId: OWNER });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts on cross-account role', () => {
    const finding = findingOf(evaluateFixture('s3', 'access-point-policy-cross-account'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:role/genomics-reader`,
        via: 'UniversityRead',
        actions: ['s3:GetObject', 's3:ListBucket'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 's3-access-point-policy' });
    expect(finding.remediation).toBe(policyFix('research-share', 'UniversityRead'));
  });

  it('trusts university account on the list', () => {
    const evaluation = evaluateFixture('s3', 'access-point-policy-cross-account', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation)).toEqual([expect.objectContaining({ accountId: OUTSIDER, trusted: true })]);
  });

  it('stays quiet on own role', () => {
    expect(quietGrantsOf(evaluateFixture('s3', 'access-point-policy-own-account'))).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:role/etl-loader`,
        via: 'EtlRole',
        actions: ['s3:GetObject', 's3:PutObject'],
        trusted: true,
        label: 'resource owner',
      },
    ]);
  });

  it('alerts critical on public access point', () => {
    const finding = findingOf(evaluate(withPolicy('{"Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}')));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'Open', actions: ['s3:GetObject'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
  });

  it('reads a top-level policy', () => {
    const record = loadFixture('s3', 'access-point-policy-cross-account');
    const params = record.requestParameters as Record<string, { Policy: string } | string>;
    params.policy = (params.PutAccessPointPolicyRequest as { Policy: string }).Policy;
    delete params.PutAccessPointPolicyRequest;

    expect(findingOf(evaluate(record)).grants).toEqual([expect.objectContaining({ accountId: OUTSIDER, via: 'UniversityRead' })]);
  });

  it('warns when the policy is missing', () => {
    const record = loadFixture('s3', 'access-point-policy-cross-account');
    delete (record.requestParameters as Record<string, unknown>).PutAccessPointPolicyRequest;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.PutAccessPointPolicyRequest.Policy is missing, so the grants of the new policy are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });

  it.each([
    ['current host', { Host: `${OWNER}.s3-control.us-east-1.amazonaws.com` }, OWNER],
    ['older host list', { host: [`${OUTSIDER}.s3-control.eu-west-1.amazonaws.com`] }, OUTSIDER],
    ['host without account', { Host: 's3-control.us-east-1.amazonaws.com' }, undefined],
    ['no host', {}, undefined],
  ])('reads account from %s', (_name, params, account) => {
    expect(s3ControlAccount(params)).toBe(account);
  });

  it('falls back to the owner without host', () => {
    const record = loadFixture('s3', 'access-point-policy-cross-account');
    delete (record.requestParameters as Record<string, unknown>).Host;

    expect(putAccessPointPolicy.extract(record)?.details).toEqual({ accountId: OWNER });
  });
});

import { createGrant } from '../../../lambda/rules/kms/create-grant';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const KEY = '5c7e2a19-8b3d-4f60-9e21-7a4d0c6b8f35';
const KEY_ARN = `arn:aws:kms:eu-west-1:${OWNER}:key/${KEY}`;
const GRANT_ID = '6f0a5e1c9b2d4e8f7a3c1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f';

/** Returns the external-role CreateGrant with its grantee replaced. */
function withGrantee(grantee: string): ReturnType<typeof loadFixture> {
  const record = loadFixture('kms', 'create-grant-external-role');
  (record.requestParameters as Record<string, unknown>).granteePrincipal = grantee;
  return record;
}

const decrypt = { via: 'granteePrincipal', actions: ['kms:Decrypt', 'kms:DescribeKey'] };

describe('CreateGrant rule', () => {
  it('alerts high on external role', () => {
    const finding = findingOf(evaluateFixture('kms', 'create-grant-external-role'));

    expect(finding.grants).toEqual([{ ...decrypt, kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:role/etl-worker`, trusted: false }]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      ruleId: 'kms-key-grant',
      resource: { type: 'AWS::KMS::Key', id: KEY, arn: KEY_ARN },
      reasons: [`shared with account ${OUTSIDER}: not on the trusted list`],
    });
    expect(finding.remediation).toBe(`aws kms revoke-grant --region eu-west-1 --key-id ${KEY_ARN} --grant-id ${GRANT_ID}`);
  });

  it('trusts grantee on the list', () => {
    expect(quietGrantsOf(evaluateFixture('kms', 'create-grant-external-role', { trustedList: trustedList(OUTSIDER) }))[0].trusted).toBe(true);
  });

  it('keeps regional service grant quiet', () => {
    const actions = ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:RetireGrant'];

    expect(quietGrantsOf(evaluateFixture('kms', 'create-grant-regional-service'))).toEqual([
      { kind: 'service', service: 'ecr.eu-west-1.amazonaws.com', via: 'granteePrincipal', actions, trusted: false },
      { kind: 'service', service: 'ecr.eu-west-1.amazonaws.com', via: 'retiringPrincipal', actions: ['kms:RetireGrant'], trusted: false },
    ]);
  });

  it('treats AWS Internal grantee as AWS-owned', () => {
    expect(quietGrantsOf(evaluateFixture('kms', 'create-grant-aws-internal'))).toEqual([
      {
        kind: 'aws-owned',
        principal: 'AWS Internal',
        label: 'principal that CloudTrail names only as AWS Internal',
        via: 'granteePrincipal',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        trusted: true,
      },
    ]);
  });

  it.each([
    ['bare account', OUTSIDER, 'finding', { kind: 'account', accountId: OUTSIDER, trusted: false }],
    ['own role', `arn:aws:iam::${OWNER}:role/etl-worker`, 'trusted', { kind: 'account', accountId: OWNER, principal: `arn:aws:iam::${OWNER}:role/etl-worker`, label: 'resource owner', trusted: true }],
    ['global service', 'cloudtrail.amazonaws.com', 'trusted', { kind: 'service', service: 'cloudtrail.amazonaws.com', trusted: false }],
    [
      'EBS infrastructure of the owner',
      `${OWNER}:aws:ec2-infrastructure:i-0a1b2c3d4e5f67890`,
      'trusted',
      {
        kind: 'account',
        accountId: OWNER,
        principal: `${OWNER}:aws:ec2-infrastructure:i-0a1b2c3d4e5f67890`,
        label: 'EC2 infrastructure acting for the account',
        trusted: true,
      },
    ],
    ['unreadable value', 'EX_PRINCIPAL_ID', 'finding', { kind: 'unknown', principal: 'EX_PRINCIPAL_ID', label: 'unrecognised principal', trusted: false }],
  ])('reads grantee %s', (_name, grantee, status, grant) => {
    const evaluation = evaluate(withGrantee(grantee));

    expect(evaluation.status).toBe(status);
    const grants = evaluation.status === 'finding' ? evaluation.finding.grants : quietGrantsOf(evaluation);
    expect(grants).toEqual([{ ...decrypt, ...grant }]);
  });

  it('alerts on external retiring principal', () => {
    const record = withGrantee(`arn:aws:iam::${OWNER}:role/etl-worker`);
    (record.requestParameters as Record<string, unknown>).retiringPrincipal = `arn:aws:iam::${PARTNER}:root`;

    const finding = findingOf(evaluate(record));

    expect(finding.grants[1]).toEqual({
      kind: 'account',
      accountId: PARTNER,
      principal: `arn:aws:iam::${PARTNER}:root`,
      via: 'retiringPrincipal',
      actions: ['kms:RetireGrant'],
      trusted: false,
    });
    expect(finding.severity).toBe('high');
  });

  it('lists grants when the grant id is missing', () => {
    const record = loadFixture('kms', 'create-grant-external-role');
    record.responseElements = null;

    const finding = findingOf(evaluate(record));

    expect(finding.remediation).toBe(
      `aws kms list-grants --region eu-west-1 --key-id ${KEY} --query 'Grants[?GranteePrincipal=='\\''arn:aws:iam::${OUTSIDER}:role/etl-worker'\\''].GrantId'`,
    );
  });

  it('revokes by key ARN when the request names an alias', () => {
    const record = loadFixture('kms', 'create-grant-external-role');
    (record.requestParameters as Record<string, unknown>).keyId = 'alias/etl';

    const finding = findingOf(evaluate(record));

    expect(finding.resource).toEqual({ type: 'AWS::KMS::Key', id: 'alias/etl', arn: KEY_ARN });
    expect(finding.remediation).toBe(`aws kms revoke-grant --region eu-west-1 --key-id ${KEY_ARN} --grant-id ${GRANT_ID}`);
  });

  it('warns when grantee is missing', () => {
    const record = loadFixture('kms', 'create-grant-external-role');
    delete (record.requestParameters as Record<string, unknown>).granteePrincipal;

    const result = createGrant.extract(record);

    expect(result?.grants).toEqual([]);
    expect(result?.warnings).toEqual(['requestParameters.granteePrincipal is missing, so the grantee is unknown']);
    expect(findingOf(evaluate(record))).toMatchObject({ severity: 'medium', remediation: null });
  });
});

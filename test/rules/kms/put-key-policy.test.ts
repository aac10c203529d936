import { putKeyPolicy } from '../../../lambda/rules/kms/put-key-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf } from '../../support/fixtures';

const KEY = '5c7e2a19-8b3d-4f60-9e21-7a4d0c6b8f35';

/** Returns the owner-only PutKeyPolicy with one more statement added to its policy. */
function withStatement(statement: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('kms', 'put-key-policy-owner-only');
  const params = record.requestParameters as { policy: string };
  const policy = JSON.parse(params.policy) as { Statement: unknown[] };
  policy.Statement.push({ Sid: 'Added', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', ...statement });
  params.policy = JSON.stringify(policy);
  return record;
}

describe('PutKeyPolicy rule', () => {
  it('reads the key and builds its ARN', () => {
    const result = putKeyPolicy.extract(loadFixture('kms', 'put-key-policy-owner-only'));

    expect(result?.resource).toEqual({ type: 'AWS::KMS::Key', id: KEY, arn: `arn:aws:kms:eu-west-1:${OWNER}:key/${KEY}` });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts critical on public decrypt', () => {
    const finding = findingOf(evaluateFixture('kms', 'put-key-policy-public-decrypt'));

    expect(finding.grants[1]).toEqual({ kind: 'public', principal: '*', via: 'OpenDecrypt', actions: ['kms:Decrypt'], trusted: false });
    expect(finding).toMatchObject({ severity: 'critical', public: true, ruleId: 'kms-key-policy', reasons: ['shared with everyone (*)'] });
    expect(finding.remediation).toBe(
      `aws kms get-key-policy --region eu-west-1 --key-id ${KEY} --policy-name default --query Policy --output text > policy.json  # delete statements: OpenDecrypt\n` +
        `aws kms put-key-policy --region eu-west-1 --key-id ${KEY} --policy-name default --policy file://policy.json`,
    );
  });

  it('stays quiet on the default key policy', () => {
    expect(quietGrantsOf(evaluateFixture('kms', 'put-key-policy-owner-only'))).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:root`,
        via: 'Enable IAM User Permissions',
        actions: ['kms:*'],
        trusted: true,
        label: 'resource owner',
      },
    ]);
  });

  it('narrows star by kms:CallerAccount', () => {
    const grants = quietGrantsOf(evaluateFixture('kms', 'put-key-policy-caller-account'));

    expect(grants.map((grant) => [grant.kind, grant.trusted, 'accountId' in grant ? grant.accountId : undefined])).toEqual([
      ['account', true, OWNER],
      ['account', true, OWNER],
    ]);
  });

  it.each([
    ['caller account of an outsider', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:CallerAccount': OUTSIDER } } }, 'high', { kind: 'account', accountId: OUTSIDER }],
    ['only kms:ViaService', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:ViaService': 'rds.eu-west-1.amazonaws.com' } } }, 'critical', { kind: 'public', principal: '*' }],
    ['an outside role', { Principal: { AWS: `arn:aws:iam::${OUTSIDER}:role/backup` } }, 'high', { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:role/backup` }],
  ])('alerts on %s', (_name, statement, severity, grant) => {
    const finding = findingOf(evaluate(withStatement(statement)));

    expect(finding.grants[1]).toEqual({ ...grant, via: 'Added', actions: ['kms:Decrypt'], trusted: false });
    expect(finding.severity).toBe(severity);
  });

  it.each([
    ['an alias', 'alias/reports', `arn:aws:kms:eu-west-1:${OWNER}:alias/reports`],
    ['a key ARN', `arn:aws:kms:eu-west-1:${OWNER}:key/${KEY}`, `arn:aws:kms:eu-west-1:${OWNER}:key/${KEY}`],
  ])('reads key named by %s', (_name, keyId, arn) => {
    const record = loadFixture('kms', 'put-key-policy-owner-only');
    (record.requestParameters as Record<string, unknown>).keyId = keyId;

    expect(putKeyPolicy.extract(record)?.resource).toEqual({ type: 'AWS::KMS::Key', id: keyId, arn });
  });

  it('warns when policy and key are missing', () => {
    const record = loadFixture('kms', 'put-key-policy-public-decrypt');
    record.requestParameters = {};

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.keyId is missing', 'requestParameters.policy is missing, so the grants of the new policy are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });
});

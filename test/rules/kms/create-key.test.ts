import { createKey } from '../../../lambda/rules/kms/create-key';
import { HIDDEN_VALUE } from '../../../lambda/rules/policy-document';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const KEY = '9d41f0c2-6a7e-4b38-a5c1-2e8f47b90d16';
const OLD_KEY = '2b6f8e40-13c9-4d7a-8f05-c3a9e1d74b62';

describe('CreateKey rule', () => {
  it('ignores key with default policy', () => {
    const record = loadFixture('kms', 'create-key-default-policy');

    expect(createKey.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('reads the new key from the response', () => {
    const result = createKey.extract(loadFixture('kms', 'create-key-cross-account-policy'));

    expect(result?.resource).toEqual({ type: 'AWS::KMS::Key', id: KEY, arn: `arn:aws:kms:eu-west-1:${OWNER}:key/${KEY}` });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts high on cross-account statement', () => {
    const finding = findingOf(evaluateFixture('kms', 'create-key-cross-account-policy'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:root`,
        via: 'Enable IAM User Permissions',
        actions: ['kms:*'],
        trusted: true,
        label: 'resource owner',
      },
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:role/analytics-reader`,
        via: 'Allow use of the key',
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'kms-new-key-policy' });
    expect(finding.remediation).toBe(
      `aws kms get-key-policy --region eu-west-1 --key-id ${KEY} --policy-name default --query Policy --output text > policy.json  # delete statements: 'Allow use of the key'\n` +
        `aws kms put-key-policy --region eu-west-1 --key-id ${KEY} --policy-name default --policy file://policy.json`,
    );
  });

  it('trusts the outsider on the list', () => {
    const grants = quietGrantsOf(evaluateFixture('kms', 'create-key-cross-account-policy', { trustedList: trustedList(OUTSIDER) }));

    expect(grants.map((grant) => grant.trusted)).toEqual([true, true]);
  });

  it('reads an eventVersion 1.05 record', () => {
    const finding = findingOf(evaluateFixture('kms', 'create-key-old-record'));

    expect(finding.grants[1]).toEqual({ kind: 'account', accountId: PARTNER, via: 'PartnerEncrypt', actions: ['kms:Encrypt', 'kms:GenerateDataKey*'], trusted: false });
    expect(finding).toMatchObject({ severity: 'high', ownerAccountId: OWNER, region: 'us-west-2' });
  });

  it('reads the aWSAccountId spelling', () => {
    const record = loadFixture('kms', 'create-key-old-record');
    delete (record.responseElements as { keyMetadata: Record<string, unknown> }).keyMetadata.arn;
    (record.userIdentity as Record<string, unknown>).accountId = OUTSIDER;

    expect(createKey.extract(record)?.resource.arn).toBe(`arn:aws:kms:us-west-2:${OWNER}:key/${OLD_KEY}`);
  });

  it('warns when requestParameters is null', () => {
    const record = loadFixture('kms', 'create-key-cross-account-policy');
    record.requestParameters = null;
    record.responseElements = null;
    record.errorCode = 'AccessDeniedException';

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters is missing, so whether the call set a key policy is unknown']);
    expect(finding).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
  });

  it('warns when the policy is hidden', () => {
    const record = loadFixture('kms', 'create-key-cross-account-policy');
    (record.requestParameters as Record<string, unknown>).policy = HIDDEN_VALUE;

    expect(findingOf(evaluate(record)).warnings).toEqual(['CloudTrail hid requestParameters.policy, so the grants of the new policy are unknown']);
  });

  it('warns when a successful call lacks the key', () => {
    const record = loadFixture('kms', 'create-key-cross-account-policy');
    record.responseElements = null;

    const result = createKey.extract(record);

    expect(result?.warnings).toEqual(['responseElements.keyMetadata.keyId is missing']);
    expect(result?.resource.id).toBe('');
  });
});

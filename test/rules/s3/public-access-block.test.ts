import { accountPublicAccessBlock, bucketPublicAccessBlock } from '../../../lambda/rules/s3/public-access-block';
import { evaluate, evaluateFixture, findingOf, loadFixture, OWNER } from '../../support/fixtures';

const ALL_ON = 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true';
const BUCKET_FIX = `aws s3api put-public-access-block --region eu-west-1 --bucket campaign-assets-111122223333 --public-access-block-configuration ${ALL_ON}`;
const ACCOUNT_FIX = `aws s3control put-public-access-block --region eu-west-1 --account-id ${OWNER} --public-access-block-configuration ${ALL_ON}`;
const ALL_DELETED = 'BlockPublicAcls=false, IgnorePublicAcls=false, BlockPublicPolicy=false, RestrictPublicBuckets=false (configuration deleted)';

function withConfiguration(scenario: string, configuration: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('s3', scenario);
  (record.requestParameters as { PublicAccessBlockConfiguration: unknown }).PublicAccessBlockConfiguration = configuration;
  return record;
}

describe('PutBucketPublicAccessBlock rule', () => {
  it('alerts high on lowered flags', () => {
    const finding = findingOf(evaluateFixture('s3', 'public-access-block-bucket-lowered'));

    expect(finding.resource).toEqual({ type: 'AWS::S3::Bucket', id: 'campaign-assets-111122223333', arn: 'arn:aws:s3:::campaign-assets-111122223333' });
    expect(finding.grants).toEqual([
      { kind: 'guard-lowered', setting: 'BlockPublicPolicy=false, RestrictPublicBuckets=false', via: 'PublicAccessBlockConfiguration', trusted: false },
    ]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      outcome: 'succeeded',
      ruleId: 's3-bucket-public-access-block',
      reasons: ['a guard against public sharing was lowered: BlockPublicPolicy=false, RestrictPublicBuckets=false'],
    });
    expect(finding.remediation).toBe(BUCKET_FIX);
  });

  it('stays quiet when all flags are on', () => {
    const record = loadFixture('s3', 'public-access-block-bucket-all-on');

    expect(bucketPublicAccessBlock.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it.each([
    ['string flags', { BlockPublicAcls: 'true', IgnorePublicAcls: 'TRUE', BlockPublicPolicy: 'false', RestrictPublicBuckets: 'true' }, 'BlockPublicPolicy=false'],
    ['a flag left out', { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true }, 'RestrictPublicBuckets=false (not set)'],
    ['an empty configuration', {}, 'BlockPublicAcls=false (not set), IgnorePublicAcls=false (not set), BlockPublicPolicy=false (not set), RestrictPublicBuckets=false (not set)'],
    ['lowercase keys', { blockPublicAcls: false, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }, 'BlockPublicAcls=false'],
  ])('reads %s', (_name, configuration, setting) => {
    const finding = findingOf(evaluate(withConfiguration('public-access-block-bucket-all-on', configuration)));

    expect(finding.grants).toEqual([{ kind: 'guard-lowered', setting, via: 'PublicAccessBlockConfiguration', trusted: false }]);
    expect(finding.severity).toBe('high');
  });

  it('warns on a flag that is not boolean', () => {
    const finding = findingOf(
      evaluate(withConfiguration('public-access-block-bucket-all-on', { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: 'maybe', RestrictPublicBuckets: true })),
    );

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['PublicAccessBlockConfiguration.BlockPublicPolicy is not a boolean']);
    expect(finding).toMatchObject({ severity: 'medium', reasons: ['the grants of this call could not all be read'], remediation: null });
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['a string', 'BlockPublicAcls=false'],
  ])('warns when configuration is %s', (_name, configuration) => {
    const finding = findingOf(evaluate(withConfiguration('public-access-block-bucket-lowered', configuration)));

    expect(finding.warnings).toEqual(['requestParameters.PublicAccessBlockConfiguration is missing, so the new settings are unknown']);
    expect(finding.severity).toBe('medium');
  });

  it('alerts on deleted configuration', () => {
    const finding = findingOf(evaluateFixture('s3', 'public-access-block-bucket-deleted'));

    expect(finding.grants).toEqual([{ kind: 'guard-lowered', setting: ALL_DELETED, via: 'DeleteBucketPublicAccessBlock', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 's3-bucket-public-access-block' });
    expect(finding.remediation).toBe(BUCKET_FIX);
  });

  it('reports AccessDenied as attempt', () => {
    const record = loadFixture('s3', 'public-access-block-bucket-lowered');
    record.errorCode = 'AccessDenied';
    record.errorMessage = 'Access Denied';

    expect(findingOf(evaluate(record))).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
  });

  it('warns when the bucket is missing', () => {
    const record = loadFixture('s3', 'public-access-block-bucket-deleted');
    record.requestParameters = null;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.bucketName is missing']);
    expect(finding.grants.map((grant) => grant.kind)).toEqual(['guard-lowered']);
  });
});

describe('PutAccountPublicAccessBlock rule', () => {
  it('alerts high on lowered account flag', () => {
    const finding = findingOf(evaluateFixture('s3', 'public-access-block-account-lowered'));

    expect(finding.resource).toEqual({ type: 'AWS::S3::AccountPublicAccessBlock', id: OWNER });
    expect(finding.grants).toEqual([{ kind: 'guard-lowered', setting: 'BlockPublicPolicy=false', via: 'PublicAccessBlockConfiguration', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 's3-account-public-access-block' });
    expect(finding.remediation).toBe(ACCOUNT_FIX);
  });

  it('stays quiet when all flags are on', () => {
    const record = loadFixture('s3', 'public-access-block-account-all-on');

    expect(accountPublicAccessBlock.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('alerts on deleted account configuration', () => {
    const finding = findingOf(evaluateFixture('s3', 'public-access-block-account-deleted'));

    expect(finding.grants).toEqual([{ kind: 'guard-lowered', setting: ALL_DELETED, via: 'DeleteAccountPublicAccessBlock', trusted: false }]);
    expect(finding.remediation).toBe(ACCOUNT_FIX);
  });

  it('takes the account from the envelope', () => {
    const record = loadFixture('s3', 'public-access-block-account-deleted');
    delete record.recipientAccountId;
    delete (record.userIdentity as Record<string, unknown>).accountId;

    const finding = findingOf(evaluate(record, { envelopeAccount: OWNER }));

    expect(finding.resource.id).toBe(OWNER);
    expect(finding.warnings).toBeUndefined();
  });
});

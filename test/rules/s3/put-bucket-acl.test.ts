import { putBucketAcl } from '../../../lambda/rules/s3/put-bucket-acl';
import { evaluate, evaluateFixture, findingOf, loadFixture, quietGrantsOf } from '../../support/fixtures';

const OWNER_CANONICAL = 'a1f4c8e2b6d03957e1c4a8f2b6d0e3957c1a4f8e2b6d03957e1c4a8f2b6d0e39';
const OTHER_CANONICAL = 'c7e3a9f5b1d7c3e9a5f1b7d3c9e5a1f7b3d9c5e1a7f3b9d5c1e7a3f9b5d1c7e3';
const OWNER_GRANT = { kind: 'canonical-user', canonicalUserId: OWNER_CANONICAL, via: 'Grant[0]', actions: ['FULL_CONTROL'], trusted: true, label: 'bucket owner' };

function aclFix(bucket: string): string {
  return `aws s3api put-bucket-acl --region us-west-2 --bucket ${bucket} --acl private`;
}

/** A PutBucketAcl record whose request carries only the given ACL parameters. */
function withAcl(parameters: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('s3', 'acl-canned-public-read');
  record.requestParameters = { bucketName: 'press-kit-assets', Host: 'press-kit-assets.s3.us-west-2.amazonaws.com', acl: '', ...parameters };
  return record;
}

describe('PutBucketAcl rule', () => {
  it('alerts critical on AllUsers grant', () => {
    const finding = findingOf(evaluateFixture('s3', 'acl-all-users-read'));

    expect(finding.grants).toEqual([OWNER_GRANT, { kind: 'public', principal: 'AllUsers', via: 'Grant[1]', actions: ['READ'], trusted: false }]);
    expect(finding).toMatchObject({
      severity: 'critical',
      public: true,
      outcome: 'succeeded',
      errorCode: null,
      ruleId: 's3-bucket-acl',
      resource: { type: 'AWS::S3::Bucket', id: 'public-datasets', arn: 'arn:aws:s3:::public-datasets' },
      reasons: ['shared with everyone (AllUsers)'],
    });
    expect(finding.remediation).toBe('aws s3api put-bucket-acl --region us-west-2 --bucket public-datasets --acl private');
  });

  it('alerts critical on AuthenticatedUsers grant', () => {
    const finding = findingOf(evaluateFixture('s3', 'acl-authenticated-users'));

    expect(finding.grants).toEqual([
      OWNER_GRANT,
      { kind: 'public', principal: 'AuthenticatedUsers', via: 'Grant[1]', actions: ['READ_ACP'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded' });
    expect(finding.remediation).toBe(aclFix('build-cache'));
  });

  it('alerts on another canonical user', () => {
    const finding = findingOf(evaluateFixture('s3', 'acl-other-canonical-user'));

    expect(finding.grants).toEqual([OWNER_GRANT, { kind: 'canonical-user', canonicalUserId: OTHER_CANONICAL, via: 'Grant[1]', actions: ['READ'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, reasons: [`shared with canonical user ${OTHER_CANONICAL}: not on the trusted list`] });
    expect(finding.remediation).toBe(aclFix('media-originals'));
  });

  it('names CloudFront log delivery as AWS-owned', () => {
    const logDelivery = 'c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0';
    const record = withAcl({
      AccessControlPolicy: {
        Owner: { ID: OWNER_CANONICAL },
        AccessControlList: {
          Grant: [
            { Grantee: { 'xsi:type': 'CanonicalUser', ID: OWNER_CANONICAL }, Permission: 'FULL_CONTROL' },
            { Grantee: { 'xsi:type': 'CanonicalUser', ID: logDelivery }, Permission: 'FULL_CONTROL' },
          ],
        },
      },
    });

    const grants = quietGrantsOf(evaluate(record));

    expect(grants[1]).toMatchObject({ kind: 'aws-owned', principal: logDelivery, trusted: true });
  });

  it('reads a single grant object', () => {
    const record = loadFixture('s3', 'acl-single-grant-object');
    const grant = (record.requestParameters as { AccessControlPolicy: { AccessControlList: { Grant: unknown } } }).AccessControlPolicy.AccessControlList.Grant;
    expect(Array.isArray(grant)).toBe(false);

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([{ kind: 'public', principal: 'AllUsers', via: 'Grant[0]', actions: ['READ'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
    expect(finding.remediation).toBe(aclFix('public-datasets'));
  });

  it('reads single object and array alike', () => {
    const single = putBucketAcl.extract(loadFixture('s3', 'acl-single-grant-object'));
    const array = loadFixture('s3', 'acl-single-grant-object');
    const list = (array.requestParameters as { AccessControlPolicy: { AccessControlList: { Grant: unknown } } }).AccessControlPolicy.AccessControlList;
    list.Grant = [list.Grant];

    expect(putBucketAcl.extract(array)).toEqual(single);
  });

  it('stays quiet on owner-only ACL', () => {
    expect(quietGrantsOf(evaluateFixture('s3', 'acl-owner-only'))).toEqual([OWNER_GRANT]);
  });

  it('alerts critical on canned public-read', () => {
    const finding = findingOf(evaluateFixture('s3', 'acl-canned-public-read'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: 'AllUsers', via: 'x-amz-acl public-read', actions: ['READ'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded' });
    expect(finding.remediation).toBe(aclFix('press-kit-assets'));
  });

  it('names log-delivery group as AWS-owned', () => {
    expect(quietGrantsOf(evaluateFixture('s3', 'acl-log-delivery-group'))).toEqual([
      OWNER_GRANT,
      { kind: 'aws-owned', principal: 'LogDelivery', label: 'S3 server access log delivery group', via: 'Grant[1]', actions: ['WRITE'], trusted: true },
      { kind: 'aws-owned', principal: 'LogDelivery', label: 'S3 server access log delivery group', via: 'Grant[2]', actions: ['READ_ACP'], trusted: true },
    ]);
  });

  it.each([
    ['public-read-write', [{ kind: 'public', principal: 'AllUsers', via: 'x-amz-acl public-read-write', actions: ['READ', 'WRITE'], trusted: false }]],
    ['authenticated-read', [{ kind: 'public', principal: 'AuthenticatedUsers', via: 'x-amz-acl authenticated-read', actions: ['READ'], trusted: false }]],
    ['unheard-of', [{ kind: 'unknown', principal: 'unheard-of', label: 'unrecognised canned ACL', via: 'x-amz-acl', trusted: false }]],
  ])('alerts on canned %s', (acl, grants) => {
    expect(findingOf(evaluate(withAcl({ 'x-amz-acl': [acl] }))).grants).toEqual(grants);
  });

  it.each([['private'], ['bucket-owner-read'], ['bucket-owner-full-control']])('stays quiet on canned %s', (acl) => {
    expect(evaluate(withAcl({ 'x-amz-acl': [acl] })).status).toBe('no-grant');
  });

  it.each([
    ['log-delivery-write', { kind: 'aws-owned', principal: 'LogDelivery', label: 'S3 server access log delivery group', via: 'x-amz-acl log-delivery-write', trusted: true }],
    ['aws-exec-read', { kind: 'aws-owned', principal: 'ec2.amazonaws.com', label: 'EC2 reading AMI bundles', via: 'x-amz-acl aws-exec-read', trusted: true }],
  ])('names canned %s as AWS-owned', (acl, grant) => {
    expect(quietGrantsOf(evaluate(withAcl({ 'x-amz-acl': [acl] })))).toEqual([grant]);
  });

  it('reads grant headers', () => {
    const finding = findingOf(
      evaluate(
        withAcl({
          'x-amz-grant-read': ['uri="http://acs.amazonaws.com/groups/global/AllUsers", id="' + OTHER_CANONICAL + '"'],
          'x-amz-grant-write-acp': ['emailAddress="partner@example.com"'],
          'x-amz-grant-full-control': ['team=ops'],
        }),
      ),
    );

    expect(finding.grants).toEqual([
      { kind: 'public', principal: 'AllUsers', via: 'x-amz-grant-read', actions: ['READ'], trusted: false },
      { kind: 'canonical-user', canonicalUserId: OTHER_CANONICAL, via: 'x-amz-grant-read', actions: ['READ'], trusted: false },
      { kind: 'canonical-user', emailAddress: 'partner@example.com', via: 'x-amz-grant-write-acp', actions: ['WRITE_ACP'], trusted: false },
      { kind: 'unknown', principal: 'team=ops', label: 'unrecognised grant header value', via: 'x-amz-grant-full-control', trusted: false },
    ]);
    expect(finding.severity).toBe('critical');
  });

  it('reads e-mail grantee', () => {
    const finding = findingOf(
      evaluate(
        withAcl({
          AccessControlPolicy: {
            AccessControlList: { Grant: { Grantee: { 'xsi:type': 'AmazonCustomerByEmail', EmailAddress: 'partner@example.com' }, Permission: 'READ' } },
            Owner: { ID: OWNER_CANONICAL },
          },
        }),
      ),
    );

    expect(finding.grants).toEqual([{ kind: 'canonical-user', emailAddress: 'partner@example.com', via: 'Grant[0]', actions: ['READ'], trusted: false }]);
    expect(finding.reasons).toEqual(['shared with e-mail grantee partner@example.com: not on the trusted list']);
  });

  it('reads at most 1000 grants', () => {
    const grant = { Grantee: { 'xsi:type': 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' };
    const record = withAcl({
      AccessControlPolicy: { AccessControlList: { Grant: Array.from({ length: 1200 }, () => grant) } },
      'x-amz-grant-read': [`id="${OTHER_CANONICAL}"`],
    });

    const result = putBucketAcl.extract(record);

    expect(result?.grants).toHaveLength(1000);
    expect(result?.warnings).toEqual(['only the first 1000 of 1200 ACL grants were read', 'only the first 1000 grants of the ACL were read']);
  });

  it('caps header grants across values', () => {
    const values = Array.from({ length: 600 }, () => `id="${OTHER_CANONICAL}", uri="http://acs.amazonaws.com/groups/global/AllUsers"`);

    const result = putBucketAcl.extract(withAcl({ 'x-amz-grant-read': values, 'x-amz-acl': ['public-read'] }));

    expect(result?.grants).toHaveLength(1000);
    expect(result?.grants[0]).toEqual({ kind: 'public', principal: 'AllUsers', via: 'x-amz-acl public-read', actions: ['READ'] });
    expect(result?.warnings).toEqual(['only the first 1000 grants of the ACL were read']);
  });

  it('warns when no ACL is present', () => {
    const finding = findingOf(evaluate(withAcl({})));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['the request has no AccessControlPolicy, x-amz-acl or x-amz-grant-* value']);
    expect(finding.severity).toBe('medium');
  });

  it('warns on grant that is not an object', () => {
    const finding = findingOf(evaluate(withAcl({ AccessControlPolicy: { AccessControlList: { Grant: ['READ'] } } })));

    expect(finding.warnings).toEqual(['Grant[0] is not an object']);
  });

  it('flags grantee with nothing to read', () => {
    const finding = findingOf(evaluate(withAcl({ AccessControlPolicy: { AccessControlList: { Grant: { Grantee: { 'xsi:type': 'CanonicalUser' }, Permission: 'READ' } } } })));

    expect(finding.grants).toEqual([
      { kind: 'unknown', principal: 'CanonicalUser without ID, URI or EmailAddress', label: 'unrecognised grantee', via: 'Grant[0]', trusted: false },
    ]);
  });
});

import { putBucketPolicy } from '../../../lambda/rules/s3/put-bucket-policy';
import {
  evaluate,
  evaluateFixture,
  findingOf,
  labelledTrustedList,
  loadFixture,
  ORGANIZATION,
  OUTSIDER,
  OWNER,
  PARTNER,
  quietGrantsOf,
  trustedList,
} from '../../support/fixtures';

/** The two-line fix for a bucket policy: fetch it, delete the named statements by hand, and put it back. */
function policyFix(bucket: string, statements: string, region = 'eu-west-1'): string {
  const target = `--region ${region} --bucket ${bucket}`;
  return [
    `aws s3api get-bucket-policy ${target} --query Policy --output text > policy.json  # delete statements: ${statements}`,
    `aws s3api put-bucket-policy ${target} --policy file://policy.json`,
  ].join('\n');
}

function withPolicy(policy: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('s3', 'policy-public-principal-star');
  (record.requestParameters as { bucketPolicy: unknown }).bucketPolicy = policy;
  return record;
}

describe('PutBucketPolicy rule', () => {
  it('reads the bucket and its ARN', () => {
    const result = putBucketPolicy.extract(loadFixture('s3', 'policy-public-principal-star'));

    expect(result?.resource).toEqual({ type: 'AWS::S3::Bucket', id: 'press-kit-assets', arn: 'arn:aws:s3:::press-kit-assets' });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts critical on unconditioned star', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-public-principal-star'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'PublicReadGetObject', actions: ['s3:GetObject'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded', errorCode: null, ruleId: 's3-bucket-policy' });
    expect(finding.actor).toMatchObject({ arn: `arn:aws:iam::${OWNER}:user/maria.santos`, type: 'IAMUser', sourceIp: 'AWS Internal' });
    expect(finding.actor.userAgent).toMatch(/^\[S3Console\/0\.4, /);
    expect(finding.remediation).toBe(
      'aws s3api get-bucket-policy --region eu-west-1 --bucket press-kit-assets --query Policy --output text > policy.json  # delete statements: PublicReadGetObject\n' +
        'aws s3api put-bucket-policy --region eu-west-1 --bucket press-kit-assets --policy file://policy.json',
    );
  });

  it('narrows AWS star to PrincipalOrgID', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-principal-org-id'));

    expect(finding.grants).toEqual([
      { kind: 'organization', organizationId: ORGANIZATION, via: 'AllowOrganizationRead', actions: ['s3:GetObject', 's3:ListBucket'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, reasons: [`shared with organization ${ORGANIZATION}: not on the trusted list`] });
    expect(finding.remediation).toBe(policyFix('shared-datasets-111122223333', 'AllowOrganizationRead'));
  });

  it('trusts organization on the list', () => {
    const evaluation = evaluateFixture('s3', 'policy-principal-org-id', { trustedList: labelledTrustedList({ [ORGANIZATION]: 'our organization' }) });

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'organization',
        organizationId: ORGANIZATION,
        via: 'AllowOrganizationRead',
        actions: ['s3:GetObject', 's3:ListBucket'],
        trusted: true,
        label: 'our organization',
      },
    ]);
  });

  it('reads mixed-case AWS:SourceAccount', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-source-account-mixed-case'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: PARTNER, via: 'PartnerWrites', actions: ['s3:PutObject'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded' });
    expect(finding.remediation).toBe(policyFix('partner-drop-zone', 'PartnerWrites'));
  });

  it('trusts source account on the list', () => {
    const evaluation = evaluateFixture('s3', 'policy-source-account-mixed-case', { trustedList: trustedList(PARTNER) });

    expect(quietGrantsOf(evaluation)).toEqual([{ kind: 'account', accountId: PARTNER, via: 'PartnerWrites', actions: ['s3:PutObject'], trusted: true }]);
  });

  it('narrows star by ForAnyValue org paths', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-for-any-value-org-paths'));

    expect(finding.grants).toEqual([
      {
        kind: 'organization',
        organizationId: ORGANIZATION,
        organizationalUnitId: 'ou-ab12-cd34ef56',
        via: 'AllowAnalyticsOu',
        actions: ['s3:GetObject'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(policyFix('analytics-exports', 'AllowAnalyticsOu'));
  });

  it('keeps ForAllValues org paths public', () => {
    const record = loadFixture('s3', 'policy-for-any-value-org-paths');
    const statement = (record.requestParameters as { bucketPolicy: { Statement: { Condition: unknown }[] } }).bucketPolicy.Statement[0];
    statement.Condition = { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/r-ab12/ou-ab12-cd34ef56/'] } };

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'AllowAnalyticsOu', actions: ['s3:GetObject'], trusted: false }]);
    expect(finding.severity).toBe('critical');
  });

  it('alerts medium on VPC endpoint only', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-source-vpce-only'));

    expect(finding.grants).toEqual([
      { kind: 'network', vpceId: ['vpce-0a1b2c3d4e5f67890'], via: 'AccessFromBuildVpcEndpoint', actions: ['s3:GetObject', 's3:PutObject'], trusted: false },
    ]);
    expect(finding).toMatchObject({
      severity: 'medium',
      public: false,
      outcome: 'succeeded',
      reasons: ['shared with anyone from vpce-0a1b2c3d4e5f67890: a network origin that is not on the trusted list'],
    });
    expect(finding.remediation).toBe(policyFix('internal-artifacts', 'AccessFromBuildVpcEndpoint'));
  });

  it('trusts VPC endpoint on the list', () => {
    const evaluation = evaluateFixture('s3', 'policy-source-vpce-only', { trustedList: labelledTrustedList({ 'vpce-0a1b2c3d4e5f67890': 'build VPC endpoint' }) });

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'network',
        vpceId: ['vpce-0a1b2c3d4e5f67890'],
        via: 'AccessFromBuildVpcEndpoint',
        actions: ['s3:GetObject', 's3:PutObject'],
        trusted: true,
        label: 'build VPC endpoint',
      },
    ]);
  });

  it('marks owner trusted among ARNs', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-account-arn-list-with-owner'));
    const actions = ['s3:GetObject', 's3:ListBucket'];

    expect(finding.grants).toEqual([
      { kind: 'account', accountId: OWNER, principal: `arn:aws:iam::${OWNER}:root`, via: 'EtlReaders', actions, trusted: true, label: 'resource owner' },
      { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:role/etl-reader`, via: 'EtlReaders', actions, trusted: false },
      { kind: 'account', accountId: PARTNER, via: 'EtlReaders', actions, trusted: false },
    ]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      reasons: [`shared with account ${OUTSIDER}: not on the trusted list`, `shared with account ${PARTNER}: not on the trusted list`],
    });
    expect(finding.remediation).toBe(policyFix('etl-staging', 'EtlReaders'));
  });

  it('stays quiet when listed accounts are trusted', () => {
    const evaluation = evaluateFixture('s3', 'policy-account-arn-list-with-owner', { trustedList: trustedList(OUTSIDER, PARTNER) });

    expect(quietGrantsOf(evaluation).map((grant) => grant.trusted)).toEqual([true, true, true]);
  });

  it('treats CloudFront OAI as AWS-owned', () => {
    const evaluation = evaluateFixture('s3', 'policy-cloudfront-origin-access-identity');

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'aws-owned',
        principal: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E3EXAMPLEOAI7Q',
        label: 'CloudFront origin access identity',
        via: '1',
        actions: ['s3:GetObject'],
        trusted: true,
      },
    ]);
  });

  it('keeps unrestricted service quiet by default', () => {
    const evaluation = evaluateFixture('s3', 'policy-service-principal-unrestricted');

    expect(quietGrantsOf(evaluation)).toEqual([
      { kind: 'service', service: 'cloudtrail.amazonaws.com', via: 'AWSCloudTrailAclCheck', actions: ['s3:GetBucketAcl'], trusted: false },
      { kind: 'service', service: 'cloudtrail.amazonaws.com', via: 'AWSCloudTrailWrite', actions: ['s3:PutObject'], trusted: false },
    ]);
  });

  it('alerts low on unrestricted service when asked', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-service-principal-unrestricted', { alertOnUnrestrictedServices: true }));

    expect(finding).toMatchObject({ severity: 'low', public: false, outcome: 'succeeded' });
    expect(finding.reasons).toEqual([
      'shared with any cloudtrail.amazonaws.com resource in any account: no source account, and no source ARN that names an account, restricts it',
      'shared with any cloudtrail.amazonaws.com resource in any account: no source account, and no source ARN that names an account, restricts it',
    ]);
    expect(finding.remediation).toBe(policyFix('org-trail-logs', 'AWSCloudTrailAclCheck AWSCloudTrailWrite'));
  });

  it('trusts service scoped to own account', () => {
    const evaluation = evaluateFixture('s3', 'policy-service-principal-source-account', { alertOnUnrestrictedServices: true });

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'service',
        service: 'logging.s3.amazonaws.com',
        sourceAccount: OWNER,
        sourceArn: 'arn:aws:s3:::customer-uploads-111122223333',
        via: 'S3ServerAccessLogsPolicy',
        actions: ['s3:PutObject'],
        trusted: true,
      },
      {
        kind: 'account',
        accountId: OWNER,
        label: 'source account of logging.s3.amazonaws.com',
        via: 'S3ServerAccessLogsPolicy',
        actions: ['s3:PutObject'],
        trusted: true,
      },
    ]);
  });

  it('alerts on service scoped to outsider', () => {
    const record = loadFixture('s3', 'policy-service-principal-source-account');
    const statement = (record.requestParameters as { bucketPolicy: { Statement: { Condition: Record<string, Record<string, string>> }[] } }).bucketPolicy
      .Statement[0];
    statement.Condition.StringEquals['aws:SourceAccount'] = OUTSIDER;

    const finding = findingOf(evaluate(record));

    expect(finding.grants.map((grant) => [grant.kind, grant.trusted])).toEqual([
      ['service', false],
      ['account', false],
    ]);
    expect(finding.grants[1]).toMatchObject({ accountId: OUTSIDER, label: 'source account of logging.s3.amazonaws.com' });
    expect(finding.severity).toBe('high');
  });

  it('alerts on canonical user', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-canonical-user'));

    expect(finding.grants).toEqual([
      {
        kind: 'canonical-user',
        canonicalUserId: 'c7e3a9f5b1d7c3e9a5f1b7d3c9e5a1f7b3d9c5e1a7f3b9d5c1e7a3f9b5d1c7e3',
        via: 'GrantVendorRead',
        actions: ['s3:GetObject'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(policyFix('media-originals', 'GrantVendorRead'));
  });

  it('stays quiet on Deny-only policy', () => {
    const record = loadFixture('s3', 'policy-deny-only');

    expect(putBucketPolicy.extract(record)?.grants).toEqual([]);
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('reads Allow with NotPrincipal as public', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-not-principal-allow'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: 'NotPrincipal', via: 'EveryoneButAuditor', actions: ['s3:GetObject'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
    expect(finding.remediation).toBe(policyFix('legacy-reports', 'EveryoneButAuditor'));
  });

  it('reads Statement as single object', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-single-statement-object'));

    expect(finding.grants).toEqual([
      { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root`, via: 'VendorList', actions: ['s3:ListBucket'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(policyFix('vendor-exchange', 'VendorList'));
  });

  it('reads 2008-10-17 console policy', () => {
    const record = loadFixture('s3', 'policy-console-version-2008-10-17');
    expect(record.requestParameters).toMatchObject({ host: ['marketing-downloads.s3.amazonaws.com'], policy: [''] });

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'Stmt1710668399000', actions: ['s3:GetObject'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
    expect(finding.remediation).toBe(policyFix('marketing-downloads', 'Stmt1710668399000'));
  });

  it('parses policy given as JSON string', () => {
    const record = loadFixture('s3', 'policy-as-json-string');
    expect(typeof (record.requestParameters as { bucketPolicy: unknown }).bucketPolicy).toBe('string');

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'CrossAccountRead', actions: ['s3:GetObject', 's3:ListBucket'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(policyFix('ml-training-data', 'CrossAccountRead'));
  });

  it('alerts medium on AccessDenied attempt', () => {
    const finding = findingOf(evaluateFixture('s3', 'policy-access-denied'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'OpenRead', actions: ['s3:GetObject'], trusted: false }]);
    // The grant is listed as evidence, but a failed call made nothing public.
    expect(finding).toMatchObject({
      severity: 'medium',
      public: false,
      outcome: 'failed',
      errorCode: 'AccessDenied',
      remediation: null,
      reasons: ['the call failed (AccessDenied): an attempted share', 'shared with everyone (*)'],
    });
  });

  it('treats deleted principal id as context', () => {
    const evaluation = evaluateFixture('s3', 'policy-deleted-principal-unique-id');

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'deleted-principal',
        principalId: 'AROA4EXAMPLEDELETED7Z',
        label: 'unique id of a deleted IAM principal',
        via: 'HandoverAccess',
        actions: ['s3:GetObject'],
        trusted: true,
      },
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:role/handover-reader`,
        label: 'resource owner',
        via: 'HandoverAccess',
        actions: ['s3:GetObject'],
        trusted: true,
      },
    ]);
  });

  it('names ELB log delivery account', () => {
    const evaluation = evaluateFixture('s3', 'policy-elb-log-delivery-account');

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'aws-owned',
        principal: 'arn:aws:iam::127311923021:root',
        label: 'Elastic Load Balancing log delivery (us-east-1)',
        via: 'AllowElbLogDelivery',
        actions: ['s3:PutObject'],
        trusted: true,
      },
    ]);
  });

  it.each([
    ['null', null, 'the policy is missing or not an object'],
    ['a number', 42, 'the policy is missing or not an object'],
    ['invalid JSON text', '{"Statement": [', 'the policy is not a valid JSON object'],
    ['a JSON array text', '[]', 'the policy is not a valid JSON object'],
  ])('warns when bucketPolicy is %s', (_name, policy, warning) => {
    const finding = findingOf(evaluate(withPolicy(policy)));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual([warning]);
    expect(finding).toMatchObject({ severity: 'medium', public: false, reasons: ['the grants of this call could not all be read'] });
    expect(finding.remediation).toBeNull();
  });

  it('lists each offending statement once', () => {
    const finding = findingOf(
      evaluate(
        withPolicy({
          Statement: [
            { Sid: 'Outsiders', Effect: 'Allow', Principal: { AWS: [OUTSIDER, PARTNER] }, Action: 's3:GetObject' },
            { Sid: 'Owner', Effect: 'Allow', Principal: { AWS: OWNER }, Action: 's3:*' },
            { Sid: "it's public", Effect: 'Allow', Principal: '*', Action: 's3:GetObject' },
          ],
        }),
      ),
    );

    expect(finding.remediation).toBe(policyFix('press-kit-assets', "Outsiders 'it'\\''s public'"));
  });
});

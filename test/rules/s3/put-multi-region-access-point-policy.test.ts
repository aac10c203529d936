import { putMultiRegionAccessPointPolicy } from '../../../lambda/rules/s3/put-multi-region-access-point-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, ORGANIZATION, OWNER, quietGrantsOf } from '../../support/fixtures';

type MrapParams = { PutMultiRegionAccessPointPolicyRequest: { Details: { Name?: string; Policy?: unknown } } };

describe('PutMultiRegionAccessPointPolicy rule', () => {
  it('reads the access point name and account', () => {
    const result = putMultiRegionAccessPointPolicy.extract(loadFixture('s3', 'multi-region-access-point-policy-public'));

    expect(result?.resource).toEqual({ type: 'AWS::S3::MultiRegionAccessPoint', id: 'downloads-global' });
    expect(result?.details).toEqual({ accountId: OWNER });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts critical on public downloads', () => {
    const finding = findingOf(evaluateFixture('s3', 'multi-region-access-point-policy-public'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'PublicDownloads', actions: ['s3:GetObject'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, region: 'us-west-2', ruleId: 's3-multi-region-access-point-policy' });
    expect(finding.remediation).toBe(
      `aws s3control get-multi-region-access-point-policy --region us-west-2 --account-id ${OWNER} --name downloads-global --query Policy.Established.Policy --output text > policy.json  # delete statements: PublicDownloads\n` +
        `aws s3control put-multi-region-access-point-policy --region us-west-2 --account-id ${OWNER} --details "$(jq -n --arg name downloads-global --rawfile policy policy.json '{Name: $name, Policy: $policy}')"`,
    );
  });

  it('stays quiet on own role', () => {
    expect(quietGrantsOf(evaluateFixture('s3', 'multi-region-access-point-policy-own-account'))).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:role/app-server`,
        via: 'AppServers',
        actions: ['s3:GetObject', 's3:PutObject'],
        trusted: true,
        label: 'resource owner',
      },
    ]);
  });

  it('narrows star to organization paths', () => {
    const record = loadFixture('s3', 'multi-region-access-point-policy-public');
    (record.requestParameters as MrapParams).PutMultiRegionAccessPointPolicyRequest.Details.Policy = JSON.stringify({
      Statement: [{ Sid: 'OrgRead', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${ORGANIZATION}/r-ab12/*`] } } }],
    });

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([{ kind: 'organization', organizationId: ORGANIZATION, via: 'OrgRead', actions: ['s3:GetObject'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
  });

  it('reads top-level Details', () => {
    const record = loadFixture('s3', 'multi-region-access-point-policy-public');
    const params = record.requestParameters as Partial<MrapParams> & { Details?: unknown };
    params.Details = params.PutMultiRegionAccessPointPolicyRequest?.Details;
    delete params.PutMultiRegionAccessPointPolicyRequest;

    expect(findingOf(evaluate(record)).grants).toEqual([expect.objectContaining({ kind: 'public', via: 'PublicDownloads' })]);
  });

  it('warns when Details is missing', () => {
    const record = loadFixture('s3', 'multi-region-access-point-policy-public');
    (record.requestParameters as MrapParams).PutMultiRegionAccessPointPolicyRequest.Details = {};

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual([
      'requestParameters.PutMultiRegionAccessPointPolicyRequest.Details.Name is missing',
      'requestParameters.PutMultiRegionAccessPointPolicyRequest.Details.Policy is missing, so the grants of the new policy are unknown',
    ]);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });
});

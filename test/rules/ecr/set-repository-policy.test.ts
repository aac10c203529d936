import { setRepositoryPolicy } from '../../../lambda/rules/ecr/set-repository-policy';
import {
  evaluate,
  evaluateFixture,
  findingOf,
  loadFixture,
  ORGANIZATION,
  OUTSIDER,
  OWNER,
  quietGrantsOf,
  trustedList,
} from '../../support/fixtures';

const PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

/** Builds the two-line fix for a repository policy: fetch it, delete the named statements by hand, and put it back. */
function policyFix(repository: string, statements: string, region = 'us-east-1', registry = ''): string {
  const target = `--region ${region}${registry} --repository-name ${repository}`;
  return [
    `aws ecr get-repository-policy ${target} --query policyText --output text > policy.json  # delete statements: ${statements}`,
    `aws ecr set-repository-policy ${target} --policy-text file://policy.json`,
  ].join('\n');
}

function withPolicy(policy: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('ecr', 'repository-policy-cross-account-pull');
  (record.requestParameters as { policyText: unknown }).policyText = policy;
  return record;
}

describe('SetRepositoryPolicy rule', () => {
  it('reads the repository and its ARN', () => {
    const result = setRepositoryPolicy.extract(loadFixture('ecr', 'repository-policy-public'));

    expect(result?.resource).toEqual({
      type: 'AWS::ECR::Repository',
      id: 'open-tools/cli-runner',
      arn: `arn:aws:ecr:eu-west-1:${OWNER}:repository/open-tools/cli-runner`,
    });
    expect(result?.warnings).toEqual([]);
    expect(result?.details).toBeUndefined();
  });

  it('alerts critical on public pull', () => {
    const finding = findingOf(evaluateFixture('ecr', 'repository-policy-public'));

    expect(finding.grants).toEqual([
      {
        kind: 'public',
        principal: '*',
        via: 'PublicPull',
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded', ruleId: 'ecr-repository-policy' });
    expect(finding.actor).toMatchObject({ type: 'AssumedRole', invokedBy: 'cloudformation.amazonaws.com' });
    expect(finding.remediation).toBe(policyFix('open-tools/cli-runner', 'PublicPull', 'eu-west-1'));
  });

  it('alerts on cross-account pull', () => {
    const finding = findingOf(evaluateFixture('ecr', 'repository-policy-cross-account-pull'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:role/ci-image-builder`,
        via: 'CiPush',
        actions: ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'],
        trusted: true,
        label: 'resource owner',
      },
      { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root`, via: 'PartnerPull', actions: PULL_ACTIONS, trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, reasons: [`shared with account ${OUTSIDER}: not on the trusted list`] });
    expect(finding.remediation).toBe(policyFix('billing/invoice-api', 'PartnerPull'));
  });

  it('trusts partner on the list', () => {
    const evaluation = evaluateFixture('ecr', 'repository-policy-cross-account-pull', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation).map((grant) => grant.trusted)).toEqual([true, true]);
  });

  it('stays quiet on own account and service', () => {
    const evaluation = evaluateFixture('ecr', 'repository-policy-own-account', { alertOnUnrestrictedServices: true });

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'service',
        service: 'lambda.amazonaws.com',
        sourceArn: `arn:aws:lambda:us-east-1:${OWNER}:function:*`,
        sourceAccount: OWNER,
        via: 'LambdaPull',
        actions: PULL_ACTIONS,
        trusted: true,
      },
      { kind: 'account', accountId: OWNER, label: 'source account of lambda.amazonaws.com', via: 'LambdaPull', actions: PULL_ACTIONS, trusted: true },
      { kind: 'account', accountId: OWNER, label: 'resource owner', via: 'AccountPull', actions: PULL_ACTIONS, trusted: true },
    ]);
  });

  it('narrows star to organization', () => {
    const finding = findingOf(
      evaluate(
        withPolicy(
          JSON.stringify({
            Statement: [{ Sid: 'OrgPull', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } } }],
          }),
        ),
      ),
    );

    expect(finding.grants).toEqual([{ kind: 'organization', organizationId: ORGANIZATION, via: 'OrgPull', actions: ['ecr:BatchGetImage'], trusted: false }]);
    expect(finding.severity).toBe('high');
  });

  it('reads the policy from the response', () => {
    const record = loadFixture('ecr', 'repository-policy-cross-account-pull');
    delete (record.requestParameters as { policyText?: unknown }).policyText;

    const finding = findingOf(evaluate(record));

    expect(finding.grants.map((grant) => [grant.via, grant.trusted])).toEqual([
      ['CiPush', true],
      ['PartnerPull', false],
    ]);
    expect(finding.warnings).toBeUndefined();
  });

  it('repeats a requested registry id', () => {
    const record = loadFixture('ecr', 'repository-policy-cross-account-pull');
    (record.requestParameters as Record<string, unknown>).registryId = OWNER;

    const finding = findingOf(evaluate(record));

    expect(finding.remediation).toBe(policyFix('billing/invoice-api', 'PartnerPull', 'us-east-1', ` --registry-id ${OWNER}`));
  });

  it.each([
    ['requestParameters is null', null],
    ['policyText is absent', { repositoryName: 'billing/invoice-api' }],
  ])('warns grants unknown when %s', (_name, params) => {
    const record = loadFixture('ecr', 'repository-policy-cross-account-pull');
    record.requestParameters = params;
    record.responseElements = null;

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toContain('requestParameters.policyText is missing, so the grants of the new policy are unknown');
    expect(finding).toMatchObject({ severity: 'medium', public: false, remediation: null, reasons: ['the grants of this call could not all be read'] });
  });

  it('alerts medium on denied attempt', () => {
    const record = loadFixture('ecr', 'repository-policy-public');
    record.errorCode = 'AccessDeniedException';
    record.errorMessage = 'User is not authorized to perform: ecr:SetRepositoryPolicy';
    record.responseElements = null;

    const finding = findingOf(evaluate(record));

    expect(finding).toMatchObject({ severity: 'medium', public: false, outcome: 'failed', errorCode: 'AccessDeniedException', remediation: null });
    expect(finding.reasons).toEqual(['the call failed (AccessDeniedException): an attempted share', 'shared with everyone (*)']);
  });

  it('quotes a hostile repository name', () => {
    const record = loadFixture('ecr', 'repository-policy-public');
    (record.requestParameters as Record<string, unknown>).repositoryName = "tools; rm -rf ~ '";

    const finding = findingOf(evaluate(record));

    expect(finding.remediation).toContain(`--repository-name 'tools; rm -rf ~ '\\''' --query policyText`);
  });
});

import { updateAssumeRolePolicy } from '../../../lambda/rules/iam/update-assume-role-policy';
import { HIDDEN_VALUE } from '../../../lambda/rules/policy-document';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

describe('UpdateAssumeRolePolicy rule', () => {
  it('builds the role ARN from the owner', () => {
    const result = updateAssumeRolePolicy.extract(loadFixture('iam', 'update-trust-external-account'));

    expect(result?.resource).toEqual({ type: 'AWS::IAM::Role', id: 'ec2-ci-runner', arn: `arn:aws:iam::${OWNER}:role/ec2-ci-runner` });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts high on added external account', () => {
    const finding = findingOf(evaluateFixture('iam', 'update-trust-external-account'));

    expect(finding.grants).toEqual([
      { kind: 'service', service: 'ec2.amazonaws.com', via: 'Statement[0]', actions: ['sts:AssumeRole'], trusted: false },
      { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root`, via: 'Statement[1]', actions: ['sts:AssumeRole'], trusted: false },
    ]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      outcome: 'succeeded',
      ruleId: 'iam-role-trust-policy',
      reasons: [`shared with account ${OUTSIDER}: not on the trusted list`],
    });
    expect(finding.remediation).toBe(
      "aws iam get-role --role-name ec2-ci-runner --query Role.AssumeRolePolicyDocument --output json > trust-policy.json  # delete statements: 'Statement[1]'\n" +
        'aws iam update-assume-role-policy --role-name ec2-ci-runner --policy-document file://trust-policy.json',
    );
  });

  it('trusts external account on the list', () => {
    const evaluation = evaluateFixture('iam', 'update-trust-external-account', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation).map((grant) => [grant.kind, grant.trusted])).toEqual([
      ['service', false],
      ['account', true],
    ]);
  });

  it('stays quiet on own account', () => {
    const grants = quietGrantsOf(evaluateFixture('iam', 'update-trust-own-account'));

    expect(grants.map((grant) => [grant.kind, grant.trusted, grant.label])).toEqual([
      ['account', true, 'resource owner'],
      ['account', true, 'resource owner'],
    ]);
  });

  it('alerts medium on AccessDenied attempt', () => {
    const finding = findingOf(evaluateFixture('iam', 'update-trust-access-denied'));

    expect(finding.grants).toEqual([]);
    expect(finding).toMatchObject({
      severity: 'medium',
      public: false,
      outcome: 'failed',
      errorCode: 'AccessDenied',
      remediation: null,
      reasons: ['the call failed (AccessDenied): an attempted share', 'the grants of this call could not all be read'],
      warnings: ['requestParameters.roleName is missing', 'requestParameters.policyDocument is missing, so the grants of the new policy are unknown'],
    });
  });

  it.each([
    ['hidden', HIDDEN_VALUE, 'CloudTrail hid requestParameters.policyDocument, so the grants of the new policy are unknown'],
    ['not JSON', '{"Statement": [', 'the policy is not a valid JSON object'],
    ['without statements', '{"Version": "2012-10-17"}', 'the policy has no Statement'],
  ])('warns on policy %s', (_name, document, warning) => {
    const record = loadFixture('iam', 'update-trust-external-account');
    (record.requestParameters as Record<string, unknown>).policyDocument = document;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual([warning]);
    expect(finding).toMatchObject({ severity: 'medium', outcome: 'succeeded', remediation: null });
  });
});

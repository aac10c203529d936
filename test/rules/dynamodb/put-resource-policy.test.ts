import { putTablePolicy } from '../../../lambda/rules/dynamodb/put-resource-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, ORGANIZATION, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const TABLE = `arn:aws:dynamodb:eu-west-1:${OWNER}:table/orders`;

function policyFix(arn: string, statements: string): string {
  const target = `--region eu-west-1 --resource-arn ${arn}`;
  return [
    `aws dynamodb get-resource-policy ${target} --query Policy --output text > policy.json  # delete statements: ${statements}`,
    `aws dynamodb put-resource-policy ${target} --policy file://policy.json`,
  ].join('\n');
}

function withPolicy(policy: unknown, resourceArn = TABLE): ReturnType<typeof loadFixture> {
  const record = loadFixture('dynamodb', 'table-policy-cross-account');
  record.requestParameters = { resourceArn, policy };
  return record;
}

describe('DynamoDB PutResourcePolicy rule', () => {
  it('alerts on a role of another account', () => {
    const finding = findingOf(evaluateFixture('dynamodb', 'table-policy-cross-account'));

    expect(finding.resource).toEqual({ type: 'AWS::DynamoDB::Table', id: TABLE, arn: TABLE });
    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:role/order-sync`,
        via: 'PartnerReadOrders',
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 'dynamodb-resource-policy' });
    expect(finding.remediation).toBe(policyFix(TABLE, 'PartnerReadOrders'));
  });

  it('stays quiet on owner-only policy', () => {
    expect(quietGrantsOf(evaluateFixture('dynamodb', 'table-policy-owner-only')).map((grant) => [grant.kind, grant.trusted, grant.label])).toEqual([
      ['account', true, 'resource owner'],
    ]);
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('dynamodb', 'table-policy-cross-account', { trustedList: trustedList(OUTSIDER) })).map((grant) => grant.trusted)).toEqual([true]);
  });

  it.each([
    ['star', { Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'dynamodb:GetItem' }] }, 'critical', true],
    [
      'star narrowed to an organization',
      { Statement: [{ Sid: 'Org', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'dynamodb:Query', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } } }] },
      'high',
      false,
    ],
  ])('reads %s', (_name, policy, severity, isPublic) => {
    const finding = findingOf(evaluate(withPolicy(JSON.stringify(policy))));

    expect(finding).toMatchObject({ severity, public: isPublic });
  });

  it('names a stream resource', () => {
    const stream = `${TABLE}/stream/2026-03-19T10:00:00.000`;
    const finding = findingOf(evaluate(withPolicy(JSON.stringify({ Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'dynamodb:GetRecords' }] }), stream)));

    expect(finding.resource).toEqual({ type: 'AWS::DynamoDB::Stream', id: stream, arn: stream });
    expect(finding.remediation).toBe(policyFix(stream, 'Open'));
  });

  it.each([
    ['missing', undefined, 'requestParameters.policy is missing, so the grants of the new policy are unknown'],
    ['invalid JSON', '{"Statement": [', 'the policy is not a valid JSON object'],
  ])('warns when policy is %s', (_name, policy, warning) => {
    const finding = findingOf(evaluate(withPolicy(policy)));

    expect(finding.warnings).toEqual([warning]);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });

  it('warns when the resource is missing', () => {
    const result = putTablePolicy.extract(withPolicy(JSON.stringify({ Statement: [] }), ''));

    expect(result?.warnings).toContain('requestParameters.resourceArn is missing');
  });
});

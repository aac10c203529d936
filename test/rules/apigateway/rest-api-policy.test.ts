import { restApiPolicy } from '../../../lambda/rules/apigateway/rest-api-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, quietGrantsOf, trustedList } from '../../support/fixtures';

function policyFix(api: string, statements: string): string {
  const target = `--region us-east-1 --rest-api-id ${api}`;
  return [
    `aws apigateway get-rest-api ${target} --query policy --output text > policy.json  # unescape the \\" quotes, then delete statements: ${statements}`,
    `aws apigateway update-rest-api ${target} --patch-operations file://patch.json  # patch.json: [{"op": "replace", "path": "/policy", "value": "<policy.json as a JSON string>"}]`,
    `aws apigateway create-deployment ${target} --stage-name STAGE  # the policy takes effect on the next deployment of each stage`,
  ].join('\n');
}

function withOperations(operations: unknown, response: unknown = null): ReturnType<typeof loadFixture> {
  const record = loadFixture('apigateway', 'rest-api-policy-made-public');
  record.requestParameters = { restApiId: 'a1b2c3d4e5', template: false, patch: { patchOperations: operations } };
  record.responseElements = response;
  return record;
}

const OPEN = JSON.stringify({ Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke' }] });
const PARTNER_ONLY = JSON.stringify({ Statement: [{ Sid: 'Partner', Effect: 'Allow', Principal: { AWS: OUTSIDER }, Action: 'execute-api:Invoke' }] });

describe('API Gateway REST API policy rule', () => {
  it('alerts critical on patched open policy', () => {
    const finding = findingOf(evaluateFixture('apigateway', 'rest-api-policy-made-public'));

    expect(finding.resource).toEqual({ type: 'AWS::ApiGateway::RestApi', id: 'a1b2c3d4e5', arn: 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5' });
    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'Statement[0]', actions: ['execute-api:Invoke'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, ruleId: 'apigateway-rest-api-policy' });
    expect(finding.remediation).toBe(policyFix('a1b2c3d4e5', "'Statement[0]'"));
  });

  it('alerts on account in created API', () => {
    const finding = findingOf(evaluateFixture('apigateway', 'rest-api-created-with-account-policy'));

    expect(finding.resource.id).toBe('f6e5d4c3b2');
    expect(finding.grants).toEqual([
      { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root`, via: 'PartnerInvoke', actions: ['execute-api:Invoke'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(policyFix('f6e5d4c3b2', 'PartnerInvoke'));
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('apigateway', 'rest-api-created-with-account-policy', { trustedList: trustedList(OUTSIDER) })).map((grant) => grant.trusted)).toEqual([
      true,
    ]);
  });

  it('stays quiet on rename', () => {
    const record = loadFixture('apigateway', 'rest-api-renamed');

    expect(restApiPolicy.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('stays quiet when the policy is removed', () => {
    expect(restApiPolicy.extract(withOperations([{ op: 'remove', path: '/policy' }]))).toBeUndefined();
  });

  it('reads the last policy operation', () => {
    const finding = findingOf(
      evaluate(
        withOperations([
          { op: 'replace', path: '/policy', value: OPEN },
          { op: 'replace', path: '/policy', value: PARTNER_ONLY },
        ]),
      ),
    );

    expect(finding.grants.map((grant) => grant.kind)).toEqual(['account']);
  });

  it('reads the escaped policy of the response', () => {
    const escaped = OPEN.replace(/"/g, '\\"');
    const finding = findingOf(evaluate(withOperations([{ op: 'replace', path: '/policy' }], { id: 'a1b2c3d4e5', policy: escaped })));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'Open', actions: ['execute-api:Invoke'], trusted: false }]);
  });

  it('reads patch operations at the top level', () => {
    const record = withOperations([]);
    record.requestParameters = { restApiId: 'a1b2c3d4e5', patchOperations: [{ op: 'add', path: '/policy', value: OPEN }] };

    expect(findingOf(evaluate(record)).severity).toBe('critical');
  });

  it('warns when the patched value is missing', () => {
    const finding = findingOf(evaluate(withOperations([{ op: 'replace', path: '/policy' }])));

    expect(finding.warnings).toEqual(['the value of the /policy patch operation is missing, so the grants of the new policy are unknown']);
    expect(finding.severity).toBe('medium');
  });

  it('ignores a policy key among tags', () => {
    const record = loadFixture('apigateway', 'rest-api-created-with-account-policy');
    record.requestParameters = { name: 'tagged', tags: { policy: 'not a policy' } };
    record.responseElements = { id: 'f6e5d4c3b2' };

    expect(restApiPolicy.extract(record)).toBeUndefined();
  });
});

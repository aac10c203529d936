import { jmesPathString, putDestinationPolicy } from '../../../lambda/rules/logs/put-destination-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, ORGANIZATION, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

describe('PutDestinationPolicy rule', () => {
  it('reads the destination and its ARN', () => {
    const result = putDestinationPolicy.extract(loadFixture('logs', 'destination-policy-cross-account'));

    expect(result?.resource).toEqual({
      type: 'AWS::Logs::Destination',
      id: 'central-log-sink',
      arn: `arn:aws:logs:eu-west-1:${OWNER}:destination:central-log-sink`,
    });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts on cross-account subscription', () => {
    const finding = findingOf(evaluateFixture('logs', 'destination-policy-cross-account'));

    // The statement's Sid is empty, so it is named by its position.
    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'Statement[0]', actions: ['logs:PutSubscriptionFilter'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'logs-destination-policy' });
    expect(finding.remediation).toBe(
      "aws logs describe-destinations --region eu-west-1 --destination-name-prefix central-log-sink --query 'destinations[?destinationName=='\\''central-log-sink'\\''].accessPolicy | [0]' --output text > policy.json  # delete statements: 'Statement[0]'\n" +
        'aws logs put-destination-policy --region eu-west-1 --destination-name central-log-sink --access-policy file://policy.json',
    );
  });

  it('trusts sender account on the list', () => {
    const evaluation = evaluateFixture('logs', 'destination-policy-cross-account', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation)).toEqual([expect.objectContaining({ accountId: OUTSIDER, trusted: true })]);
  });

  it('stays quiet on own account', () => {
    expect(quietGrantsOf(evaluateFixture('logs', 'destination-policy-own-account'))).toEqual([
      { kind: 'account', accountId: OWNER, via: 'SameAccountSubscriptions', actions: ['logs:PutSubscriptionFilter'], trusted: true, label: 'resource owner' },
    ]);
  });

  it('narrows star to organization', () => {
    const record = loadFixture('logs', 'destination-policy-cross-account');
    (record.requestParameters as { accessPolicy: string }).accessPolicy = JSON.stringify({
      Statement: [{ Sid: 'OrgSenders', Effect: 'Allow', Principal: '*', Action: 'logs:PutSubscriptionFilter', Condition: { StringEquals: { 'aws:PrincipalOrgID': [ORGANIZATION] } } }],
    });

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([{ kind: 'organization', organizationId: ORGANIZATION, via: 'OrgSenders', actions: ['logs:PutSubscriptionFilter'], trusted: false }]);
    expect(finding.severity).toBe('high');
  });

  it('warns when accessPolicy is missing', () => {
    const record = loadFixture('logs', 'destination-policy-cross-account');
    record.requestParameters = { destinationName: 'central-log-sink', forceUpdate: false };

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.accessPolicy is missing, so the grants of the new policy are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });

  it('quotes a hostile destination name', () => {
    const record = loadFixture('logs', 'destination-policy-cross-account');
    (record.requestParameters as { destinationName: string }).destinationName = "it's\\here";

    const remediation = findingOf(evaluate(record)).remediation ?? '';

    expect(remediation).toContain(`--destination-name-prefix 'it'\\''s\\here'`);
    expect(remediation).toContain(`--query 'destinations[?destinationName=='\\''it\\'\\''s\\\\here'\\''].accessPolicy | [0]'`);
  });

  it.each([
    ['plain', 'central-log-sink', "'central-log-sink'"],
    ['quote', "it's", "'it\\'s'"],
    ['backslash', 'a\\b', "'a\\\\b'"],
  ])('writes %s name as JMESPath literal', (_name, value, literal) => {
    expect(jmesPathString(value)).toBe(literal);
  });
});

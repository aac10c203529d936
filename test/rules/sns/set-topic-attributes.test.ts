import { setTopicAttributes } from '../../../lambda/rules/sns/set-topic-attributes';
import { evaluate, evaluateFixture, findingOf, loadFixture, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const TOPIC = `arn:aws:sns:us-east-1:${OWNER}:alerts`;

/** Builds the two-line fix for a topic policy: fetch it, delete the named statements by hand, and set it back. */
function topicFix(statements: string): string {
  return [
    `aws sns get-topic-attributes --region us-east-1 --topic-arn ${TOPIC} --query Attributes.Policy --output text > policy.json  # delete statements: ${statements}`,
    `aws sns set-topic-attributes --region us-east-1 --topic-arn ${TOPIC} --attribute-name Policy --attribute-value file://policy.json`,
  ].join('\n');
}

describe('SetTopicAttributes rule', () => {
  it('stays quiet on the default topic policy', () => {
    const grants = quietGrantsOf(evaluateFixture('sns', 'set-topic-policy-default'));

    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ kind: 'account', accountId: OWNER, via: '__default_statement_ID', trusted: true, label: 'resource owner' });
  });

  it('alerts critical on everyone publish', () => {
    const finding = findingOf(evaluateFixture('sns', 'set-topic-policy-everyone'));

    expect(finding.grants[1]).toEqual({ kind: 'public', principal: '*', via: '__console_pub_0', actions: ['SNS:Publish'], trusted: false });
    expect(finding).toMatchObject({ severity: 'critical', public: true, ruleId: 'sns-topic-policy', resource: { type: 'AWS::SNS::Topic', id: TOPIC, arn: TOPIC } });
    expect(finding.remediation).toBe(topicFix('__console_pub_0'));
  });

  it('alerts high on partner account', () => {
    const finding = findingOf(evaluateFixture('sns', 'set-topic-policy-partner-account'));

    expect(finding.grants.filter((grant) => !grant.trusted)).toEqual([
      {
        kind: 'account',
        accountId: PARTNER,
        principal: `arn:aws:iam::${PARTNER}:root`,
        via: 'PartnerSubscribe',
        actions: ['SNS:Subscribe', 'SNS:Receive'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, reasons: [`shared with account ${PARTNER}: not on the trusted list`] });
    expect(finding.remediation).toBe(topicFix('PartnerSubscribe'));
  });

  it('trusts partner on the list', () => {
    const grants = quietGrantsOf(evaluateFixture('sns', 'set-topic-policy-partner-account', { trustedList: trustedList(PARTNER) }));

    expect(grants.map((grant) => [grant.kind, grant.trusted])).toEqual([
      ['account', true],
      ['account', true],
      ['service', true],
      ['account', true],
    ]);
  });

  it.each([['DisplayName'], ['DeliveryPolicy'], ['KmsMasterKeyId']])('ignores attribute %s', (name) => {
    const record = loadFixture('sns', 'set-topic-display-name');
    (record.requestParameters as Record<string, unknown>).attributeName = name;

    expect(setTopicAttributes.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('reads attribute name case-insensitively', () => {
    const record = loadFixture('sns', 'set-topic-policy-everyone');
    (record.requestParameters as Record<string, unknown>).attributeName = 'policy';

    expect(findingOf(evaluate(record)).severity).toBe('critical');
  });

  it('warns when the policy value is missing', () => {
    const record = loadFixture('sns', 'set-topic-policy-everyone');
    delete (record.requestParameters as Record<string, unknown>).attributeValue;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.attributeValue is missing, so the grants of the new policy are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });

  it('warns when requestParameters is null', () => {
    const record = loadFixture('sns', 'set-topic-display-name');
    record.requestParameters = null;

    expect(setTopicAttributes.extract(record)?.warnings).toEqual([
      'requestParameters is missing, so whether the call changed the topic policy is unknown',
      'requestParameters.topicArn is missing',
    ]);
  });
});

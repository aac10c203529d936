import { RULES } from '../../../lambda/catalog';
import { detectorTopicChanged } from '../../../lambda/rules/detector/topic';
import { DETECTOR, evaluate, evaluateFixture, findingOf, loadFixture, OWNER, quietGrantsOf } from '../../support/fixtures';
import { critical, deployed, DRIFT, HOSTILE, HOSTILE_QUOTED, REGION } from './support';

const TOPIC_ARN = DETECTOR.topicArn;
const TOPIC = { type: 'AWS::SNS::Topic', id: TOPIC_ARN, arn: TOPIC_ARN };
const SUBSCRIPTION_ID = '2b7e4f1a-9c3d-4e8b-a6f0-5d1c3b9e7a24';

function withParameters(scenario: string, parameters: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('sns', scenario);
  record.requestParameters = parameters;
  return record;
}

describe('detector topic rule', () => {
  it('is a catalog tamper rule before the topic policy rule', () => {
    expect(detectorTopicChanged.category).toBe('tamper');
    expect(RULES.indexOf(detectorTopicChanged)).toBeGreaterThanOrEqual(0);
    expect(RULES.indexOf(detectorTopicChanged)).toBeLessThan(RULES.findIndex((rule) => rule.id === 'sns-topic-policy'));
  });

  it('reads the tamper alert topic too', () => {
    const deleted = findingOf(evaluate(withParameters('detector-delete-topic', { topicArn: DETECTOR.tamperTopicArn }), { detector: DETECTOR }));
    const unsubscribed = findingOf(evaluate(withParameters('detector-unsubscribe', { subscriptionArn: `${DETECTOR.tamperTopicArn}:${SUBSCRIPTION_ID}` }), { detector: DETECTOR }));

    expect(deleted.grants).toEqual([critical('tamper alert topic deleted', 'DeleteTopic')]);
    expect(unsubscribed.grants).toEqual([critical(`tamper alert topic subscription removed: ${SUBSCRIPTION_ID}`, 'Unsubscribe')]);
  });

  it('alerts critical on DeleteTopic', () => {
    const finding = findingOf(evaluateFixture('sns', 'detector-delete-topic', { detector: DETECTOR }));

    expect(finding.resource).toEqual(TOPIC);
    expect(finding.grants).toEqual([critical('alert topic deleted', 'DeleteTopic')]);
    expect(finding).toMatchObject({ severity: 'critical', public: false, outcome: 'succeeded', ruleId: 'detector-topic-changed' });
    expect(finding.remediation).toBe(DRIFT);
  });

  it('alerts critical on Unsubscribe', () => {
    const finding = findingOf(evaluateFixture('sns', 'detector-unsubscribe', { detector: DETECTOR }));

    expect(finding.resource).toEqual(TOPIC);
    expect(finding.grants).toEqual([critical(`alert topic subscription removed: ${SUBSCRIPTION_ID}`, 'Unsubscribe')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(DRIFT);
  });

  it('adds the policy grants of SetTopicAttributes', () => {
    const finding = findingOf(evaluateFixture('sns', 'detector-set-topic-policy-public', { detector: DETECTOR }));

    expect(finding.resource).toEqual(TOPIC);
    expect(finding.grants[0]).toEqual(critical('alert topic attribute Policy changed', 'SetTopicAttributes'));
    expect(finding.grants).toContainEqual({ kind: 'public', principal: '*', via: 'OpenSubscribe', actions: ['sns:Subscribe', 'sns:Publish'], trusted: false });
    expect(finding.grants).toContainEqual(expect.objectContaining({ kind: 'service', service: 'cloudwatch.amazonaws.com', sourceAccount: OWNER, trusted: true }));
    expect(finding).toMatchObject({ severity: 'critical', public: true, ruleId: 'detector-topic-changed' });
    expect(finding.reasons).toEqual(['a safeguard share-sentinel depends on was lowered: alert topic attribute Policy changed', 'shared with everyone (*)']);
    expect(finding.remediation).toBe(
      [
        `aws sns get-topic-attributes --region ${REGION} --topic-arn ${TOPIC_ARN} --query Attributes.Policy --output text > policy.json  # delete statements: OpenSubscribe`,
        `aws sns set-topic-attributes --region ${REGION} --topic-arn ${TOPIC_ARN} --attribute-name Policy --attribute-value file://policy.json`,
        DRIFT,
      ].join('\n'),
    );
  });

  it('alerts critical on another attribute', () => {
    const record = withParameters('detector-set-topic-policy-public', { topicArn: TOPIC_ARN, attributeName: 'KmsMasterKeyId', attributeValue: '' });
    const finding = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(finding.grants).toEqual([critical('alert topic attribute KmsMasterKeyId changed', 'SetTopicAttributes')]);
    expect(finding.remediation).toBe(DRIFT);
  });

  it('trusts a CloudFormation deployment', () => {
    const evaluation = evaluateFixture('sns', 'detector-set-topic-policy-cloudformation', { detector: DETECTOR });

    expect(evaluation.status).toBe('trusted');
    expect(quietGrantsOf(evaluation)[0]).toEqual(deployed('alert topic attribute Policy changed', 'SetTopicAttributes'));
  });

  it('still alerts on a public policy from CloudFormation', () => {
    const record = loadFixture('sns', 'detector-set-topic-policy-public');
    record.sourceIPAddress = 'cloudformation.amazonaws.com';
    const finding = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(finding.grants[0]).toEqual(deployed('alert topic attribute Policy changed', 'SetTopicAttributes'));
    expect(finding.reasons).toEqual(['shared with everyone (*)']);
    expect(finding.remediation).toBe(
      [
        `aws sns get-topic-attributes --region ${REGION} --topic-arn ${TOPIC_ARN} --query Attributes.Policy --output text > policy.json  # delete statements: OpenSubscribe`,
        `aws sns set-topic-attributes --region ${REGION} --topic-arn ${TOPIC_ARN} --attribute-name Policy --attribute-value file://policy.json`,
      ].join('\n'),
    );
  });

  it('leaves another topic to the topic policy rule', () => {
    const evaluation = evaluateFixture('sns', 'detector-other-topic-policy', { detector: DETECTOR });

    expect(evaluation.status).toBe('trusted');
    expect(evaluation.status === 'trusted' ? evaluation.rule.id : undefined).toBe('sns-topic-policy');
    expect(findingOf(evaluateFixture('sns', 'set-topic-policy-everyone', { detector: DETECTOR })).ruleId).toBe('sns-topic-policy');
  });

  it('ignores other topics and subscriptions', () => {
    const other = `arn:aws:sns:${REGION}:${OWNER}:billing-events`;

    expect(evaluate(withParameters('detector-delete-topic', { topicArn: other }), { detector: DETECTOR }).status).toBe('not-watched');
    expect(evaluate(withParameters('detector-delete-topic', { topicArn: `${TOPIC_ARN}-copy` }), { detector: DETECTOR }).status).toBe('not-watched');
    expect(evaluate(withParameters('detector-unsubscribe', { subscriptionArn: `${other}:${SUBSCRIPTION_ID}` }), { detector: DETECTOR }).status).toBe('not-watched');
    expect(evaluate(withParameters('detector-unsubscribe', { subscriptionArn: `${TOPIC_ARN}-copy:${SUBSCRIPTION_ID}` }), { detector: DETECTOR }).status).toBe('not-watched');
  });

  it('does not apply without the detector', () => {
    expect(evaluateFixture('sns', 'detector-delete-topic').status).toBe('not-watched');
    expect(evaluateFixture('sns', 'detector-unsubscribe').status).toBe('not-watched');
    expect(findingOf(evaluateFixture('sns', 'detector-set-topic-policy-public')).ruleId).toBe('sns-topic-policy');
  });

  it('bounds hostile attribute and subscription values', () => {
    const attribute = findingOf(evaluate(withParameters('detector-set-topic-policy-public', { topicArn: TOPIC_ARN, attributeName: `${HOSTILE}${'a'.repeat(300)}` }), { detector: DETECTOR }));
    const subscription = findingOf(evaluate(withParameters('detector-unsubscribe', { subscriptionArn: `${TOPIC_ARN}:${HOSTILE}${'s'.repeat(300)}` }), { detector: DETECTOR }));

    expect((attribute.grants[0] as { setting: string }).setting).toBe(`alert topic attribute ${`${HOSTILE}${'a'.repeat(300)}`.slice(0, 256)}…[${HOSTILE.length + 44} more characters] changed`);
    expect((subscription.grants[0] as { setting: string }).setting).toBe(`alert topic subscription removed: ${`${HOSTILE}${'s'.repeat(300)}`.slice(0, 256)}…[${HOSTILE.length + 44} more characters]`);
    expect(attribute.remediation).toBe(DRIFT);
  });

  it('quotes a hostile stack name', () => {
    const finding = findingOf(evaluateFixture('sns', 'detector-delete-topic', { detector: { ...DETECTOR, stackName: HOSTILE } }));

    expect(finding.remediation).toBe(DRIFT.replace('--stack-name ShareSentinel', () => `--stack-name ${HOSTILE_QUOTED}`));
  });
});

import { createTopic } from '../../../lambda/rules/sns/create-topic';
import { evaluate, evaluateFixture, findingOf, loadFixture, OWNER } from '../../support/fixtures';

const TOPIC = `arn:aws:sns:us-east-1:${OWNER}:status-broadcast`;

describe('CreateTopic rule', () => {
  it('ignores topic with default policy', () => {
    const record = loadFixture('sns', 'create-topic-default-policy');

    expect(createTopic.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('alerts critical on console everyone policy', () => {
    const finding = findingOf(evaluateFixture('sns', 'create-topic-everyone-policy'));

    expect(finding.grants.map((grant) => [grant.kind, grant.via, grant.trusted])).toEqual([
      ['account', '__default_statement_ID', true],
      ['public', '__console_pub_0', false],
      ['public', '__console_sub_0', false],
    ]);
    expect(finding.grants[1]).toEqual({ kind: 'public', principal: '*', via: '__console_pub_0', actions: ['SNS:Publish'], trusted: false });
    expect(finding).toMatchObject({
      severity: 'critical',
      public: true,
      ruleId: 'sns-new-topic-policy',
      resource: { type: 'AWS::SNS::Topic', id: TOPIC, arn: TOPIC },
      reasons: ['shared with everyone (*)', 'shared with everyone (*)'],
    });
    expect(finding.remediation).toBe(
      `aws sns get-topic-attributes --region us-east-1 --topic-arn ${TOPIC} --query Attributes.Policy --output text > policy.json  # delete statements: __console_pub_0 __console_sub_0\n` +
        `aws sns set-topic-attributes --region us-east-1 --topic-arn ${TOPIC} --attribute-name Policy --attribute-value file://policy.json`,
    );
  });

  it('warns when attributes is a list', () => {
    const record = loadFixture('sns', 'create-topic-everyone-policy');
    (record.requestParameters as Record<string, unknown>).attributes = [{ key: 'Policy', value: '{}' }];

    expect(createTopic.extract(record)?.warnings).toEqual(['requestParameters.attributes is not an object, so whether the call set a topic policy is unknown']);
  });

  it('builds the ARN from the name without response', () => {
    const record = loadFixture('sns', 'create-topic-everyone-policy');
    record.responseElements = null;

    const result = createTopic.extract(record);

    expect(result?.resource).toEqual({ type: 'AWS::SNS::Topic', id: TOPIC, arn: TOPIC });
    expect(result?.warnings).toEqual(['responseElements.topicArn is missing']);
  });

  it('warns when requestParameters is null', () => {
    const record = loadFixture('sns', 'create-topic-everyone-policy');
    record.requestParameters = null;
    record.responseElements = null;
    record.errorCode = 'AuthorizationError';

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters is missing, so whether the call set a topic policy is unknown']);
    expect(finding).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
  });
});

import { setQueueAttributes } from '../../../lambda/rules/sqs/set-queue-attributes';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const URL = `https://sqs.eu-west-1.amazonaws.com/${OWNER}/order-fanout`;

describe('SetQueueAttributes rule', () => {
  it('alerts high on external role', () => {
    const finding = findingOf(evaluateFixture('sqs', 'set-queue-policy-external-account'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:role/order-consumer`,
        via: 'PartnerConsume',
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      ruleId: 'sqs-queue-policy',
      resource: { type: 'AWS::SQS::Queue', id: URL, arn: `arn:aws:sqs:eu-west-1:${OWNER}:order-fanout` },
    });
    expect(finding.remediation).toBe(
      [
        `aws sqs get-queue-attributes --region eu-west-1 --queue-url ${URL} --attribute-names Policy --query Attributes.Policy --output text > policy.json  # delete statements: PartnerConsume`,
        `jq -n --rawfile policy policy.json '{Policy: $policy}' > attributes.json`,
        `aws sqs set-queue-attributes --region eu-west-1 --queue-url ${URL} --attributes file://attributes.json`,
      ].join('\n'),
    );
  });

  it('trusts external account on the list', () => {
    expect(quietGrantsOf(evaluateFixture('sqs', 'set-queue-policy-external-account', { trustedList: trustedList(OUTSIDER) }))[0].trusted).toBe(true);
  });

  it('trusts SNS topic of the owner', () => {
    expect(quietGrantsOf(evaluateFixture('sqs', 'set-queue-policy-sns-topic'))).toEqual([
      {
        kind: 'service',
        service: 'sns.amazonaws.com',
        sourceArn: `arn:aws:sns:eu-west-1:${OWNER}:order-events`,
        sourceAccount: OWNER,
        via: 'topic-fanout',
        actions: ['sqs:SendMessage'],
        trusted: true,
      },
      { kind: 'account', accountId: OWNER, label: 'source account of sns.amazonaws.com', via: 'topic-fanout', actions: ['sqs:SendMessage'], trusted: true },
    ]);
  });

  it.each([
    ['other attributes', { VisibilityTimeout: '300' }],
    ['an empty policy, which removes it', { Policy: '' }],
  ])('ignores %s', (_name, attributes) => {
    const record = loadFixture('sqs', 'set-queue-visibility-timeout');
    (record.requestParameters as Record<string, unknown>).attributes = attributes;

    expect(setQueueAttributes.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('warns when the queue URL is missing', () => {
    const record = loadFixture('sqs', 'set-queue-policy-external-account');
    delete (record.requestParameters as Record<string, unknown>).queueUrl;

    const result = setQueueAttributes.extract(record);

    expect(result?.warnings).toEqual(['requestParameters.queueUrl is missing']);
    expect(result?.resource).toEqual({ type: 'AWS::SQS::Queue', id: '', arn: `arn:aws:sqs:eu-west-1:${OWNER}:` });
  });
});

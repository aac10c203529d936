import { createQueue } from '../../../lambda/rules/sqs/create-queue';
import { evaluate, evaluateFixture, findingOf, loadFixture, OWNER } from '../../support/fixtures';

const URL = `https://sqs.eu-west-1.amazonaws.com/${OWNER}/public-intake`;

describe('CreateQueue rule', () => {
  it('ignores queue without policy', () => {
    const record = loadFixture('sqs', 'create-queue-no-policy');

    expect(createQueue.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('alerts critical on public send', () => {
    const finding = findingOf(evaluateFixture('sqs', 'create-queue-public-send'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'AnyoneCanSend', actions: ['sqs:SendMessage'], trusted: false }]);
    expect(finding).toMatchObject({
      severity: 'critical',
      public: true,
      ruleId: 'sqs-new-queue-policy',
      resource: { type: 'AWS::SQS::Queue', id: URL, arn: `arn:aws:sqs:eu-west-1:${OWNER}:public-intake` },
    });
    expect(finding.remediation).toBe(
      [
        `aws sqs get-queue-attributes --region eu-west-1 --queue-url ${URL} --attribute-names Policy --query Attributes.Policy --output text > policy.json  # delete statements: AnyoneCanSend`,
        `jq -n --rawfile policy policy.json '{Policy: $policy}' > attributes.json`,
        `aws sqs set-queue-attributes --region eu-west-1 --queue-url ${URL} --attributes file://attributes.json`,
      ].join('\n'),
    );
  });

  it('ignores an empty policy', () => {
    const record = loadFixture('sqs', 'create-queue-public-send');
    (record.requestParameters as { attributes: Record<string, unknown> }).attributes.Policy = '';

    expect(createQueue.extract(record)).toBeUndefined();
  });

  it('warns when attributes is a list', () => {
    const record = loadFixture('sqs', 'create-queue-public-send');
    (record.requestParameters as Record<string, unknown>).attributes = [{ key: 'Policy', value: '{}' }];

    expect(createQueue.extract(record)?.warnings).toEqual(['requestParameters.attributes is not an object, so whether the call set a queue policy is unknown']);
  });

  it('builds the URL from the name without response', () => {
    const record = loadFixture('sqs', 'create-queue-public-send');
    record.responseElements = null;

    const result = createQueue.extract(record);

    expect(result?.resource).toEqual({ type: 'AWS::SQS::Queue', id: URL, arn: `arn:aws:sqs:eu-west-1:${OWNER}:public-intake` });
    expect(result?.warnings).toEqual(['responseElements.queueUrl is missing']);
  });

  it('warns when requestParameters is null', () => {
    const record = loadFixture('sqs', 'create-queue-public-send');
    record.requestParameters = null;
    record.responseElements = null;
    record.errorCode = 'AccessDenied';

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters is missing, so whether the call set a queue policy is unknown']);
    expect(finding).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
  });
});

import { findRule } from '../../../lambda/catalog';
import { addQueuePermission } from '../../../lambda/rules/sqs/add-permission';
import { parseQueueUrl } from '../../../lambda/rules/sqs/queue';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const URL = `https://sqs.eu-west-1.amazonaws.com/${OWNER}/invoice-jobs`;

describe('SQS AddPermission rule', () => {
  it('routes on the SQS event source', () => {
    const record = loadFixture('sqs', 'add-permission-external-account');

    expect(findRule(record)?.id).toBe('sqs-queue-permission');
    record.eventSource = 'sns.amazonaws.com';
    expect(findRule(record)?.id).toBe('sns-topic-permission');
  });

  it('alerts high on two accounts', () => {
    const finding = findingOf(evaluateFixture('sqs', 'add-permission-external-account'));

    expect(finding.grants).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'vendor-send', actions: ['sqs:SendMessage'], trusted: false },
      { kind: 'account', accountId: PARTNER, via: 'vendor-send', actions: ['sqs:SendMessage'], trusted: false },
    ]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      ruleId: 'sqs-queue-permission',
      resource: { type: 'AWS::SQS::Queue', id: URL, arn: `arn:aws:sqs:eu-west-1:${OWNER}:invoice-jobs` },
    });
    expect(finding.remediation).toBe(`aws sqs remove-permission --region eu-west-1 --queue-url ${URL} --label vendor-send`);
  });

  it('trusts one account on the list', () => {
    const finding = findingOf(evaluateFixture('sqs', 'add-permission-external-account', { trustedList: trustedList(PARTNER) }));

    expect(finding.grants.map((grant) => grant.trusted)).toEqual([false, true]);
    expect(finding.reasons).toEqual([`shared with account ${OUTSIDER}: not on the trusted list`]);
  });

  it('stays quiet on own account', () => {
    expect(quietGrantsOf(evaluateFixture('sqs', 'add-permission-own-account'))).toEqual([
      { kind: 'account', accountId: OWNER, via: 'owner-all', actions: ['sqs:*'], trusted: true, label: 'resource owner' },
    ]);
  });

  it('reads the lowercase key spelling', () => {
    const record = loadFixture('sqs', 'add-permission-external-account');
    const params = record.requestParameters as Record<string, unknown>;
    params.aWSAccountIds = params.AWSAccountIds;
    delete params.AWSAccountIds;

    expect(addQueuePermission.extract(record)?.grants).toHaveLength(2);
  });

  it('takes the ARN account from the queue URL', () => {
    const record = loadFixture('sqs', 'add-permission-external-account');
    (record.requestParameters as Record<string, unknown>).queueUrl = `https://sqs.eu-west-1.amazonaws.com/${PARTNER}/shared-jobs`;

    expect(addQueuePermission.extract(record)?.resource.arn).toBe(`arn:aws:sqs:eu-west-1:${PARTNER}:shared-jobs`);
  });

  it('warns when accounts are missing', () => {
    const record = loadFixture('sqs', 'add-permission-external-account');
    delete (record.requestParameters as Record<string, unknown>).AWSAccountIds;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.AWSAccountIds is missing, so the grantees are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });
});

describe('parseQueueUrl', () => {
  it.each([
    ['regional host', `https://sqs.eu-west-1.amazonaws.com/${OWNER}/jobs`, { account: OWNER, name: 'jobs' }],
    ['legacy host', `https://eu-west-1.queue.amazonaws.com/${OWNER}/jobs.fifo`, { account: OWNER, name: 'jobs.fifo' }],
    ['trailing slash', `https://sqs.eu-west-1.amazonaws.com/${OWNER}/jobs/`, { account: OWNER, name: 'jobs' }],
    ['no account', 'https://sqs.eu-west-1.amazonaws.com/jobs', undefined],
    ['not a URL', 'jobs', undefined],
  ])('reads %s', (_name, url, expected) => {
    expect(parseQueueUrl(url)).toEqual(expected);
  });
});

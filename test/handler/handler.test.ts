import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ConfigurationError } from '../../lambda/config';
import { createHandler, UnsupportedEventError } from '../../lambda/handler';
import { logger } from '../../lambda/logger';
import type { CloudTrailRecord } from '../../lambda/core/types';
import { TrustedListSource } from '../../lambda/trusted-source';
import { loadEvent, OUTSIDER, OWNER, PARTNER, wrapRecord, type CloudTrailEvent } from '../fixtures/handler/events';
import { parseAlertMessage, parseFinding } from '../fixtures/handler/messages';
import { freePort } from '../support/moto';

const TOPIC_ARN = `arn:aws:sns:us-east-1:${OWNER}:share-sentinel-alerts`;
const PARAMETER = '/share-sentinel/trusted-accounts';
const BASE_ENV: NodeJS.ProcessEnv = { ALERT_TOPIC_ARN: TOPIC_ARN, TRUSTED_ACCOUNTS_PARAMETER: PARAMETER };

const snsMock = mockClient(SNSClient);
const ssmMock = mockClient(SSMClient);

/**
 * A loopback endpoint where nothing listens. The clients are mocked, so no request is sent. A
 * request that a missing mock let through would fail on this port instead of reaching AWS.
 */
let closedEndpoint: string;

beforeAll(async () => {
  closedEndpoint = `http://127.0.0.1:${await freePort()}`;
});

beforeEach(() => {
  snsMock.reset();
  ssmMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'f3e2d1c0-b9a8-4776-9655-443322110000' });
  setTrustedList(PARTNER);
});

function setTrustedList(value: string): void {
  ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: 'StringList', Value: value, Version: 1 } });
}

function handlerWith(env: NodeJS.ProcessEnv = {}): ReturnType<typeof createHandler> {
  return createHandler({
    env: { ...BASE_ENV, ...env },
    sns: new SNSClient({ endpoint: closedEndpoint, maxAttempts: 1 }),
    trustedSource: (config) =>
      new TrustedListSource(
        config.trustedAccountsParameter,
        config.trustedAccountsMaxAgeSeconds,
        new SSMProvider({ awsSdkV3Client: new SSMClient({ endpoint: closedEndpoint, maxAttempts: 1 }) }),
      ),
  });
}

function publishedInput(index = 0): NonNullable<PublishCommand['input']> {
  return snsMock.commandCalls(PublishCommand)[index].args[0].input;
}

describe('configuration', () => {
  const cases: { name: string; env: NodeJS.ProcessEnv; variable: string; problem: 'missing' | 'invalid' }[] = [
    { name: 'topic ARN missing', env: { ALERT_TOPIC_ARN: undefined }, variable: 'ALERT_TOPIC_ARN', problem: 'missing' },
    { name: 'topic ARN blank', env: { ALERT_TOPIC_ARN: '  ' }, variable: 'ALERT_TOPIC_ARN', problem: 'missing' },
    { name: 'topic name only', env: { ALERT_TOPIC_ARN: 'share-sentinel-alerts' }, variable: 'ALERT_TOPIC_ARN', problem: 'invalid' },
    { name: 'FIFO topic', env: { ALERT_TOPIC_ARN: `${TOPIC_ARN}.fifo` }, variable: 'ALERT_TOPIC_ARN', problem: 'invalid' },
    { name: 'queue ARN as topic', env: { ALERT_TOPIC_ARN: `arn:aws:sqs:us-east-1:${OWNER}:alerts` }, variable: 'ALERT_TOPIC_ARN', problem: 'invalid' },
    { name: 'parameter missing', env: { TRUSTED_ACCOUNTS_PARAMETER: undefined }, variable: 'TRUSTED_ACCOUNTS_PARAMETER', problem: 'missing' },
    { name: 'parameter with spaces', env: { TRUSTED_ACCOUNTS_PARAMETER: 'trusted accounts' }, variable: 'TRUSTED_ACCOUNTS_PARAMETER', problem: 'invalid' },
    { name: 'max age negative', env: { TRUSTED_ACCOUNTS_MAX_AGE: '-1' }, variable: 'TRUSTED_ACCOUNTS_MAX_AGE', problem: 'invalid' },
    { name: 'max age with unit', env: { TRUSTED_ACCOUNTS_MAX_AGE: '5m' }, variable: 'TRUSTED_ACCOUNTS_MAX_AGE', problem: 'invalid' },
    { name: 'max age fraction', env: { TRUSTED_ACCOUNTS_MAX_AGE: '1.5' }, variable: 'TRUSTED_ACCOUNTS_MAX_AGE', problem: 'invalid' },
    { name: 'max age too large', env: { TRUSTED_ACCOUNTS_MAX_AGE: '1000000' }, variable: 'TRUSTED_ACCOUNTS_MAX_AGE', problem: 'invalid' },
    { name: 'failed calls yes', env: { ALERT_ON_FAILED_CALLS: 'yes' }, variable: 'ALERT_ON_FAILED_CALLS', problem: 'invalid' },
    { name: 'failed calls 1', env: { ALERT_ON_FAILED_CALLS: '1' }, variable: 'ALERT_ON_FAILED_CALLS', problem: 'invalid' },
    { name: 'unrestricted services on', env: { ALERT_ON_UNRESTRICTED_SERVICES: 'on' }, variable: 'ALERT_ON_UNRESTRICTED_SERVICES', problem: 'invalid' },
  ];

  test.each(cases)('$name: handler builds', ({ env }) => {
    expect(() => handlerWith(env)).not.toThrow();
  });

  test.each(cases)('$name: first invocation fails naming $variable', async ({ env, variable, problem }) => {
    const invocation = handlerWith(env)(loadEvent('snapshot-shared-with-account'));

    await expect(invocation).rejects.toThrow(ConfigurationError);
    await expect(invocation).rejects.toThrow(`environment variable ${variable} is ${problem}`);
  });

  test.each(cases)('$name: nothing read or published', async ({ env }) => {
    await handlerWith(env)(loadEvent('snapshot-shared-with-account')).catch(() => undefined);

    expect(snsMock).not.toHaveReceivedAnyCommand();
    expect(ssmMock).not.toHaveReceivedAnyCommand();
  });

  test('accepted values: max age 0, upper-case booleans', async () => {
    const handler = handlerWith({ TRUSTED_ACCOUNTS_MAX_AGE: '0', ALERT_ON_FAILED_CALLS: 'FALSE', ALERT_ON_UNRESTRICTED_SERVICES: ' True ' });

    await expect(handler(loadEvent('snapshot-share-failed'))).resolves.toEqual({ findingCount: 0 });
    expect(snsMock).not.toHaveReceivedAnyCommand();
  });
});

describe('events forwarded from a member account', () => {
  /** Builds the snapshot share as the central bus receives it from member account PARTNER in ap-southeast-2. */
  function memberEvent(): CloudTrailEvent {
    const event = loadEvent('snapshot-shared-with-account');
    const record = { ...event.detail, awsRegion: 'ap-southeast-2', recipientAccountId: PARTNER, userIdentity: { ...(event.detail.userIdentity as object), accountId: PARTNER, arn: `arn:aws:iam::${PARTNER}:user/ops` } };
    return { ...event, account: PARTNER, region: 'ap-southeast-2', detail: record };
  }

  test('alert names the member account and region', async () => {
    await handlerWith()(memberEvent());
    const finding = parseFinding(parseAlertMessage(publishedInput().Message ?? '').default);

    expect(publishedInput().Subject).toBe(`[high] EBS snapshot snap-0f1e2d3c4b5a69788 shared with ${OUTSIDER} in ${PARTNER}`);
    expect(finding).toMatchObject({ ownerAccountId: PARTNER, region: 'ap-southeast-2' });
  });

  test('remediation targets the member region', async () => {
    await handlerWith()(memberEvent());

    expect(parseFinding(parseAlertMessage(publishedInput().Message ?? '').default).remediation).toContain('--region ap-southeast-2');
  });
});

describe('publishing', () => {
  test('sharing event: one JSON-structured publish', async () => {
    const result = await handlerWith()(loadEvent('snapshot-shared-with-account'));

    expect(result).toEqual({ findingCount: 1 });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC_ARN,
      MessageStructure: 'json',
      Subject: `[high] EBS snapshot snap-0f1e2d3c4b5a69788 shared with ${OUTSIDER} in ${OWNER}`,
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'high' },
        eventName: { DataType: 'String', StringValue: 'ModifySnapshotAttribute' },
        resourceType: { DataType: 'String', StringValue: 'AWS::EC2::Snapshot' },
        public: { DataType: 'String', StringValue: 'false' },
      },
    });
  });

  test('sharing event: finding in the default body', async () => {
    await handlerWith()(loadEvent('snapshot-shared-with-account'));
    const finding = parseFinding(parseAlertMessage(publishedInput().Message ?? '').default);

    expect(finding).toMatchObject({
      eventId: 'c4d1e8a2-7b3f-4e59-8a06-1f2e3d4c5b6a',
      eventName: 'ModifySnapshotAttribute',
      ownerAccountId: OWNER,
      resource: { type: 'AWS::EC2::Snapshot', id: 'snap-0f1e2d3c4b5a69788' },
      grants: [{ kind: 'account', accountId: OUTSIDER, trusted: false }],
      public: false,
      severity: 'high',
      outcome: 'succeeded',
    });
    expect(finding.trustedListUnavailable).toBeUndefined();
  });

  test('trusted list read from the configured parameter', async () => {
    await handlerWith()(loadEvent('snapshot-shared-with-account'));

    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAMETER });
  });

  test('trusted share: nothing published', async () => {
    setTrustedList(`${PARTNER},${OUTSIDER}`);

    await expect(handlerWith()(loadEvent('snapshot-shared-with-account'))).resolves.toEqual({ findingCount: 0 });
    expect(snsMock).not.toHaveReceivedAnyCommand();
  });

  test('trusted share from a JSON list: nothing published', async () => {
    setTrustedList(JSON.stringify({ [OUTSIDER]: 'backup vault account' }));

    await expect(handlerWith()(loadEvent('function-shared-with-account'))).resolves.toEqual({ findingCount: 0 });
    expect(snsMock).not.toHaveReceivedAnyCommand();
  });

  test('partly trusted share: alert on the rest', async () => {
    await handlerWith()(loadEvent('image-shared-with-accounts-and-organization'));
    const finding = parseFinding(parseAlertMessage(publishedInput().Message ?? '').default);

    expect(finding.grants.map((grant) => [grant.kind, grant.trusted])).toEqual([
      ['account', false],
      ['account', true],
      ['organization', false],
    ]);
  });

  test('public bucket: critical with public attribute', async () => {
    await handlerWith()(loadEvent('bucket-policy-public'));

    expect(publishedInput().MessageAttributes?.severity?.StringValue).toBe('critical');
    expect(publishedInput().MessageAttributes?.public?.StringValue).toBe('true');
  });

  test('failed call: medium alert by default', async () => {
    await handlerWith()(loadEvent('snapshot-share-failed'));

    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(publishedInput().MessageAttributes?.severity?.StringValue).toBe('medium');
  });

  test('failed call ignored when configured', async () => {
    await expect(handlerWith({ ALERT_ON_FAILED_CALLS: 'false' })(loadEvent('snapshot-share-failed'))).resolves.toEqual({ findingCount: 0 });
    expect(snsMock).not.toHaveReceivedAnyCommand();
  });

  test('unwatched call: nothing published', async () => {
    const event = loadEvent('snapshot-shared-with-account');
    event.detail.eventName = 'DescribeSnapshotAttribute';

    await expect(handlerWith()(event)).resolves.toEqual({ findingCount: 0 });
    expect(snsMock).not.toHaveReceivedAnyCommand();
  });

  test('removal: nothing published', async () => {
    const event = loadEvent('snapshot-shared-with-account');
    const permission = (event.detail.requestParameters as Record<string, Record<string, unknown>>).createVolumePermission;
    permission.remove = permission.add;
    delete permission.add;

    await expect(handlerWith()(event)).resolves.toEqual({ findingCount: 0 });
    expect(snsMock).not.toHaveReceivedAnyCommand();
  });

  test('trusted list cached between invocations', async () => {
    const handler = handlerWith();

    await handler(loadEvent('snapshot-shared-with-account'));
    await handler(loadEvent('bucket-policy-public'));

    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 2);
  });

  test('parameter not found: alert says the list is unreadable', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'Parameter not found', $metadata: {} }));

    await handlerWith()(loadEvent('snapshot-shared-with-account'));
    const finding = parseFinding(parseAlertMessage(publishedInput().Message ?? '').default);

    expect(finding.trustedListUnavailable).toBe(true);
    expect(finding.reasons).toContain(`shared with account ${OUTSIDER}: the trusted list could not be read`);
  });

  test('SNS failure: invocation fails', async () => {
    snsMock.on(PublishCommand).rejects(new Error('simulated SNS outage'));

    await expect(handlerWith()(loadEvent('snapshot-shared-with-account'))).rejects.toThrow('simulated SNS outage');
  });
});

describe('events without a record', () => {
  const cases: { name: string; event: () => CloudTrailEvent }[] = [
    { name: 'detail missing', event: () => withoutDetail(loadEvent('snapshot-shared-with-account')) },
    { name: 'detail null', event: () => ({ ...loadEvent('snapshot-shared-with-account'), detail: null as unknown as CloudTrailEvent['detail'] }) },
    { name: 'detail a string', event: () => ({ ...loadEvent('snapshot-shared-with-account'), detail: '{}' as unknown as CloudTrailEvent['detail'] }) },
    { name: 'detail an array', event: () => ({ ...loadEvent('snapshot-shared-with-account'), detail: [] as unknown as CloudTrailEvent['detail'] }) },
  ];

  function withoutDetail(event: CloudTrailEvent): CloudTrailEvent {
    const copy: Partial<CloudTrailEvent> = { ...event };
    delete copy.detail;
    return copy as CloudTrailEvent;
  }

  test.each(cases)('$name: invocation fails', async ({ event }) => {
    const invocation = handlerWith()(event());

    await expect(invocation).rejects.toThrow(UnsupportedEventError);
    await expect(invocation).rejects.toThrow('event 5b8e2f0c-91d4-4c6a-b3e7-2a1f9d8c7e60 has no CloudTrail record in "detail"');
  });

  test.each(cases)('$name: nothing read or published', async ({ event }) => {
    await handlerWith()(event()).catch(() => undefined);

    expect(snsMock).not.toHaveReceivedAnyCommand();
    expect(ssmMock).not.toHaveReceivedAnyCommand();
  });

  test('event itself null: invocation fails', async () => {
    await expect(handlerWith()(null as unknown as CloudTrailEvent)).rejects.toThrow(UnsupportedEventError);
  });
});

describe('rule failure', () => {
  /** Builds a snapshot share whose `snapshotId` getter throws when the rule reads it. */
  function trippingEvent(): CloudTrailEvent {
    const event = structuredClone(loadEvent('snapshot-shared-with-account'));
    Object.defineProperty(event.detail.requestParameters, 'snapshotId', {
      enumerable: true,
      get() {
        throw new Error('simulated read failure');
      },
    });
    return event;
  }

  test('evaluation-failed alert published', async () => {
    await expect(handlerWith()(trippingEvent())).resolves.toEqual({ findingCount: 1 });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('alert explains the failure', async () => {
    await handlerWith()(trippingEvent());
    const finding = parseFinding(parseAlertMessage(publishedInput().Message ?? '').default);

    expect(finding.severity).toBe('high');
    expect(finding.reasons).toEqual(['evaluation failed: the grants of this call could not be read']);
    expect(finding.warnings).toEqual(['rule ec2-snapshot-create-volume-permission failed: simulated read failure']);
    expect(finding.eventId).toBe('c4d1e8a2-7b3f-4e59-8a06-1f2e3d4c5b6a');
    expect(finding.ownerAccountId).toBe(OWNER);
  });

  test('alert subject stays well formed', async () => {
    await handlerWith()(trippingEvent());
    const subject = publishedInput().Subject ?? '';

    expect(subject.startsWith('[high] ')).toBe(true);
    expect(subject.length).toBeLessThan(100);
  });
});

describe('logging', () => {
  let lines: string[];
  let previousLevel: string;
  let stdoutSpy: jest.SpyInstance;
  let stderrSpy: jest.SpyInstance;

  /** Collects what is written to a stream, without passing it through. */
  function capture(stream: NodeJS.WriteStream): jest.SpyInstance {
    return jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter((line) => line.trim() !== ''));
      return true;
    });
  }

  function logEntries(): Record<string, unknown>[] {
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  function entry(message: string): Record<string, unknown> {
    const found = logEntries().find((item) => item.message === message);
    if (!found) {
      throw new Error(`no log line with message "${message}" in:\n${lines.join('\n')}`);
    }
    return found;
  }

  beforeEach(() => {
    lines = [];
    previousLevel = logger.getLevelName();
    logger.setLogLevel('INFO');
    stdoutSpy = capture(process.stdout);
    stderrSpy = capture(process.stderr);
  });

  afterEach(() => {
    stdoutSpy.mockRestore();
    stderrSpy.mockRestore();
    logger.setLogLevel(previousLevel as Parameters<typeof logger.setLogLevel>[0]);
  });

  test('every line is JSON', async () => {
    await handlerWith()(loadEvent('bucket-policy-public'));

    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  test('published finding: stable keys', async () => {
    await handlerWith()(loadEvent('bucket-policy-public'));

    expect(entry('finding published')).toMatchObject({
      level: 'INFO',
      eventId: 'a7b8c9d0-e1f2-4a3b-9c4d-5e6f7a8b9c0d',
      eventName: 'PutBucketPolicy',
      resourceId: 'campaign-assets-2026',
      findingCount: 1,
      severity: 'critical',
    });
  });

  test('no finding: stable keys', async () => {
    setTrustedList(OUTSIDER);

    await handlerWith()(loadEvent('function-shared-with-account'));

    expect(entry('no finding')).toMatchObject({
      eventId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
      eventName: 'AddPermission20150331v2',
      findingCount: 0,
      outcome: 'trusted',
    });
  });

  test('CloudFormation change to the detector: says who made it', async () => {
    const record = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'lambda', 'detector-update-function-code-cloudformation.json'), 'utf8')) as CloudTrailRecord;
    const functionName = String((record.requestParameters as { functionName: string }).functionName).split(':').at(-1);

    const result = await handlerWith({ AWS_LAMBDA_FUNCTION_NAME: functionName, DETECTOR_STACK_NAME: 'ShareSentinel' })(wrapRecord(record));

    expect(result).toEqual({ findingCount: 0 });
    expect(snsMock).not.toHaveReceivedCommand(PublishCommand);
    expect(entry('tamper call trusted')).toMatchObject({ ruleId: 'detector-function-changed', findingCount: 0, madeBy: ['CloudFormation deployment of stack ShareSentinel'] });
  });

  test('policy never logged at info level', async () => {
    await handlerWith()(loadEvent('bucket-policy-public'));

    for (const line of lines) {
      expect(line).not.toContain('launch-page-7d41');
      expect(line).not.toContain('agency-drop-7d41');
      expect(line).not.toContain('"Statement"');
    }
  });

  test('keys reset between invocations', async () => {
    const handler = handlerWith();
    const unwatched = loadEvent('snapshot-shared-with-account');
    unwatched.detail.eventName = 'DescribeSnapshotAttribute';
    await handler(loadEvent('bucket-policy-public'));
    lines = [];

    await handler(unwatched);

    expect(entry('event matched no rule')).toMatchObject({ eventName: 'DescribeSnapshotAttribute', findingCount: 0 });
    expect(entry('event matched no rule').resourceId).toBeUndefined();
    expect(entry('event matched no rule').ruleId).toBeUndefined();
  });

  test('rule failure logged with the event id', async () => {
    const event = structuredClone(loadEvent('snapshot-shared-with-account'));
    Object.defineProperty(event.detail.requestParameters, 'snapshotId', {
      enumerable: true,
      get() {
        throw new Error('simulated read failure');
      },
    });

    await handlerWith()(event);

    expect(entry('rule failed on this record')).toMatchObject({ level: 'ERROR', eventId: 'c4d1e8a2-7b3f-4e59-8a06-1f2e3d4c5b6a' });
  });

  test('event without record logged as error', async () => {
    const event = wrapRecord({}, '6f5e4d3c-2b1a-4098-8776-5544332211ff');

    await handlerWith()({ ...event, detail: undefined as unknown as CloudTrailEvent['detail'] }).catch(() => undefined);

    expect(entry('event has no CloudTrail record in detail')).toMatchObject({
      level: 'ERROR',
      eventId: '6f5e4d3c-2b1a-4098-8776-5544332211ff',
      detailType: 'AWS API Call via CloudTrail',
    });
  });
});

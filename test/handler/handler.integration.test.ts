/**
 * The handler against a local moto_server: a real SSM parameter, a real SNS topic, and an SQS queue
 * subscribed to it that receives the alert. Every client talks to 127.0.0.1 only.
 */
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient, type ParameterType } from '@aws-sdk/client-ssm';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { alertSubject } from '../../lambda/alerts/format';
import { evaluateRecord } from '../../lambda/core/evaluate';
import { emptyTrustedList, parseTrustedList } from '../../lambda/core/trusted-list';
import type { CloudTrailRecord, Finding } from '../../lambda/core/types';
import { createHandler, type HandlerResult } from '../../lambda/handler';
import { OrganizationSource } from '../../lambda/organization-source';
import { TrustedListSource } from '../../lambda/trusted-source';
import { loadEvent, OUTSIDER, OWNER, PARTNER, wrapRecord, type CloudTrailEvent, type HandlerEventName } from '../fixtures/handler/events';
import { parseFinding } from '../fixtures/handler/messages';
import { emulatorEnv, freePort, startMoto, type MotoServer } from '../support/moto';

jest.setTimeout(30_000);

/** The body of an SQS message that SNS delivered without raw delivery. */
interface SnsEnvelope {
  Type: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
}

/** Marks the end of what a test published, so that "no alert" is checked without waiting. */
const END_MARKER = 'end of test';

let moto: MotoServer;
let savedEnv: NodeJS.ProcessEnv;
let sns: SNSClient;
let ssm: SSMClient;
let sqs: SQSClient;
let nameCounter = 0;

beforeAll(async () => {
  savedEnv = { ...process.env };
  moto = await startMoto();
  Object.assign(process.env, emulatorEnv(moto.endpoint));
  sns = new SNSClient({ endpoint: moto.endpoint, maxAttempts: 1 });
  ssm = new SSMClient({ endpoint: moto.endpoint, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: moto.endpoint, maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  sns?.destroy();
  ssm?.destroy();
  sqs?.destroy();
  await moto?.stop();
  for (const key of Object.keys(process.env)) {
    if (!(key in savedEnv)) {
      delete process.env[key];
    }
  }
  Object.assign(process.env, savedEnv);
});

function uniqueName(prefix: string): string {
  nameCounter += 1;
  return `${prefix}-${nameCounter}`;
}

interface AlertTopic {
  topicArn: string;
  queueUrl: string;
}

/** Creates a topic with one SQS queue subscribed, with or without raw message delivery. */
async function createAlertTopic(rawDelivery = false): Promise<AlertTopic> {
  const name = uniqueName('share-sentinel-alerts');
  const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-queue` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  if (!topicArn || !queueUrl || !Attributes?.QueueArn) {
    throw new Error('the emulator did not return a topic ARN, queue URL or queue ARN');
  }
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes.QueueArn,
      Attributes: rawDelivery ? { RawMessageDelivery: 'true' } : undefined,
    }),
  );
  return { topicArn, queueUrl };
}

async function putTrustedList(name: string, value: string, type: ParameterType): Promise<void> {
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));
}

/** Reads every message in the queue up to the end marker, which it publishes first. */
async function receiveUntilMarker(topic: AlertTopic): Promise<string[]> {
  await sns.send(new PublishCommand({ TopicArn: topic.topicArn, Message: END_MARKER }));
  const bodies: string[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: topic.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const message of Messages ?? []) {
      bodies.push(message.Body ?? '');
    }
    if (bodies.some((body) => body === END_MARKER || body.includes(`"${END_MARKER}"`))) {
      return bodies.filter((body) => body !== END_MARKER && !body.includes(`"${END_MARKER}"`));
    }
  }
  throw new Error(`the end marker did not arrive; received ${bodies.length} other messages`);
}

/** Parses the one alert a test expects from a subscription without raw delivery. */
async function receiveOneAlert(topic: AlertTopic): Promise<{ envelope: SnsEnvelope; finding: Finding }> {
  const bodies = await receiveUntilMarker(topic);
  expect(bodies).toHaveLength(1);
  const envelope = JSON.parse(bodies[0]) as SnsEnvelope;
  return { envelope, finding: parseFinding(envelope.Message) };
}

interface HandlerOptions {
  topic: AlertTopic;
  parameter: string;
  maxAge?: string;
  /** The SSM endpoint of the trusted-list source. Defaults to the emulator. */
  ssmEndpoint?: string;
  /** The SNS endpoint of the alert client. Defaults to the emulator. */
  snsEndpoint?: string;
}

function handlerFor(options: HandlerOptions): (event: CloudTrailEvent) => Promise<HandlerResult> {
  return createHandler({
    env: {
      ...emulatorEnv(moto.endpoint),
      ALERT_TOPIC_ARN: options.topic.topicArn,
      TRUSTED_ACCOUNTS_PARAMETER: options.parameter,
      TRUSTED_ACCOUNTS_MAX_AGE: options.maxAge ?? '300',
    },
    sns: new SNSClient({ endpoint: options.snsEndpoint ?? moto.endpoint, maxAttempts: 1 }),
    trustedSource: (config) =>
      new TrustedListSource(
        config.trustedAccountsParameter,
        config.trustedAccountsMaxAgeSeconds,
        new SSMProvider({ awsSdkV3Client: new SSMClient({ endpoint: options.ssmEndpoint ?? moto.endpoint, maxAttempts: 1 }) }),
      ),
  });
}

/** The finding the handler should publish for a fixture, evaluated here with the same trusted list. */
function expectedFinding(name: HandlerEventName, trustedListValue: string | undefined): Finding {
  const evaluation = evaluateRecord(loadEvent(name).detail, {
    trustedList: trustedListValue === undefined ? emptyTrustedList() : parseTrustedList(trustedListValue),
    trustedListUnavailable: trustedListValue === undefined,
    alertOnFailedCalls: true,
    alertOnUnrestrictedServices: false,
    envelopeAccount: OWNER,
  });
  if (evaluation.status !== 'finding') {
    throw new Error(`expected a finding, got status ${evaluation.status}`);
  }
  return evaluation.finding;
}

/** Compares the received finding with the expected one key by key, so that a failure names the field. */
function expectSameFinding(received: Finding, expected: Finding): void {
  expect(Object.keys(received).sort()).toEqual(Object.keys(JSON.parse(JSON.stringify(expected)) as object).sort());
  for (const key of Object.keys(expected) as (keyof Finding)[]) {
    expect({ [key]: received[key] }).toEqual({ [key]: expected[key] });
  }
}

/** Starts a TCP relay on 127.0.0.1 to the emulator. A test closes it to make SSM unreachable after a good read. */
async function startRelay(targetPort: number): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

describe('trusted-list formats', () => {
  test('StringList: untrusted share delivered to SQS', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('string-list')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');

    const result = await handlerFor({ topic, parameter })(loadEvent('snapshot-shared-with-account'));
    const { envelope, finding } = await receiveOneAlert(topic);
    const expected = expectedFinding('snapshot-shared-with-account', PARTNER);

    expect(result).toEqual({ findingCount: 1 });
    expect(envelope.Type).toBe('Notification');
    expect(envelope.TopicArn).toBe(topic.topicArn);
    expect(envelope.Subject).toBe(alertSubject(expected));
    expectSameFinding(finding, expected);
  });

  test('StringList: trusted share sends nothing', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('string-list')}`;
    await putTrustedList(parameter, `${PARTNER},${OUTSIDER}`, 'StringList');

    const result = await handlerFor({ topic, parameter })(loadEvent('snapshot-shared-with-account'));

    expect(result).toEqual({ findingCount: 0 });
    expect(await receiveUntilMarker(topic)).toEqual([]);
  });

  test('comma-separated String: trusted share sends nothing', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('string')}`;
    await putTrustedList(parameter, `${PARTNER}, ${OUTSIDER}, not-an-account`, 'String');

    const result = await handlerFor({ topic, parameter })(loadEvent('function-shared-with-account'));

    expect(result).toEqual({ findingCount: 0 });
    expect(await receiveUntilMarker(topic)).toEqual([]);
  });

  test('comma-separated String: untrusted share delivered', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('string')}`;
    const value = `${PARTNER},o-a1b2c3d4e5`;
    await putTrustedList(parameter, value, 'String');

    await handlerFor({ topic, parameter })(loadEvent('function-shared-with-account'));
    const { finding } = await receiveOneAlert(topic);

    expectSameFinding(finding, expectedFinding('function-shared-with-account', value));
  });

  test('JSON with labels: labels reach the alert', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('json')}`;
    const value = JSON.stringify({ [OUTSIDER]: 'backup vault account', [OWNER]: 'this account' });
    await putTrustedList(parameter, value, 'String');

    await handlerFor({ topic, parameter })(loadEvent('image-shared-with-accounts-and-organization'));
    const { finding } = await receiveOneAlert(topic);

    expectSameFinding(finding, expectedFinding('image-shared-with-accounts-and-organization', value));
    expect(finding.grants[0]).toEqual({ kind: 'account', accountId: OUTSIDER, trusted: true, label: 'backup vault account', via: 'launchPermission.add' });
    expect(finding.grants[1]).toMatchObject({ kind: 'account', accountId: PARTNER, trusted: false });
  });

  test('JSON with labels: trusted share sends nothing', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('json')}`;
    await putTrustedList(parameter, JSON.stringify({ [OUTSIDER]: 'backup vault account' }), 'String');

    await expect(handlerFor({ topic, parameter })(loadEvent('snapshot-shared-with-account'))).resolves.toEqual({ findingCount: 0 });
    expect(await receiveUntilMarker(topic)).toEqual([]);
  });
});

describe('delivery', () => {
  test('raw delivery: body is the finding', async () => {
    const topic = await createAlertTopic(true);
    const parameter = `/share-sentinel/${uniqueName('raw')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');

    await handlerFor({ topic, parameter })(loadEvent('bucket-policy-public'));
    const bodies = await receiveUntilMarker(topic);

    expect(bodies).toHaveLength(1);
    expectSameFinding(parseFinding(bodies[0]), expectedFinding('bucket-policy-public', PARTNER));
  });

  test('default clients reach the emulator through AWS_ENDPOINT_URL', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('default-clients')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');
    const handler = createHandler({ env: { ALERT_TOPIC_ARN: topic.topicArn, TRUSTED_ACCOUNTS_PARAMETER: parameter } });

    await handler(loadEvent('snapshot-shared-with-account'));
    const { finding } = await receiveOneAlert(topic);

    expectSameFinding(finding, expectedFinding('snapshot-shared-with-account', PARTNER));
  });

  test('SNS unreachable: invocation fails', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('sns-down')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');
    const closedEndpoint = `http://127.0.0.1:${await freePort()}`;

    await expect(handlerFor({ topic, parameter, snsEndpoint: closedEndpoint })(loadEvent('snapshot-shared-with-account'))).rejects.toThrow();
    expect(await receiveUntilMarker(topic)).toEqual([]);
  });
});

describe('trusted-list cache', () => {
  test('within max age: the old list still applies', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('cached')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');
    const handler = handlerFor({ topic, parameter, maxAge: '300' });

    await handler(loadEvent('snapshot-shared-with-account'));
    await putTrustedList(parameter, `${PARTNER},${OUTSIDER}`, 'StringList');
    const second = await handler(loadEvent('snapshot-shared-with-account'));

    expect(second).toEqual({ findingCount: 1 });
    expect(await receiveUntilMarker(topic)).toHaveLength(2);
  });

  test('max age 0: the new list applies', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('uncached')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');
    const handler = handlerFor({ topic, parameter, maxAge: '0' });

    const first = await handler(loadEvent('snapshot-shared-with-account'));
    await putTrustedList(parameter, `${PARTNER},${OUTSIDER}`, 'StringList');
    const second = await handler(loadEvent('snapshot-shared-with-account'));

    expect(first).toEqual({ findingCount: 1 });
    expect(second).toEqual({ findingCount: 0 });
    expect(await receiveUntilMarker(topic)).toHaveLength(1);
  });
});

describe('trusted list unreadable', () => {
  test('parameter missing: alert says so', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('missing')}`;

    await handlerFor({ topic, parameter })(loadEvent('snapshot-shared-with-account'));
    const { finding } = await receiveOneAlert(topic);

    expect(finding.trustedListUnavailable).toBe(true);
    expect(finding.reasons).toEqual([`shared with account ${OUTSIDER}: the trusted list could not be read`]);
    expectSameFinding(finding, expectedFinding('snapshot-shared-with-account', undefined));
  });

  test('SSM unreachable: alert says so', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('ssm-down')}`;
    await putTrustedList(parameter, `${PARTNER},${OUTSIDER}`, 'StringList');
    const closedEndpoint = `http://127.0.0.1:${await freePort()}`;

    const result = await handlerFor({ topic, parameter, ssmEndpoint: closedEndpoint })(loadEvent('snapshot-shared-with-account'));
    const { finding } = await receiveOneAlert(topic);

    expect(result).toEqual({ findingCount: 1 });
    expect(finding.trustedListUnavailable).toBe(true);
    expectSameFinding(finding, expectedFinding('snapshot-shared-with-account', undefined));
  });

  test('SSM outage after a good read: last list kept', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('outage')}`;
    const value = `${PARTNER},${OUTSIDER}`;
    await putTrustedList(parameter, value, 'StringList');
    const relay = await startRelay(moto.port);
    const handler = handlerFor({ topic, parameter, maxAge: '0', ssmEndpoint: relay.endpoint });

    const first = await handler(loadEvent('snapshot-shared-with-account'));
    await relay.close();
    const second = await handler(loadEvent('snapshot-shared-with-account'));
    const third = await handler(loadEvent('bucket-policy-public'));
    const { finding } = await receiveOneAlert(topic);

    expect(first).toEqual({ findingCount: 0 });
    expect(second).toEqual({ findingCount: 0 });
    expect(third).toEqual({ findingCount: 1 });
    expect(finding.trustedListUnavailable).toBeUndefined();
    expect(finding.grants.map((grant) => grant.trusted)).toEqual([false, true]);
  });
});

describe('trusted-list audit', () => {
  /** Builds the PutParameter record of one version of the parameter, as CloudTrail logs it. */
  function putParameterEvent(parameter: string, version: number): CloudTrailEvent {
    const record = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'ssm', 'trusted-list-put-by-user.json'), 'utf8')) as CloudTrailRecord;
    record.requestParameters = { ...(record.requestParameters as object), name: parameter };
    record.responseElements = { version, tier: 'Standard' };
    return wrapRecord(record);
  }

  function auditHandler(topic: AlertTopic, parameter: string): (event: CloudTrailEvent) => Promise<HandlerResult> {
    return createHandler({
      env: { ...emulatorEnv(moto.endpoint), ALERT_TOPIC_ARN: topic.topicArn, TRUSTED_ACCOUNTS_PARAMETER: parameter },
      sns: new SNSClient({ endpoint: moto.endpoint, maxAttempts: 1 }),
      ssm: new SSMClient({ endpoint: moto.endpoint, maxAttempts: 1 }),
      trustedSource: (config) =>
        new TrustedListSource(config.trustedAccountsParameter, 0, new SSMProvider({ awsSdkV3Client: new SSMClient({ endpoint: moto.endpoint, maxAttempts: 1 }) })),
    });
  }

  test('alert names the account added', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('audit')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');
    await ssm.send(new PutParameterCommand({ Name: parameter, Value: `${PARTNER},${OUTSIDER}`, Type: 'StringList', Overwrite: true }));

    const result = await auditHandler(topic, parameter)(putParameterEvent(parameter, 2));
    const { finding } = await receiveOneAlert(topic);

    expect(result).toEqual({ findingCount: 1 });
    expect(finding.severity).toBe('high');
    expect(finding.trustedListChange).toEqual({ fromVersion: 1, toVersion: 2, added: [{ id: OUTSIDER }], removed: [] });
    expect(finding.actor.arn).toEqual(expect.stringContaining('arn:aws:'));
  });

  test('removal only alerts low', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('audit')}`;
    await putTrustedList(parameter, `${PARTNER},${OUTSIDER}`, 'StringList');
    await ssm.send(new PutParameterCommand({ Name: parameter, Value: PARTNER, Type: 'StringList', Overwrite: true }));

    await auditHandler(topic, parameter)(putParameterEvent(parameter, 2));
    const { finding } = await receiveOneAlert(topic);

    expect(finding.severity).toBe('low');
    expect(finding.trustedListChange).toEqual({ fromVersion: 1, toVersion: 2, added: [], removed: [{ id: OUTSIDER }] });
  });

  test('missing version says the change is unreadable', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('audit')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');

    await auditHandler(topic, parameter)(putParameterEvent(parameter, 7));
    const { finding } = await receiveOneAlert(topic);

    expect(finding.severity).toBe('high');
    expect(finding.trustedListChange?.unreadable).toEqual(expect.any(String));
  });
});

describe('trusting the organization', () => {
  /** Builds an Organizations client that calls moto as `accountId`, which moto reads from a request header. */
  function organizationsAs(accountId: string, endpoint = moto.endpoint): OrganizationsClient {
    const client = new OrganizationsClient({ endpoint, maxAttempts: 1 });
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = accountId;
        return next(args);
      },
      { step: 'build', name: 'motoAccountId' },
    );
    return client;
  }

  /** Builds the snapshot share of the handler fixtures with another grantee. */
  function snapshotSharedWith(accountId: string): CloudTrailEvent {
    const event = loadEvent('snapshot-shared-with-account');
    event.detail.requestParameters = { ...(event.detail.requestParameters as object), createVolumePermission: { add: { items: [{ userId: accountId }] } } };
    return event;
  }

  function organizationHandler(topic: AlertTopic, parameter: string, organizations: OrganizationsClient): (event: CloudTrailEvent) => Promise<HandlerResult> {
    return createHandler({
      env: { ...emulatorEnv(moto.endpoint), ALERT_TOPIC_ARN: topic.topicArn, TRUSTED_ACCOUNTS_PARAMETER: parameter, TRUST_ORGANIZATION: 'true' },
      sns: new SNSClient({ endpoint: moto.endpoint, maxAttempts: 1 }),
      trustedSource: (config) =>
        new TrustedListSource(config.trustedAccountsParameter, 300, new SSMProvider({ awsSdkV3Client: new SSMClient({ endpoint: moto.endpoint, maxAttempts: 1 }) })),
      organizationSource: (config) => new OrganizationSource({ maxAgeSeconds: config.trustedAccountsMaxAgeSeconds, client: organizations }),
    });
  }

  let memberId: string;

  beforeAll(async () => {
    const management = organizationsAs(OWNER);
    await management.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const { CreateAccountStatus } = await management.send(new CreateAccountCommand({ AccountName: 'workloads-prod', Email: 'workloads-prod@example.com' }));
    memberId = CreateAccountStatus?.AccountId ?? '';
    management.destroy();
  });

  test('share with member account stays quiet', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('organization')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');

    const result = await organizationHandler(topic, parameter, organizationsAs(OWNER))(snapshotSharedWith(memberId));

    expect(memberId).toMatch(/^\d{12}$/);
    expect(result).toEqual({ findingCount: 0 });
  });

  test('share outside the organization still alerts', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('organization')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');

    await organizationHandler(topic, parameter, organizationsAs(OWNER))(snapshotSharedWith(OUTSIDER));
    const { finding } = await receiveOneAlert(topic);

    expect(finding.grants).toContainEqual(expect.objectContaining({ kind: 'account', accountId: OUTSIDER, trusted: false }));
    expect(finding.trustedListUnavailable).toBeUndefined();
    expect(finding.organizationUnavailable).toBeUndefined();
  });

  test('unreadable organization alerts on member accounts', async () => {
    const topic = await createAlertTopic();
    const parameter = `/share-sentinel/${uniqueName('organization')}`;
    await putTrustedList(parameter, PARTNER, 'StringList');
    const closedPort = `http://127.0.0.1:${await freePort()}`;

    const result = await organizationHandler(topic, parameter, organizationsAs(OWNER, closedPort))(snapshotSharedWith(memberId));
    const { finding } = await receiveOneAlert(topic);

    expect(result).toEqual({ findingCount: 1 });
    expect(finding.organizationUnavailable).toBe(true);
    expect(finding.trustedListUnavailable).toBeUndefined();
    expect(finding.reasons).toEqual([`shared with account ${memberId}: not on the trusted list, and the organization's accounts could not be read`]);
    expect(finding.grants).toContainEqual(expect.objectContaining({ kind: 'account', accountId: memberId, trusted: false }));
  });
});

/**
 * The generated event patterns on a real EventBridge bus of a local moto_server: each pattern is
 * installed as a rule with an SQS queue as its target, and CloudTrail records are put on the bus
 * as EventBridge delivers them. Every sharing fixture under test/fixtures must reach the queue,
 * and no everyday call may. moto 5.2.1's TestEventPattern is a stub that returns no result, so a
 * real rule is the only way to run a pattern here. Every client talks to 127.0.0.1 only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CreateEventBusCommand, DescribeRuleCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { findRule, RULES } from '../../lambda/catalog';
import type { CloudTrailRecord } from '../../lambda/core/types';
import { buildEventPatterns, CLOUDFORMATION_SOURCE, tamperAlertPattern } from '../../lib/event-pattern';
import type { MotoServer } from '../support/moto';
import { DETECTOR } from '../support/fixtures';
import { startMoto } from '../support/moto';

jest.setTimeout(30_000);

const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
const OWNER = '111122223333';
const OUTSIDER = '444455556666';
const FIXTURE_ROOT = path.join(__dirname, '..', 'fixtures');
/** PutEvents takes at most 10 entries, and ReceiveMessage returns at most 10 messages. */
const PUT_EVENTS_BATCH = 10;
const RECEIVE_BATCH = 10;
/** Receives beyond the ones the batch needs before giving up on the end marker. */
const SPARE_RECEIVES = 10;

/** The EventBridge `source` of CloudTrail events per event source, as AWS documents it for these services. */
const EVENTBRIDGE_SOURCES: Record<string, string> = {
  'ec2.amazonaws.com': 'aws.ec2',
  'rds.amazonaws.com': 'aws.rds',
  's3.amazonaws.com': 'aws.s3',
  'lambda.amazonaws.com': 'aws.lambda',
  'iam.amazonaws.com': 'aws.iam',
  'kms.amazonaws.com': 'aws.kms',
  'sns.amazonaws.com': 'aws.sns',
  'sqs.amazonaws.com': 'aws.sqs',
  'secretsmanager.amazonaws.com': 'aws.secretsmanager',
  'ecr.amazonaws.com': 'aws.ecr',
  'elasticfilesystem.amazonaws.com': 'aws.elasticfilesystem',
  'glacier.amazonaws.com': 'aws.glacier',
  'backup.amazonaws.com': 'aws.backup',
  'events.amazonaws.com': 'aws.events',
  'logs.amazonaws.com': 'aws.logs',
  'ram.amazonaws.com': 'aws.ram',
  'ssm.amazonaws.com': 'aws.ssm',
  'dynamodb.amazonaws.com': 'aws.dynamodb',
  'glue.amazonaws.com': 'aws.glue',
  'es.amazonaws.com': 'aws.es',
  'apigateway.amazonaws.com': 'aws.apigateway',
  'redshift.amazonaws.com': 'aws.redshift',
  'cloudtrail.amazonaws.com': 'aws.cloudtrail',
};

/** An event as it is put on the bus. */
interface BusEvent {
  source: string;
  detailType: string;
  detail: CloudTrailRecord;
}

// ---------------------------------------------------------------------------------------------
// Sharing fixtures
// ---------------------------------------------------------------------------------------------

function listJsonFiles(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const file = path.join(directory, name);
      if (statSync(file).isDirectory()) {
        return listJsonFiles(file);
      }
      return name.endsWith('.json') ? [file] : [];
    });
}

/**
 * Reads a fixture as a bus event. A fixture is either a CloudTrail record, which is wrapped the
 * way EventBridge wraps it, or a whole EventBridge event with `source`, `detail-type` and `detail`.
 */
function loadFixtureEvent(file: string): BusEvent {
  const content = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (typeof content['detail-type'] === 'string' && typeof content.source === 'string') {
    return { source: content.source, detailType: content['detail-type'], detail: content.detail as CloudTrailRecord };
  }
  const eventSource = String(content.eventSource);
  const source = EVENTBRIDGE_SOURCES[eventSource];
  if (source === undefined) {
    throw new Error(`no EventBridge source known for eventSource ${JSON.stringify(eventSource)} in ${file}; add it to EVENTBRIDGE_SOURCES`);
  }
  return { source, detailType: CLOUDTRAIL_DETAIL_TYPE, detail: content };
}

const FIXTURE_FILES = listJsonFiles(FIXTURE_ROOT).map((file) => path.relative(FIXTURE_ROOT, file));

/**
 * Fixtures of calls that a rule reads but its pattern leaves out on purpose, because their request
 * parameters show that the call cannot raise a finding.
 */
const NOT_ROUTED: Record<string, string> = {
  'cloudtrail/update-trail-bucket-changed.json': 'an UpdateTrail that turns no flag off',
};

/** The patterns under test, with the detector's resources named as the fixtures name them. */
const PATTERNS = buildEventPatterns(RULES, DETECTOR);

/** The patterns of the rules that send tamper events straight to the alert topic. */
const TAMPER_PATTERNS = buildEventPatterns(
  RULES.filter((rule) => rule.category === 'tamper'),
  DETECTOR,
).map(tamperAlertPattern);

function ruleName(index: number): string {
  return `share-sentinel-${PATTERNS[index].source[0].replace(/^aws\./, '')}-${index}`;
}

// ---------------------------------------------------------------------------------------------
// Everyday events
// ---------------------------------------------------------------------------------------------

let everydayCounter = 0;

/** Builds a successful API call by an IAM user of the owner account. */
function apiCall(eventSource: string, eventName: string, requestParameters: Record<string, unknown> | null = null, readOnly = false): CloudTrailRecord {
  everydayCounter += 1;
  const eventId = `0e5a7c1d-0000-4000-8000-${String(everydayCounter).padStart(12, '0')}`;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEROUTING01',
      arn: `arn:aws:iam::${OWNER}:user/devon.ops`,
      accountId: OWNER,
      userName: 'devon.ops',
    },
    eventTime: '2026-03-10T11:20:00Z',
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.0',
    requestParameters,
    responseElements: null,
    requestID: eventId,
    eventID: eventId,
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: OWNER,
    eventCategory: 'Management',
  };
}

function cloudTrailEvent(source: string, record: CloudTrailRecord): BusEvent {
  return { source, detailType: CLOUDTRAIL_DETAIL_TYPE, detail: record };
}

const IMAGE = 'ami-07a2b4c6d8e0f1357';
const SNAPSHOT = 'snap-0c1d2e3f405162738';
const INSTANCE = 'i-0a1b2c3d4e5f60718';
const BUCKET = 'example-reports-111122223333';
const FUNCTION = 'report-builder';
const LAYER = `arn:aws:lambda:us-east-1:${OWNER}:layer:shared-utils`;

function ec2(eventName: string, requestParameters: Record<string, unknown> | null = null, readOnly = false): BusEvent {
  return cloudTrailEvent('aws.ec2', apiCall('ec2.amazonaws.com', eventName, requestParameters, readOnly));
}

function rds(eventName: string, requestParameters: Record<string, unknown> | null = null, readOnly = false): BusEvent {
  return cloudTrailEvent('aws.rds', apiCall('rds.amazonaws.com', eventName, requestParameters, readOnly));
}

function s3(eventName: string, requestParameters: Record<string, unknown> | null = null, readOnly = false): BusEvent {
  return cloudTrailEvent('aws.s3', apiCall('s3.amazonaws.com', eventName, { bucketName: BUCKET, Host: `${BUCKET}.s3.amazonaws.com`, ...requestParameters }, readOnly));
}

function lambda(eventName: string, requestParameters: Record<string, unknown> | null = null, readOnly = false): BusEvent {
  return cloudTrailEvent('aws.lambda', apiCall('lambda.amazonaws.com', eventName, requestParameters, readOnly));
}

/** Calls that a busy account makes all day and that share nothing: none may reach the function. */
const EVERYDAY_EVENTS: BusEvent[] = [
  // EC2: reads of the shared attributes, and other writes.
  ec2('DescribeImageAttribute', { imageId: IMAGE, attribute: 'launchPermission' }, true),
  ec2('DescribeSnapshotAttribute', { snapshotId: SNAPSHOT, attribute: 'createVolumePermission' }, true),
  ec2('DescribeImages', { imagesSet: { items: [{ imageId: IMAGE }] } }, true),
  ec2('DescribeSnapshots', { snapshotSet: { items: [{ snapshotId: SNAPSHOT }] } }, true),
  ec2('ModifyInstanceAttribute', { instanceId: INSTANCE, instanceType: { value: 'm7g.large' } }),
  ec2('ModifyVolumeAttribute', { volumeId: 'vol-0a1b2c3d4e5f60718', autoEnableIO: { value: true } }),
  ec2('ModifyNetworkInterfaceAttribute', { networkInterfaceId: 'eni-0a1b2c3d4e5f60718', sourceDestCheck: { value: false } }),
  ec2('CreateSnapshot', { volumeId: 'vol-0a1b2c3d4e5f60718', description: 'nightly backup' }),
  ec2('CreateImage', { instanceId: INSTANCE, name: 'web-2026-03-10' }),
  ec2('CopyImage', { sourceImageId: IMAGE, sourceRegion: 'us-west-2', name: 'web-copy' }),
  ec2('CopySnapshot', { sourceSnapshotId: SNAPSHOT, sourceRegion: 'us-west-2' }),
  ec2('ResetImageAttribute', { imageId: IMAGE, attribute: 'launchPermission' }),
  ec2('ResetSnapshotAttribute', { snapshotId: SNAPSHOT, attribute: 'createVolumePermission' }),
  ec2('DeregisterImage', { imageId: IMAGE }),
  ec2('DeleteSnapshot', { snapshotId: SNAPSHOT }),
  ec2('RunInstances', { instancesSet: { items: [{ imageId: IMAGE, minCount: 1, maxCount: 1 }] } }),
  ec2('CreateTags', { resourcesSet: { items: [{ resourceId: IMAGE }] }, tagSet: { items: [{ key: 'team', value: 'web' }] } }),
  // Event names are case-sensitive in EventBridge and in CloudTrail.
  ec2('modifyimageattribute', { imageId: IMAGE, launchPermission: { add: { items: [{ userId: OUTSIDER }] } }, attributeType: 'launchPermission' }),

  // RDS.
  rds('DescribeDBSnapshotAttributes', { dBSnapshotIdentifier: 'orders-2026-03-10' }, true),
  rds('DescribeDBClusterSnapshotAttributes', { dBClusterSnapshotIdentifier: 'ledger-2026-03-10' }, true),
  rds('CreateDBSnapshot', { dBSnapshotIdentifier: 'orders-2026-03-10', dBInstanceIdentifier: 'orders' }),
  rds('CreateDBClusterSnapshot', { dBClusterSnapshotIdentifier: 'ledger-2026-03-10', dBClusterIdentifier: 'ledger' }),
  rds('CopyDBSnapshot', { sourceDBSnapshotIdentifier: 'orders-2026-03-10', targetDBSnapshotIdentifier: 'orders-copy' }),
  rds('ModifyDBSnapshot', { dBSnapshotIdentifier: 'orders-2026-03-10', engineVersion: '16.4' }),
  rds('ModifyDBInstance', { dBInstanceIdentifier: 'orders', backupRetentionPeriod: 14 }),
  rds('ModifyDBCluster', { dBClusterIdentifier: 'ledger', deletionProtection: true }),
  rds('DeleteDBSnapshot', { dBSnapshotIdentifier: 'orders-2026-02-01' }),
  rds('AddTagsToResource', { resourceName: `arn:aws:rds:us-east-1:${OWNER}:snapshot:orders-2026-03-10`, tags: [{ key: 'team', value: 'orders' }] }),

  // S3.
  s3('GetBucketPolicy', { policy: '' }, true),
  s3('GetBucketAcl', { acl: '' }, true),
  s3('GetBucketPolicyStatus', { policyStatus: '' }, true),
  s3('DeleteBucketPolicy', { policy: '' }),
  s3('PutBucketTagging', { tagging: '' }),
  s3('PutBucketVersioning', { versioning: '', VersioningConfiguration: { Status: 'Enabled' } }),
  s3('PutBucketEncryption', { encryption: '' }),
  s3('GetBucketPublicAccessBlock', { publicAccessBlock: '' }, true),
  s3('PutBucketOwnershipControls', { ownershipControls: '' }),
  s3('PutBucketLogging', { logging: '' }),
  s3('PutBucketLifecycle', { lifecycle: '' }),
  s3('CreateBucket', { 'x-amz-acl': 'private' }),

  // Lambda: the removals, reads and other writes, with their versioned names.
  lambda('RemovePermission20150331v2', { functionName: FUNCTION, statementId: 'partner-invoke' }),
  lambda('RemoveLayerVersionPermission20181031', { layerName: LAYER, versionNumber: 3, statementId: 'partner' }),
  lambda('GetPolicy20150331v2', { functionName: FUNCTION }, true),
  lambda('GetLayerVersionPolicy20181031', { layerName: LAYER, versionNumber: 3 }, true),
  lambda('GetFunction20150331v2', { functionName: FUNCTION }, true),
  lambda('CreateFunction20150331', { functionName: FUNCTION, runtime: 'nodejs24.x' }),
  lambda('UpdateFunctionConfiguration20150331v2', { functionName: FUNCTION, memorySize: 512 }),
  lambda('UpdateFunctionCode20150331v2', { functionName: FUNCTION, publish: true }),
  lambda('PublishLayerVersion20181031', { layerName: 'shared-utils' }),
  lambda('PutFunctionConcurrency20171031', { functionName: FUNCTION, reservedConcurrentExecutions: 10 }),
  lambda('TagResource20170331v2', { resource: `arn:aws:lambda:us-east-1:${OWNER}:function:${FUNCTION}`, tags: { team: 'reports' } }),

  // The same event names from other services, which the patterns must tell apart by source.
  cloudTrailEvent('aws.sns', apiCall('sns.amazonaws.com', 'GetTopicAttributes', { topicArn: `arn:aws:sns:us-east-1:${OWNER}:alerts` })),
  cloudTrailEvent('aws.sqs', apiCall('sqs.amazonaws.com', 'RemovePermission', { queueUrl: `https://sqs.us-east-1.amazonaws.com/${OWNER}/jobs`, label: 'partner' })),
  cloudTrailEvent('aws.sns', apiCall('sns.amazonaws.com', 'RemovePermission', { topicArn: `arn:aws:sns:us-east-1:${OWNER}:alerts`, label: 'partner' })),
  cloudTrailEvent('aws.ecr', apiCall('ecr.amazonaws.com', 'GetRepositoryPolicy', { repositoryName: 'web' })),
  cloudTrailEvent('aws.kms', apiCall('kms.amazonaws.com', 'DescribeKey', { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' })),
  cloudTrailEvent('aws.events', apiCall('events.amazonaws.com', 'RemovePermission', { statementId: 'partner' })),

  // A catalog event name under another service's source: each pattern pairs names with one source.
  cloudTrailEvent('aws.s3', apiCall('s3.amazonaws.com', 'ModifyImageAttribute', { imageId: IMAGE })),
  cloudTrailEvent('aws.ec2', apiCall('ec2.amazonaws.com', 'PutBucketPolicy', { bucketName: BUCKET })),
  cloudTrailEvent('aws.rds', apiCall('rds.amazonaws.com', 'AddPermission20150331v2', { functionName: FUNCTION })),
  cloudTrailEvent('aws.lambda', apiCall('lambda.amazonaws.com', 'ModifyDBSnapshotAttribute', { dBSnapshotIdentifier: 'orders' })),

  // A sharing call under another detail-type: only "AWS API Call via CloudTrail" events are read.
  {
    source: 'aws.ec2',
    detailType: 'AWS Service Event via CloudTrail',
    detail: apiCall('ec2.amazonaws.com', 'ModifySnapshotAttribute', { snapshotId: SNAPSHOT, createVolumePermission: { add: { items: [{ userId: OUTSIDER }] } } }),
  },
  {
    source: 'aws.signin',
    detailType: 'AWS Console Sign In via CloudTrail',
    detail: { ...apiCall('signin.amazonaws.com', 'ConsoleLogin'), eventType: 'AwsConsoleSignIn', responseElements: { ConsoleLogin: 'Success' } },
  },
];

function everydayName(event: BusEvent): string {
  return `${event.source} ${String(event.detail.eventName)} (${event.detailType})`;
}

// ---------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------

let moto: MotoServer;
let eventBridge: EventBridgeClient;
let sqs: SQSClient;
let defaultQueueUrl: string;
/** The bus and queue of the tamper alert patterns, kept apart from the function's patterns. */
let tamperTarget: { busName: string; queueUrl: string; marker: BusEvent };

/** Builds a routed event that ends a batch, so that checking "nothing else arrived" needs no waiting for silence. */
function endMarker(): BusEvent {
  const record = apiCall('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: BUCKET, policy: '{"Version":"2012-10-17","Statement":[]}' });
  return cloudTrailEvent('aws.s3', record);
}

async function putEvents(events: BusEvent[], busName = 'default'): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < events.length; index += PUT_EVENTS_BATCH) {
    const entries: PutEventsRequestEntry[] = events.slice(index, index + PUT_EVENTS_BATCH).map((event) => ({
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      EventBusName: busName,
    }));
    const response = await eventBridge.send(new PutEventsCommand({ Entries: entries }));
    if ((response.FailedEntryCount ?? 0) > 0) {
      throw new Error(`PutEvents rejected ${response.FailedEntryCount} entries: ${JSON.stringify(response.Entries)}`);
    }
    ids.push(...(response.Entries ?? []).map((entry) => entry.EventId ?? '(no id)'));
  }
  return ids;
}

interface Delivery {
  /** Event ids that PutEvents returned, in the order of the events. */
  sentIds: string[];
  /** Ids of the events that reached the queue, without the end marker's. */
  deliveredIds: string[];
}

/**
 * Puts the events on the bus followed by an end marker, then receives until the marker arrives.
 * moto 5.2.1 delivers to the targets while it handles PutEvents, so every event put before the
 * marker is on the queue when the marker is.
 */
async function deliver(events: BusEvent[], target: { busName: string; queueUrl: string; marker: BusEvent } = { busName: 'default', queueUrl: '', marker: endMarker() }): Promise<Delivery> {
  const queueUrl = target.queueUrl === '' ? defaultQueueUrl : target.queueUrl;
  const sentIds = await putEvents(events, target.busName);
  const [markerId] = await putEvents([target.marker], target.busName);
  const received: string[] = [];
  const maxReceives = Math.ceil((events.length + 1) / RECEIVE_BATCH) + SPARE_RECEIVES;

  for (let attempt = 0; attempt < maxReceives; attempt += 1) {
    const { Messages: messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: RECEIVE_BATCH, WaitTimeSeconds: 1 }));
    if (messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
    received.push(...messages.map((message) => (JSON.parse(message.Body ?? '{}') as { id?: string }).id ?? '(no id)'));
    if (received.includes(markerId)) {
      return { sentIds, deliveredIds: received.filter((id) => id !== markerId) };
    }
  }
  throw new Error(`the end marker did not reach the queue after ${maxReceives} receives; is the S3 rule installed?`);
}

function timesDelivered(delivery: Delivery, index: number): number {
  return delivery.deliveredIds.filter((id) => id === delivery.sentIds[index]).length;
}

beforeAll(async () => {
  moto = await startMoto();
  const clientConfig = {
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  };
  eventBridge = new EventBridgeClient(clientConfig);
  sqs = new SQSClient(clientConfig);

  const created = await sqs.send(new CreateQueueCommand({ QueueName: 'share-sentinel-routing' }));
  if (!created.QueueUrl) {
    throw new Error('the emulator returned no queue URL');
  }
  defaultQueueUrl = created.QueueUrl;
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: defaultQueueUrl, AttributeNames: ['QueueArn'] }));

  for (const [index, pattern] of PATTERNS.entries()) {
    const name = ruleName(index);
    await eventBridge.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), State: 'ENABLED' }));
    await eventBridge.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }] }));
  }

  const tamperBus = 'share-sentinel-tamper';
  await eventBridge.send(new CreateEventBusCommand({ Name: tamperBus }));
  const tamperQueue = await sqs.send(new CreateQueueCommand({ QueueName: 'share-sentinel-tamper-routing' }));
  const tamperQueueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: tamperQueue.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  for (const [index, pattern] of TAMPER_PATTERNS.entries()) {
    const name = `share-sentinel-alert-${index}`;
    await eventBridge.send(new PutRuleCommand({ Name: name, EventBusName: tamperBus, EventPattern: JSON.stringify(pattern), State: 'ENABLED' }));
    await eventBridge.send(new PutTargetsCommand({ Rule: name, EventBusName: tamperBus, Targets: [{ Id: 'queue', Arn: tamperQueueArn }] }));
  }
  const stopLogging = apiCall('cloudtrail.amazonaws.com', 'StopLogging', { name: 'end-marker-trail' });
  tamperTarget = { busName: tamperBus, queueUrl: tamperQueue.QueueUrl ?? '', marker: cloudTrailEvent('aws.cloudtrail', stopLogging) };
}, 60_000);

afterAll(async () => {
  eventBridge?.destroy();
  sqs?.destroy();
  await moto?.stop();
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('installed rules', () => {
  it.each(PATTERNS.map((pattern, index) => [ruleName(index), pattern] as const))('keep %s pattern unchanged', async (name, pattern) => {
    const rule = await eventBridge.send(new DescribeRuleCommand({ Name: name }));

    expect(JSON.parse(rule.EventPattern ?? '{}')).toEqual(pattern);
  });
});

describe('sharing fixtures', () => {
  // Each fixture is read when the batch is put, so that an unreadable file fails only its own test.
  const loaded = FIXTURE_FILES.map((file) => {
    try {
      return { file, event: loadFixtureEvent(path.join(FIXTURE_ROOT, file)) };
    } catch (error) {
      return { file, error: error as Error };
    }
  });
  const events = loaded.flatMap((fixture) => (fixture.event ? [fixture.event] : []));
  let delivery: Delivery;

  // About 200 fixtures go through the emulator's bus in batches, which takes longer than jest's default.
  beforeAll(async () => {
    delivery = await deliver(events);
  }, 180_000);

  it('exist', () => {
    expect(events.length).toBeGreaterThan(0);
  });

  it.each(loaded.map((fixture) => [fixture.file, fixture] as const))('routes %s', (file, fixture) => {
    if (fixture.error) {
      throw fixture.error;
    }
    const index = events.indexOf(fixture.event as BusEvent);

    // GIVEN a call that the rule catalog reads
    expect(findRule(fixture.event?.detail ?? {}, { detector: DETECTOR })?.id).toEqual(expect.any(String));

    // THEN putting it on the bus delivered it to the queue once, unless its pattern leaves it out on purpose
    expect(timesDelivered(delivery, index)).toBe(NOT_ROUTED[file] === undefined ? 1 : 0);
  });
});

describe('tamper alert patterns', () => {
  const loaded = FIXTURE_FILES.map((file) => ({ file, event: loadFixtureEvent(path.join(FIXTURE_ROOT, file)) }));
  let delivery: Delivery;

  beforeAll(async () => {
    delivery = await deliver(
      loaded.map((fixture) => fixture.event),
      tamperTarget,
    );
  }, 180_000);

  it.each(loaded.map((fixture, index) => [fixture.file, fixture.event, index] as const))('route %s only when a tamper rule reads it', (file, event, index) => {
    const rule = findRule(event.detail, { detector: DETECTOR });
    const byCloudFormation = event.detail.sourceIPAddress === CLOUDFORMATION_SOURCE;
    const expected = rule?.category === 'tamper' && !byCloudFormation && NOT_ROUTED[file] === undefined ? 1 : 0;

    expect(timesDelivered(delivery, index)).toBe(expected);
  });

  it('reach the topic for every tamper rule', () => {
    const routed = loaded.filter((_fixture, index) => timesDelivered(delivery, index) === 1);
    const ids = new Set(routed.map((fixture) => findRule(fixture.event.detail, { detector: DETECTOR })?.id));

    expect([...ids].sort()).toEqual(RULES.filter((rule) => rule.category === 'tamper').map((rule) => rule.id).sort());
  });
});

describe('everyday events', () => {
  let delivery: Delivery;

  beforeAll(async () => {
    delivery = await deliver(EVERYDAY_EVENTS);
  }, 180_000);

  it('number at least 50', () => {
    expect(EVERYDAY_EVENTS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(EVERYDAY_EVENTS.map((event, index) => [everydayName(event), index] as const))('ignores %s', (_name, index) => {
    expect(timesDelivered(delivery, index)).toBe(0);
  });

  it('deliver nothing at all', () => {
    expect(delivery.deliveredIds).toEqual([]);
  });
});

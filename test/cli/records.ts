/**
 * CloudTrail records for the scan command's tests, with invented ids: the owner account
 * 111122223333, outside accounts 444455556666 and 777788889999, documentation IP ranges.
 */
import type { CloudTrailRecord } from '../../lambda/core/types';

export const OWNER = '111122223333';
export const PARTNER = '444455556666';
export const OUTSIDER = '777788889999';
export const ORGANIZATION = 'o-a1b2c3d4e5';

/** Builds the fields every record has, for an IAM user of the owner account. */
function baseRecord(eventId: string, eventSource: string, eventName: string): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEPRINCIPAL1',
      arn: `arn:aws:iam::${OWNER}:user/alice`,
      accountId: OWNER,
      userName: 'alice',
    },
    eventTime: '2024-05-01T10:00:00Z',
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.0',
    requestID: `request-${eventId}`,
    eventID: eventId,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: OWNER,
    eventCategory: 'Management',
  };
}

/** Builds an EC2 ModifySnapshotAttribute that adds create-volume permission for each account: a `high` finding unless trusted. */
export function snapshotShare(eventId: string, accounts: string[] = [PARTNER]): CloudTrailRecord {
  return {
    ...baseRecord(eventId, 'ec2.amazonaws.com', 'ModifySnapshotAttribute'),
    requestParameters: {
      snapshotId: 'snap-0123456789abcdef0',
      attributeType: 'CREATE_VOLUME_PERMISSION',
      createVolumePermission: { add: { items: accounts.map((userId) => ({ userId })) } },
    },
    responseElements: { requestId: `request-${eventId}`, _return: true },
  };
}

/** Builds an EC2 ModifyImageAttribute that makes an AMI public: a `critical` finding. */
export function publicImage(eventId: string): CloudTrailRecord {
  return {
    ...baseRecord(eventId, 'ec2.amazonaws.com', 'ModifyImageAttribute'),
    requestParameters: {
      imageId: 'ami-0123456789abcdef0',
      attributeType: 'launchPermission',
      launchPermission: { add: { items: [{ group: 'all' }] } },
    },
    responseElements: { _return: true },
  };
}

/** Builds an EC2 ModifyImageAttribute that removes a launch permission: watched, but it grants nothing. */
export function imagePermissionRemoval(eventId: string): CloudTrailRecord {
  return {
    ...baseRecord(eventId, 'ec2.amazonaws.com', 'ModifyImageAttribute'),
    requestParameters: {
      imageId: 'ami-0123456789abcdef0',
      attributeType: 'launchPermission',
      launchPermission: { remove: { items: [{ userId: PARTNER }] } },
    },
    responseElements: { _return: true },
  };
}

/** Builds an S3 PutBucketPolicy that lets everyone read: a `critical` finding. */
export function publicBucketPolicy(eventId: string): CloudTrailRecord {
  return {
    ...baseRecord(eventId, 's3.amazonaws.com', 'PutBucketPolicy'),
    requestParameters: {
      bucketName: 'example-reports',
      Host: 'example-reports.s3.eu-west-1.amazonaws.com',
      policy: '',
      bucketPolicy: {
        Version: '2012-10-17',
        Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::example-reports/*' }],
      },
    },
    responseElements: null,
  };
}

/** Builds an RDS ModifyDBSnapshotAttribute that adds restore permission for each value (`all` is public). */
export function dbSnapshotShare(eventId: string, values: string[] = [OUTSIDER]): CloudTrailRecord {
  return {
    ...baseRecord(eventId, 'rds.amazonaws.com', 'ModifyDBSnapshotAttribute'),
    requestParameters: { dBSnapshotIdentifier: 'orders-2024-05-01', attributeName: 'restore', valuesToAdd: values },
    responseElements: { dBSnapshotAttributesResult: { dBSnapshotIdentifier: 'orders-2024-05-01', dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: values }] } },
  };
}

/** Builds an SNS AddPermission to the partner account: the same name as Lambda's call, read by the SNS rule. */
export function snsAddPermission(eventId: string): CloudTrailRecord {
  return {
    ...baseRecord(eventId, 'sns.amazonaws.com', 'AddPermission'),
    requestParameters: { topicArn: `arn:aws:sns:eu-west-1:${OWNER}:alerts`, label: 'partner', aWSAccountId: [PARTNER], actionName: ['Publish'] },
    responseElements: null,
  };
}

/** Everyday calls that no rule reads. */
export const EVERYDAY_CALLS = [
  { eventSource: 's3.amazonaws.com', eventName: 'GetObject' },
  { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' },
  { eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole' },
] as const;

/** Builds an everyday read call, such as GetObject or DescribeInstances. */
export function everydayCall(eventId: string, index = 0): CloudTrailRecord {
  const call = EVERYDAY_CALLS[index % EVERYDAY_CALLS.length];
  return {
    ...baseRecord(eventId, call.eventSource, call.eventName),
    readOnly: true,
    requestParameters: { maxResults: 100 },
    responseElements: null,
  };
}

/**
 * Removes the fields that records from before 2019 lack, and the caller's `accountId`, so that only
 * an EventBridge envelope can name the owner.
 */
export function withoutOwnerFields(record: CloudTrailRecord): CloudTrailRecord {
  const copy = structuredClone(record);
  delete copy.recipientAccountId;
  delete copy.readOnly;
  delete copy.managementEvent;
  delete copy.eventCategory;
  copy.eventVersion = '1.05';
  copy.userIdentity = { type: 'AssumedRole', principalId: 'AROAEXAMPLEROLEID:session', arn: `arn:aws:sts::${OWNER}:assumed-role/admin/session` };
  return copy;
}

/** Wraps a record as EventBridge delivers it. */
export function eventBridgeEvent(record: CloudTrailRecord, account: string = OWNER): Record<string, unknown> {
  return {
    version: '0',
    id: `envelope-${String(record.eventID)}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${String(record.eventSource).split('.')[0]}`,
    account,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

/** `aws cloudtrail lookup-events` output: each record is a JSON string in `CloudTrailEvent`. */
export function lookupEventsOutput(records: CloudTrailRecord[]): Record<string, unknown> {
  return {
    Events: records.map((record) => ({
      EventId: record.eventID,
      EventName: record.eventName,
      ReadOnly: 'false',
      EventTime: '2024-05-01T10:00:00+00:00',
      EventSource: record.eventSource,
      Username: 'alice',
      Resources: [],
      CloudTrailEvent: JSON.stringify(record),
    })),
  };
}

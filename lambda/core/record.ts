/** Accessors for the standard fields of a CloudTrail record. */
import { field, isObject, str } from './read';
import type { CloudTrailRecord } from './types';

export function requestParameters(record: CloudTrailRecord): Record<string, unknown> | undefined {
  const value = field(record, 'requestParameters');
  return isObject(value) ? value : undefined;
}

export function responseElements(record: CloudTrailRecord): Record<string, unknown> | undefined {
  const value = field(record, 'responseElements');
  return isObject(value) ? value : undefined;
}

/** Reads a top-level key with its exact spelling. CloudTrail writes these keys one way only. */
function exactString(record: CloudTrailRecord, key: string): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The event name, read from the exact key `eventName` like `eventSource`: routing must not depend
 * on a differently spelled key that the scanner's fast path, which reads raw text, would not see.
 */
export function eventName(record: CloudTrailRecord): string {
  return exactString(record, 'eventName') ?? '';
}

export function eventSource(record: CloudTrailRecord): string {
  return exactString(record, 'eventSource') ?? '';
}

export function region(record: CloudTrailRecord): string {
  return str(record, 'awsRegion') ?? '';
}

/**
 * The account that owns the resource: `recipientAccountId`, else the caller's account (records
 * from before 2019 lack `recipientAccountId`), else the EventBridge envelope's `account`.
 */
export function ownerAccountId(record: CloudTrailRecord, envelopeAccount?: string): string | undefined {
  return str(record, 'recipientAccountId') ?? str(record, 'userIdentity', 'accountId') ?? envelopeAccount;
}

/** Returns the error code of a failed call, or undefined when the call succeeded. */
export function errorCode(record: CloudTrailRecord): string | undefined {
  const code = str(record, 'errorCode');
  return code === undefined || code === '' ? undefined : code;
}

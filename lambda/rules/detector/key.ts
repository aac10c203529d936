/**
 * KMS calls that disable or delete the key, or replace the policy of the key, that encrypts the detector's alert topic:
 * DisableKey, ScheduleKeyDeletion and PutKeyPolicy. Each names the key in `requestParameters.keyId`
 * as a key id or a key ARN (KMS API reference, KeyId), never an alias.
 *
 * A PutKeyPolicy on the key is also read by the key policy rule, whose grants are added to this
 * rule's, so that a policy that opens the key shows whom it opens it to.
 */
import { eventName, ownerAccountId, region, requestParameters } from '../../core/record';
import { str } from '../../core/read';
import type { DetectorResources, ExtractContext, PatternFilter, RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { CloudTrailRecord, RuleResult } from '../../core/types';
import { keyPolicyRemediation, keyResource } from '../kms/key';
import { putKeyPolicy } from '../kms/put-key-policy';
import { detectorSetting, driftRemediation, mergedRemediation, mergeSharingResult, stackDetails, tamperGrant } from './deployment';

const EVENT_SOURCE = 'kms.amazonaws.com';

/** ScheduleKeyDeletion's waiting period when the request sets none (KMS API reference, PendingWindowInDays). */
const DEFAULT_PENDING_WINDOW_DAYS = 30;

/** Returns the detector key's id and ARN, those of them that are known. */
function detectorKeyReferences(detector: DetectorResources | undefined): string[] {
  return [detectorSetting(detector?.keyId), detectorSetting(detector?.keyArn)].filter((reference): reference is string => reference !== undefined);
}

function namesDetectorKey(record: CloudTrailRecord, context: ExtractContext): boolean {
  const keyId = str(requestParameters(record), 'keyId');
  return keyId !== undefined && detectorKeyReferences(context.detector).includes(keyId);
}

/** Describes a ScheduleKeyDeletion, with its waiting period. */
function deletionSetting(record: CloudTrailRecord, warnings: string[]): string {
  const window = str(requestParameters(record), 'pendingWindowInDays');
  if (window === undefined) {
    return `alert key scheduled for deletion in ${DEFAULT_PENDING_WINDOW_DAYS} days`;
  }
  if (!/^\d{1,3}$/.test(window)) {
    warnings.push('requestParameters.pendingWindowInDays is not a whole number of days');
    return 'alert key scheduled for deletion';
  }
  return `alert key scheduled for deletion in ${Number(window)} days`;
}

export const detectorKeyChanged: RuleDefinition = {
  id: 'detector-key-changed',
  eventSource: EVENT_SOURCE,
  eventNames: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'],
  title: "Alert topic's KMS key disabled, scheduled for deletion or given a new policy",
  resourceLabel: 'KMS key',
  category: 'tamper',

  appliesTo(record, context) {
    return namesDetectorKey(record, context);
  },

  // The key policy rule's pattern already routes every PutKeyPolicy to the function, so the route
  // generation keeps that filter only for the alert that goes straight to the topic.
  patternFilters(detector: DetectorResources | undefined): PatternFilter[] {
    const references = detectorKeyReferences(detector);
    if (references.length === 0) {
      return [];
    }
    return [
      { eventNames: ['DisableKey', 'ScheduleKeyDeletion'], eventNamePrefixes: [], requestParameters: { keyId: references } },
      { eventNames: ['PutKeyPolicy'], eventNamePrefixes: [], requestParameters: { keyId: references } },
    ];
  },

  extract(record, context = {}) {
    const warnings: string[] = [];
    const keyId = bound(str(requestParameters(record), 'keyId') ?? '', 2048);
    if (keyId === '') {
      warnings.push('requestParameters.keyId is missing');
    }
    const name = eventName(record);
    let setting: string;
    if (name === 'DisableKey') {
      setting = 'alert key disabled';
    } else if (name === 'ScheduleKeyDeletion') {
      setting = deletionSetting(record, warnings);
    } else {
      setting = 'alert key policy replaced';
    }
    const own: RuleResult = {
      resource: keyResource(keyId, region(record), context.ownerAccountId ?? ownerAccountId(record), detectorSetting(context.detector?.keyArn)),
      grants: [tamperGrant(record, context.detector, setting, name)],
      warnings,
      details: { ...stackDetails(context.detector), call: name },
    };
    return name === 'PutKeyPolicy' ? mergeSharingResult(own, putKeyPolicy.extract(record, context)) : own;
  },

  remediation(input) {
    const { result, region: eventRegion } = input;
    const call = result.details?.call;
    if (result.resource.id === '' || (call !== 'DisableKey' && call !== 'ScheduleKeyDeletion')) {
      return call === 'PutKeyPolicy' ? mergedRemediation(input, keyPolicyRemediation) : driftRemediation(result, eventRegion);
    }
    const key = `--region ${shellQuote(eventRegion)} --key-id ${shellQuote(result.resource.id)}`;
    // A key whose deletion is cancelled stays disabled until it is enabled.
    return call === 'ScheduleKeyDeletion' ? `aws kms cancel-key-deletion ${key} && aws kms enable-key ${key}` : `aws kms enable-key ${key}`;
  },
};

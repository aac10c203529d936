/**
 * The rule catalog: the single list of sharing API calls share-sentinel reads. The EventBridge
 * pattern, the scanner's pre-filter and the README's rule table are all derived from it.
 */
import { eventName, eventSource } from './core/record';
import type { RuleDefinition } from './core/rule';
import type { CloudTrailRecord } from './core/types';
import { modifyImageAttribute } from './rules/ec2/modify-image-attribute';
import { modifySnapshotAttribute } from './rules/ec2/modify-snapshot-attribute';
import { addLayerVersionPermission } from './rules/lambda/add-layer-version-permission';
import { addPermission } from './rules/lambda/add-permission';
import { modifyDbClusterSnapshotAttribute, modifyDbSnapshotAttribute } from './rules/rds/modify-snapshot-attribute';
import { putBucketAcl } from './rules/s3/put-bucket-acl';
import { putBucketPolicy } from './rules/s3/put-bucket-policy';

export const RULES: readonly RuleDefinition[] = [
  modifyImageAttribute,
  modifySnapshotAttribute,
  modifyDbSnapshotAttribute,
  modifyDbClusterSnapshotAttribute,
  putBucketPolicy,
  putBucketAcl,
  addPermission,
  addLayerVersionPermission,
];

/** Tells whether a rule reads events with this source and name. */
export function ruleMatches(rule: RuleDefinition, source: string, name: string): boolean {
  if (source !== rule.eventSource) {
    return false;
  }
  return rule.eventNames.includes(name) || (rule.eventNamePrefixes ?? []).some((prefix) => name.startsWith(prefix));
}

/** Returns the rule for a record, routing on `eventSource` and `eventName` together. */
export function findRule(record: CloudTrailRecord): RuleDefinition | undefined {
  const source = eventSource(record);
  const name = eventName(record);
  return RULES.find((rule) => ruleMatches(rule, source, name));
}

/** Every exact event name and name prefix in the catalog: a record that contains none of them cannot match a rule. */
export function watchedNameFragments(): string[] {
  return [...new Set(RULES.flatMap((rule) => [...rule.eventNames, ...(rule.eventNamePrefixes ?? [])]))];
}

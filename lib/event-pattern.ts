/**
 * EventBridge event patterns generated from the rule catalog, so that a rule added to the
 * detection core is routed to the function with no change here.
 */
import type { RuleDefinition } from '../lambda/core/rule';
import { RULES } from '../lambda/catalog';

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** EventBridge `source` values that differ from `aws.` plus the first label of the CloudTrail event source. */
const SOURCE_EXCEPTIONS: Record<string, string> = {
  'monitoring.amazonaws.com': 'aws.cloudwatch',
};

/** Returns the EventBridge `source` of the events a CloudTrail `eventSource` produces, such as `aws.ec2` for `ec2.amazonaws.com`. */
export function eventBridgeSource(eventSource: string): string {
  return SOURCE_EXCEPTIONS[eventSource] ?? `aws.${eventSource.split('.')[0]}`;
}

/**
 * CloudTrail event sources of global services, whose events reach EventBridge only in us-east-1.
 */
export const GLOBAL_EVENT_SOURCES: readonly string[] = ['iam.amazonaws.com', 'sts.amazonaws.com', 'organizations.amazonaws.com', 'cloudfront.amazonaws.com', 'route53.amazonaws.com'];

/** The region where EventBridge receives the events of global services. */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

/** An EventBridge pattern as JSON: what `events.EventPattern` renders to. */
export interface CloudTrailPattern {
  source: string[];
  'detail-type': string[];
  detail: {
    eventSource: string[];
    eventName: (string | { prefix: string })[];
  };
}

/**
 * Builds one pattern per CloudTrail event source. Grouping by source keeps routing exact: the
 * same event name (AddPermission, PutResourcePolicy) means different calls in different services,
 * and a single pattern listing all sources and all names would match their cross product.
 */
export function buildEventPatterns(rules: readonly RuleDefinition[] = RULES): CloudTrailPattern[] {
  const bySource = new Map<string, RuleDefinition[]>();
  for (const rule of rules) {
    bySource.set(rule.eventSource, [...(bySource.get(rule.eventSource) ?? []), rule]);
  }
  return [...bySource.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([eventSource, sourceRules]) => {
      const exact = [...new Set(sourceRules.flatMap((rule) => rule.eventNames))].sort();
      const prefixes = [...new Set(sourceRules.flatMap((rule) => rule.eventNamePrefixes ?? []))].sort();
      return {
        source: [eventBridgeSource(eventSource)],
        'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
        detail: {
          eventSource: [eventSource],
          eventName: [...exact, ...prefixes.map((prefix) => ({ prefix }))],
        },
      };
    });
}

/**
 * EventBridge event patterns generated from the rule catalog, so that a rule added to the
 * detection core is routed to the function with no change here.
 */
import type { DetectorResources, PatternFilter, PatternValue, RuleDefinition } from '../lambda/core/rule';
import { RULES } from '../lambda/catalog';
import { CLOUDFORMATION_SERVICE } from '../lambda/rules/detector/deployment';

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
    requestParameters?: Record<string, PatternValue[]>;
    sourceIPAddress?: { 'anything-but': string[] }[];
  };
}

function patternFor(eventSource: string, exactNames: string[], prefixes: string[], requestParameters?: Record<string, PatternValue[]>): CloudTrailPattern {
  const pattern: CloudTrailPattern = {
    source: [eventBridgeSource(eventSource)],
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: {
      eventSource: [eventSource],
      eventName: [...[...new Set(exactNames)].sort(), ...[...new Set(prefixes)].sort().map((prefix) => ({ prefix }))],
    },
  };
  if (requestParameters !== undefined && Object.keys(requestParameters).length > 0) {
    pattern.detail.requestParameters = requestParameters;
  }
  return pattern;
}

function filterPattern(rule: RuleDefinition, filter: PatternFilter): CloudTrailPattern {
  return patternFor(rule.eventSource, filter.eventNames ?? rule.eventNames, filter.eventNamePrefixes ?? rule.eventNamePrefixes ?? [], filter.requestParameters);
}

/** One EventBridge pattern and the catalog rules it routes events to. */
export interface EventRoute {
  pattern: CloudTrailPattern;
  rules: RuleDefinition[];
  /** A short name for the route, unique among the routes: the service for a source's pattern, the rule id for a rule's own filter. */
  name: string;
}

/**
 * Builds one pattern per CloudTrail event source, and one more per filter of the rules that need
 * request parameters to route (the rules about the detector's own resources). Grouping by source
 * keeps routing exact: the same event name (AddPermission, PutResourcePolicy) means different
 * calls in different services, and a single pattern listing all sources and all names would
 * match their cross product.
 *
 * Without `detector`, the rules about the detector's resources have no filter and no pattern: a
 * forwarder in another region or account has none of those resources to watch.
 */
export function buildEventRoutes(rules: readonly RuleDefinition[] = RULES, detector?: DetectorResources): EventRoute[] {
  const bySource = new Map<string, RuleDefinition[]>();
  const filtered: EventRoute[] = [];
  for (const rule of rules) {
    if (rule.patternFilters === undefined) {
      bySource.set(rule.eventSource, [...(bySource.get(rule.eventSource) ?? []), rule]);
      continue;
    }
    const filters = rule.patternFilters(detector);
    filters.forEach((filter, index) => {
      filtered.push({ pattern: filterPattern(rule, filter), rules: [rule], name: filters.length === 1 ? rule.id : `${rule.id}-${index + 1}` });
    });
  }
  const grouped: EventRoute[] = [...bySource.entries()].map(([eventSource, sourceRules]) => ({
    pattern: patternFor(
      eventSource,
      sourceRules.flatMap((rule) => rule.eventNames),
      sourceRules.flatMap((rule) => rule.eventNamePrefixes ?? []),
    ),
    rules: sourceRules,
    name: eventBridgeSource(eventSource).replace(/^aws\./, ''),
  }));
  // A filter whose event names its source's pattern already routes would deliver those events twice.
  // It is kept only when no such pattern is among the rules, as for the tamper rules on their own.
  const needed = filtered.filter((route) => {
    const sourcePattern = grouped.find((candidate) => candidate.pattern.detail.eventSource[0] === route.pattern.detail.eventSource[0]);
    const routedNames = new Set((sourcePattern?.pattern.detail.eventName ?? []).map((name) => JSON.stringify(name)));
    return !route.pattern.detail.eventName.every((name) => routedNames.has(JSON.stringify(name)));
  });
  return [...grouped, ...needed].sort((a, b) => a.pattern.detail.eventSource[0].localeCompare(b.pattern.detail.eventSource[0]) || a.name.localeCompare(b.name));
}

/** Returns the patterns of {@link buildEventRoutes}, for callers that need no more. */
export function buildEventPatterns(rules: readonly RuleDefinition[] = RULES, detector?: DetectorResources): CloudTrailPattern[] {
  return buildEventRoutes(rules, detector).map((route) => route.pattern);
}

/** The `sourceIPAddress` of calls that CloudFormation makes during a stack deployment. */
export const CLOUDFORMATION_SOURCE = CLOUDFORMATION_SERVICE;

/**
 * Returns the pattern of a rule that sends a tamper event straight to the alert topic: the route's
 * pattern without calls that a CloudFormation deployment made, which the function judges instead.
 */
export function tamperAlertPattern(pattern: CloudTrailPattern): CloudTrailPattern {
  return { ...pattern, detail: { ...pattern.detail, sourceIPAddress: [{ 'anything-but': [CLOUDFORMATION_SOURCE] }] } };
}

import type { CloudTrailRecord, Grant, RuleResult } from './types';

/** What a remediation hint is built from. */
export interface RemediationInput {
  result: RuleResult;
  /** The grants that raised the finding, after the trusted list was applied. */
  untrusted: Grant[];
  region: string;
}

/** What a rule learns from outside the record. */
export interface ExtractContext {
  /** The resource owner, which the caller may know from the EventBridge envelope when the record does not say. */
  ownerAccountId?: string;
}

/**
 * One entry of the rule catalog: which CloudTrail events it reads, and how. `extract` is a pure
 * function of the record; it returns undefined when the call grants nothing (a removal, an
 * unrelated attribute) and never throws on malformed input.
 */
export interface RuleDefinition {
  /** Stable identifier, used in findings and logs. */
  id: string;
  /** CloudTrail `eventSource`, such as `ec2.amazonaws.com`. */
  eventSource: string;
  /** Exact CloudTrail event names. */
  eventNames: string[];
  /** Event name prefixes, for API calls whose names carry a version (`AddPermission20150331v2`). */
  eventNamePrefixes?: string[];
  /** What the rule watches, for the README and alerts: "EC2 AMI launch permission". */
  title: string;
  /** What kind of resource it is in alert subjects: "EC2 AMI". */
  resourceLabel: string;
  extract(record: CloudTrailRecord, context?: ExtractContext): RuleResult | undefined;
  /** The AWS CLI command that revokes exactly the untrusted grants, with every event value shell-quoted. */
  remediation(input: RemediationInput): string;
}

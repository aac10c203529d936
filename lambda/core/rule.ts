import type { CloudTrailRecord, Grant, RuleResult } from './types';

/** Inputs of a remediation hint. */
export interface RemediationInput {
  result: RuleResult;
  /** The grants that raised the finding, after the trusted list was applied. */
  untrusted: Grant[];
  region: string;
}

/**
 * The detector's own resources, so that rules can tell a change to share-sentinel itself from any
 * other change. The function learns them from its environment, `scan` from its options.
 */
export interface DetectorResources {
  /** The CloudFormation stack that deployed the detector. */
  stackName?: string;
  /** Names of the detector's EventBridge rules: those that route events to the function and those that alert directly. */
  ruleNames?: string[];
  /** Name of the detection function. */
  functionName?: string;
  /** ARN of the alert topic. */
  topicArn?: string;
  /** ARN of the second topic, without the alert key, that receives the tamper alerts sent without the function. */
  tamperTopicArn?: string;
  /** Id of the KMS key that encrypts the alert topic. */
  keyId?: string;
  /** ARN of that key. */
  keyArn?: string;
  /** Name of the trusted-list SSM parameter. */
  trustedListParameter?: string;
}

/** Context a rule receives from outside the record. */
export interface ExtractContext {
  /** The resource owner, which the caller may know from the EventBridge envelope when the record lacks it. */
  ownerAccountId?: string;
  /** The detector's own resources, for rules that watch the detector. */
  detector?: DetectorResources;
}

/** A value in an EventBridge pattern: an exact string or boolean, or a string operator. */
export type PatternValue = string | number | boolean | { prefix: string } | { suffix: string } | { wildcard: string };

/**
 * One EventBridge pattern of a rule whose event names alone would route too many events, such as
 * a rule about the detector's own resources. Each filter becomes a pattern of its own.
 */
export interface PatternFilter {
  eventNames?: string[];
  eventNamePrefixes?: string[];
  /** `requestParameters` keys and the values any of which must match. */
  requestParameters?: Record<string, PatternValue[]>;
}

/**
 * One entry of the rule catalog: which CloudTrail events it reads, and how. `extract` is a pure
 * function of the record. It returns undefined when the call grants nothing (a removal, an
 * unrelated attribute), and property tests check that it does not throw on malformed input.
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
  /** Title of the watched grant, for the README and alerts: "EC2 AMI launch permission". */
  title: string;
  /** Resource kind in alert subjects: "EC2 AMI". */
  resourceLabel: string;
  /**
   * `tamper` rules watch the detector and the trail that feeds it. Their events also go through a
   * second EventBridge rule straight to the alert topic, so an alert survives a broken function.
   * @default 'sharing'
   */
  category?: 'sharing' | 'tamper';
  /**
   * Tells whether this rule reads the record, for rules that watch only some resources: a rule
   * about the detector's own key reads PutKeyPolicy on that key and leaves every other key to the
   * sharing rule after it in the catalog. Without it, event source and name decide.
   */
  appliesTo?(record: CloudTrailRecord, context: ExtractContext): boolean;
  /**
   * The EventBridge patterns of this rule, when its event names would route too many events.
   * Returning no filter leaves the rule out of the patterns, as a rule about the detector does when
   * the detector's resources are unknown. Without it, the rule's names join its event source's pattern.
   */
  patternFilters?(detector: DetectorResources | undefined): PatternFilter[];
  extract(record: CloudTrailRecord, context?: ExtractContext): RuleResult | undefined;
  /** The AWS CLI command that revokes exactly the untrusted grants, with every event value shell-quoted. */
  remediation(input: RemediationInput): string;
}

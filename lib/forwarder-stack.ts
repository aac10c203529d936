/**
 * A small stack that forwards matching CloudTrail events from one region to the home region's
 * default event bus, where the detector's own rules pick them up. CloudTrail delivers each call
 * to EventBridge only in the region where it was made, and global services (IAM) only in
 * us-east-1, so a detector in one region needs these to see the others.
 *
 * `addForwardingRules` is the part shared with the organization's member-account forwarder.
 */
import { Aws, Duration, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { CloudTrailPattern } from './event-pattern';

/** How long and how often EventBridge retries delivery to the target bus before it uses the dead-letter queue. */
export interface ForwardingRetryPolicy {
  /** From 60 seconds to 24 hours. */
  readonly maxEventAge: Duration;
  /** From 0 to 185. */
  readonly retryAttempts: number;
}

export interface ForwardingRulesProps {
  /** The event patterns to forward, one rule each. */
  readonly patterns: CloudTrailPattern[];
  /** The event bus that receives the events. */
  readonly targetBus: events.IEventBus;
  /** The receiving bus in words, for descriptions: "the default event bus in eu-west-1". */
  readonly destination: string;
  /**
   * An explicit retry policy on every target.
   * @default - none in the template, so EventBridge retries for 24 hours and up to 185 times
   */
  readonly retryPolicy?: ForwardingRetryPolicy;
}

/** The resources that `addForwardingRules` adds. */
export interface ForwardingRules {
  readonly rules: events.Rule[];
  readonly deadLetterQueue: sqs.Queue;
  readonly role: iam.Role;
}

/** An event bus target that also sets the retry policy, which `targets.EventBus` does not expose in aws-cdk-lib 2.278. */
class RetryingEventBusTarget implements events.IRuleTarget {
  constructor(
    private readonly busTarget: targets.EventBus,
    private readonly retryPolicy: ForwardingRetryPolicy,
  ) {}

  bind(rule: events.IRuleRef, id?: string): events.RuleTargetConfig {
    const config = this.busTarget.bind(rule, id);
    return {
      ...config,
      retryPolicy: {
        maximumEventAgeInSeconds: this.retryPolicy.maxEventAge.toSeconds(),
        maximumRetryAttempts: this.retryPolicy.retryAttempts,
      },
    };
  }
}

function validateRetryPolicy(scope: Construct, policy: ForwardingRetryPolicy): void {
  const ageSeconds = policy.maxEventAge.toSeconds();
  if (!Token.isUnresolved(ageSeconds) && (ageSeconds < 60 || ageSeconds > 86_400)) {
    throw new Error(`${scope.node.path}: invalid retry policy maxEventAge of ${ageSeconds} seconds; EventBridge accepts 60 to 86400 seconds (24 hours)`);
  }
  if (!Number.isInteger(policy.retryAttempts) || policy.retryAttempts < 0 || policy.retryAttempts > 185) {
    throw new Error(`${scope.node.path}: invalid retry policy retryAttempts of ${policy.retryAttempts}; EventBridge accepts a whole number from 0 to 185`);
  }
}

/**
 * Chooses the construct id of the rule for a pattern: `Forward-<service>`, followed by the names
 * of its request parameter filters when it has any. So several patterns of one event source (the
 * CloudTrail UpdateTrail filters) get distinct ids, and the unfiltered pattern keeps its old id.
 */
function chooseRuleId(pattern: CloudTrailPattern, usedIds: Set<string>): string {
  const service = pattern.source[0].replace(/^aws\./, '');
  const filterNames = Object.keys(pattern.detail.requestParameters ?? {}).map((name) => name.replace(/[^A-Za-z0-9]/g, ''));
  const base = [`Forward-${service}`, ...filterNames].join('-');
  let id = base;
  for (let index = 2; usedIds.has(id); index++) {
    id = `${base}-${index}`;
  }
  usedIds.add(id);
  return id;
}

/**
 * Adds to `scope` one rule per pattern on the default event bus, each targeting `targetBus`
 * through one role that may only put events on that bus, with a shared dead-letter queue for the
 * events EventBridge could not deliver. The constructs are added to `scope` itself, not to a child,
 * so that the logical ids of existing forwarding stacks stay the same.
 */
export function addForwardingRules(scope: Construct, props: ForwardingRulesProps): ForwardingRules {
  if (props.patterns.length === 0) {
    throw new Error(`${scope.node.path}: no event pattern to forward; pass at least one pattern`);
  }
  if (props.retryPolicy !== undefined) {
    validateRetryPolicy(scope, props.retryPolicy);
  }

  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the forwarding rules.',
  });

  // One role for every rule: it may put events on the target bus and nothing else.
  const role = new iam.Role(scope, 'ForwardRole', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
    description: `share-sentinel: forwards sharing calls to ${props.destination}`,
  });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.targetBus.eventBusArn] }));

  const usedIds = new Set<string>();
  const rules = props.patterns.map((pattern) => {
    const service = pattern.source[0].replace(/^aws\./, '');
    const rule = new events.Rule(scope, chooseRuleId(pattern, usedIds), {
      description: `share-sentinel: forwards ${service} sharing calls to ${props.destination}`,
      eventPattern: pattern as unknown as events.EventPattern,
    });
    const busTarget = new targets.EventBus(props.targetBus, { deadLetterQueue, role });
    rule.addTarget(props.retryPolicy === undefined ? busTarget : new RetryingEventBusTarget(busTarget, props.retryPolicy));
    return rule;
  });
  return { rules, deadLetterQueue, role };
}

/** The retry policy of every forwarding target: the longest that EventBridge accepts, which is also its default for a rule target. */
export const FORWARDING_RETRY: ForwardingRetryPolicy = { maxEventAge: Duration.hours(24), retryAttempts: 185 };

export interface ShareSentinelForwarderStackProps extends StackProps {
  /** The event patterns to forward, as generated from the rule catalog. */
  readonly patterns: CloudTrailPattern[];
  /** The region whose default event bus receives the events; the account is this stack's own. */
  readonly homeRegion: string;
}

/** Forwards matching events to the home region, with a dead-letter queue for events EventBridge could not deliver. */
export class ShareSentinelForwarderStack extends Stack {
  readonly rules: events.Rule[];
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ShareSentinelForwarderStackProps) {
    super(scope, id, props);
    if (props.patterns.length === 0) {
      throw new Error(`ShareSentinelForwarderStack ${id}: no event pattern to forward; pass at least one pattern`);
    }

    const homeBus = events.EventBus.fromEventBusArn(this, 'HomeBus', `arn:${Aws.PARTITION}:events:${props.homeRegion}:${Aws.ACCOUNT_ID}:event-bus/default`);
    // EventBridge retries delivery to the home bus for 24 hours, then uses the dead-letter queue.
    const forwarding = addForwardingRules(this, {
      patterns: props.patterns,
      targetBus: homeBus,
      destination: `the default event bus in ${props.homeRegion}`,
      retryPolicy: FORWARDING_RETRY,
    });
    this.rules = forwarding.rules;
    this.deadLetterQueue = forwarding.deadLetterQueue;
  }
}

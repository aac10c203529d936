/**
 * The stack that every member account and region of an organization runs to forward matching
 * CloudTrail events to the central event bus in the security account, where share-sentinel runs.
 * It is meant to be rolled out with a service-managed CloudFormation StackSet. A StackSet
 * deploys the synthesized template as it is, in accounts that are not bootstrapped for CDK. So
 * the stack uses `BootstraplessSynthesizer`, which renders no BootstrapVersion parameter and no
 * CheckBootstrapVersion rule, and which throws when a construct adds a file or image asset.
 */
import { BootstraplessSynthesizer, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { buildEventPatterns, type CloudTrailPattern } from './event-pattern';
import { addForwardingRules, FORWARDING_RETRY } from './forwarder-stack';

/**
 * ARN of a custom event bus in any partition, with a name of 1 to 256 characters from
 * `A-Za-z0-9._-`. The pattern leaves out `/` because only partner event buses have it in their names.
 */
export const EVENT_BUS_ARN_PATTERN = '^arn:aws[a-z-]*:events:[a-z]{2}(-[a-z]+)+-\\d{1,2}:\\d{12}:event-bus/[A-Za-z0-9._-]{1,256}$';

export const CENTRAL_EVENT_BUS_ARN_PARAMETER = 'CentralEventBusArn';

/** The retry policy of every forwarding target, the same as between regions of one account. */
export const MEMBER_FORWARDING_RETRY = FORWARDING_RETRY;

export interface ShareSentinelMemberForwarderStackProps extends StackProps {
  /**
   * The default value of the CentralEventBusArn parameter, such as
   * `arn:aws:events:us-east-1:111122223333:event-bus/share-sentinel`.
   * @default - no default, so each StackSet operation must pass the parameter
   */
  readonly centralEventBusArn?: string;
  /**
   * The event patterns to forward.
   * @default - the patterns of the whole rule catalog without the rules about the detector's own
   * resources, which exist only in the security account
   */
  readonly patterns?: CloudTrailPattern[];
}

/**
 * Forwards matching events from the default event bus of a member account and region to the
 * central event bus whose ARN the CentralEventBusArn parameter names.
 */
export class ShareSentinelMemberForwarderStack extends Stack {
  readonly centralEventBusArn: CfnParameter;
  readonly rules: events.Rule[];
  readonly deadLetterQueue: sqs.Queue;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ShareSentinelMemberForwarderStackProps = {}) {
    if (props.env?.account !== undefined || props.env?.region !== undefined) {
      throw new Error(`ShareSentinelMemberForwarderStack ${id}: invalid env ${JSON.stringify(props.env)}; leave env unset, because a StackSet deploys one template to many accounts and regions`);
    }
    if (props.centralEventBusArn !== undefined && !new RegExp(EVENT_BUS_ARN_PATTERN).test(props.centralEventBusArn)) {
      throw new Error(
        `ShareSentinelMemberForwarderStack ${id}: invalid centralEventBusArn ${JSON.stringify(props.centralEventBusArn)}; expected an event bus ARN such as arn:aws:events:us-east-1:111122223333:event-bus/share-sentinel`,
      );
    }
    super(scope, id, { ...props, synthesizer: props.synthesizer ?? new BootstraplessSynthesizer() });

    this.centralEventBusArn = new CfnParameter(this, CENTRAL_EVENT_BUS_ARN_PARAMETER, {
      type: 'String',
      description: 'ARN of the share-sentinel event bus in the security account, such as arn:aws:events:us-east-1:111122223333:event-bus/share-sentinel',
      allowedPattern: EVENT_BUS_ARN_PATTERN,
      constraintDescription: 'must be an event bus ARN such as arn:aws:events:us-east-1:111122223333:event-bus/share-sentinel',
      default: props.centralEventBusArn,
    });
    // StackSet operations pass the parameter by its logical id, so it must not depend on the construct tree.
    this.centralEventBusArn.overrideLogicalId(CENTRAL_EVENT_BUS_ARN_PARAMETER);

    const centralBus = events.EventBus.fromEventBusArn(this, 'CentralBus', this.centralEventBusArn.valueAsString);
    // NOTE: aws-cdk-lib 2.278 documents that event bus targets do not support a retry policy,
    // but the CloudFormation Target schema accepts one. It equals EventBridge's default, so
    // removing it changes no delivery if EventBridge rejects it. It has not been deployed to AWS.
    const forwarding = addForwardingRules(this, {
      patterns: props.patterns ?? buildEventPatterns(),
      targetBus: centralBus,
      destination: 'the central share-sentinel event bus',
      retryPolicy: MEMBER_FORWARDING_RETRY,
    });
    this.rules = forwarding.rules;
    this.deadLetterQueue = forwarding.deadLetterQueue;
    this.role = forwarding.role;
  }
}

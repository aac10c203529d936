/**
 * A small stack that forwards matching CloudTrail events from one region to the home region's
 * default event bus, where the detector's own rules pick them up. CloudTrail delivers each call
 * to EventBridge only in the region where it was made, and global services (IAM) only in
 * us-east-1, so a detector in one region needs these to see the others.
 */
import { Aws, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { CloudTrailPattern } from './event-pattern';

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

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the forwarding rules.',
    });

    const homeBus = events.EventBus.fromEventBusArn(this, 'HomeBus', `arn:${Aws.PARTITION}:events:${props.homeRegion}:${Aws.ACCOUNT_ID}:event-bus/default`);
    // One role for every rule: it may put events on the home bus and nothing else.
    const role = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: `share-sentinel: forwards sharing calls to the default event bus in ${props.homeRegion}`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [homeBus.eventBusArn] }));
    this.rules = props.patterns.map((pattern) => {
      const service = pattern.source[0].replace(/^aws\./, '');
      const rule = new events.Rule(this, `Forward-${service}`, {
        description: `share-sentinel: forwards ${service} sharing calls to ${props.homeRegion}`,
        eventPattern: pattern as unknown as events.EventPattern,
      });
      // EventBridge retries delivery to another bus for 24 hours, then uses the dead-letter queue.
      rule.addTarget(new targets.EventBus(homeBus, { deadLetterQueue: this.deadLetterQueue, role }));
      return rule;
    });
  }
}

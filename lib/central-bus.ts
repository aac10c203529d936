/**
 * The event bus in the security account that receives the events forwarded by every member
 * account and region of an organization (see lib/member-forwarder-stack.ts).
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** An AWS Organizations organization id, as `aws:PrincipalOrgID` compares it. */
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;

export const DEFAULT_CENTRAL_EVENT_BUS_NAME = 'share-sentinel';

export interface ShareSentinelCentralBusProps {
  /** The organization whose accounts may put events on the bus, such as `o-a1b2c3d4e5`. */
  readonly organizationId: string;
  /**
   * The name of the event bus.
   * @default 'share-sentinel'
   */
  readonly eventBusName?: string;
}

/**
 * A custom event bus whose resource policy lets principals of one organization put events on it,
 * and no one else.
 *
 * The bus has no dead-letter queue of its own. The EventBridge User Guide ("Using dead-letter
 * queues to capture encrypted event errors") describes a bus's dead-letter queue for errors with
 * a customer managed key, and this bus uses an AWS owned key. Events that the member accounts fail
 * to deliver go to the dead-letter queue of their forwarding rules.
 */
export class ShareSentinelCentralBus extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: ShareSentinelCentralBusProps) {
    super(scope, id);
    if (!ORGANIZATION_ID_PATTERN.test(props.organizationId)) {
      throw new Error(
        `ShareSentinelCentralBus ${id}: invalid organizationId ${JSON.stringify(props.organizationId)}; expected "o-" and 10 to 32 lowercase letters or digits, such as o-a1b2c3d4e5`,
      );
    }

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.eventBusName ?? DEFAULT_CENTRAL_EVENT_BUS_NAME,
      description: 'share-sentinel: receives sharing calls forwarded from the accounts of the organization',
    });
    // EventBus prefixes the Sid with "cdk-" and renders the statement as an AWS::Events::EventBusPolicy.
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationPutEvents',
        effect: iam.Effect.ALLOW,
        principals: [new iam.StarPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
  }
}

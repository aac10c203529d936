import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ShareSentinel, type ShareSentinelProps } from './share-sentinel';

export interface ShareSentinelStackProps extends StackProps {
  /** Settings of the ShareSentinel construct. */
  readonly sentinel?: ShareSentinelProps;
}

/** A stack holding one ShareSentinel, as `cdk deploy` creates it from bin/app.ts. */
export class ShareSentinelStack extends Stack {
  readonly sentinel: ShareSentinel;

  constructor(scope: Construct, id: string, props: ShareSentinelStackProps = {}) {
    super(scope, id, props);
    this.sentinel = new ShareSentinel(this, 'ShareSentinel', props.sentinel);
  }
}

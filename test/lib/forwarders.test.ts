/**
 * The forwarding stacks of bin/app.ts: one per extra region, and one in us-east-1 for global
 * services, each forwarding the catalog's patterns to the home region's default event bus.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/app';
import { buildEventPatterns, GLOBAL_EVENT_SOURCES } from '../../lib/event-pattern';
import { ShareSentinelForwarderStack } from '../../lib/forwarder-stack';

function withRegion<T>(region: string | undefined, build: () => T): T {
  const saved = { region: process.env.CDK_DEFAULT_REGION, account: process.env.CDK_DEFAULT_ACCOUNT };
  if (region === undefined) {
    delete process.env.CDK_DEFAULT_REGION;
  } else {
    process.env.CDK_DEFAULT_REGION = region;
  }
  process.env.CDK_DEFAULT_ACCOUNT = '111122223333';
  try {
    return build();
  } finally {
    if (saved.region === undefined) delete process.env.CDK_DEFAULT_REGION;
    else process.env.CDK_DEFAULT_REGION = saved.region;
    if (saved.account === undefined) delete process.env.CDK_DEFAULT_ACCOUNT;
    else process.env.CDK_DEFAULT_ACCOUNT = saved.account;
  }
}

function forwarders(app: App): ShareSentinelForwarderStack[] {
  return app.node.children.filter((child): child is ShareSentinelForwarderStack => child instanceof ShareSentinelForwarderStack);
}

describe('forwarding stacks', () => {
  // Bundling the function takes about a second per app, so each app is built once.
  const extra = withRegion('eu-west-1', () => buildApp(new App({ context: { extraRegions: 'ap-southeast-2,eu-west-1' } })));

  it('adds one forwarder per extra region', () => {
    const regions = forwarders(extra).map((stack) => stack.region).sort();

    // eu-west-1 is the home region and gets none; us-east-1 gets one for global services.
    expect(regions).toEqual(['ap-southeast-2', 'us-east-1']);
  });

  it('forwards the home rules patterns', () => {
    const stack = forwarders(extra).find((item) => item.region === 'ap-southeast-2');
    const template = Template.fromStack(stack!);

    const patterns = Object.values(template.findResources('AWS::Events::Rule')).map((rule) => rule.Properties.EventPattern);
    expect(patterns).toEqual(buildEventPatterns());
  });

  it('targets the home default bus with a dead-letter queue', () => {
    const stack = forwarders(extra).find((item) => item.region === 'ap-southeast-2');
    const template = Template.fromStack(stack!);

    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      const [target] = rule.Properties.Targets;
      expect(JSON.stringify(target.Arn)).toContain(':events:eu-west-1:');
      expect(JSON.stringify(target.Arn)).toContain(':event-bus/default');
      expect(target.DeadLetterConfig).toBeDefined();
      expect(target.RoleArn).toBeDefined();
      expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 });
    }
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600 });
  });

  it('forwards only global services from us-east-1', () => {
    const stack = forwarders(extra).find((item) => item.region === 'us-east-1');
    const template = Template.fromStack(stack!);

    const sources = Object.values(template.findResources('AWS::Events::Rule')).map((rule) => rule.Properties.EventPattern.detail.eventSource[0]);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((source: string) => GLOBAL_EVENT_SOURCES.includes(source))).toBe(true);
  });

  it('adds none when home is us-east-1', () => {
    const app = withRegion('us-east-1', () => buildApp(new App()));

    expect(forwarders(app)).toEqual([]);
  });

  it('fails extra regions without a home region', () => {
    expect(() => withRegion(undefined, () => buildApp(new App({ context: { extraRegions: 'eu-west-1' } })))).toThrow(/extraRegions needs the home region/);
  });

  it('fails an invalid extra region', () => {
    expect(() => withRegion('eu-west-1', () => buildApp(new App({ context: { extraRegions: 'mars-1' } })))).toThrow('invalid context value extraRegions: "mars-1" is not a region name such as eu-west-1');
  });
});

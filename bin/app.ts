/**
 * The CDK app: `npx cdk deploy -c alertEmail=security@example.com`. Settings come from CDK
 * context (`-c key=value` or cdk.json); each is validated and a bad value stops synth with its name.
 */
import { App, Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Validations } from 'aws-cdk-lib';
import { ShareSentinelStack } from '../lib/share-sentinel-stack';
import type { ShareSentinelProps } from '../lib/share-sentinel';

function list(value: unknown): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const trimmed = items.map((item) => item.trim()).filter((item) => item !== '');
  return trimmed.length > 0 ? trimmed : undefined;
}

function flag(app: App, key: string): boolean | undefined {
  const value = app.node.tryGetContext(key);
  if (value === undefined) {
    return undefined;
  }
  if (value === true || value === 'true') {
    return true;
  }
  if (value === false || value === 'false') {
    return false;
  }
  throw new Error(`invalid context value ${key}=${JSON.stringify(value)}; expected true or false`);
}

function text(app: App, key: string): string | undefined {
  const value = app.node.tryGetContext(key);
  return value === undefined || value === '' ? undefined : String(value);
}

/** Reads the construct's settings from CDK context. */
export function propsFromContext(app: App): ShareSentinelProps {
  const maxAge = text(app, 'trustedAccountsMaxAge');
  if (maxAge !== undefined && !/^\d+$/.test(maxAge)) {
    throw new Error(`invalid context value trustedAccountsMaxAge=${JSON.stringify(maxAge)}; expected a whole number of seconds`);
  }
  return {
    alertEmails: list(app.node.tryGetContext('alertEmail') ?? app.node.tryGetContext('alertEmails')),
    slackWorkspaceId: text(app, 'slackWorkspaceId'),
    slackChannelId: text(app, 'slackChannelId'),
    trustedAccountsParameterName: text(app, 'trustedAccountsParameter'),
    trustedAccounts: list(app.node.tryGetContext('trustedAccounts')),
    trustedAccountsMaxAge: maxAge === undefined ? undefined : Duration.seconds(Number(maxAge)),
    alertOnFailedCalls: flag(app, 'alertOnFailedCalls'),
    alertOnUnrestrictedServices: flag(app, 'alertOnUnrestrictedServices'),
    createTrail: flag(app, 'createTrail'),
  };
}

export function buildApp(app: App = new App()): App {
  new ShareSentinelStack(app, text(app, 'stackName') ?? 'ShareSentinel', {
    description: 'share-sentinel: alerts on AWS resources shared outside a trusted list',
    sentinel: propsFromContext(app),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  // cdk-nag's AwsSolutions checks run on every synth; an unacknowledged finding fails it.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) {
  buildApp().synth();
}

/**
 * The CDK app: `npx cdk deploy -c alertEmail=security@example.com`. Settings come from CDK
 * context (`-c key=value` or cdk.json); each is validated and a bad value stops synth with its name.
 */
import { Annotations, App, Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Validations } from 'aws-cdk-lib';
import { buildEventPatterns, GLOBAL_EVENT_SOURCES, GLOBAL_EVENTS_REGION } from '../lib/event-pattern';
import { ShareSentinelForwarderStack } from '../lib/forwarder-stack';
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
    organizationId: text(app, 'organizationId'),
    trustOrganization: flag(app, 'trustOrganization'),
  };
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Reads `extraRegions`: the regions whose sharing calls are forwarded to the home region. */
export function extraRegionsFromContext(app: App): string[] {
  const regions = list(app.node.tryGetContext('extraRegions')) ?? [];
  for (const region of regions) {
    if (!REGION.test(region)) {
      throw new Error(`invalid context value extraRegions: ${JSON.stringify(region)} is not a region name such as eu-west-1`);
    }
  }
  return [...new Set(regions)];
}

/**
 * Adds a forwarding stack to each extra region, and to us-east-1 for global services (IAM), whose
 * events reach EventBridge only there.
 */
function addForwarders(app: App, stack: ShareSentinelStack, stackName: string, homeRegion: string | undefined): void {
  const patterns = buildEventPatterns();
  const globalPatterns = patterns.filter((pattern) => GLOBAL_EVENT_SOURCES.includes(pattern.detail.eventSource[0]));
  const extraRegions = extraRegionsFromContext(app);
  if (homeRegion === undefined) {
    if (extraRegions.length > 0) {
      throw new Error('extraRegions needs the home region: set AWS_REGION (or a profile with a region) so that CDK_DEFAULT_REGION is known');
    }
    if (globalPatterns.length > 0) {
      Annotations.of(stack).addWarning(
        `The home region is unknown, so no forwarder to it was added: events of ${GLOBAL_EVENT_SOURCES.join(', ')} reach EventBridge only in ${GLOBAL_EVENTS_REGION}. Set AWS_REGION before cdk deploy.`,
      );
    }
    return;
  }
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const regions = extraRegions.filter((region) => region !== homeRegion);
  if (homeRegion !== GLOBAL_EVENTS_REGION && globalPatterns.length > 0 && !regions.includes(GLOBAL_EVENTS_REGION)) {
    new ShareSentinelForwarderStack(app, `${stackName}-Forwarder-${GLOBAL_EVENTS_REGION}`, {
      description: `share-sentinel: forwards global-service sharing calls from ${GLOBAL_EVENTS_REGION} to ${homeRegion}`,
      env: { account, region: GLOBAL_EVENTS_REGION },
      patterns: globalPatterns,
      homeRegion,
    });
  }
  for (const region of regions) {
    new ShareSentinelForwarderStack(app, `${stackName}-Forwarder-${region}`, {
      description: `share-sentinel: forwards sharing calls from ${region} to ${homeRegion}`,
      env: { account, region },
      patterns,
      homeRegion,
    });
  }
}

/** The context keys this app reads; `-c` values under other names are ignored by CDK. */
export const CONTEXT_KEYS = [
  'alertEmail',
  'alertEmails',
  'slackWorkspaceId',
  'slackChannelId',
  'trustedAccountsParameter',
  'trustedAccounts',
  'trustedAccountsMaxAge',
  'alertOnFailedCalls',
  'alertOnUnrestrictedServices',
  'createTrail',
  'extraRegions',
  'organizationId',
  'trustOrganization',
  'stackName',
];

/** Warns about settings that would leave a deployed detector quiet: a misspelled key, or no alert recipient. */
function warnAboutContext(app: App, stack: ShareSentinelStack, props: ShareSentinelProps): void {
  const known = new Map(CONTEXT_KEYS.map((key) => [key.toLowerCase(), key]));
  for (const key of Object.keys(app.node.getAllContext())) {
    const meant = known.get(key.toLowerCase());
    const looksLikeOurs = /^(alert|slack|trust|extra|create|stack|organi[sz]ation)/i.test(key);
    if ((meant !== undefined && meant !== key) || (meant === undefined && looksLikeOurs)) {
      Annotations.of(stack).addWarning(`context key ${JSON.stringify(key)} is not read by this app${meant ? `; did you mean ${meant}?` : ''} Known keys: ${CONTEXT_KEYS.join(', ')}.`);
    }
  }
  if ((props.alertEmails ?? []).length === 0 && props.slackChannelId === undefined) {
    Annotations.of(stack).addWarning('no alertEmail and no Slack channel: alerts go to the SNS topic only; subscribe to it, or pass -c alertEmail=you@example.com');
  }
}

export function buildApp(app: App = new App()): App {
  const stackName = text(app, 'stackName') ?? 'ShareSentinel';
  const homeRegion = process.env.CDK_DEFAULT_REGION;
  const sentinel = propsFromContext(app);
  const stack = new ShareSentinelStack(app, stackName, {
    description: 'share-sentinel: alerts on AWS resources shared outside a trusted list',
    sentinel,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: homeRegion },
  });
  warnAboutContext(app, stack, sentinel);
  addForwarders(app, stack, stackName, homeRegion);
  // cdk-nag's AwsSolutions checks run on every synth; an unacknowledged finding fails it.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) {
  buildApp().synth();
}

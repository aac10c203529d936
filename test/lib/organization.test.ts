/**
 * The organization-wide deployment: the central event bus in the security account and the
 * member-account forwarding stack that a service-managed StackSet rolls out. Both are checked on
 * the synthesized templates, with cdk-nag's AwsSolutions checks and, when it is installed, cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { RULES } from '../../lambda/catalog';
import { ShareSentinelCentralBus } from '../../lib/central-bus';
import { buildEventPatterns, type CloudTrailPattern } from '../../lib/event-pattern';
import { addForwardingRules } from '../../lib/forwarder-stack';
import { CENTRAL_EVENT_BUS_ARN_PARAMETER, EVENT_BUS_ARN_PATTERN, ShareSentinelMemberForwarderStack } from '../../lib/member-forwarder-stack';
import { DETECTOR } from '../support/fixtures';

jest.setTimeout(60_000);

const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const CENTRAL_BUS_ARN = 'arn:aws:events:us-east-1:111122223333:event-bus/share-sentinel';

/** Parent of the output directory of every app in this file, removed after the tests. */
const outputRoot = mkdtempSync(path.join(tmpdir(), 'share-sentinel-organization-'));

afterAll(() => {
  rmSync(outputRoot, { recursive: true, force: true });
});

function newApp(): App {
  return new App({ outdir: mkdtempSync(path.join(outputRoot, 'app-')) });
}

type Resource = { Type: string; Properties: Record<string, any> };

function resourcesOfType(template: Template, type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

function onlyResource(template: Template, type: string): Resource {
  const resources = resourcesOfType(template, type);
  expect(resources).toHaveLength(1);
  return resources[0];
}

interface PluginReport {
  pluginName: string;
  conclusion: string;
  violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
}

/**
 * Synthesizes `app` with cdk-nag's AwsSolutions checks, as bin/app.ts does, and returns their
 * report. CDK leaves a plugin out of validation-report.json when it found nothing, so a clean app
 * returns undefined. cdk-nag 3 drops acknowledged findings itself, so they are in no report.
 */
function awsSolutionsReport(app: App): PluginReport | undefined {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (error) {
    // The report is read below; a synth that fails for another reason leaves none and fails there.
    if (!String(error).includes('validation-report.json')) {
      throw error;
    }
  }
  const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as { pluginReports: PluginReport[] };
  return report.pluginReports.find((candidate) => candidate.pluginName === 'AwsSolutions');
}

/** Lists the acknowledged rule ids under `scope`, with the construct path and the reason of each. */
function acknowledgements(scope: Construct): { path: string; rule: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => ({ path: construct.node.path, rule, reason }))),
  );
}

describe('ShareSentinelCentralBus', () => {
  function centralBusStack(props: { organizationId: string; eventBusName?: string }): { app: App; stack: Stack; central: ShareSentinelCentralBus } {
    const app = newApp();
    const stack = new Stack(app, 'Security', { env: { account: '111122223333', region: 'us-east-1' } });
    const central = new ShareSentinelCentralBus(stack, 'CentralBus', props);
    return { app, stack, central };
  }

  const { stack, central } = centralBusStack({ organizationId: ORGANIZATION_ID });
  const template = Template.fromStack(stack);

  it('admits only the organization', () => {
    const busId = stack.getLogicalId(central.bus.node.defaultChild as never);
    const policy = onlyResource(template, 'AWS::Events::EventBusPolicy');

    expect(policy.Properties).toEqual({
      EventBusName: { Ref: busId },
      StatementId: 'cdk-OrganizationPutEvents',
      Statement: {
        Sid: 'cdk-OrganizationPutEvents',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
      },
    });
  });

  it('renders the policy outside the bus', () => {
    const bus = onlyResource(template, 'AWS::Events::EventBus');

    expect(bus.Properties.Policy).toBeUndefined();
    expect(bus.Properties.Name).toBe('share-sentinel');
  });

  it('accepts another bus name', () => {
    const named = centralBusStack({ organizationId: ORGANIZATION_ID, eventBusName: 'security-events' });

    expect(onlyResource(Template.fromStack(named.stack), 'AWS::Events::EventBus').Properties.Name).toBe('security-events');
  });

  it.each([
    ['', 'empty'],
    ['o-a1b2c3', 'too short'],
    ['O-A1B2C3D4E5', 'uppercase'],
    ['444455556666', 'an account id'],
    ['r-a1b2', 'a root id'],
    ['o-a1b2c3d4e5 ', 'trailing space'],
    [`o-${'a'.repeat(33)}`, 'too long'],
  ])('rejects organization id %j (%s)', (organizationId) => {
    expect(() => centralBusStack({ organizationId })).toThrow(
      `ShareSentinelCentralBus CentralBus: invalid organizationId ${JSON.stringify(organizationId)}; expected "o-" and 10 to 32 lowercase letters or digits, such as o-a1b2c3d4e5`,
    );
  });

  it('passes AwsSolutions checks', () => {
    const { app, stack: checked } = centralBusStack({ organizationId: ORGANIZATION_ID });

    expect(awsSolutionsReport(app)).toBeUndefined();
    expect(acknowledgements(checked)).toEqual([]);
  });
});

describe('ShareSentinelMemberForwarderStack', () => {
  const app = newApp();
  const stack = new ShareSentinelMemberForwarderStack(app, 'Member', { centralEventBusArn: CENTRAL_BUS_ARN });
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Parameters?: Record<string, any>; Rules?: unknown; Resources: Record<string, Resource> };
  const rules = resourcesOfType(template, 'AWS::Events::Rule');
  const parameterRef = { Ref: CENTRAL_EVENT_BUS_ARN_PARAMETER };

  it('adds one rule per pattern', () => {
    const patterns = rules.map((rule) => rule.Properties.EventPattern as CloudTrailPattern);

    expect(patterns).toEqual(buildEventPatterns());
  });

  it('puts the rules on the default bus', () => {
    for (const rule of rules) {
      expect(rule.Properties.EventBusName).toBeUndefined();
      expect(rule.Properties.State).toBe('ENABLED');
    }
  });

  it('leaves out the detector rules', () => {
    // The rules about the detector's own resources match names that exist only in the security account.
    const generic = buildEventPatterns().map((pattern) => JSON.stringify(pattern));
    const detectorOnly = buildEventPatterns(RULES, DETECTOR).filter((pattern) => !generic.includes(JSON.stringify(pattern)));
    const rendered = rules.map((rule) => JSON.stringify(rule.Properties.EventPattern));

    expect(detectorOnly.length).toBeGreaterThan(0);
    for (const pattern of detectorOnly) {
      expect(rendered).not.toContain(JSON.stringify(pattern));
    }
  });

  it('targets the central bus parameter', () => {
    const queueId = stack.getLogicalId(stack.deadLetterQueue.node.defaultChild as never);
    const roleId = stack.getLogicalId(stack.role.node.defaultChild as never);

    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([
        {
          Id: 'Target0',
          Arn: parameterRef,
          RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        },
      ]);
    }
  });

  it('keeps the dead-letter queue 14 days', () => {
    const queue = onlyResource(template, 'AWS::SQS::Queue');

    expect(queue.Properties.MessageRetentionPeriod).toBe(1_209_600);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('denies plain HTTP on the queue', () => {
    const statements = onlyResource(template, 'AWS::SQS::QueuePolicy').Properties.PolicyDocument.Statement as Record<string, any>[];

    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('lets each rule send only to the queue', () => {
    const statements = onlyResource(template, 'AWS::SQS::QueuePolicy').Properties.PolicyDocument.Statement as Record<string, any>[];
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    const ruleArns = Object.keys(template.findResources('AWS::Events::Rule')).map((ruleId) => ({ 'Fn::GetAtt': [ruleId, 'Arn'] }));

    expect(allows).toHaveLength(rules.length);
    for (const statement of allows) {
      expect(statement.Action).toBe('sqs:SendMessage');
      expect(statement.Principal).toEqual({ Service: 'events.amazonaws.com' });
    }
    expect(allows.map((statement) => statement.Condition.ArnEquals['aws:SourceArn'])).toEqual(expect.arrayContaining(ruleArns));
  });

  it('allows the role only PutEvents on the bus', () => {
    const role = onlyResource(template, 'AWS::IAM::Role');
    const policy = onlyResource(template, 'AWS::IAM::Policy');

    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: parameterRef }]);
  });

  it('declares only the bus parameter', () => {
    expect(Object.keys(json.Parameters ?? {})).toEqual([CENTRAL_EVENT_BUS_ARN_PARAMETER]);
    expect(json.Parameters![CENTRAL_EVENT_BUS_ARN_PARAMETER]).toEqual(
      expect.objectContaining({ Type: 'String', Default: CENTRAL_BUS_ARN, AllowedPattern: EVENT_BUS_ARN_PATTERN }),
    );
  });

  it('has no bootstrap rule', () => {
    expect(json.Rules).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain('BootstrapVersion');
    expect(JSON.stringify(json)).not.toContain('cdk-bootstrap');
  });

  it('has no assets', () => {
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);

    expect(artifact.assets).toEqual([]);
    expect(artifact.dependencies).toEqual([]);
    expect(assembly.artifacts.map((candidate) => candidate.id)).not.toContain(`${stack.artifactId}.assets`);
  });

  it('rejects an added asset', () => {
    const other = new ShareSentinelMemberForwarderStack(newApp(), 'Member');

    expect(() => new s3assets.Asset(other, 'Code', { path: __filename })).toThrow(/BootstraplessSynthesizer/);
  });

  it('omits the default without a bus ARN', () => {
    const other = new ShareSentinelMemberForwarderStack(newApp(), 'Member');
    const parameter = Template.fromStack(other).toJSON().Parameters[CENTRAL_EVENT_BUS_ARN_PARAMETER];

    expect(parameter.Default).toBeUndefined();
    expect(parameter.AllowedPattern).toBe(EVENT_BUS_ARN_PATTERN);
  });

  it.each([
    'arn:aws:events:us-east-1:111122223333:event-bus/share-sentinel',
    'arn:aws:events:eu-west-1:444455556666:event-bus/security.events_1',
    'arn:aws-us-gov:events:us-gov-west-1:777788889999:event-bus/share-sentinel',
    'arn:aws-cn:events:cn-north-1:777788889999:event-bus/share-sentinel',
  ])('accepts bus ARN %s', (arn) => {
    expect(new RegExp(EVENT_BUS_ARN_PATTERN).test(arn)).toBe(true);
  });

  it.each([
    'share-sentinel',
    'arn:aws:events:us-east-1:111122223333:rule/share-sentinel',
    'arn:aws:events:us-east-1:11112222333:event-bus/share-sentinel',
    'arn:aws:sqs:us-east-1:111122223333:event-bus/share-sentinel',
    'arn:aws:events:us-east-1:111122223333:event-bus/',
    'arn:aws:events:us-east-1:111122223333:event-bus/aws.partner/example.com/1',
    'arn:aws:events:us-east-1:111122223333:event-bus/share-sentinel\n',
  ])('rejects bus ARN %j', (arn) => {
    expect(new RegExp(EVENT_BUS_ARN_PATTERN).test(arn)).toBe(false);
    expect(() => new ShareSentinelMemberForwarderStack(newApp(), 'Member', { centralEventBusArn: arn })).toThrow(
      `ShareSentinelMemberForwarderStack Member: invalid centralEventBusArn ${JSON.stringify(arn)}; expected an event bus ARN such as arn:aws:events:us-east-1:111122223333:event-bus/share-sentinel`,
    );
  });

  it('rejects a fixed environment', () => {
    expect(() => new ShareSentinelMemberForwarderStack(newApp(), 'Member', { env: { account: '444455556666', region: 'eu-west-1' } })).toThrow(
      /invalid env .*leave env unset, because a StackSet deploys one template to many accounts and regions/,
    );
  });

  it.each([
    ['age under 60 seconds', { maxEventAge: Duration.seconds(30), retryAttempts: 185 }, 'invalid retry policy maxEventAge of 30 seconds; EventBridge accepts 60 to 86400 seconds (24 hours)'],
    ['age over 24 hours', { maxEventAge: Duration.hours(25), retryAttempts: 185 }, 'invalid retry policy maxEventAge of 90000 seconds; EventBridge accepts 60 to 86400 seconds (24 hours)'],
    ['186 attempts', { maxEventAge: Duration.hours(24), retryAttempts: 186 }, 'invalid retry policy retryAttempts of 186; EventBridge accepts a whole number from 0 to 185'],
    ['fractional attempts', { maxEventAge: Duration.hours(24), retryAttempts: 1.5 }, 'invalid retry policy retryAttempts of 1.5; EventBridge accepts a whole number from 0 to 185'],
  ])('rejects retry policy with %s', (_label, retryPolicy, message) => {
    const scope = new Stack(newApp(), 'Forwarder');
    const targetBus = events.EventBus.fromEventBusArn(scope, 'Bus', CENTRAL_BUS_ARN);

    expect(() => addForwardingRules(scope, { patterns: buildEventPatterns(), targetBus, destination: 'the central bus', retryPolicy })).toThrow(`Forwarder: ${message}`);
  });

  it('fits the CLI template body limit', () => {
    // create-stack-set --template-body takes at most 51,200 bytes; larger templates need --template-url.
    expect(Buffer.byteLength(JSON.stringify(json))).toBeLessThan(51_200);
  });

  it('passes AwsSolutions checks', () => {
    const nagApp = newApp();
    const checked = new ShareSentinelMemberForwarderStack(nagApp, 'Member', { centralEventBusArn: CENTRAL_BUS_ARN });

    expect(awsSolutionsReport(nagApp)).toBeUndefined();
    expect(acknowledgements(checked)).toEqual([
      { path: 'Member/DeadLetterQueue', rule: 'Annotation::AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the forwarding rules.' },
    ]);
  });

  it('fails AwsSolutions checks on a plain queue', () => {
    // GIVEN the stack with an extra queue that has no dead-letter queue and allows plain HTTP
    const nagApp = newApp();
    const checked = new ShareSentinelMemberForwarderStack(nagApp, 'Member', { centralEventBusArn: CENTRAL_BUS_ARN });
    new sqs.Queue(checked, 'PlainQueue', { encryption: sqs.QueueEncryption.SQS_MANAGED });

    // WHEN it is checked, THEN both findings name the extra queue and nothing else
    const report = awsSolutionsReport(nagApp);

    expect(report?.conclusion).toBe('failure');
    expect(report?.violations.map((violation) => violation.ruleName).sort()).toEqual(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
    for (const violation of report?.violations ?? []) {
      expect(violation.violatingConstructs.map((construct) => construct.constructPath)).toEqual(['Member/PlainQueue/Resource']);
    }
  });

  const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  const lintIt = cfnLint.status === 0 ? it : it.skip;

  lintIt('passes cfn-lint', () => {
    const file = path.join(outputRoot, 'member-forwarder.template.json');
    writeFileSync(file, JSON.stringify(json, null, 1));

    // cfn-lint exits non-zero on any error or warning and prints each on stdout.
    const result = spawnSync('cfn-lint', ['--', file], { encoding: 'utf8' });

    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

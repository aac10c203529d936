/**
 * cdk-nag's AwsSolutions checks on the app that `cdk deploy` builds. With cdk-nag 3 an
 * unacknowledged finding makes `app.synth()` throw, and the plugin writes
 * validation-report.json to the output directory with each finding and each acknowledgement.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../../bin/app';
import { ShareSentinelStack } from '../../lib/share-sentinel-stack';

jest.setTimeout(60_000);

interface ViolatingConstruct {
  constructPath: string;
}

interface Violation {
  ruleName: string;
  violatingConstructs: ViolatingConstruct[];
  reason?: string;
}

interface PluginReport {
  pluginName: string;
  conclusion: string;
  violations: Violation[];
  suppressedViolations: Violation[];
}

interface ValidationReport {
  pluginReports: PluginReport[];
}

const outputDirectories: string[] = [];

afterAll(() => {
  for (const directory of outputDirectories) {
    rmSync(directory, { recursive: true, force: true });
  }
});

/** Builds the app as bin/app.ts does, with the given context, writing to a fresh temporary directory. */
function appWithContext(context: Record<string, string> = {}): App {
  const outdir = mkdtempSync(path.join(tmpdir(), 'share-sentinel-nag-'));
  outputDirectories.push(outdir);
  return buildApp(new App({ outdir, context }));
}

function sentinelStack(app: App): ShareSentinelStack {
  return app.node.findChild('ShareSentinel') as ShareSentinelStack;
}

function awsSolutionsReport(app: App): PluginReport {
  const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  const plugin = report.pluginReports.find((candidate) => candidate.pluginName === 'AwsSolutions');
  if (plugin === undefined) {
    throw new Error(`validation-report.json has no AwsSolutions report; plugins: ${report.pluginReports.map((candidate) => candidate.pluginName).join(', ')}`);
  }
  return plugin;
}

describe('AwsSolutions checks', () => {
  it('pass default app', () => {
    // GIVEN the app with no context, as `npx cdk deploy` builds it
    const app = appWithContext();

    // WHEN it is synthesized, THEN no unacknowledged finding stops it
    expect(() => app.synth()).not.toThrow();

    const report = awsSolutionsReport(app);
    expect(report.conclusion).toBe('success');
    expect(report.violations).toEqual([]);
  });

  it('pass app with Slack, trail and e-mails', () => {
    const app = appWithContext({
      alertEmail: 'security@example.com,oncall@example.org',
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0123ABCD',
      createTrail: 'true',
      trustedAccounts: '444455556666,o-a1b2c3d4e5',
    });

    expect(() => app.synth()).not.toThrow();

    const report = awsSolutionsReport(app);
    expect(report.conclusion).toBe('success');
    expect(report.violations).toEqual([]);
  });

  it('pass app across an organization', () => {
    const app = appWithContext({ organizationId: 'o-a1b2c3d4e5', trustOrganization: 'true' });

    expect(() => app.synth()).not.toThrow();

    const report = awsSolutionsReport(app);
    expect(report.conclusion).toBe('success');
    expect(report.violations).toEqual([]);
  });

  it('acknowledge findings only with reasons', () => {
    const app = appWithContext({ slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD', createTrail: 'true' });
    app.synth();

    const suppressed = awsSolutionsReport(app).suppressedViolations;
    expect(suppressed.length).toBeGreaterThan(0);
    for (const violation of suppressed) {
      expect(violation.reason?.trim()).toBeTruthy();
    }
  });

  it('fail on unjustified wildcard policy', () => {
    // GIVEN the default app with a statement granting s3:GetObject on every resource
    const app = appWithContext();
    sentinelStack(app).sentinel.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));

    // WHEN it is synthesized, THEN the wildcard is reported on the function's policy
    expect(() => app.synth()).toThrow('validation-report.json');

    const report = awsSolutionsReport(app);
    expect(report.violations).toContainEqual(
      expect.objectContaining({
        ruleName: 'AwsSolutions-IAM5[Resource::*]',
        violatingConstructs: [expect.objectContaining({ constructPath: 'ShareSentinel/ShareSentinel/Function/ServiceRole/DefaultPolicy/Resource' })],
      }),
    );
  });

  it('fail on queue without TLS policy', () => {
    // GIVEN the default app with an extra queue that allows plain HTTP requests
    const app = appWithContext();
    new sqs.Queue(sentinelStack(app), 'PlainQueue', { encryption: sqs.QueueEncryption.SQS_MANAGED });

    expect(() => app.synth()).toThrow('validation-report.json');

    const ruleNames = awsSolutionsReport(app).violations.map((violation) => violation.ruleName);
    expect(ruleNames).toContain('AwsSolutions-SQS4');
  });
});

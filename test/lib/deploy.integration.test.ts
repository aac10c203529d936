/**
 * Deploy smoke test: `cdk bootstrap` and `cdk deploy` of bin/app.ts into a local moto_server,
 * then the deployed rules, parameter, topic, function and queue read back through the AWS SDK.
 *
 * The CLI runs with fake credentials, AWS_ENDPOINT_URL on the emulator, and an HTTP(S) proxy on a
 * loopback port where nothing listens, so a request to any host other than 127.0.0.1 or
 * localhost fails instead of leaving the machine. Synthesized files go to a temporary directory.
 *
 * NOTE: moto 5.2.1's CloudFormation skips AWS::SNS::TopicPolicy, AWS::SNS::Subscription,
 * AWS::SQS::QueuePolicy, AWS::Lambda::EventInvokeConfig, AWS::CloudWatch::Alarm,
 * AWS::Chatbot::SlackChannelConfiguration, AWS::S3::BucketPolicy and AWS::CloudTrail::Trail while
 * reporting the stack CREATE_COMPLETE. It also ignores the function's Architectures (it reports
 * x86_64) and returns no stack outputs for a stack created through a change set, as cdk deploy
 * does. The template tests in share-sentinel.test.ts cover those parts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand, type Rule } from '@aws-sdk/client-eventbridge';
import { GetFunctionCommand, GetPolicyCommand, LambdaClient, ListFunctionsCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { RULES } from '../../lambda/catalog';
import type { DetectorResources } from '../../lambda/core/rule';
import { buildEventPatterns, tamperAlertPattern, type CloudTrailPattern } from '../../lib/event-pattern';
import { emulatorEnv, freePort, type MotoServer } from '../support/moto';
import { startMoto } from '../support/moto';

const REPO_ROOT = path.join(__dirname, '..', '..');
const CDK_CLI = path.join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const STACK_NAME = 'ShareSentinel';
/** Maximum time in milliseconds that one CLI run may take before the test stops it. */
const CLI_TIMEOUT_MS = 150_000;

jest.setTimeout(60_000);

interface CliResult {
  status: number | null;
  output: string;
}

let moto: MotoServer;
let outputDirectory: string;
let cliEnv: NodeJS.ProcessEnv;

/** Runs the CDK CLI from the repository root, and stops its process group if it runs too long. */
function runCdk(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CDK_CLI, ...args], { cwd: REPO_ROOT, env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        process.kill(-child.pid, 'SIGKILL');
      }
    }, CLI_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

async function runCdkOrThrow(args: string[]): Promise<void> {
  const result = await runCdk(args);
  if (result.status !== 0) {
    throw new Error(`cdk ${args[0]} exited with status ${result.status}:\n${result.output.slice(-6000)}`);
  }
}

beforeAll(async () => {
  moto = await startMoto();
  outputDirectory = mkdtempSync(path.join(tmpdir(), 'share-sentinel-deploy-'));
  const closedPort = await freePort();
  const proxy = `http://127.0.0.1:${closedPort}`;
  cliEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...emulatorEnv(moto.endpoint),
    // The CLI builds the template URL that it gives CloudFormation from this endpoint. moto takes
    // the bucket from the URL's host name unless the host name contains "localhost".
    AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: `http://localhost:${moto.port}`,
    AWS_CONFIG_FILE: path.join(outputDirectory, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(outputDirectory, 'no-aws-credentials'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CDK_DEFAULT_ACCOUNT: ACCOUNT,
    CDK_DEFAULT_REGION: REGION,
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    NO_PROXY: '127.0.0.1,localhost',
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
  };

  await runCdkOrThrow(['bootstrap', `aws://${ACCOUNT}/${REGION}`, '--output', path.join(outputDirectory, 'bootstrap.out')]);
  await runCdkOrThrow([
    'deploy',
    STACK_NAME,
    '--require-approval',
    'never',
    '--output',
    path.join(outputDirectory, 'deploy.out'),
    '-c',
    'alertEmail=security@example.com',
    '-c',
    'slackWorkspaceId=T0123ABCD',
    '-c',
    'slackChannelId=C0123ABCD',
    '-c',
    'createTrail=true',
    '-c',
    'trustedAccounts=444455556666,o-a1b2c3d4e5',
    '-c',
    'alertOnFailedCalls=false',
  ]);
}, 2 * CLI_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await moto?.stop();
  if (outputDirectory) {
    rmSync(outputDirectory, { recursive: true, force: true });
  }
});

function clientConfig() {
  return { endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
}

async function deployedRules(): Promise<Rule[]> {
  const client = new EventBridgeClient(clientConfig());
  try {
    const { Rules: rules = [] } = await client.send(new ListRulesCommand({ NamePrefix: `${STACK_NAME}-` }));
    return rules;
  } finally {
    client.destroy();
  }
}

async function deployedFunction(): Promise<FunctionConfiguration> {
  const client = new LambdaClient(clientConfig());
  try {
    const { Functions: functions = [] } = await client.send(new ListFunctionsCommand({}));
    const sentinelFunctions = functions.filter((candidate) => candidate.FunctionName?.startsWith(`${STACK_NAME}-ShareSentinelFunction`));
    expect(sentinelFunctions).toHaveLength(1);
    const { Configuration: configuration } = await client.send(new GetFunctionCommand({ FunctionName: sentinelFunctions[0].FunctionName }));
    if (configuration === undefined) {
      throw new Error(`GetFunction returned no configuration for ${sentinelFunctions[0].FunctionName}`);
    }
    return configuration;
  } finally {
    client.destroy();
  }
}

async function deployedTopicArn(): Promise<string> {
  const client = new SNSClient(clientConfig());
  try {
    const { Topics: topics = [] } = await client.send(new ListTopicsCommand({}));
    const arns = topics.map((topic) => topic.TopicArn ?? '').filter((arn) => arn.includes(':ShareSentinel-ShareSentinelAlertTopic'));
    expect(arns).toHaveLength(1);
    return arns[0];
  } finally {
    client.destroy();
  }
}

async function deployedQueueArn(): Promise<string> {
  const client = new SQSClient(clientConfig());
  try {
    const { QueueUrls: urls = [] } = await client.send(new ListQueuesCommand({ QueueNamePrefix: `${STACK_NAME}-ShareSentinelDeadLetterQueue` }));
    expect(urls).toHaveLength(1);
    const { Attributes: attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: urls[0], AttributeNames: ['QueueArn'] }));
    return attributes?.QueueArn ?? '';
  } finally {
    client.destroy();
  }
}

/** The rules that send tamper events straight to the topic are named STACK-alert-…; the others invoke the function. */
function isTamperAlertRule(rule: Rule): boolean {
  return rule.Name?.startsWith(`${STACK_NAME}-alert-`) === true;
}

/** The deployed detector's resources, read back from the function's settings as the function reads them. */
async function deployedDetector(): Promise<DetectorResources> {
  const configuration = await deployedFunction();
  const variables = configuration.Environment?.Variables ?? {};
  const keyArn = variables.DETECTOR_KEY_ARN ?? '';
  return {
    stackName: variables.DETECTOR_STACK_NAME,
    ruleNames: (variables.DETECTOR_RULE_NAMES ?? '').split(',').map((name) => `${variables.DETECTOR_RULE_PREFIX ?? ''}${name}`),
    functionName: configuration.FunctionName,
    topicArn: await deployedTopicArn(),
    tamperTopicArn: variables.DETECTOR_TAMPER_TOPIC_ARN,
    keyId: keyArn.split('/').at(-1),
    keyArn,
    trustedListParameter: '/share-sentinel/trusted-accounts',
  };
}

function sortedPatterns(patterns: CloudTrailPattern[]): CloudTrailPattern[] {
  return [...patterns].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('deployed stack', () => {
  it('has one rule per generated pattern', async () => {
    const rules = (await deployedRules()).filter((rule) => !isTamperAlertRule(rule));
    const patterns = rules.map((rule) => JSON.parse(rule.EventPattern ?? '{}') as CloudTrailPattern);

    expect(sortedPatterns(patterns)).toEqual(sortedPatterns(buildEventPatterns(RULES, await deployedDetector())));
    for (const rule of rules) {
      expect(rule.State).toBe('ENABLED');
    }
  });

  it('has one tamper alert rule per tamper pattern', async () => {
    const rules = (await deployedRules()).filter(isTamperAlertRule);
    const patterns = rules.map((rule) => JSON.parse(rule.EventPattern ?? '{}') as CloudTrailPattern);
    const tamperRules = RULES.filter((rule) => rule.category === 'tamper');

    expect(sortedPatterns(patterns)).toEqual(sortedPatterns(buildEventPatterns(tamperRules, await deployedDetector()).map(tamperAlertPattern)));
  });

  it('names every deployed rule in the function settings', async () => {
    const names = (await deployedRules()).map((rule) => rule.Name ?? '');

    expect([...((await deployedDetector()).ruleNames ?? [])].sort()).toEqual(names.sort());
  });

  it('sends tamper alert rules to both topics', async () => {
    const topicArn = await deployedTopicArn();
    const client = new EventBridgeClient(clientConfig());

    try {
      for (const rule of (await deployedRules()).filter(isTamperAlertRule)) {
        const { Targets: targets } = await client.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
        const tamperTopicArn = (await deployedDetector()).tamperTopicArn;
        expect(targets).toEqual([
          expect.objectContaining({ Arn: topicArn, RoleArn: expect.stringContaining(':role/') }),
          expect.objectContaining({ Arn: tamperTopicArn, RoleArn: expect.stringContaining(':role/') }),
        ]);
        expect(targets?.[0].InputTransformer?.InputTemplate).toContain('share-sentinel tamper alert');
      }
    } finally {
      client.destroy();
    }
  });

  it('sends each rule to function with dead-letter queue', async () => {
    const functionArn = (await deployedFunction()).FunctionArn;
    const queueArn = await deployedQueueArn();
    const client = new EventBridgeClient(clientConfig());

    try {
      for (const rule of (await deployedRules()).filter((candidate) => !isTamperAlertRule(candidate))) {
        const { Targets: targets } = await client.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
        expect(targets).toEqual([
          expect.objectContaining({
            Arn: functionArn,
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
            DeadLetterConfig: { Arn: queueArn },
          }),
        ]);
      }
    } finally {
      client.destroy();
    }
  });

  it('lets each rule invoke function', async () => {
    const configuration = await deployedFunction();
    const client = new LambdaClient(clientConfig());

    try {
      const { Policy: policy } = await client.send(new GetPolicyCommand({ FunctionName: configuration.FunctionName }));
      const statements = (JSON.parse(policy ?? '{}') as { Statement: { Principal: unknown; Action: string; Condition?: { ArnLike?: Record<string, string> } }[] }).Statement;
      const ruleArns = (await deployedRules()).filter((rule) => !isTamperAlertRule(rule)).map((rule) => rule.Arn);

      expect(statements).toHaveLength(ruleArns.length);
      for (const statement of statements) {
        expect(statement.Principal).toEqual({ Service: 'events.amazonaws.com' });
        expect(statement.Action).toBe('lambda:InvokeFunction');
        expect(ruleArns).toContain(statement.Condition?.ArnLike?.['AWS:SourceArn']);
      }
    } finally {
      client.destroy();
    }
  });

  it('stores trusted list parameter', async () => {
    const client = new SSMClient(clientConfig());

    try {
      const { Parameter: parameter } = await client.send(new GetParameterCommand({ Name: '/share-sentinel/trusted-accounts' }));

      expect(parameter?.Type).toBe('StringList');
      expect(parameter?.Value).toBe('444455556666,o-a1b2c3d4e5');
    } finally {
      client.destroy();
    }
  });

  it('encrypts alert topic with KMS key', async () => {
    const topicArn = await deployedTopicArn();
    const client = new SNSClient(clientConfig());

    try {
      const { Attributes: attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));

      expect(attributes?.DisplayName).toBe('share-sentinel alerts');
      expect(attributes?.KmsMasterKeyId).toMatch(new RegExp(`^arn:aws:kms:${REGION}:${ACCOUNT}:key/[0-9a-f-]{36}$`));
    } finally {
      client.destroy();
    }
  });

  it('configures function', async () => {
    const configuration = await deployedFunction();

    expect(configuration.Runtime).toBe('nodejs24.x');
    expect(configuration.Handler).toBe('index.handler');
    expect(configuration.MemorySize).toBe(256);
    expect(configuration.Timeout).toBe(15);
    // NOTE: Architectures is not checked here because moto reports x86_64 for every function.
  });

  it('passes settings to function', async () => {
    const configuration = await deployedFunction();
    const topicArn = await deployedTopicArn();

    expect(configuration.Environment?.Variables).toEqual({
      ALERT_TOPIC_ARN: topicArn,
      TRUSTED_ACCOUNTS_PARAMETER: '/share-sentinel/trusted-accounts',
      TRUSTED_ACCOUNTS_MAX_AGE: '300',
      ALERT_ON_FAILED_CALLS: 'false',
      ALERT_ON_UNRESTRICTED_SERVICES: 'false',
      TRUST_ORGANIZATION: 'false',
      POWERTOOLS_SERVICE_NAME: 'share-sentinel',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      DETECTOR_STACK_NAME: STACK_NAME,
      DETECTOR_RULE_PREFIX: `${STACK_NAME}-`,
      DETECTOR_RULE_NAMES: expect.stringContaining('alert-'),
      DETECTOR_KEY_ARN: expect.stringMatching(/^arn:aws:kms:us-east-1:\d{12}:key\//),
      DETECTOR_TAMPER_TOPIC_ARN: expect.stringMatching(/^arn:aws:sns:us-east-1:\d{12}:ShareSentinel-ShareSentinelTamperAlertTopic/),
    });
  });

  it('keeps dead-letter messages 14 days', async () => {
    const client = new SQSClient(clientConfig());

    try {
      const { QueueUrls: urls = [] } = await client.send(new ListQueuesCommand({ QueueNamePrefix: `${STACK_NAME}-ShareSentinelDeadLetterQueue` }));
      const { Attributes: attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: urls[0], AttributeNames: ['All'] }));

      expect(attributes?.MessageRetentionPeriod).toBe(String(14 * 24 * 60 * 60));
      expect(attributes?.SqsManagedSseEnabled).toBe('true');
    } finally {
      client.destroy();
    }
  });
});

/**
 * The ShareSentinel construct and the CDK app in bin/app.ts, checked on the synthesized
 * CloudFormation template. Every stack bundles the function with esbuild, so each describe
 * synthesizes its stack once in beforeAll and its tests only read the template.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Duration, Stack, type AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { buildApp, propsFromContext } from '../../bin/app';
import { readConfig } from '../../lambda/config';
import { RULES } from '../../lambda/catalog';
import { buildEventRoutes, type CloudTrailPattern } from '../../lib/event-pattern';
import { DEFAULT_TRUSTED_ACCOUNTS_PARAMETER, ShareSentinel, type ShareSentinelProps } from '../../lib/share-sentinel';
import { ShareSentinelStack } from '../../lib/share-sentinel-stack';

jest.setTimeout(60_000);

/** Parent of the output directory of every app in this file, removed after the tests. */
const outputRoot = mkdtempSync(path.join(tmpdir(), 'share-sentinel-template-'));

afterAll(() => {
  rmSync(outputRoot, { recursive: true, force: true });
});

/** Creates an app that writes to its own directory under outputRoot instead of a new cdk.out in the system temporary directory. */
function newApp(props: AppProps = {}): App {
  return new App({ ...props, outdir: mkdtempSync(path.join(outputRoot, 'app-')) });
}

const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
const OWNER_ID = '111122223333';

interface Synthesized {
  stack: ShareSentinelStack;
  sentinel: ShareSentinel;
  template: Template;
}

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

function synthesize(props: ShareSentinelProps = {}): Synthesized {
  const app = newApp();
  const stack = new ShareSentinelStack(app, 'Sentinel', { sentinel: props });
  return { stack, sentinel: stack.sentinel, template: Template.fromStack(stack) };
}

/** Returns the only resource of a type, and fails when there are none or several. */
function onlyResource(template: Template, type: string): Resource {
  const resources = Object.values(template.findResources(type)) as Resource[];
  expect(resources).toHaveLength(1);
  return resources[0];
}

function resourcesOfType(template: Template, type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

function logicalId(element: unknown): string {
  return Stack.of(element as CfnElement).getLogicalId(element as CfnElement);
}

function rulePatterns(template: Template): CloudTrailPattern[] {
  return resourcesOfType(template, 'AWS::Events::Rule')
    .map((rule) => rule.Properties.EventPattern as CloudTrailPattern)
    .sort((a, b) => a.source[0].localeCompare(b.source[0]));
}

/**
 * Returns the JSON paths of arrays nested directly inside arrays, which EventBridge rejects in a
 * pattern. CloudFormation resolves its functions (`Fn::Join`) before the pattern reaches EventBridge.
 */
function nestedArrayPaths(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => (Array.isArray(item) ? [`${path}[${index}]`] : nestedArrayPaths(item, `${path}[${index}]`)));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([key]) => !key.startsWith('Fn::'))
      .flatMap(([key, item]) => nestedArrayPaths(item, `${path}.${key}`));
  }
  return [];
}

/** Returns the synthesized properties of one rule of the construct. */
function ruleProperties(template: Template, rule: { node: { defaultChild?: unknown } }): Record<string, any> {
  const resources = (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
  return resources[logicalId(rule.node.defaultChild)].Properties;
}

function functionEnvironment(template: Template): Record<string, unknown> {
  return onlyResource(template, 'AWS::Lambda::Function').Properties.Environment.Variables;
}

describe('ShareSentinel with default props', () => {
  let synthesized: Synthesized;
  let template: Template;
  let resolve: (value: unknown) => unknown;

  beforeAll(() => {
    synthesized = synthesize();
    template = synthesized.template;
    resolve = (value) => synthesized.stack.resolve(value);
  });

  describe('event rules', () => {
    it('match generated patterns exactly', () => {
      // GIVEN the routes generated from the rule catalog, with the names of this detector's own resources
      const sentinel = synthesized.sentinel;
      const expected = buildEventRoutes(RULES, sentinel.detector);

      // WHEN the rules that invoke the function are read back from the template
      const patterns = sentinel.rules.map((rule) => ruleProperties(template, rule).EventPattern);

      // THEN each rule carries one generated pattern, unchanged
      expect(patterns).toEqual(expected.map((route) => resolve(route.pattern)));
    });

    it('cover every catalog rule', () => {
      const patterns = synthesized.sentinel.rules.map((rule) => ruleProperties(template, rule).EventPattern as CloudTrailPattern);

      for (const rule of RULES) {
        // For the services in the catalog, the EventBridge source is "aws." plus the first label of the event source.
        const source = `aws.${rule.eventSource.split('.')[0]}`;
        const candidates = patterns.filter((candidate) => candidate.source[0] === source && candidate.detail.eventSource[0] === rule.eventSource);

        expect(candidates.length).toBeGreaterThan(0);
        if (rule.patternFilters !== undefined) {
          // Such a rule routes by its own filters, which the routing test checks against its fixtures.
          continue;
        }
        const names = candidates.flatMap((candidate) => candidate.detail.eventName);
        for (const name of rule.eventNames) {
          expect(names).toContain(name);
        }
        for (const prefix of rule.eventNamePrefixes ?? []) {
          expect(names).toContainEqual({ prefix });
        }
      }
    });

    it('match only CloudTrail API calls', () => {
      for (const pattern of rulePatterns(template)) {
        expect(pattern['detail-type']).toEqual([CLOUDTRAIL_DETAIL_TYPE]);
        expect(pattern.source).toHaveLength(1);
        expect(pattern.detail.eventSource).toHaveLength(1);
      }
    });

    it('match versioned Lambda names by prefix', () => {
      const lambdaPattern = rulePatterns(template).find((pattern) => pattern.source[0] === 'aws.lambda' && pattern.detail.requestParameters === undefined);

      expect(lambdaPattern?.detail).toEqual({
        eventSource: ['lambda.amazonaws.com'],
        eventName: [{ prefix: 'AddLayerVersionPermission' }, { prefix: 'AddPermission' }],
      });
    });

    it('contain no nested arrays', () => {
      for (const pattern of rulePatterns(template)) {
        expect(nestedArrayPaths(pattern)).toEqual([]);
      }
    });

    it('retry then send to dead-letter queue', () => {
      const rules = synthesized.sentinel.rules.map((rule) => ({ Properties: ruleProperties(template, rule) }));

      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule.Properties.State).toBe('ENABLED');
        expect(rule.Properties.Targets).toEqual([
          {
            Id: 'Target0',
            Arn: resolve(synthesized.sentinel.function.functionArn),
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
            DeadLetterConfig: { Arn: resolve(synthesized.sentinel.deadLetterQueue.queueArn) },
          },
        ]);
      }
    });

    it('may each invoke the function', () => {
      const permissions = resourcesOfType(template, 'AWS::Lambda::Permission');

      expect(permissions).toHaveLength(synthesized.sentinel.rules.length);
      for (const rule of synthesized.sentinel.rules) {
        expect(permissions).toContainEqual(
          expect.objectContaining({
            Properties: {
              Action: 'lambda:InvokeFunction',
              FunctionName: resolve(synthesized.sentinel.function.functionArn),
              Principal: 'events.amazonaws.com',
              SourceArn: resolve(rule.ruleArn),
            },
          }),
        );
      }
    });
  });

  describe('tamper rules', () => {
    function tamperRuleProperties(): Record<string, any>[] {
      return synthesized.sentinel.tamperRules.map((rule) => ruleProperties(template, rule));
    }

    it('route every tamper route of the catalog', () => {
      const expected = buildEventRoutes(
        RULES.filter((rule) => rule.category === 'tamper'),
        synthesized.sentinel.detector,
      );

      expect(tamperRuleProperties().map((rule) => rule.EventPattern)).toEqual(
        expected.map((route) => resolve({ ...route.pattern, detail: { ...route.pattern.detail, sourceIPAddress: [{ 'anything-but': ['cloudformation.amazonaws.com'] }] } })),
      );
    });

    it('cover the trail, the trusted list and each detector resource', () => {
      const sources = tamperRuleProperties().map((rule) => rule.EventPattern.detail.eventSource[0]);

      expect(new Set(sources)).toEqual(new Set(['cloudtrail.amazonaws.com', 'ssm.amazonaws.com', 'events.amazonaws.com', 'lambda.amazonaws.com', 'sns.amazonaws.com', 'kms.amazonaws.com']));
    });

    it('target both topics without the function', () => {
      const roleArn = resolve((synthesized.sentinel.node.findChild('TamperAlertRole') as unknown as { roleArn: string }).roleArn);

      for (const rule of tamperRuleProperties()) {
        expect(rule.Targets).toHaveLength(2);
        const topics = [synthesized.sentinel.topic, synthesized.sentinel.tamperTopic];
        topics.forEach((topic, index) => {
          expect(rule.Targets[index]).toMatchObject({
            Arn: resolve(topic.topicArn),
            RoleArn: roleArn,
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
            DeadLetterConfig: { Arn: resolve(synthesized.sentinel.deadLetterQueue.queueArn) },
          });
        });
        expect(JSON.stringify(rule.Targets)).not.toContain(logicalId(synthesized.sentinel.function.node.defaultChild));
      }
    });

    it('write a readable message from AWS-set fields', () => {
      for (const rule of tamperRuleProperties()) {
        const transformer = rule.Targets[0].InputTransformer;

        expect(Object.values(transformer.InputPathsMap).sort()).toEqual(
          ['$.account', '$.region', '$.detail.eventID', '$.detail.eventName', '$.detail.eventSource', '$.detail.eventTime', '$.detail.sourceIPAddress', '$.detail.userIdentity.arn'].sort(),
        );
        const message = JSON.parse(transformer.InputTemplate.replace(/<[\w-]+>/g, 'X'));
        expect(message).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
        expect(message.content.title).toBe('share-sentinel tamper alert: X in account X, X');
        expect(message.content.description).toContain('if none follows, check the function and its dead-letter queue');
      }
    });

    it('publish through a role limited to the topic and its key', () => {
      const role = synthesized.sentinel.node.findChild('TamperAlertRole') as { node: { defaultChild: unknown } };
      const roleId = logicalId(role.node.defaultChild);
      const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter((policy) =>
        (policy.Properties.Roles as unknown[]).some((candidate) => JSON.stringify(candidate) === JSON.stringify({ Ref: roleId })),
      );

      expect(policies).toHaveLength(1);
      // CDK's own publish grant may repeat a statement, so the allowed pairs of action and resource are compared.
      const allowed = new Set(
        (policies[0].Properties.PolicyDocument.Statement as { Action: string | string[]; Effect: string; Resource: unknown }[]).flatMap((statement) => {
          expect(statement.Effect).toBe('Allow');
          const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
          const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
          return actions.flatMap((action) => resources.map((resource) => `${action} ${JSON.stringify(resource)}`));
        }),
      );
      const topicArn = JSON.stringify(resolve(synthesized.sentinel.topic.topicArn));
      const tamperTopicArn = JSON.stringify(resolve(synthesized.sentinel.tamperTopic.topicArn));
      const keyArn = JSON.stringify(resolve(synthesized.sentinel.key.keyArn));
      expect([...allowed].sort()).toEqual([`kms:Decrypt ${keyArn}`, `kms:GenerateDataKey* ${keyArn}`, `sns:Publish ${topicArn}`, `sns:Publish ${tamperTopicArn}`].sort());
    });

    it('leave CloudFormation deployments to the function', () => {
      for (const rule of tamperRuleProperties()) {
        expect(rule.EventPattern.detail.sourceIPAddress).toEqual([{ 'anything-but': ['cloudformation.amazonaws.com'] }]);
      }
    });
  });

  describe('function role', () => {
    it('has exactly the needed statements', () => {
      // GIVEN the function's execution role
      const roleId = logicalId(synthesized.sentinel.function.role?.node.defaultChild);

      // WHEN the policies attached to it are collected
      const policies = resourcesOfType(template, 'AWS::IAM::Policy').filter((policy) =>
        (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
      );

      // THEN one policy grants the trusted-list read, the publish, the key use and the
      // on-failure destination, each on its one resource
      expect(policies).toHaveLength(1);
      const statements = policies[0].Properties.PolicyDocument.Statement;
      const expected = [
        {
          // Added by the on-failure destination: the function sends failed events to the queue.
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Effect: 'Allow',
          Resource: resolve(synthesized.sentinel.deadLetterQueue.queueArn),
        },
        {
          Sid: 'ReadTrustedList',
          Action: ['ssm:GetParameter', 'ssm:GetParameterHistory'],
          Effect: 'Allow',
          Resource: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/share-sentinel/trusted-accounts'],
            ],
          },
        },
        { Sid: 'PublishAlerts', Action: 'sns:Publish', Effect: 'Allow', Resource: resolve(synthesized.sentinel.topic.topicArn) },
        { Sid: 'EncryptAlerts', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: resolve(synthesized.sentinel.key.keyArn) },
      ];
      expect(statements).toHaveLength(expected.length);
      expect(statements).toEqual(expect.arrayContaining(expected));
    });

    it('has only basic execution managed policy', () => {
      const role = template.findResources('AWS::IAM::Role')[logicalId(synthesized.sentinel.function.role?.node.defaultChild)] as Resource;

      expect(role.Properties.ManagedPolicyArns).toEqual([
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']] },
      ]);
    });
  });

  describe('function', () => {
    it('runs nodejs24.x on arm64', () => {
      const properties = onlyResource(template, 'AWS::Lambda::Function').Properties;

      expect(properties.Runtime).toBe('nodejs24.x');
      expect(properties.Architectures).toEqual(['arm64']);
      expect(properties.Handler).toBe('index.handler');
      expect(properties.MemorySize).toBe(256);
      expect(properties.Timeout).toBe(15);
    });

    it('has default environment', () => {
      expect(functionEnvironment(template)).toEqual({
        ALERT_TOPIC_ARN: resolve(synthesized.sentinel.topic.topicArn),
        TRUSTED_ACCOUNTS_PARAMETER: DEFAULT_TRUSTED_ACCOUNTS_PARAMETER,
        TRUSTED_ACCOUNTS_MAX_AGE: '300',
        ALERT_ON_FAILED_CALLS: 'true',
        ALERT_ON_UNRESTRICTED_SERVICES: 'false',
        TRUST_ORGANIZATION: 'false',
        POWERTOOLS_SERVICE_NAME: 'share-sentinel',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        DETECTOR_STACK_NAME: 'Sentinel',
        DETECTOR_RULE_PREFIX: 'Sentinel-',
        DETECTOR_RULE_NAMES: synthesized.sentinel.detector.ruleNames?.map((name) => name.slice('Sentinel-'.length)).join(','),
        DETECTOR_KEY_ARN: resolve(synthesized.sentinel.key.keyArn),
        DETECTOR_TAMPER_TOPIC_ARN: resolve(synthesized.sentinel.tamperTopic.topicArn),
      });
    });

    it('names every rule of the detector in its environment', () => {
      const names = [...synthesized.sentinel.rules, ...synthesized.sentinel.tamperRules].map((rule) => ruleProperties(template, rule).Name);

      const environment = functionEnvironment(template);

      // The function reads the names back as its configuration does; the tokens do not matter here.
      const variables = { TRUSTED_ACCOUNTS_PARAMETER: DEFAULT_TRUSTED_ACCOUNTS_PARAMETER, ALERT_TOPIC_ARN: `arn:aws:sns:us-east-1:${OWNER_ID}:alerts` };
      const config = readConfig({ ...variables, DETECTOR_RULE_PREFIX: String(environment.DETECTOR_RULE_PREFIX), DETECTOR_RULE_NAMES: String(environment.DETECTOR_RULE_NAMES) });

      expect(config.detector.ruleNames?.sort()).toEqual(names.sort());
    });

    it('retries twice then sends to dead-letter queue', () => {
      const config = onlyResource(template, 'AWS::Lambda::EventInvokeConfig').Properties;

      expect(config).toEqual({
        FunctionName: resolve(synthesized.sentinel.function.functionName),
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21_600,
        DestinationConfig: { OnFailure: { Destination: resolve(synthesized.sentinel.deadLetterQueue.queueArn) } },
      });
    });

    it('logs to retained 90-day log group', () => {
      const logGroup = onlyResource(template, 'AWS::Logs::LogGroup') as Resource & { DeletionPolicy?: string };
      const properties = onlyResource(template, 'AWS::Lambda::Function').Properties;

      expect(logGroup.Properties.RetentionInDays).toBe(90);
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(properties.LoggingConfig).toEqual({ LogGroup: { Ref: Object.keys(template.findResources('AWS::Logs::LogGroup'))[0] } });
    });
  });

  describe('dead-letter queue', () => {
    it('uses SQS-managed encryption', () => {
      expect(onlyResource(template, 'AWS::SQS::Queue').Properties.SqsManagedSseEnabled).toBe(true);
    });

    it('keeps messages 14 days', () => {
      expect(onlyResource(template, 'AWS::SQS::Queue').Properties.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
    });

    it('denies requests without TLS', () => {
      const statements = onlyResource(template, 'AWS::SQS::QueuePolicy').Properties.PolicyDocument.Statement;

      expect(statements).toContainEqual({
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: resolve(synthesized.sentinel.deadLetterQueue.queueArn),
      });
    });

    it('accepts failed events from each rule', () => {
      const statements = onlyResource(template, 'AWS::SQS::QueuePolicy').Properties.PolicyDocument.Statement;

      for (const rule of [...synthesized.sentinel.rules, ...synthesized.sentinel.tamperRules]) {
        expect(statements).toContainEqual(
          expect.objectContaining({
            Action: 'sqs:SendMessage',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': resolve(rule.ruleArn) } },
            Resource: resolve(synthesized.sentinel.deadLetterQueue.queueArn),
          }),
        );
      }
    });
  });

  describe('alarms', () => {
    function alarmWithMetric(metricName: string): Resource {
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter((alarm) => alarm.Properties.MetricName === metricName);
      expect(alarms).toHaveLength(1);
      return alarms[0];
    }

    it('are exactly three', () => {
      expect(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).toHaveLength(3);
    });

    it('watch function errors', () => {
      const alarm = alarmWithMetric('Errors').Properties;

      expect(alarm.Namespace).toBe('AWS/Lambda');
      expect(alarm.Dimensions).toEqual([{ Name: 'FunctionName', Value: resolve(synthesized.sentinel.function.functionName) }]);
      expect(alarm.Statistic).toBe('Sum');
    });

    it('watch function throttles', () => {
      const alarm = alarmWithMetric('Throttles').Properties;

      expect(alarm.Namespace).toBe('AWS/Lambda');
      expect(alarm.Dimensions).toEqual([{ Name: 'FunctionName', Value: resolve(synthesized.sentinel.function.functionName) }]);
      expect(alarm.Statistic).toBe('Sum');
    });

    it('watch dead-letter queue depth', () => {
      const alarm = alarmWithMetric('ApproximateNumberOfMessagesVisible').Properties;

      expect(alarm.Namespace).toBe('AWS/SQS');
      expect(alarm.Dimensions).toEqual([{ Name: 'QueueName', Value: resolve(synthesized.sentinel.deadLetterQueue.queueName) }]);
      expect(alarm.Statistic).toBe('Maximum');
    });

    it('fire on first datapoint', () => {
      for (const alarm of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
        expect(alarm.Properties).toMatchObject({
          Threshold: 1,
          EvaluationPeriods: 1,
          Period: 300,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    });

    it('notify both topics', () => {
      for (const alarm of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
        expect(alarm.Properties.AlarmActions).toEqual([resolve(synthesized.sentinel.topic.topicArn), resolve(synthesized.sentinel.tamperTopic.topicArn)]);
      }
    });

    it('may publish to the tamper alert topic', () => {
      const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy').filter(
        (policy) => JSON.stringify(policy.Properties.Topics) === JSON.stringify([resolve(synthesized.sentinel.tamperTopic.topicArn)]),
      );

      expect(policies).toHaveLength(1);
      expect(policies[0].Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Sid: 'AllowCloudWatchAlarmsToPublish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
      );
    });
  });

  describe('alert topic', () => {
    function topicResource(topic: unknown): Resource {
      return (template.toJSON() as { Resources: Record<string, Resource> }).Resources[logicalId((topic as { node: { defaultChild: unknown } }).node.defaultChild)];
    }

    function topicPolicy(topic: unknown): Record<string, unknown>[] {
      const topicRef = JSON.stringify(resolve((topic as { topicArn: string }).topicArn));
      const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy').filter((policy) => JSON.stringify(policy.Properties.Topics) === `[${topicRef}]`);
      expect(policies).toHaveLength(1);
      return policies[0].Properties.PolicyDocument.Statement;
    }

    it('is encrypted with alert key', () => {
      expect(topicResource(synthesized.sentinel.topic).Properties.KmsMasterKeyId).toEqual(resolve(synthesized.sentinel.key.keyArn));
    });

    it('has a tamper twin without the key', () => {
      const twin = topicResource(synthesized.sentinel.tamperTopic);

      expect(twin.Properties.KmsMasterKeyId).toBeUndefined();
      expect(topicPolicy(synthesized.sentinel.tamperTopic)).toContainEqual(expect.objectContaining({ Sid: 'AllowPublishThroughSSLOnly', Effect: 'Deny' }));
    });

    it('key rotates and is retained', () => {
      const key = onlyResource(template, 'AWS::KMS::Key') as Resource & { DeletionPolicy?: string };

      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    });

    it('key lets CloudWatch alarms encrypt', () => {
      const statements = onlyResource(template, 'AWS::KMS::Key').Properties.KeyPolicy.Statement;

      expect(statements).toContainEqual({
        Sid: 'AllowCloudWatchAlarmsToPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      });
    });

    it('lets CloudWatch alarms publish', () => {
      // A topic policy replaces the SNS default policy, so the alarms need a statement of their own.
      const statements = topicPolicy(synthesized.sentinel.topic);

      expect(statements).toContainEqual({
        Sid: 'AllowCloudWatchAlarmsToPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: resolve(synthesized.sentinel.topic.topicArn),
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']],
            },
          },
        },
      });
    });

    it('denies publishing without TLS', () => {
      const statements = topicPolicy(synthesized.sentinel.topic);

      expect(statements).toContainEqual({
        Sid: 'AllowPublishThroughSSLOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: resolve(synthesized.sentinel.topic.topicArn),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    });

    it('has no e-mail subscription', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('optional parts', () => {
    it('has no Slack channel', () => {
      template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    });

    it('has no trail', () => {
      template.resourceCountIs('AWS::CloudTrail::Trail', 0);
      template.resourceCountIs('AWS::S3::Bucket', 0);
      expect(synthesized.sentinel.trail).toBeUndefined();
    });
  });

  describe('trusted list parameter', () => {
    it('holds deploying account', () => {
      expect(onlyResource(template, 'AWS::SSM::Parameter').Properties).toMatchObject({
        Name: DEFAULT_TRUSTED_ACCOUNTS_PARAMETER,
        Type: 'StringList',
        Value: { Ref: 'AWS::AccountId' },
      });
    });
  });

  describe('outputs', () => {
    it('use plain names as keys', () => {
      expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(['AlertTopicArn', 'DeadLetterQueueUrl', 'DetectorResources', 'TamperAlertTopicArn', 'TrustedAccountsParameterName']);
    });

    it('give scan the detector resources', () => {
      expect(template.toJSON().Outputs.DetectorResources.Value).toEqual(resolve(synthesized.stack.toJsonString(synthesized.sentinel.detector)));
    });

    it('give alert topic ARN', () => {
      const output = template.findOutputs('AlertTopicArn');

      expect(Object.values(output).map((value) => value.Value)).toEqual([resolve(synthesized.sentinel.topic.topicArn)]);
    });

    it('give trusted list parameter name', () => {
      const output = template.findOutputs('TrustedAccountsParameterName');

      expect(Object.values(output).map((value) => value.Value)).toEqual([DEFAULT_TRUSTED_ACCOUNTS_PARAMETER]);
    });
  });
});

describe('ShareSentinel with every option', () => {
  const props: ShareSentinelProps = {
    alertEmails: ['security@example.com', 'oncall@example.org'],
    slackWorkspaceId: 'T0123ABCD',
    slackChannelId: 'C0123ABCD',
    trustedAccountsParameterName: '/security/share-sentinel/trusted',
    trustedAccounts: ['444455556666', 'o-a1b2c3d4e5', 'vpce-0a1b2c3d4e5f60718'],
    trustedAccountsMaxAge: Duration.minutes(1),
    alertOnFailedCalls: false,
    alertOnUnrestrictedServices: true,
    createTrail: true,
    logRetention: logs.RetentionDays.ONE_MONTH,
  };
  let synthesized: Synthesized;
  let template: Template;
  let resolve: (value: unknown) => unknown;

  beforeAll(() => {
    synthesized = synthesize(props);
    template = synthesized.template;
    resolve = (value) => synthesized.stack.resolve(value);
  });

  it('subscribes each e-mail address', () => {
    const subscriptions = resourcesOfType(template, 'AWS::SNS::Subscription').map((subscription) => subscription.Properties);

    expect(subscriptions).toHaveLength(4);
    for (const email of props.alertEmails ?? []) {
      expect(subscriptions).toContainEqual({ Protocol: 'email', Endpoint: email, TopicArn: resolve(synthesized.sentinel.topic.topicArn) });
      expect(subscriptions).toContainEqual({ Protocol: 'email', Endpoint: email, TopicArn: resolve(synthesized.sentinel.tamperTopic.topicArn) });
    }
  });

  it('relays alerts to Slack channel', () => {
    const channel = onlyResource(template, 'AWS::Chatbot::SlackChannelConfiguration').Properties;

    expect(channel).toMatchObject({
      ConfigurationName: 'share-sentinel-C0123ABCD',
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [resolve(synthesized.sentinel.topic.topicArn), resolve(synthesized.sentinel.tamperTopic.topicArn)],
      LoggingLevel: 'ERROR',
    });
  });

  it('denies Slack channel every AWS action', () => {
    const channel = onlyResource(template, 'AWS::Chatbot::SlackChannelConfiguration').Properties;

    expect(channel.GuardrailPolicies).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] }]);
  });

  it('creates multi-region trail', () => {
    const trail = onlyResource(template, 'AWS::CloudTrail::Trail').Properties;

    expect(trail).toMatchObject({
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }],
    });
    expect(synthesized.sentinel.trail).toBeDefined();
  });

  it('keeps trail logs in private bucket', () => {
    const bucket = onlyResource(template, 'AWS::S3::Bucket') as Resource & { DeletionPolicy?: string };

    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('passes settings to function environment', () => {
    expect(functionEnvironment(template)).toMatchObject({
      TRUSTED_ACCOUNTS_PARAMETER: '/security/share-sentinel/trusted',
      TRUSTED_ACCOUNTS_MAX_AGE: '60',
      ALERT_ON_FAILED_CALLS: 'false',
      ALERT_ON_UNRESTRICTED_SERVICES: 'true',
    });
  });

  it('writes trusted ids to parameter', () => {
    expect(onlyResource(template, 'AWS::SSM::Parameter').Properties).toMatchObject({
      Name: '/security/share-sentinel/trusted',
      Type: 'StringList',
      Value: '444455556666,o-a1b2c3d4e5,vpce-0a1b2c3d4e5f60718',
    });
  });

  it('grants read on custom parameter', () => {
    const statements = resourcesOfType(template, 'AWS::IAM::Policy').flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const read = statements.find((statement) => statement.Sid === 'ReadTrustedList');

    expect(read.Resource['Fn::Join'][1].at(-1)).toBe(':parameter/security/share-sentinel/trusted');
  });

  it('outputs custom parameter name', () => {
    const output = template.findOutputs('TrustedAccountsParameterName');

    expect(Object.values(output).map((value) => value.Value)).toEqual(['/security/share-sentinel/trusted']);
  });

  it('sets log retention', () => {
    expect(onlyResource(template, 'AWS::Logs::LogGroup').Properties.RetentionInDays).toBe(30);
  });
});

describe('ShareSentinel parameter name without leading slash', () => {
  let template: Template;

  beforeAll(() => {
    template = synthesize({ trustedAccountsParameterName: 'share-sentinel-trusted' }).template;
  });

  it('grants read on parameter ARN', () => {
    const statements = resourcesOfType(template, 'AWS::IAM::Policy').flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const read = statements.find((statement) => statement.Sid === 'ReadTrustedList');

    expect(read.Resource['Fn::Join'][1].at(-1)).toBe(':parameter/share-sentinel-trusted');
  });
});

describe('ShareSentinel props validation', () => {
  // Validation runs before any resource is created, so these cases do not bundle the function.
  function construct(props: ShareSentinelProps): () => void {
    return () => new ShareSentinel(new Stack(newApp(), 'Sentinel'), 'ShareSentinel', props);
  }

  it('fails on invalid e-mail address', () => {
    expect(construct({ alertEmails: ['security@example.com', 'not-an-address'] })).toThrow('invalid alert e-mail address "not-an-address"');
  });

  it('fails on workspace id alone', () => {
    expect(construct({ slackWorkspaceId: 'T0123ABCD' })).toThrow('slackWorkspaceId and slackChannelId must be given together');
  });

  it('fails on channel id alone', () => {
    expect(construct({ slackChannelId: 'C0123ABCD' })).toThrow('slackWorkspaceId and slackChannelId must be given together');
  });

  it('fails on lowercase Slack channel id', () => {
    expect(construct({ slackWorkspaceId: 'T0123ABCD', slackChannelId: 'c0123abcd' })).toThrow('invalid slackChannelId "c0123abcd"');
  });

  it('fails on short Slack workspace id', () => {
    expect(construct({ slackWorkspaceId: 'T012', slackChannelId: 'C0123ABCD' })).toThrow('invalid slackWorkspaceId "T012"');
  });

  it('fails on 11-digit trusted account', () => {
    expect(construct({ trustedAccounts: ['444455556666', '12345678901'] })).toThrow('invalid trusted id "12345678901"');
  });

  it('fails on uppercase organization id', () => {
    expect(construct({ trustedAccounts: ['O-A1B2C3D4E5'] })).toThrow('invalid trusted id "O-A1B2C3D4E5"');
  });

  it('fails on max age above one day', () => {
    expect(construct({ trustedAccountsMaxAge: Duration.seconds(86_401) })).toThrow('trustedAccountsMaxAge of 86401 seconds is out of range');
  });
});

describe('propsFromContext', () => {
  function appWithContext(context: Record<string, unknown>): App {
    return newApp({ context });
  }

  it('leaves unset settings undefined', () => {
    const props = propsFromContext(appWithContext({}));

    expect(Object.values(props).every((value) => value === undefined)).toBe(true);
  });

  it('reads every setting', () => {
    // GIVEN every setting as a string, the way `-c key=value` passes it
    const app = appWithContext({
      alertEmail: 'security@example.com, oncall@example.org',
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0123ABCD',
      trustedAccountsParameter: '/security/trusted',
      trustedAccounts: '444455556666,o-a1b2c3d4e5',
      trustedAccountsMaxAge: '120',
      alertOnFailedCalls: 'false',
      alertOnUnrestrictedServices: 'true',
      createTrail: 'true',
      organizationId: 'o-a1b2c3d4e5',
      trustOrganization: 'true',
    });

    // WHEN the props are read
    const { trustedAccountsMaxAge, ...props } = propsFromContext(app);

    // THEN lists are split and trimmed, flags and the duration are parsed
    expect(props).toEqual({
      alertEmails: ['security@example.com', 'oncall@example.org'],
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0123ABCD',
      trustedAccountsParameterName: '/security/trusted',
      trustedAccounts: ['444455556666', 'o-a1b2c3d4e5'],
      alertOnFailedCalls: false,
      alertOnUnrestrictedServices: true,
      createTrail: true,
      organizationId: 'o-a1b2c3d4e5',
      trustOrganization: true,
    });
    expect(trustedAccountsMaxAge?.toSeconds()).toBe(120);
  });

  it('reads cdk.json arrays and booleans', () => {
    const props = propsFromContext(appWithContext({ alertEmails: ['security@example.com'], trustedAccounts: ['444455556666'], createTrail: true, alertOnFailedCalls: false }));

    expect(props.alertEmails).toEqual(['security@example.com']);
    expect(props.trustedAccounts).toEqual(['444455556666']);
    expect(props.createTrail).toBe(true);
    expect(props.alertOnFailedCalls).toBe(false);
  });

  it('prefers alertEmail over alertEmails', () => {
    const props = propsFromContext(appWithContext({ alertEmail: 'security@example.com', alertEmails: 'oncall@example.org' }));

    expect(props.alertEmails).toEqual(['security@example.com']);
  });

  it('treats empty list as unset', () => {
    const props = propsFromContext(appWithContext({ trustedAccounts: ' , ', alertEmail: '' }));

    expect(props.trustedAccounts).toBeUndefined();
    expect(props.alertEmails).toBeUndefined();
  });

  it('fails on alertOnFailedCalls=maybe', () => {
    expect(() => propsFromContext(appWithContext({ alertOnFailedCalls: 'maybe' }))).toThrow('invalid context value alertOnFailedCalls="maybe"; expected true or false');
  });

  it('fails on createTrail=yes', () => {
    expect(() => propsFromContext(appWithContext({ createTrail: 'yes' }))).toThrow('invalid context value createTrail="yes"');
  });

  it('fails on max age with unit', () => {
    expect(() => propsFromContext(appWithContext({ trustedAccountsMaxAge: '5m' }))).toThrow('invalid context value trustedAccountsMaxAge="5m"');
  });

  it('fails on negative max age', () => {
    expect(() => propsFromContext(appWithContext({ trustedAccountsMaxAge: '-1' }))).toThrow('invalid context value trustedAccountsMaxAge="-1"');
  });
});

describe('buildApp', () => {
  const savedAccount = process.env.CDK_DEFAULT_ACCOUNT;
  const savedRegion = process.env.CDK_DEFAULT_REGION;
  let app: App;
  let stack: ShareSentinelStack;
  let template: Template;

  beforeAll(() => {
    process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
    process.env.CDK_DEFAULT_REGION = 'eu-west-1';
    app = buildApp(newApp({ context: { stackName: 'SentinelFromContext', alertEmail: 'security@example.com', alertOnFailedCalls: 'false', trustedAccountsMaxAge: '0' } }));
    stack = app.node.findChild('SentinelFromContext') as ShareSentinelStack;
    template = Template.fromStack(stack);
  });

  afterAll(() => {
    restoreEnv('CDK_DEFAULT_ACCOUNT', savedAccount);
    restoreEnv('CDK_DEFAULT_REGION', savedRegion);
  });

  function restoreEnv(name: string, value: string | undefined): void {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }

  it('names stack from context', () => {
    expect(stack).toBeInstanceOf(ShareSentinelStack);
    expect(stack.stackName).toBe('SentinelFromContext');
  });

  it('deploys to CDK default environment', () => {
    expect(stack.account).toBe('123456789012');
    expect(stack.region).toBe('eu-west-1');
  });

  it('applies context settings', () => {
    expect(functionEnvironment(template)).toMatchObject({ ALERT_ON_FAILED_CALLS: 'false', TRUSTED_ACCOUNTS_MAX_AGE: '0' });
    // Each address is subscribed to the alert topic and to the tamper alert topic.
    expect(resourcesOfType(template, 'AWS::SNS::Subscription').map((subscription) => subscription.Properties.Endpoint)).toEqual(['security@example.com', 'security@example.com']);
  });

  it('fails on max age above one day', () => {
    expect(() => buildApp(newApp({ context: { trustedAccountsMaxAge: '86401' } }))).toThrow('trustedAccountsMaxAge of 86401 seconds is out of range');
  });

  it('fails on invalid e-mail address', () => {
    expect(() => buildApp(newApp({ context: { alertEmail: 'security.example.com' } }))).toThrow('invalid alert e-mail address "security.example.com"');
  });

  it('fails on alertOnFailedCalls=maybe', () => {
    expect(() => buildApp(newApp({ context: { alertOnFailedCalls: 'maybe' } }))).toThrow('alertOnFailedCalls="maybe"');
  });
});

describe('ShareSentinel across an organization', () => {
  let synthesized: Synthesized;
  let template: Template;
  let resolve: (value: unknown) => unknown;

  beforeAll(() => {
    synthesized = synthesize({ organizationId: 'o-a1b2c3d4e5', trustOrganization: true });
    template = synthesized.template;
    resolve = (value) => synthesized.stack.resolve(value);
  });

  function organizationRules(): Record<string, any>[] {
    const busName = resolve(synthesized.sentinel.centralBus?.bus.eventBusName);
    return resourcesOfType(template, 'AWS::Events::Rule')
      .map((rule) => rule.Properties)
      .filter((properties) => JSON.stringify(properties.EventBusName) === JSON.stringify(busName));
  }

  it('admits only the organization to the central bus', () => {
    const policy = onlyResource(template, 'AWS::Events::EventBusPolicy').Properties;

    expect(policy.Statement).toEqual({
      Sid: 'cdk-OrganizationPutEvents',
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: resolve(synthesized.sentinel.centralBus?.bus.eventBusArn),
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    });
  });

  it('routes every pattern on the central bus to the function', () => {
    const rules = organizationRules();

    expect(rules.map((rule) => rule.EventPattern)).toEqual(buildEventRoutes(RULES).map((route) => route.pattern));
    for (const rule of rules) {
      expect(rule.Targets).toEqual([
        expect.objectContaining({
          Arn: resolve(synthesized.sentinel.function.functionArn),
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: resolve(synthesized.sentinel.deadLetterQueue.queueArn) },
        }),
      ]);
    }
  });

  it('names the central bus rules in the function settings', () => {
    const names = organizationRules().map((rule) => rule.Name as string);

    expect(names.length).toBeGreaterThan(0);
    const environment = functionEnvironment(template);

    expect(String(environment.DETECTOR_RULE_NAMES).split(',').map((name) => `${String(environment.DETECTOR_RULE_PREFIX)}${name}`)).toEqual(expect.arrayContaining(names));
  });

  it('outputs the central bus ARN', () => {
    const output = template.findOutputs('CentralEventBusArn');

    expect(Object.values(output).map((value) => value.Value)).toEqual([resolve(synthesized.sentinel.centralBus?.bus.eventBusArn)]);
  });

  it('lets the function read the organization', () => {
    const statements = resourcesOfType(template, 'AWS::IAM::Policy').flatMap((policy) => policy.Properties.PolicyDocument.Statement);

    expect(statements).toContainEqual({
      Sid: 'ReadOrganization',
      Effect: 'Allow',
      Action: ['organizations:ListAccounts', 'organizations:DescribeOrganization'],
      Resource: '*',
    });
    expect(functionEnvironment(template).TRUST_ORGANIZATION).toBe('true');
  });

  it('gives the function a minute to read the organization', () => {
    expect(onlyResource(template, 'AWS::Lambda::Function').Properties.Timeout).toBe(60);
  });

  it('fails on an invalid organization id', () => {
    expect(() => synthesize({ organizationId: 'org-123' })).toThrow('invalid organizationId "org-123"');
  });
});

describe('ShareSentinel with a long stack name', () => {
  let stack: ShareSentinelStack;
  let template: Template;

  beforeAll(() => {
    stack = new ShareSentinelStack(newApp(), 'SecurityTooling-ShareSentinel-Production-EuropeWest-Detector', { sentinel: { organizationId: 'o-a1b2c3d4e5' } });
    template = Template.fromStack(stack);
  });

  it('keeps every rule name within 64 characters', () => {
    const names = resourcesOfType(template, 'AWS::Events::Rule').map((rule) => rule.Properties.Name as string);

    expect(names.length).toBeGreaterThan(60);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
    }
  });

  it('keeps the rule names in the function settings short', () => {
    const environment = functionEnvironment(template);

    expect(String(environment.DETECTOR_RULE_PREFIX)).toMatch(/^SecurityTooling-[A-Za-z-]*-[0-9a-f]{8}-$/);
    expect(String(environment.DETECTOR_RULE_NAMES).length).toBeLessThan(2_500);
  });
});

describe('ShareSentinel without an organization', () => {
  it('grants no Organizations access', () => {
    const { template } = synthesize();
    const statements = resourcesOfType(template, 'AWS::IAM::Policy').flatMap((policy) => policy.Properties.PolicyDocument.Statement);

    expect(JSON.stringify(statements)).not.toContain('organizations:');
    expect(resourcesOfType(template, 'AWS::Events::EventBus')).toEqual([]);
  });
});

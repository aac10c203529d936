/**
 * The ShareSentinel construct: EventBridge rules generated from the rule catalog, the detection
 * function, the trusted-list parameter, the encrypted alert topic, a dead-letter queue and alarms
 * on the detector itself.
 *
 * Fixed by the construct: Node.js 24 on arm64, bundled locally with esbuild (minified, with source
 * maps), 256 MB of memory, a 15-second timeout, two asynchronous retries, and a 14-day dead-letter
 * queue shared by the rule targets and the function's on-failure destination.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { trustedIdKind, TRUSTED_ID_FORMATS } from '../lambda/core/trusted-list';
import { LAMBDA_EXTERNAL_MODULES } from './bundling';
import { RULES } from '../lambda/catalog';
import type { DetectorResources, RuleDefinition } from '../lambda/core/rule';
import { ShareSentinelCentralBus } from './central-bus';
import { buildEventRoutes, tamperAlertPattern, type EventRoute } from './event-pattern';

export const DEFAULT_TRUSTED_ACCOUNTS_PARAMETER = '/share-sentinel/trusted-accounts';

export interface ShareSentinelProps {
  /**
   * E-mail addresses subscribed to the alert topic. Each address receives a confirmation message
   * from SNS and gets alerts only after confirming.
   * @default - no e-mail subscription
   */
  readonly alertEmails?: string[];

  /**
   * Slack workspace (team) id for AWS Chatbot, such as `T0123ABCD`. The workspace must already be
   * authorised in the AWS Chatbot console. Requires `slackChannelId`.
   * @default - no Slack channel
   */
  readonly slackWorkspaceId?: string;

  /**
   * Slack channel id for AWS Chatbot, such as `C0123ABCD`. Requires `slackWorkspaceId`.
   * @default - no Slack channel
   */
  readonly slackChannelId?: string;

  /**
   * Name of the SSM parameter that contains the trusted list.
   * @default '/share-sentinel/trusted-accounts'
   */
  readonly trustedAccountsParameterName?: string;

  /**
   * Ids written to the trusted list when the stack creates it: 12-digit accounts, `o-`
   * organizations, `ou-` OUs, `vpce-` VPC endpoints, `vpc-` VPCs. Edit the parameter afterwards
   * with `share-sentinel trusted`; a deploy overwrites it only when this value changes.
   * @default - the deploying account only
   */
  readonly trustedAccounts?: string[];

  /**
   * How long the function reuses the trusted list before reading SSM again.
   * @default Duration.minutes(5)
   */
  readonly trustedAccountsMaxAge?: Duration;

  /**
   * Alert on sharing calls that failed (an `errorCode`), as attempts, with severity `medium`.
   * @default true
   */
  readonly alertOnFailedCalls?: boolean;

  /**
   * Raise `low` findings for service principals granted access with no source account or source
   * ARN (the confused-deputy case).
   * @default false
   */
  readonly alertOnUnrestrictedServices?: boolean;

  /**
   * Create a multi-region CloudTrail trail that logs management events, for accounts that have
   * none. EventBridge receives "AWS API Call via CloudTrail" events only while a trail logs them.
   * @default false
   */
  readonly createTrail?: boolean;

  /**
   * The AWS Organizations id whose member accounts forward their events to this detector, such as
   * `o-a1b2c3d4e5`. Creates a central event bus whose policy admits only that organization, with
   * the detector's rules on it as on the default bus. Member accounts run the forwarding template
   * (ShareSentinelMemberForwarderStack), rolled out with a StackSet.
   * @default - no central bus: only this account's events are read
   */
  readonly organizationId?: string;

  /**
   * Trust every active account of the caller's organization, and the organization itself, read
   * through Organizations ListAccounts. The stack must be deployed in the management account or
   * in a delegated administrator account for Organizations.
   * @default false
   */
  readonly trustOrganization?: boolean;

  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Builds the message of a tamper alert sent without the function: an AWS Chatbot custom
 * notification, which Slack renders and an e-mail shows as short JSON. Only fields that AWS sets
 * are inserted. The caller chooses only the session name in `userIdentity.arn`, and IAM limits it
 * to letters, digits and `_+=,.@-`, so no value can break the JSON string.
 */
function tamperAlertMessage(rules: RuleDefinition[]): events.RuleTargetInput {
  const field = (path: string): string => events.EventField.fromPath(path);
  const what = rules.map((rule) => rule.title).join(' or ');
  return events.RuleTargetInput.fromObject({
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `share-sentinel tamper alert: ${field('$.detail.eventName')} in account ${field('$.account')}, ${field('$.region')}`,
      description:
        `A call that can switch off share-sentinel or hide sharing from it was made: ${what}.\n` +
        `Call: ${field('$.detail.eventSource')} ${field('$.detail.eventName')} at ${field('$.detail.eventTime')}\n` +
        `Caller: ${field('$.detail.userIdentity.arn')} from ${field('$.detail.sourceIPAddress')}\n` +
        `CloudTrail event id: ${field('$.detail.eventID')}\n` +
        'This alert comes straight from EventBridge. The detection function sends a detailed alert when it is running; if none follows, check the function and its dead-letter queue.',
      keywords: ['share-sentinel', 'tamper'],
    },
  });
}

const SLACK_ID = /^[A-Z0-9]{8,12}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validateProps(props: ShareSentinelProps): void {
  for (const email of props.alertEmails ?? []) {
    if (!EMAIL.test(email)) {
      throw new Error(`ShareSentinel: invalid alert e-mail address ${JSON.stringify(email)}; expected an address such as security@example.com`);
    }
  }
  if ((props.slackWorkspaceId === undefined) !== (props.slackChannelId === undefined)) {
    throw new Error('ShareSentinel: slackWorkspaceId and slackChannelId must be given together');
  }
  for (const [name, value] of [['slackWorkspaceId', props.slackWorkspaceId], ['slackChannelId', props.slackChannelId]] as const) {
    if (value !== undefined && !SLACK_ID.test(value)) {
      throw new Error(`ShareSentinel: invalid ${name} ${JSON.stringify(value)}; expected the Slack id of 8 to 12 capital letters and digits, such as T0123ABCD`);
    }
  }
  for (const id of props.trustedAccounts ?? []) {
    if (trustedIdKind(id) === undefined) {
      throw new Error(`ShareSentinel: invalid trusted id ${JSON.stringify(id)}; expected one of: ${TRUSTED_ID_FORMATS}`);
    }
  }
  const maxAge = props.trustedAccountsMaxAge?.toSeconds();
  if (maxAge !== undefined && (maxAge < 0 || maxAge > 86_400)) {
    throw new Error(`ShareSentinel: trustedAccountsMaxAge of ${maxAge} seconds is out of range; expected 0 to 86400 seconds`);
  }
}

export class ShareSentinel extends Construct {
  readonly topic: sns.Topic;
  /** The topic that receives only the tamper alerts sent without the function, without the alert key. */
  readonly tamperTopic: sns.Topic;
  readonly key: kms.Key;
  readonly function: nodejs.NodejsFunction;
  readonly deadLetterQueue: sqs.Queue;
  readonly trustedAccountsParameter: ssm.IParameter;
  /** The rules whose target is the function. */
  readonly rules: events.Rule[];
  /** The rules that publish tamper alerts to the topic without the function. */
  readonly tamperRules: events.Rule[];
  /** The names of the detector's own resources, as the rules about them watch them. */
  readonly detector: DetectorResources;
  readonly trail?: cloudtrail.Trail;
  /** The bus that receives the organization's forwarded events, when `organizationId` is set. */
  readonly centralBus?: ShareSentinelCentralBus;

  constructor(scope: Construct, id: string, props: ShareSentinelProps = {}) {
    super(scope, id);
    validateProps(props);

    // Alert topic, encrypted with a customer managed key that CloudWatch alarms may use too.
    this.key = new kms.Key(this, 'AlertKey', {
      description: 'Encrypts share-sentinel alerts',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'share-sentinel alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    // Tamper alerts sent without the function also go to a second topic that does not use the alert
    // key, so that disabling that key or deleting the alert topic cannot silence the alert about it.
    this.tamperTopic = new sns.Topic(this, 'TamperAlertTopic', {
      displayName: 'share-sentinel tamper alerts',
      enforceSSL: true,
    });
    Validations.of(this.tamperTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason: 'The tamper alert topic must not depend on the alert key it reports on; its messages hold the call, caller and event id only.',
    });
    for (const email of props.alertEmails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
      this.tamperTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    // Trusted list.
    const parameterName = props.trustedAccountsParameterName ?? DEFAULT_TRUSTED_ACCOUNTS_PARAMETER;
    this.trustedAccountsParameter = new ssm.StringListParameter(this, 'TrustedAccounts', {
      parameterName,
      description: 'share-sentinel trusted list: accounts, o- organizations, ou- OUs, vpce- endpoints, vpc- VPCs (or a JSON object of id to label)',
      stringListValue: props.trustedAccounts && props.trustedAccounts.length > 0 ? props.trustedAccounts : [Aws.ACCOUNT_ID],
    });

    // Events the function could not handle, from the rule targets and from the function's own retries.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the rule targets and of the function.',
    });

    const logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(__dirname, '..', 'lambda', 'handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      // Sized from BENCHMARKS.md: peak RSS was about 126 MB after 2,000 events (half of 256 MB), and a
      // first invocation with SDK retries stays near 5.5 s, so 15 s leaves twice that. Reading the
      // organization pages through ListAccounts 20 accounts at a time, so it gets a minute.
      // NOTE: the minute is an estimate for a few thousand accounts; it was not measured.
      memorySize: 256,
      timeout: Duration.seconds(props.trustOrganization ? 60 : 15),
      logGroup,
      description: 'share-sentinel: alerts on resources shared outside the trusted list',
      environment: {
        ALERT_TOPIC_ARN: this.topic.topicArn,
        TRUSTED_ACCOUNTS_PARAMETER: parameterName,
        TRUSTED_ACCOUNTS_MAX_AGE: String((props.trustedAccountsMaxAge ?? Duration.minutes(5)).toSeconds()),
        ALERT_ON_FAILED_CALLS: String(props.alertOnFailedCalls ?? true),
        ALERT_ON_UNRESTRICTED_SERVICES: String(props.alertOnUnrestrictedServices ?? false),
        TRUST_ORGANIZATION: String(props.trustOrganization ?? false),
        POWERTOOLS_SERVICE_NAME: 'share-sentinel',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node24',
        mainFields: ['module', 'main'],
        // The SDK is bundled rather than taken from the runtime, so the tested versions are the ones
        // deployed. Only credential providers that Lambda never reaches are left out.
        externalModules: [...LAMBDA_EXTERNAL_MODULES],
        forceDockerBundling: false,
      },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
    this.grantFunctionAccess(parameterName, props.trustOrganization ?? false);

    if (props.organizationId !== undefined) {
      this.centralBus = new ShareSentinelCentralBus(this, 'CentralBus', { organizationId: props.organizationId });
    }
    // The rules are generated from the rule catalog: those that invoke the function, then the tamper
    // rules that alert without it.
    ({ rules: this.rules, tamperRules: this.tamperRules, detector: this.detector } = this.addRules(parameterName));

    this.addAlarms();
    this.addSlack(props);
    if (props.createTrail) {
      this.trail = this.createTrail();
    }

    // Outputs keep their plain names as keys, so that `describe-stacks --query` can name them.
    const output = (id: string, value: string, description: string): void => {
      new CfnOutput(this, id, { value, description }).overrideLogicalId(id);
    };
    output('AlertTopicArn', this.topic.topicArn, 'SNS topic that receives share-sentinel alerts');
    output('TamperAlertTopicArn', this.tamperTopic.topicArn, 'SNS topic that also receives the tamper alerts sent without the function');
    output('TrustedAccountsParameterName', parameterName, 'SSM parameter holding the trusted list');
    output('DeadLetterQueueUrl', this.deadLetterQueue.queueUrl, 'Events the detector could not handle');
    if (this.centralBus !== undefined) {
      output('CentralEventBusArn', this.centralBus.bus.eventBusArn, 'Event bus that member accounts forward to: the CentralEventBusArn parameter of the member template');
    }
    output('DetectorResources', Stack.of(this).toJsonString(this.detector), 'Names of the detector resources, for share-sentinel scan --detector');
  }

  /**
   * Creates the detector's rules. Each catalog route gets a rule whose target is the function.
   * Each route of a tamper rule (the trail, the trusted list and the detector's own resources) also
   * gets a rule whose target is the alert topic itself, with a message from an input transformer.
   * A tamper alert therefore goes out even when the function is deleted or broken.
   * Rule names are chosen here, so that the patterns about the detector's rules can name them
   * without a rule referring to itself.
   */
  private addRules(parameterName: string): { rules: events.Rule[]; tamperRules: events.Rule[]; detector: DetectorResources } {
    const stackName = Stack.of(this).stackName;
    const detectorWith = (ruleNames: string[]): DetectorResources => ({
      stackName,
      ruleNames,
      functionName: this.function.functionName,
      topicArn: this.topic.topicArn,
      tamperTopicArn: this.tamperTopic.topicArn,
      keyId: this.key.keyId,
      keyArn: this.key.keyArn,
      trustedListParameter: parameterName,
    });
    // The routes' names depend only on which rules have filters, not on the names they filter on.
    const named = buildEventRoutes(RULES, detectorWith(['placeholder']));
    // The direct alerts get every filter of the tamper rules, including those whose calls the sharing rules route to the function.
    const tamperRules = RULES.filter((rule) => rule.category === 'tamper');
    const tamperNamed = buildEventRoutes(tamperRules, detectorWith(['placeholder']));
    // The organization's forwarded events arrive on the central bus. Rules about the detector's own
    // resources stay on the default bus, because those resources live in this account and region.
    const organizationRoutes = this.centralBus === undefined ? [] : buildEventRoutes(RULES);
    const suffixes = [
      ...named.map((route) => route.name),
      ...tamperNamed.map((route) => `alert-${route.name}`),
      ...organizationRoutes.map((route) => `org-${route.name}`),
    ];
    const prefix = this.rulePrefix(suffixes);
    const ruleNames = suffixes.map((suffix) => `${prefix}${suffix}`);
    const detector = detectorWith(ruleNames);
    const routes = buildEventRoutes(RULES, detector);

    const functionRule = (id: string, name: string, route: EventRoute, eventBus?: events.IEventBus): events.Rule => {
      const rule = new events.Rule(this, id, {
        ruleName: `${prefix}${name}`,
        eventBus,
        description: `share-sentinel${eventBus ? ', organization' : ''}: ${route.rules.map((catalogRule) => catalogRule.title).join('; ')}`.slice(0, 512),
        eventPattern: route.pattern as unknown as events.EventPattern,
      });
      rule.addTarget(
        new targets.LambdaFunction(this.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      );
      return rule;
    };
    const rules = [
      ...routes.map((route) => functionRule(`Rule-${route.name}`, route.name, route)),
      ...organizationRoutes.map((route) => functionRule(`OrganizationRule-${route.name}`, `org-${route.name}`, route, this.centralBus?.bus)),
    ];

    // The direct alerts publish through a role of their own, which may publish to the topic and nothing else.
    const role = new iam.Role(this, 'TamperAlertRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'share-sentinel: publishes tamper alerts from EventBridge to the alert topic',
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn, this.tamperTopic.topicArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: [this.key.keyArn] }));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'kms:GenerateDataKey* names the GenerateDataKey family on the one alert key; no resource wildcard is granted.',
    });
    const tamperAlertRules = buildEventRoutes(tamperRules, detector).map((route) => {
      const rule = new events.Rule(this, `TamperAlert-${route.name}`, {
        ruleName: `${prefix}alert-${route.name}`,
        description: `share-sentinel: alerts without the function on ${route.rules.map((catalogRule) => catalogRule.title).join('; ')}`.slice(0, 512),
        // A change made by a CloudFormation deployment is judged by the function, which names the stack.
        eventPattern: tamperAlertPattern(route.pattern) as unknown as events.EventPattern,
      });
      for (const topic of [this.topic, this.tamperTopic]) {
        rule.addTarget(
          new targets.SnsTopic(topic, {
            message: tamperAlertMessage(route.rules),
            authorizeUsingRole: true,
            role,
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 8,
            maxEventAge: Duration.hours(24),
          }),
        );
      }
      return rule;
    });

    this.function.addEnvironment('DETECTOR_STACK_NAME', stackName);
    // Lambda allows 4 KB of environment variables in all, so the names go without their common prefix.
    this.function.addEnvironment('DETECTOR_RULE_PREFIX', prefix);
    this.function.addEnvironment('DETECTOR_RULE_NAMES', suffixes.join(','));
    this.function.addEnvironment('DETECTOR_KEY_ARN', this.key.keyArn);
    this.function.addEnvironment('DETECTOR_TAMPER_TOPIC_ARN', this.tamperTopic.topicArn);
    return { rules, tamperRules: tamperAlertRules, detector };
  }

  /**
   * Returns the prefix of every rule name of this detector: the stack name and a dash. When the
   * longest name would pass EventBridge's 64 characters, the stack name is cut short and followed
   * by a hash of the whole, so that names stay unique.
   */
  private rulePrefix(suffixes: string[]): string {
    const base = Stack.of(this).stackName;
    const longest = Math.max(...suffixes.map((suffix) => suffix.length));
    if (base.length + 1 + longest <= 64) {
      return `${base}-`;
    }
    const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
    return `${base.slice(0, Math.max(64 - longest - hash.length - 2, 1))}-${hash}-`;
  }

  /** Exactly what the function needs: read its one parameter, publish to its one topic, use the topic's key. */
  private grantFunctionAccess(parameterName: string, trustOrganization: boolean): void {
    const parameterArn = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter/${parameterName.replace(/^\//, '')}`;
    // The history gives the entries a change to the trusted list added and removed.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'ReadTrustedList', actions: ['ssm:GetParameter', 'ssm:GetParameterHistory'], resources: [parameterArn] }),
    );
    this.function.addToRolePolicy(new iam.PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'EncryptAlerts', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: [this.key.keyArn] }),
    );
    if (trustOrganization) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ sid: 'ReadOrganization', actions: ['organizations:ListAccounts', 'organizations:DescribeOrganization'], resources: ['*'] }),
      );
      Validations.of(this.function).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'Organizations ListAccounts and DescribeOrganization support no resource-level permissions, so their resource must be *.',
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'kms:GenerateDataKey* names the GenerateDataKey family on the one alert key; no resource wildcard is granted.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: 'Node.js 24 is an LTS runtime that Lambda supports beyond 2027; the newer 26.x is not yet an LTS release.',
    });
  }

  /**
   * Alarms on the detector itself, published to both topics so that a broken detector is never
   * silent, even when the alert key was disabled.
   */
  private addAlarms(): void {
    // Each alarm fires on the first occurrence in a five-minute period; no data means all is well.
    const alarmOnAny = (id: string, alarmDescription: string, metric: cloudwatch.IMetric): cloudwatch.Alarm =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const period = Duration.minutes(5);
    const alarms = [
      alarmOnAny(
        'FunctionErrorsAlarm',
        'share-sentinel: the detection function failed; events may be waiting in the dead-letter queue',
        this.function.metricErrors({ period, statistic: 'Sum' }),
      ),
      alarmOnAny('FunctionThrottlesAlarm', 'share-sentinel: the detection function was throttled', this.function.metricThrottles({ period, statistic: 'Sum' })),
      alarmOnAny(
        'DeadLetterQueueAlarm',
        'share-sentinel: events reached the dead-letter queue and were not evaluated',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      ),
    ];
    for (const topic of [this.topic, this.tamperTopic]) {
      const notify = new cloudwatchActions.SnsAction(topic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(notify);
      }
      // enforceSSL gives the topic a policy, which replaces the SNS default policy that let
      // same-account alarms publish. Without this statement every alarm notification is denied.
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToPublish',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
            ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
          },
        }),
      );
    }
  }

  private addSlack(props: ShareSentinelProps): void {
    if (props.slackWorkspaceId === undefined || props.slackChannelId === undefined) {
      return;
    }
    const channel = new chatbot.SlackChannelConfiguration(this, 'SlackChannel', {
      slackChannelConfigurationName: `share-sentinel-${props.slackChannelId}`,
      slackWorkspaceId: props.slackWorkspaceId,
      slackChannelId: props.slackChannelId,
      notificationTopics: [this.topic, this.tamperTopic],
      loggingLevel: chatbot.LoggingLevel.ERROR,
      // Chatbot only relays alerts: the channel gets no AWS permissions to run commands.
      guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
    });
    Validations.of(channel).acknowledge({
      id: 'AwsSolutions-IAM4',
      reason: 'AWSDenyAll is the guardrail that keeps the chat channel from running any AWS command.',
    });
  }

  private createTrail(): cloudtrail.Trail {
    const bucket = new s3.Bucket(this, 'TrailBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'The trail bucket only receives CloudTrail log files; server access logs of it would need yet another bucket.',
    });
    return new cloudtrail.Trail(this, 'Trail', {
      bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
      enableFileValidation: true,
    });
  }
}

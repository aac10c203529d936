/**
 * The Lambda handler: an EventBridge "AWS API Call via CloudTrail" event in, at most one SNS alert
 * out. It loads the trusted list, runs the detection core, and publishes the finding. Any failure
 * to publish fails the invocation, so that EventBridge retries and then dead-letters the event.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { publishFinding } from './alerts/publish';
import { readConfig, type HandlerConfig } from './config';
import { evaluateRecord } from './core/evaluate';
import { isObject, str } from './core/read';
import { bound } from './core/text';
import { logger } from './logger';
import { OrganizationSource, withOrganization } from './organization-source';
import { trustedListChange, versionWritten } from './rules/ssm/trusted-list-change';
import { applyTrustedListChange, readTrustedListChange } from './trusted-list-history';
import { TrustedListSource } from './trusted-source';

export class UnsupportedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedEventError';
  }
}

export interface HandlerResult {
  findingCount: number;
}

export interface HandlerDependencies {
  env?: NodeJS.ProcessEnv;
  sns?: SNSClient;
  /** Client for the trusted list's parameter history. */
  ssm?: SSMClient;
  trustedSource?: (config: HandlerConfig) => TrustedListSource;
  /** Source of the organization's accounts, used when the configuration trusts the organization. */
  organizationSource?: (config: HandlerConfig) => OrganizationSource;
}

type CloudTrailEvent = EventBridgeEvent<string, unknown>;

/** Builds a handler. Configuration is read on the first invocation, so a bad value fails that invocation with its name. */
export function createHandler(dependencies: HandlerDependencies = {}): (event: CloudTrailEvent, context?: Context) => Promise<HandlerResult> {
  let state: { config: HandlerConfig; sns: SNSClient; ssm: SSMClient; trustedSource: TrustedListSource; organizationSource?: OrganizationSource } | undefined;

  const initialise = (): NonNullable<typeof state> => {
    if (!state) {
      const config = readConfig(dependencies.env ?? process.env);
      state = {
        config,
        sns: dependencies.sns ?? new SNSClient({}),
        ssm: dependencies.ssm ?? new SSMClient({ maxAttempts: 2 }),
        trustedSource: dependencies.trustedSource?.(config) ?? new TrustedListSource(config.trustedAccountsParameter, config.trustedAccountsMaxAgeSeconds),
        organizationSource: config.trustOrganization
          ? (dependencies.organizationSource?.(config) ?? new OrganizationSource({ maxAgeSeconds: config.trustedAccountsMaxAgeSeconds }))
          : undefined,
      };
    }
    return state;
  };

  return async (event, context) => {
    const { config, sns, ssm, trustedSource, organizationSource } = initialise();
    if (context) {
      logger.addContext(context);
    }
    const record = isObject(event) ? event.detail : undefined;
    logger.appendKeys({
      eventId: bound(str(record, 'eventID') ?? str(event, 'id') ?? 'unknown', 128),
      eventName: bound(str(record, 'eventName') ?? 'unknown', 128),
    });
    try {
      if (!isObject(record)) {
        logger.error('event has no CloudTrail record in detail', { detailType: bound(str(event, 'detail-type') ?? 'missing', 128) });
        throw new UnsupportedEventError(`event ${bound(str(event, 'id') ?? 'without id', 128)} has no CloudTrail record in "detail"`);
      }

      const [trusted, organization] = await Promise.all([trustedSource.load(), organizationSource?.load()]);
      // An organization that cannot be read is handled like an unreadable trusted list: the last
      // good copy is used, and with none every grant to a member account alerts.
      const trustedList = organization === undefined ? trusted.list : withOrganization(trusted.list, organization);

      const evaluation = evaluateRecord(record, {
        trustedList,
        trustedListUnavailable: trusted.status === 'unavailable',
        organizationUnavailable: organization?.status === 'unavailable',
        alertOnFailedCalls: config.alertOnFailedCalls,
        alertOnUnrestrictedServices: config.alertOnUnrestrictedServices,
        envelopeAccount: str(event, 'account'),
        detector: config.detector,
      });
      if (evaluation.status !== 'finding') {
        if (evaluation.status === 'not-watched') {
          logger.warn('event matched no rule', { findingCount: 0, eventSource: bound(str(record, 'eventSource') ?? 'missing', 128) });
        } else if (evaluation.status === 'trusted' && evaluation.rule.category === 'tamper') {
          // A change to the detector made by its own CloudFormation deployment is logged with who made it.
          const madeBy = [...new Set(evaluation.grants.flatMap((grant) => (grant.label === undefined ? [] : [grant.label])))];
          logger.info('tamper call trusted', { findingCount: 0, ruleId: evaluation.rule.id, resourceId: evaluation.result.resource.id, madeBy });
        } else {
          logger.info('no finding', { findingCount: 0, ruleId: evaluation.rule.id, outcome: evaluation.status });
        }
        return { findingCount: 0 };
      }

      const { rule, error } = evaluation;
      let { finding } = evaluation;
      logger.appendKeys({ resourceId: finding.resource.id, ruleId: rule.id });
      const version = versionWritten(record);
      if (rule.id === trustedListChange.id && finding.eventName === 'PutParameter' && version !== undefined) {
        // CloudTrail hides the value written, so the entries added and removed come from the parameter history.
        const change = await readTrustedListChange(ssm, config.trustedAccountsParameter, version);
        if (change.unreadable !== undefined) {
          logger.warn('trusted list change could not be read', { version, reason: change.unreadable });
        }
        finding = applyTrustedListChange(finding, change);
      }
      if (error) {
        logger.error('rule failed on this record', { error });
      }
      if (finding.warnings) {
        logger.warn('record not fully read', { warnings: finding.warnings });
      }

      const messageId = await publishFinding(sns, config.alertTopicArn, finding);
      logger.info('finding published', { findingCount: 1, severity: finding.severity, messageId });
      return { findingCount: 1 };
    } catch (error) {
      logger.error('event not handled; the invocation fails so that it is retried', { error: error as Error });
      throw error;
    } finally {
      logger.resetKeys();
    }
  };
}

export const handler = createHandler();

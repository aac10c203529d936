/**
 * Loads the CloudTrail records under test/fixtures and runs them through the detection core.
 * Every load returns a structuredClone of the parsed file, so a test may change its record into a broken
 * variant without affecting other tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateRecord, type Evaluation, type EvaluationOptions } from '../../lambda/core/evaluate';
import { emptyTrustedList, parseTrustedList, type TrustedList } from '../../lambda/core/trusted-list';
import type { DetectorResources } from '../../lambda/core/rule';
import type { CloudTrailRecord, Finding, Grant } from '../../lambda/core/types';

export type FixtureService = 'ec2' | 'rds' | 's3' | 'lambda' | 'iam' | 'kms' | 'sns' | 'sqs' | 'secretsmanager' | 'ecr' | 'elasticfilesystem' | 'glacier' | 'backup' | 'events' | 'logs' | 'ram' | 'ssm' | 'dynamodb' | 'glue' | 'es' | 'apigateway' | 'redshift' | 'cloudtrail';

/** The account that owns every resource in the fixtures. */
export const OWNER = '111122223333';
/** Accounts outside the owner's: an unknown outsider and a partner that tests may put on the trusted list. */
export const OUTSIDER = '444455556666';
export const PARTNER = '777788889999';
export const ORGANIZATION = 'o-a1b2c3d4e5';

/**
 * The detector's own resources as the fixtures name them: a stack deployed as `ShareSentinel` in
 * the owner account, us-east-1, with CloudFormation's generated physical names.
 */
export const DETECTOR: Required<DetectorResources> = {
  stackName: 'ShareSentinel',
  ruleNames: ['ShareSentinel-ec2', 'ShareSentinel-s3', 'ShareSentinel-events', 'ShareSentinel-kms', 'ShareSentinel-tamper-events', 'ShareSentinel-tamper-kms'],
  functionName: 'ShareSentinel-ShareSentinelFunction0E2A7C5B-k3Xv9QmT2wRz',
  topicArn: `arn:aws:sns:us-east-1:${OWNER}:ShareSentinel-ShareSentinelAlertTopic6F4B1D2E-Jq8sLm3nPz0a`,
  tamperTopicArn: `arn:aws:sns:us-east-1:${OWNER}:ShareSentinel-ShareSentinelTamperAlertTopic3C9D8E7F-Rt5yUi8oPa2s`,
  keyId: '6f0c2d1e-8a4b-4c3d-9e2f-1a0b9c8d7e6f',
  keyArn: `arn:aws:kms:us-east-1:${OWNER}:key/6f0c2d1e-8a4b-4c3d-9e2f-1a0b9c8d7e6f`,
  trustedListParameter: '/share-sentinel/trusted-accounts',
};

const FIXTURE_ROOT = path.join(__dirname, '..', 'fixtures');

const parsedFixtures = new Map<string, CloudTrailRecord>();

export function loadFixture(service: FixtureService, scenario: string): CloudTrailRecord {
  const file = path.join(FIXTURE_ROOT, service, `${scenario}.json`);
  let record = parsedFixtures.get(file);
  if (record === undefined) {
    record = JSON.parse(readFileSync(file, 'utf8')) as CloudTrailRecord;
    parsedFixtures.set(file, record);
  }
  return structuredClone(record);
}

/** Lists every fixture as `[service, scenario]`. */
export function listFixtures(): [FixtureService, string][] {
  const services: FixtureService[] = ['ec2', 'rds', 's3', 'lambda', 'iam', 'kms', 'sns', 'sqs', 'secretsmanager', 'ecr', 'elasticfilesystem', 'glacier', 'backup', 'events', 'logs', 'ram', 'ssm', 'dynamodb', 'glue', 'es', 'apigateway', 'redshift', 'cloudtrail'];
  return services.flatMap((service) =>
    readdirSync(path.join(FIXTURE_ROOT, service))
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name): [FixtureService, string] => [service, name.slice(0, -'.json'.length)]),
  );
}

/** Builds a trusted list from ids in the comma-separated form that an SSM StringList parameter returns. */
export function trustedList(...ids: string[]): TrustedList {
  return ids.length === 0 ? emptyTrustedList() : parseTrustedList(ids.join(','));
}

/** Builds a trusted list in the JSON form, which maps each id to a label. */
export function labelledTrustedList(labels: Record<string, string>): TrustedList {
  return parseTrustedList(JSON.stringify(labels));
}

/** Evaluates a record with an empty trusted list unless the options name one. */
export function evaluate(record: CloudTrailRecord, options: Partial<EvaluationOptions> = {}): Evaluation {
  return evaluateRecord(record, { trustedList: emptyTrustedList(), ...options });
}

export function evaluateFixture(service: FixtureService, scenario: string, options: Partial<EvaluationOptions> = {}): Evaluation {
  return evaluate(loadFixture(service, scenario), options);
}

/** Returns the finding of an evaluation, and fails the test with the status when there is none. */
export function findingOf(evaluation: Evaluation): Finding {
  if (evaluation.status !== 'finding') {
    throw new Error(`expected a finding, got status ${evaluation.status}`);
  }
  return evaluation.finding;
}

/** Returns the grants of an evaluation that raised no finding because every grant is trusted or never alerts. */
export function quietGrantsOf(evaluation: Evaluation): Grant[] {
  if (evaluation.status !== 'trusted') {
    throw new Error(`expected status trusted, got status ${evaluation.status}`);
  }
  return evaluation.grants;
}

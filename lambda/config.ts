/** The handler's configuration, read from environment variables that the stack sets. */
import type { DetectorResources } from './core/rule';

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export interface HandlerConfig {
  alertTopicArn: string;
  trustedAccountsParameter: string;
  /** How long a trusted list read from SSM is reused, in seconds. */
  trustedAccountsMaxAgeSeconds: number;
  alertOnFailedCalls: boolean;
  alertOnUnrestrictedServices: boolean;
  /** Trust every active account of the caller's organization, read through Organizations. */
  trustOrganization: boolean;
  /** The detector's own resources, so that the rules about them know what to watch. */
  detector: DetectorResources;
}

export const DEFAULT_TRUSTED_ACCOUNTS_MAX_AGE_SECONDS = 300;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** SSM parameter names: letters, digits and `_.-/`, up to 2048 characters; a parameter ARN is accepted too. */
const PARAMETER_NAME = /^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/)?[A-Za-z0-9_./-]{1,2048}$/;

function required(env: NodeJS.ProcessEnv, name: string, pattern: RegExp, expected: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`environment variable ${name} is missing; set it to ${expected}`);
  }
  if (!pattern.test(value.trim())) {
    throw new ConfigurationError(`environment variable ${name} is invalid: ${JSON.stringify(value.slice(0, 200))}; expected ${expected}`);
  }
  return value.trim();
}

function booleanVariable(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    return fallback;
  }
  const normalised = value.trim().toLowerCase();
  if (normalised !== 'true' && normalised !== 'false') {
    throw new ConfigurationError(`environment variable ${name} is invalid: ${JSON.stringify(value.slice(0, 200))}; expected true or false`);
  }
  return normalised === 'true';
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/([A-Za-z0-9-]{1,128})$/;

/** Returns the key id of a KMS key ARN, or undefined when the value is no key ARN. */
export function keyIdFromArn(arn: string): string | undefined {
  return KEY_ARN.exec(arn)?.[1];
}

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** Reads the names of the detector's resources. Each is optional: a detector without them watches only the trail and the trusted list. */
function readDetector(env: NodeJS.ProcessEnv, alertTopicArn: string, trustedListParameter: string): DetectorResources {
  const detector: DetectorResources = { topicArn: alertTopicArn, trustedListParameter };
  const stackName = env.DETECTOR_STACK_NAME?.trim();
  if (stackName) {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
      throw new ConfigurationError(`environment variable DETECTOR_STACK_NAME is invalid: ${JSON.stringify(stackName.slice(0, 200))}; expected a CloudFormation stack name`);
    }
    detector.stackName = stackName;
  }

  // The stack passes the names without their common prefix, to stay within Lambda's 4 KB of variables.
  const prefix = env.DETECTOR_RULE_PREFIX?.trim() ?? '';
  const ruleNames = env.DETECTOR_RULE_NAMES?.split(',').map((name) => name.trim()).filter((name) => name !== '').map((name) => `${prefix}${name}`) ?? [];
  const badRule = ruleNames.find((name) => !RULE_NAME.test(name));
  if (badRule !== undefined) {
    throw new ConfigurationError(`environment variable DETECTOR_RULE_NAMES is invalid: ${JSON.stringify(badRule.slice(0, 200))} is not an EventBridge rule name; expected comma-separated rule names that, after DETECTOR_RULE_PREFIX, have at most 64 letters, digits, dots, dashes or underscores`);
  }
  if (ruleNames.length > 0) {
    detector.ruleNames = ruleNames;
  }

  const tamperTopicArn = env.DETECTOR_TAMPER_TOPIC_ARN?.trim();
  if (tamperTopicArn) {
    if (!TOPIC_ARN.test(tamperTopicArn)) {
      throw new ConfigurationError(`environment variable DETECTOR_TAMPER_TOPIC_ARN is invalid: ${JSON.stringify(tamperTopicArn.slice(0, 200))}; expected an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)`);
    }
    detector.tamperTopicArn = tamperTopicArn;
  }

  const keyArn = env.DETECTOR_KEY_ARN?.trim();
  if (keyArn) {
    const keyId = keyIdFromArn(keyArn);
    if (keyId === undefined) {
      throw new ConfigurationError(`environment variable DETECTOR_KEY_ARN is invalid: ${JSON.stringify(keyArn.slice(0, 200))}; expected a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)`);
    }
    detector.keyArn = keyArn;
    detector.keyId = keyId;
  }

  // Lambda sets the function's own name.
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME?.trim();
  if (functionName) {
    detector.functionName = functionName;
  }
  return detector;
}

/** Reads and validates the configuration; the error names the variable and the value expected. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): HandlerConfig {
  const maxAge = env.TRUSTED_ACCOUNTS_MAX_AGE;
  let maxAgeSeconds = DEFAULT_TRUSTED_ACCOUNTS_MAX_AGE_SECONDS;
  if (maxAge !== undefined && maxAge.trim() !== '') {
    if (!/^\d{1,6}$/.test(maxAge.trim())) {
      throw new ConfigurationError(`environment variable TRUSTED_ACCOUNTS_MAX_AGE is invalid: ${JSON.stringify(maxAge.slice(0, 200))}; expected a whole number of seconds from 0 to 999999`);
    }
    maxAgeSeconds = Number(maxAge.trim());
  }
  const alertTopicArn = required(env, 'ALERT_TOPIC_ARN', TOPIC_ARN, 'the ARN of the SNS alert topic (arn:aws:sns:REGION:ACCOUNT:NAME)');
  if (alertTopicArn.endsWith('.fifo')) {
    // A FIFO topic rejects a publish without a message group id, and delivers to SQS queues only, not to e-mail or Chatbot.
    throw new ConfigurationError(`environment variable ALERT_TOPIC_ARN is invalid: ${JSON.stringify(alertTopicArn.slice(0, 200))} is a FIFO topic; use a standard topic`);
  }
  const trustedAccountsParameter = required(env, 'TRUSTED_ACCOUNTS_PARAMETER', PARAMETER_NAME, 'the name of the SSM parameter holding the trusted list, such as /share-sentinel/trusted-accounts');
  return {
    alertTopicArn,
    trustedAccountsParameter,
    trustedAccountsMaxAgeSeconds: maxAgeSeconds,
    alertOnFailedCalls: booleanVariable(env, 'ALERT_ON_FAILED_CALLS', true),
    alertOnUnrestrictedServices: booleanVariable(env, 'ALERT_ON_UNRESTRICTED_SERVICES', false),
    trustOrganization: booleanVariable(env, 'TRUST_ORGANIZATION', false),
    detector: readDetector(env, alertTopicArn, trustedAccountsParameter),
  };
}

/**
 * Lambda calls that replace, reconfigure, delete or stop the detection function: UpdateFunctionCode,
 * UpdateFunctionConfiguration and DeleteFunction. A PutFunctionConcurrency that reserves 0 concurrent
 * executions stops the function, and a RemovePermission takes away a rule's permission to invoke it. CloudTrail logs
 * these calls with a version suffix (`UpdateFunctionCode20150331v2`). `requestParameters.functionName`
 * is a name, a full ARN or a partial ARN (`ACCOUNT:function:NAME`), any of them with a `:qualifier`.
 */
import { eventName, ownerAccountId, region, requestParameters } from '../../core/record';
import { isObject, str } from '../../core/read';
import type { DetectorResources, ExtractContext, PatternFilter, PatternValue, RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { CloudTrailRecord, RuleResult } from '../../core/types';
import { detectorSetting, driftRemediation, MAX_SETTING_VALUE, stackDetails, tamperGrant } from './deployment';

const EVENT_SOURCE = 'lambda.amazonaws.com';
const RESOURCE_TYPE = 'AWS::Lambda::Function';

/**
 * The calls, by the name without its version suffix. Each prefix ends in the first digit of the
 * version, so that DeleteFunctionConcurrency or DeleteFunctionUrlConfig never match DeleteFunction.
 */
const CALLS = [
  { name: 'UpdateFunctionCode', versioned: 'UpdateFunctionCode20150331v2', prefix: 'UpdateFunctionCode2' },
  { name: 'UpdateFunctionConfiguration', versioned: 'UpdateFunctionConfiguration20150331v2', prefix: 'UpdateFunctionConfiguration2' },
  { name: 'DeleteFunction', versioned: 'DeleteFunction20150331', prefix: 'DeleteFunction2' },
  { name: 'PutFunctionConcurrency', versioned: 'PutFunctionConcurrency20171031', prefix: 'PutFunctionConcurrency2' },
  // Removing a statement of the function's policy takes away a rule's permission to invoke it.
  { name: 'RemovePermission', versioned: 'RemovePermission20150331v2', prefix: 'RemovePermission2' },
] as const;

type CallName = (typeof CALLS)[number]['name'];

/**
 * A function name, full ARN or partial ARN, with an optional qualifier. Lambda accepts the forms
 * `NAME`, `ACCOUNT:function:NAME`, `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`, and each with
 * `:QUALIFIER` (Lambda API reference, FunctionName).
 */
const FUNCTION_REFERENCE = /^(?:(?:arn:[^:]+:lambda:)?(?:[a-z0-9-]+:)?\d{12}:)?(?:function:)?([^:]+)(?::([^:]+))?$/;
const FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+/;

/** Returns the call without its version suffix, or undefined for any other event name. */
function callName(record: CloudTrailRecord): CallName | undefined {
  const name = eventName(record);
  return CALLS.find((call) => name === call.name || name.startsWith(call.prefix))?.name;
}

/** Reads the function reference of the call as a name and a qualifier. */
function functionReference(record: CloudTrailRecord): { value: string; name: string; qualifier?: string } | undefined {
  const value = str(requestParameters(record), 'functionName');
  if (value === undefined) {
    return undefined;
  }
  const match = FUNCTION_REFERENCE.exec(value);
  if (match === null) {
    return undefined;
  }
  return match[2] === undefined ? { value, name: match[1] } : { value, name: match[1], qualifier: match[2] };
}

function namesDetectorFunction(record: CloudTrailRecord, context: ExtractContext): boolean {
  const functionName = detectorSetting(context.detector?.functionName);
  return functionName !== undefined && functionReference(record)?.name === functionName;
}

/** Reads `reservedConcurrentExecutions` as a whole number, or undefined when it is absent or not a number. */
function reservedConcurrency(record: CloudTrailRecord): number | undefined {
  const value = str(requestParameters(record), 'reservedConcurrentExecutions');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Lists the configuration settings an UpdateFunctionConfiguration call sends, by their request parameter names. */
function configurationKeys(record: CloudTrailRecord): string {
  const parameters = requestParameters(record);
  const keys = isObject(parameters) ? Object.keys(parameters).filter((key) => !['functionName', 'revisionId'].includes(key)) : [];
  return keys
    .sort()
    .slice(0, 20)
    .map((key) => bound(key, 64))
    .join(', ');
}

function functionResource(record: CloudTrailRecord, reference: string, name: string, owner: string | undefined): RuleResult['resource'] {
  const id = bound(name, MAX_SETTING_VALUE);
  if (FUNCTION_ARN.test(reference)) {
    return { type: RESOURCE_TYPE, id, arn: bound(reference, 512) };
  }
  const functionRegion = region(record);
  if (functionRegion !== '' && owner !== undefined && owner !== '') {
    return { type: RESOURCE_TYPE, id, arn: bound(`arn:aws:lambda:${functionRegion}:${owner}:function:${name}`, 512) };
  }
  return { type: RESOURCE_TYPE, id };
}

/** Escapes the characters that EventBridge's wildcard operator treats specially. */
function escapeWildcard(value: string): string {
  return value.replace(/[\\*]/g, (char) => `\\${char}`);
}

export const detectorFunctionChanged: RuleDefinition = {
  id: 'detector-function-changed',
  eventSource: EVENT_SOURCE,
  eventNames: CALLS.flatMap((call) => [call.name, call.versioned]),
  eventNamePrefixes: CALLS.map((call) => call.prefix),
  title: 'Detection function code, configuration, concurrency or permissions changed, or function deleted',
  resourceLabel: 'Lambda function',
  category: 'tamper',

  appliesTo(record, context) {
    return callName(record) !== undefined && namesDetectorFunction(record, context);
  },

  patternFilters(detector: DetectorResources | undefined): PatternFilter[] {
    const name = detectorSetting(detector?.functionName);
    if (name === undefined) {
      return [];
    }
    // The name alone, the name with a qualifier, a full or partial ARN, and either ARN with a qualifier.
    const references: PatternValue[] = [name, { prefix: `${name}:` }, { suffix: `:function:${name}` }, { wildcard: `*:function:${escapeWildcard(name)}:*` }];
    const changes = CALLS.filter((call) => call.name !== 'PutFunctionConcurrency');
    return [
      { eventNames: changes.map((call) => call.name), eventNamePrefixes: changes.map((call) => call.prefix), requestParameters: { functionName: references } },
      // Only a reservation of 0 stops the function. Any other value raises no finding and is not routed.
      {
        eventNames: ['PutFunctionConcurrency'],
        eventNamePrefixes: ['PutFunctionConcurrency2'],
        requestParameters: { functionName: references, reservedConcurrentExecutions: [0] },
      },
    ];
  },

  extract(record, context = {}) {
    const warnings: string[] = [];
    const reference = functionReference(record);
    if (reference === undefined) {
      warnings.push('requestParameters.functionName is missing or not a function name or ARN');
    }
    const call = callName(record);
    const qualifier = reference?.qualifier ?? str(requestParameters(record), 'qualifier');
    let setting: string;
    let stopped = false;
    switch (call) {
      case 'UpdateFunctionCode':
        setting = 'detection function code replaced';
        break;
      case 'UpdateFunctionConfiguration': {
        const keys = configurationKeys(record);
        setting = keys === '' ? 'detection function configuration changed' : `detection function configuration changed: ${keys}`;
        break;
      }
      case 'DeleteFunction':
        setting = qualifier === undefined ? 'detection function deleted' : `detection function version ${bound(qualifier, 128)} deleted`;
        break;
      case 'RemovePermission': {
        const statementId = str(requestParameters(record), 'statementId');
        setting = statementId === undefined ? 'detection function permission removed' : `detection function permission ${bound(statementId, 128)} removed`;
        break;
      }
      default: {
        const reserved = reservedConcurrency(record);
        if (reserved !== undefined && reserved > 0) {
          // The function keeps running: a reservation above 0 only caps it.
          return undefined;
        }
        if (reserved === undefined) {
          warnings.push('requestParameters.reservedConcurrentExecutions is missing or not a whole number');
          setting = 'detection function reserved concurrency changed';
        } else {
          setting = 'detection function reserved concurrency set to 0';
          stopped = true;
        }
      }
    }
    const name = reference?.name ?? '';
    return {
      resource: functionResource(record, reference?.value ?? '', name, context.ownerAccountId ?? ownerAccountId(record)),
      grants: [tamperGrant(record, context.detector, setting, eventName(record))],
      warnings,
      details: { ...stackDetails(context.detector), stopped: stopped ? 1 : 0 },
    };
  },

  remediation({ result, region: eventRegion }) {
    if (result.details?.stopped === 1 && result.resource.id !== '') {
      return `aws lambda delete-function-concurrency --region ${shellQuote(eventRegion)} --function-name ${shellQuote(result.resource.id)}`;
    }
    return driftRemediation(result, eventRegion);
  },
};


/**
 * API Gateway REST API resource policies. CreateRestApi takes the policy as a JSON string in
 * `policy`; UpdateRestApi changes it with a patch operation on path `/policy` whose `value` is the
 * complete new policy. CloudTrail wraps API Gateway request bodies in a key named after the input
 * (`createRestApiInput`, `patch`), so both are looked for one level down too. The response repeats
 * the API, with its policy escaped (`{\"Version\":…`), and is read when the request lacks it.
 *
 * NOTE: a policy change takes effect when the API is next deployed, so the finding may come before
 * the exposure. A private API is reachable only through VPC endpoints, whatever its policy allows.
 * The rule still reads the policy as written, and an Allow narrowed only by a separate Deny is read as public.
 */
import { eventName, region as recordRegion, requestParameters, responseElements } from '../../core/record';
import { field, isObject, jsonValue, str, toArray } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { CloudTrailRecord, GrantSpec } from '../../core/types';
import { readWrittenPolicy, statementList } from '../policy-document';

const MAX_OPERATIONS = 1000;

/** Returns `key` of the parameters, or of the first object directly inside them that has it. Tags are user data and are skipped. */
function findField(params: Record<string, unknown> | undefined, key: string): unknown {
  const direct = field(params, key);
  if (direct !== undefined || params === undefined) {
    return direct;
  }
  for (const [name, value] of Object.entries(params)) {
    const nested = isObject(value) && name.toLowerCase() !== 'tags' ? field(value, key) : undefined;
    if (nested !== undefined) {
      return nested;
    }
  }
  return undefined;
}

/** Undoes the escaping API Gateway applies to the policy it returns, when the text is not valid JSON as it is. */
function unescapedPolicy(value: unknown): unknown {
  if (typeof value !== 'string' || jsonValue(value) !== undefined || !value.includes('\\"')) {
    return value;
  }
  return value.replace(/\\(["\\/])/g, '$1');
}

/** Reads the policy UpdateRestApi writes, or undefined when no patch operation sets `/policy`. */
function patchedPolicy(record: CloudTrailRecord, params: Record<string, unknown>, warnings: string[]): GrantSpec[] | undefined {
  const operations = toArray(findField(params, 'patchOperations'));
  if (operations.length > MAX_OPERATIONS) {
    warnings.push(`only the first ${MAX_OPERATIONS} of ${operations.length} patch operations were read`);
  }
  const policyOperations = operations
    .slice(0, MAX_OPERATIONS)
    .filter((operation) => str(operation, 'path')?.trim().toLowerCase() === '/policy' && ['add', 'replace'].includes(str(operation, 'op')?.toLowerCase() ?? ''));
  if (policyOperations.length === 0) {
    return undefined;
  }
  // The last operation on a path wins, as API Gateway applies them in order.
  const value = field(policyOperations[policyOperations.length - 1], 'value') ?? unescapedPolicy(field(responseElements(record), 'policy'));
  return readWrittenPolicy(value, 'the value of the /policy patch operation', warnings);
}

export const restApiPolicy: RuleDefinition = {
  id: 'apigateway-rest-api-policy',
  eventSource: 'apigateway.amazonaws.com',
  eventNames: ['UpdateRestApi', 'CreateRestApi'],
  title: 'API Gateway REST API resource policy',
  resourceLabel: 'API Gateway REST API',

  extract(record) {
    const params = requestParameters(record);
    const response = responseElements(record);
    const warnings: string[] = [];

    let grants: GrantSpec[] | undefined;
    if (params === undefined) {
      warnings.push('requestParameters is missing, so the resource policy of the API is unknown');
      grants = [];
    } else if (eventName(record) === 'UpdateRestApi') {
      grants = patchedPolicy(record, params, warnings);
    } else {
      const policy = findField(params, 'policy') ?? unescapedPolicy(field(response, 'policy'));
      grants = policy === undefined || policy === null || policy === '' ? undefined : readWrittenPolicy(policy, 'requestParameters.policy', warnings);
    }
    if (grants === undefined) {
      return undefined;
    }

    const apiId = bound(str(params, 'restApiId') ?? str(response, 'id') ?? '', 128);
    if (apiId === '') {
      warnings.push('the REST API id is neither in the request nor in the response');
    }
    return {
      resource: { type: 'AWS::ApiGateway::RestApi', id: apiId, arn: `arn:aws:apigateway:${recordRegion(record)}::/restapis/${apiId}` },
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    // A resource policy is replaced whole, so the fix is to write it back without the offending statements, then deploy.
    const target = `--region ${shellQuote(region)} --rest-api-id ${shellQuote(result.resource.id)}`;
    return [
      `aws apigateway get-rest-api ${target} --query policy --output text > policy.json  # unescape the \\" quotes, then delete statements: ${statementList(untrusted)}`,
      `aws apigateway update-rest-api ${target} --patch-operations file://patch.json  # patch.json: [{"op": "replace", "path": "/policy", "value": "<policy.json as a JSON string>"}]`,
      `aws apigateway create-deployment ${target} --stage-name STAGE  # the policy takes effect on the next deployment of each stage`,
    ].join('\n');
  },
};

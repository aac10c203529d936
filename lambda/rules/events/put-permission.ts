/**
 * EventBridge PutPermission: lets other accounts put events on an event bus. A call takes one of two
 * forms. The statement form names `principal` (an account id or `*`), `action`, `statementId` and an
 * optional structured `condition {type, key, value}`, which is not IAM condition JSON. The rule turns
 * it into one policy statement, so that the shared reader narrows `*` by `aws:PrincipalOrgID`. The
 * policy form carries a whole bus policy as a JSON string in `policy`.
 */
import { readPolicy } from '../../core/policy';
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, isObject, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';
import { readWrittenPolicy, statementList } from '../policy-document';

const DEFAULT_BUS = 'default';

/** Reads the statement form as the one-statement policy that EventBridge adds to the bus. */
function grantsFromStatement(params: Record<string, unknown>, warnings: string[]): GrantSpec[] {
  const principal = str(params, 'principal');
  if (principal === undefined || principal.trim() === '') {
    warnings.push('requestParameters.principal is missing, so the grants of this call are unknown');
    return [];
  }
  const statement: Record<string, unknown> = { Effect: 'Allow', Principal: { AWS: principal } };
  const statementId = str(params, 'statementId');
  if (statementId !== undefined) {
    statement.Sid = statementId;
  }
  const action = str(params, 'action');
  if (action !== undefined) {
    statement.Action = action;
  }
  const condition = field(params, 'condition');
  if (condition !== undefined && condition !== null) {
    const type = str(condition, 'type');
    const key = str(condition, 'key');
    const value = str(condition, 'value');
    if (isObject(condition) && type !== undefined && key !== undefined && value !== undefined) {
      statement.Condition = { [type]: { [key]: value } };
    } else {
      warnings.push('requestParameters.condition has no string type, key and value, so the grant was read without it');
    }
  }
  return readPolicy({ Statement: [statement] }, warnings);
}

export const putEventBusPermission: RuleDefinition = {
  id: 'events-bus-policy',
  eventSource: 'events.amazonaws.com',
  eventNames: ['PutPermission'],
  title: 'EventBridge event bus policy',
  resourceLabel: 'EventBridge event bus',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const bus = bound(str(params, 'eventBusName') ?? DEFAULT_BUS, 512);
    const policy = field(params, 'policy');
    let grants: GrantSpec[];
    let details: Record<string, string> = {};
    if (policy !== undefined && policy !== null) {
      grants = readWrittenPolicy(policy, 'requestParameters.policy', warnings);
    } else if (params === undefined) {
      warnings.push('requestParameters is missing, so the grants of this call are unknown');
      grants = [];
    } else {
      grants = grantsFromStatement(params, warnings);
      const statementId = str(params, 'statementId');
      details = statementId !== undefined ? { statementId: bound(statementId, 128) } : {};
    }
    const owner = context.ownerAccountId ?? ownerAccountId(record) ?? '';
    const arn = bus.startsWith('arn:') ? bus : `arn:aws:events:${recordRegion(record)}:${owner}:event-bus/${bus}`;
    return {
      resource: { type: 'AWS::Events::EventBus', id: bus, arn },
      grants,
      warnings,
      details,
    };
  },

  remediation({ result, untrusted, region }) {
    const bus = shellQuote(result.resource.id);
    const statementId = result.details?.statementId;
    if (statementId !== undefined) {
      return `aws events remove-permission --region ${shellQuote(region)} --event-bus-name ${bus} --statement-id ${shellQuote(String(statementId))}`;
    }
    // The policy form replaces the whole bus policy, so the fix is to write it back without the offending statements.
    return [
      `aws events describe-event-bus --region ${shellQuote(region)} --name ${bus} --query Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws events put-permission --region ${shellQuote(region)} --event-bus-name ${bus} --policy file://policy.json`,
    ].join('\n');
  },
};

/**
 * Lambda AddPermission (the event name carries the API version: `AddPermission20150331v2`). Every
 * `lambda:` action counts, not only InvokeFunction. A function URL with `functionUrlAuthType: NONE`
 * and principal `*` is public.
 */
import { readPolicy } from '../../core/policy';
import { arnAccount, isAccountId, isOrganizationId, isServicePrincipal, parseAwsPrincipal } from '../../core/principals';
import { ownerAccountId, region as recordRegion, requestParameters, responseElements } from '../../core/record';
import { field, jsonValue, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';

/** Reads the grant from the request's flat fields. */
function grantsFromRequest(params: Record<string, unknown>, warnings: string[]): GrantSpec[] {
  const principal = (str(params, 'principal') ?? '').trim();
  const action = str(params, 'action');
  const via = bound(str(params, 'statementId') ?? 'statement', 128);
  const base = action ? { via, actions: [bound(action, 128)] } : { via };
  const sourceAccount = str(params, 'sourceAccount')?.trim();
  const sourceArn = str(params, 'sourceArn')?.trim();
  const organizationId = str(params, 'principalOrgID')?.trim();
  const restrictingAccount = sourceAccount && isAccountId(sourceAccount) ? sourceAccount : sourceArn ? arnAccount(sourceArn) : undefined;

  if (principal === '') {
    warnings.push('requestParameters.principal is missing');
    return [];
  }
  if (isServicePrincipal(principal)) {
    const service: GrantSpec = { ...base, kind: 'service', service: principal };
    if (sourceAccount) {
      service.sourceAccount = bound(sourceAccount, 64);
    }
    if (sourceArn) {
      service.sourceArn = bound(sourceArn);
    }
    const grants: GrantSpec[] = [service];
    if (restrictingAccount) {
      grants.push({ ...base, ...parseAwsPrincipal(restrictingAccount), label: `source account of ${principal}` } as GrantSpec);
    }
    return grants;
  }
  if (principal === '*') {
    if (str(params, 'functionUrlAuthType')?.toUpperCase() === 'NONE') {
      return [{ ...base, kind: 'public', principal: '* (function URL without authentication)' }];
    }
    if (organizationId && isOrganizationId(organizationId)) {
      return [{ ...base, kind: 'organization', organizationId }];
    }
    if (restrictingAccount) {
      return [{ ...base, ...parseAwsPrincipal(restrictingAccount) } as GrantSpec];
    }
    return [{ ...base, kind: 'public', principal: '*' }];
  }
  return [{ ...base, ...parseAwsPrincipal(principal) } as GrantSpec];
}

export const addPermission: RuleDefinition = {
  id: 'lambda-function-permission',
  eventSource: 'lambda.amazonaws.com',
  eventNames: [],
  eventNamePrefixes: ['AddPermission'],
  title: 'Lambda function resource policy',
  resourceLabel: 'Lambda function',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const functionName = bound(str(params, 'functionName') ?? '', 256);
    let grants: GrantSpec[] = [];
    if (params && str(params, 'principal') !== undefined) {
      grants = grantsFromRequest(params, warnings);
    } else {
      // Without the request, the resulting statement in the response (a JSON string) still names the grantee.
      const statement = field(responseElements(record), 'statement');
      if (statement === undefined) {
        warnings.push('requestParameters.principal is missing');
      } else {
        grants = readPolicy({ Statement: [jsonValue(statement)] }, warnings);
      }
    }
    if (functionName === '') {
      warnings.push('requestParameters.functionName is missing');
    }
    const qualifier = str(params, 'qualifier');
    const statementId = str(params, 'statementId');
    const arn = functionName.startsWith('arn:')
      ? functionName
      : `arn:aws:lambda:${recordRegion(record)}:${context.ownerAccountId ?? ownerAccountId(record) ?? ''}:function:${functionName.split(':function:').pop() ?? functionName}`;
    return {
      resource: { type: 'AWS::Lambda::Function', id: functionName, arn },
      grants,
      warnings,
      details: {
        ...(statementId !== undefined ? { statementId: bound(statementId, 128) } : {}),
        ...(qualifier !== undefined ? { qualifier: bound(qualifier, 128) } : {}),
      },
    };
  },

  remediation({ result, region }) {
    const statementId = result.details?.statementId;
    const qualifier = result.details?.qualifier;
    const target = `--region ${shellQuote(region)} --function-name ${shellQuote(result.resource.id)}${qualifier !== undefined ? ` --qualifier ${shellQuote(String(qualifier))}` : ''}`;
    if (statementId === undefined) {
      return `aws lambda get-policy ${target}`;
    }
    return `aws lambda remove-permission ${target} --statement-id ${shellQuote(String(statementId))}`;
  },
};

/**
 * SSM ModifyDocumentPermission with `permissionType: Share`: `accountIdsToAdd` lists account ids, and
 * `All` shares the document publicly. SSM applies `accountIdsToRemove` over `accountIdsToAdd`, so an
 * id in both lists is not shared (SSM API reference, ModifyDocumentPermission).
 */
import { isAccountId, parseAwsPrincipal } from '../../core/principals';
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, str, toArray } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';

const MAX_ACCOUNTS = 1000;
const VIA = 'accountIdsToAdd';

function describeValue(value: unknown): string {
  try {
    return bound(String(JSON.stringify(value)), 256);
  } catch {
    return 'a value that cannot be shown';
  }
}

function readAccount(value: unknown): GrantSpec {
  if (typeof value !== 'string') {
    return { kind: 'unknown', principal: describeValue(value), label: 'account id that is not a string', via: VIA };
  }
  if (value.trim().toLowerCase() === 'all') {
    return { kind: 'public', principal: 'All', via: VIA };
  }
  return isAccountId(value.trim())
    ? ({ ...parseAwsPrincipal(value), via: VIA } as GrantSpec)
    : { kind: 'unknown', principal: bound(value), label: 'value that is not an account id', via: VIA };
}

export const modifyDocumentPermission: RuleDefinition = {
  id: 'ssm-document-permission',
  eventSource: 'ssm.amazonaws.com',
  eventNames: ['ModifyDocumentPermission'],
  title: 'SSM document share permission',
  resourceLabel: 'SSM document',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const permissionType = str(params, 'permissionType');
    if (permissionType !== undefined && permissionType.toLowerCase() !== 'share') {
      return undefined;
    }
    const added = toArray(field(params, 'accountIdsToAdd'));
    const removed = new Set(toArray(field(params, 'accountIdsToRemove')).filter((value): value is string => typeof value === 'string').map((value) => value.trim().toLowerCase()));
    const values = added.filter((value) => typeof value !== 'string' || !removed.has(value.trim().toLowerCase()));
    const warnings: string[] = [];
    if (params === undefined) {
      warnings.push('requestParameters is missing, so the accounts the document is shared with are unknown');
    } else if (values.length === 0) {
      return undefined;
    }
    if (values.length > MAX_ACCOUNTS) {
      warnings.push(`only the first ${MAX_ACCOUNTS} of ${values.length} accountIdsToAdd were read`);
    }
    const name = bound(str(params, 'name') ?? '', 512);
    if (params !== undefined && name === '') {
      warnings.push('requestParameters.name is missing');
    }
    // A document shared from another account is named by its ARN, and a local one by its name.
    const arn = name.startsWith('arn:') ? name : `arn:aws:ssm:${recordRegion(record)}:${context.ownerAccountId ?? ownerAccountId(record) ?? ''}:document/${name}`;
    return {
      resource: { type: 'AWS::SSM::Document', id: name, arn },
      grants: values.slice(0, MAX_ACCOUNTS).map(readAccount),
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    const values: string[] = [];
    for (const grant of untrusted) {
      if (grant.kind === 'account') {
        values.push(grant.accountId);
      } else if (grant.kind === 'public') {
        values.push('All');
      }
    }
    const target = `--region ${shellQuote(region)} --name ${shellQuote(result.resource.id)}`;
    if (values.length === 0) {
      return `aws ssm describe-document-permission ${target} --permission-type Share`;
    }
    return `aws ssm modify-document-permission ${target} --permission-type Share --account-ids-to-remove ${values.join(' ')}`;
  },
};

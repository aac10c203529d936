/**
 * EC2 ModifyVpcEndpointServicePermissions: `AddAllowedPrincipals` lists the principals allowed to
 * connect an endpoint to a PrivateLink endpoint service: account root, role and user ARNs, OU
 * ARNs, service principals, or `*`, which makes the service public (EC2 API reference).
 *
 * NOTE: no recorded event of this call was found. Newer EC2 calls are expected to log their request
 * under a `<Action>Request` key with the API's own parameter names, and list items as `{tag, content}`.
 * The rule reads that form, the flat lower-camel form of older EC2 calls, and plain string lists.
 */
import { parseListedPrincipal, writtenPrincipal } from '../../core/principals';
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, isObject, str, toArray } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';

const MAX_PRINCIPALS = 1000;
const VIA = 'AddAllowedPrincipals';

function describeValue(value: unknown): string {
  try {
    return bound(String(JSON.stringify(value)), 256);
  } catch {
    return 'a value that cannot be shown';
  }
}

/**
 * Flattens an EC2 list: a string, an array, `{items: [...]}`, or items wrapped as `{tag, content}`.
 * Returns the first `max` values and the length of the whole list.
 */
export function ec2ListValues(value: unknown, max: number): { values: unknown[]; total: number } {
  const items = toArray(isObject(value) && field(value, 'items') !== undefined ? field(value, 'items') : value);
  const values = items.slice(0, max).map((item) => (isObject(item) ? (field(item, 'content') ?? field(item, 'value') ?? item) : item));
  return { values, total: items.length };
}

function readPrincipal(value: unknown): GrantSpec {
  if (typeof value !== 'string') {
    return { kind: 'unknown', principal: describeValue(value), label: 'principal that is not a string', via: VIA };
  }
  return { ...parseListedPrincipal(value), via: VIA } as GrantSpec;
}


export const modifyVpcEndpointServicePermissions: RuleDefinition = {
  id: 'ec2-vpc-endpoint-service-permission',
  eventSource: 'ec2.amazonaws.com',
  eventNames: ['ModifyVpcEndpointServicePermissions'],
  title: 'VPC endpoint service allowed principals',
  resourceLabel: 'VPC endpoint service',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const wrapped = field(params, 'ModifyVpcEndpointServicePermissionsRequest');
    const request = isObject(wrapped) ? wrapped : params;
    const { values, total } = ec2ListValues(field(request, 'AddAllowedPrincipals'), MAX_PRINCIPALS);
    const warnings: string[] = [];
    if (request === undefined) {
      warnings.push('requestParameters is missing, so the allowed principals are unknown');
    } else if (values.length === 0) {
      return undefined;
    }
    if (total > MAX_PRINCIPALS) {
      warnings.push(`only the first ${MAX_PRINCIPALS} of ${total} AddAllowedPrincipals were read`);
    }
    const serviceId = bound(str(request, 'ServiceId') ?? '', 128);
    if (request !== undefined && serviceId === '') {
      warnings.push('requestParameters.ServiceId is missing');
    }
    const owner = context.ownerAccountId ?? ownerAccountId(record) ?? '';
    return {
      resource: { type: 'AWS::EC2::VPCEndpointService', id: serviceId, arn: `arn:aws:ec2:${recordRegion(record)}:${owner}:vpc-endpoint-service/${serviceId}` },
      grants: values.map(readPrincipal),
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    const principals = [...new Set(untrusted.map(writtenPrincipal).filter((value): value is string => value !== undefined))];
    const target = `--region ${shellQuote(region)} --service-id ${shellQuote(result.resource.id)}`;
    if (principals.length === 0) {
      return `aws ec2 describe-vpc-endpoint-service-permissions ${target}`;
    }
    return `aws ec2 modify-vpc-endpoint-service-permissions ${target} --remove-allowed-principals ${principals.map(shellQuote).join(' ')}`;
  },
};

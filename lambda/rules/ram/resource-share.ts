/**
 * AWS RAM CreateResourceShare and AssociateResourceShare, which share the same request shape:
 * `principals` lists account ids, organization or OU ARNs, IAM role or user ARNs and service
 * principals, and `resourceArns` lists what is shared. The account field of an organization ARN is
 * the organization's management account, not a grantee.
 *
 * A share allows principals outside the owner's organization unless `allowExternalPrincipals` is
 * false, and CloudTrail may log the flag only in `responseElements.resourceShare`. An association
 * that adds resources but no principals shares them with the share's existing principals, which
 * the event does not name.
 */
import { parseListedPrincipal, writtenPrincipal } from '../../core/principals';
import { requestParameters, responseElements } from '../../core/record';
import { field, path, str, strings, toArray } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { CloudTrailRecord, GrantSpec, RuleResult } from '../../core/types';

/** Maximum principals and resources read from one call, as for the other principal lists. */
const MAX_ENTRIES = 1000;
/** Maximum shared resources named in a grant's label. The label counts the rest. */
const NAMED_RESOURCES = 3;

function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  return typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase()) ? value.toLowerCase() === 'true' : undefined;
}

function describeValue(value: unknown): string {
  try {
    return bound(String(JSON.stringify(value)), 256);
  } catch {
    return 'a value that cannot be shown';
  }
}

/** Names the shared resources for a grant's label: `shares arn1, arn2 and 3 more`. */
function describeResources(resourceArns: string[], addedToExisting: boolean): string {
  if (resourceArns.length === 0) {
    return addedToExisting ? 'gains the resources already in the share' : 'shares no resources yet';
  }
  const named = resourceArns.slice(0, NAMED_RESOURCES).map((arn) => bound(arn, 256));
  const more = resourceArns.length > NAMED_RESOURCES ? ` and ${resourceArns.length - NAMED_RESOURCES} more` : '';
  return `shares ${named.join(', ')}${more}${addedToExisting ? ' and the resources already in the share' : ''}`;
}

/**
 * Reads `external` of each principal association in the response: RAM sets it when the principal is
 * outside the owner's organization.
 */
function externalFlags(record: CloudTrailRecord): Map<string, boolean> {
  const flags = new Map<string, boolean>();
  for (const association of toArray(field(responseElements(record), 'resourceShareAssociations')).slice(0, MAX_ENTRIES)) {
    const entity = str(association, 'associatedEntity');
    const external = readBoolean(field(association, 'external'));
    if (entity !== undefined && external !== undefined) {
      flags.set(entity.trim(), external);
    }
  }
  return flags;
}

interface ShareCall {
  id: string;
  eventName: string;
  title: string;
  /** Whether the call adds to an existing share, which may already contain resources and principals. */
  addsToExistingShare: boolean;
}

function readGrants(record: CloudTrailRecord, call: ShareCall, params: Record<string, unknown>, warnings: string[]): GrantSpec[] {
  const principalValues = toArray(field(params, 'principals'));
  const resourceArns = strings(field(params, 'resourceArns')).slice(0, MAX_ENTRIES);
  if (principalValues.length > MAX_ENTRIES) {
    warnings.push(`only the first ${MAX_ENTRIES} of ${principalValues.length} principals were read`);
  }
  const allowExternal = readBoolean(field(params, 'allowExternalPrincipals')) ?? readBoolean(path(responseElements(record), 'resourceShare', 'allowExternalPrincipals'));
  const external = externalFlags(record);
  const shares = describeResources(resourceArns, call.addsToExistingShare);

  return principalValues.slice(0, MAX_ENTRIES).map((value): GrantSpec => {
    if (typeof value !== 'string') {
      return { kind: 'unknown', principal: describeValue(value), label: 'principal that is not a string', via: 'principals' };
    }
    const grant = parseListedPrincipal(value);
    // A label from the parser explains an unreadable principal, so it comes first.
    const notes = grant.label !== undefined ? [grant.label, shares] : [shares];
    const isExternal = external.get(value.trim());
    if (isExternal !== undefined) {
      notes.push(isExternal ? "outside the owner's organization" : "in the owner's organization");
    } else if (allowExternal === false && grant.kind !== 'organization') {
      notes.push("allowExternalPrincipals is false, so only accounts in the owner's organization can be associated");
    }
    return { ...grant, via: 'principals', label: bound(notes.join('; '), 512) } as GrantSpec;
  });
}


function resourceShareRule(call: ShareCall): RuleDefinition {
  return {
    id: call.id,
    eventSource: 'ram.amazonaws.com',
    eventNames: [call.eventName],
    title: call.title,
    resourceLabel: 'RAM resource share',

    extract(record) {
      const params = requestParameters(record);
      const warnings: string[] = [];
      const shareArn = bound(str(params, 'resourceShareArn') ?? str(responseElements(record), 'resourceShare', 'resourceShareArn') ?? '');
      const name = bound(str(params, 'name') ?? str(responseElements(record), 'resourceShare', 'name') ?? '', 256);
      const resource: RuleResult['resource'] = { type: 'AWS::RAM::ResourceShare', id: name !== '' ? name : shareArn };
      if (shareArn !== '') {
        resource.arn = shareArn;
      }
      const details = name !== '' ? { shareName: name } : undefined;
      if (params === undefined) {
        warnings.push('requestParameters is missing, so the principals of the share are unknown');
        return { resource, grants: [], warnings, ...(details ? { details } : {}) };
      }

      const grants = readGrants(record, call, params, warnings);
      if (grants.length === 0) {
        const resourcesAdded = strings(field(params, 'resourceArns')).length > 0;
        if (!call.addsToExistingShare || !resourcesAdded) {
          // A share with no principals, or an association that adds nothing, grants nothing.
          return undefined;
        }
        warnings.push('resources were added to an existing share whose principals are not in the event, so who gains access is unknown');
      }
      if (resource.id === '') {
        warnings.push('the resource share is named neither in the request nor in the response');
      }
      return { resource, grants, warnings, ...(details ? { details } : {}) };
    },

    remediation({ result, untrusted, region }) {
      const principals = [...new Set(untrusted.map(writtenPrincipal).filter((value): value is string => value !== undefined))];
      if (result.resource.arn === undefined) {
        const name = result.details?.shareName;
        return `aws ram get-resource-shares --region ${shellQuote(region)} --resource-owner SELF${name !== undefined ? ` --name ${shellQuote(String(name))}` : ''}`;
      }
      if (principals.length === 0) {
        return `aws ram list-principals --region ${shellQuote(region)} --resource-owner SELF --resource-share-arns ${shellQuote(result.resource.arn)}`;
      }
      return `aws ram disassociate-resource-share --region ${shellQuote(region)} --resource-share-arn ${shellQuote(result.resource.arn)} --principals ${principals.map(shellQuote).join(' ')}`;
    },
  };
}

export const createResourceShare = resourceShareRule({
  id: 'ram-resource-share',
  eventName: 'CreateResourceShare',
  title: 'RAM resource share created',
  addsToExistingShare: false,
});

export const associateResourceShare = resourceShareRule({
  id: 'ram-resource-share-association',
  eventName: 'AssociateResourceShare',
  title: 'RAM resource share association',
  addsToExistingShare: true,
});

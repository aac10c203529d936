/**
 * S3 PutBucketAcl. The ACL comes from XML: `AccessControlPolicy.AccessControlList.Grant` is an object
 * for one grant and an array for several, and the grantee type is in `xsi:type`. Canned ACLs arrive
 * as `x-amz-acl`, explicit header grants as `x-amz-grant-*`.
 */
import { requestParameters } from '../../core/record';
import { field, isObject, path, str, strings, toArray } from '../../core/read';
import { bucketResource } from './bucket';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';

const MAX_GRANTS = 1000;
const GRANT_HEADERS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];

function groupGrant(uri: string, via: string, actions: string[] | undefined): GrantSpec {
  const base = actions ? { via, actions } : { via };
  if (uri.endsWith('/global/AllUsers')) {
    return { ...base, kind: 'public', principal: 'AllUsers' };
  }
  if (uri.endsWith('/global/AuthenticatedUsers')) {
    // Any AWS account's authenticated principal is as good as anyone.
    return { ...base, kind: 'public', principal: 'AuthenticatedUsers' };
  }
  if (uri.endsWith('/s3/LogDelivery')) {
    return { ...base, kind: 'aws-owned', principal: 'LogDelivery', label: 'S3 server access log delivery group' };
  }
  return { ...base, kind: 'unknown', principal: bound(uri), label: 'unrecognised grantee group' };
}

/**
 * The canonical user of the `awslogsdelivery` account, which AWS documents as the grantee CloudFront
 * needs on a bucket that receives its standard logs.
 */
const CLOUDFRONT_LOG_DELIVERY = 'c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0';

function canonicalGrant(id: string, ownerId: string | undefined, via: string, actions: string[] | undefined): GrantSpec {
  if (id.trim() === CLOUDFRONT_LOG_DELIVERY) {
    return { kind: 'aws-owned', principal: CLOUDFRONT_LOG_DELIVERY, label: 'CloudFront standard log delivery (awslogsdelivery)', via, ...(actions ? { actions } : {}) };
  }
  const grant: GrantSpec = { kind: 'canonical-user', canonicalUserId: bound(id.trim(), 128), via };
  if (actions) {
    grant.actions = actions;
  }
  if (ownerId !== undefined && id.trim() === ownerId.trim()) {
    grant.trusted = true;
    grant.label = 'bucket owner';
  }
  return grant;
}

function readAclGrant(item: unknown, index: number, ownerId: string | undefined): GrantSpec {
  const via = `Grant[${index}]`;
  const permission = str(item, 'Permission');
  const actions = permission ? [bound(permission, 64)] : undefined;
  const grantee = field(item, 'Grantee');
  const type = str(grantee, 'xsi:type') ?? '';
  const uri = str(grantee, 'URI');
  const id = str(grantee, 'ID');
  const email = str(grantee, 'EmailAddress');
  if (uri !== undefined || type === 'Group') {
    return groupGrant(uri ?? '', via, actions);
  }
  if (id !== undefined) {
    return canonicalGrant(id, ownerId, via, actions);
  }
  if (email !== undefined) {
    return { kind: 'canonical-user', emailAddress: bound(email, 256), via, ...(actions ? { actions } : {}) };
  }
  return { kind: 'unknown', principal: bound(`${type || 'grantee'} without ID, URI or EmailAddress`), label: 'unrecognised grantee', via };
}

/** Reads `id="…", uri="…", emailAddress="…"` lists from an `x-amz-grant-*` header. */
function readGrantHeader(header: string, value: string): GrantSpec[] {
  const action = header.slice('x-amz-grant-'.length).toUpperCase().replace(/-/g, '_');
  const grants: GrantSpec[] = [];
  for (const part of value.split(',').slice(0, MAX_GRANTS)) {
    const match = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
    if (!match) {
      grants.push({ kind: 'unknown', principal: bound(part.trim(), 256), label: 'unrecognised grant header value', via: header });
      continue;
    }
    const [, type, grantee] = match;
    if (type.toLowerCase() === 'uri') {
      grants.push(groupGrant(grantee, header, [action]));
    } else if (type.toLowerCase() === 'id') {
      grants.push(canonicalGrant(grantee, undefined, header, [action]));
    } else {
      grants.push({ kind: 'canonical-user', emailAddress: bound(grantee, 256), via: header, actions: [action] });
    }
  }
  return grants;
}

function readCannedAcl(acl: string): GrantSpec[] {
  const via = `x-amz-acl ${bound(acl, 64)}`;
  switch (acl) {
    case 'public-read':
      return [{ kind: 'public', principal: 'AllUsers', via, actions: ['READ'] }];
    case 'public-read-write':
      return [{ kind: 'public', principal: 'AllUsers', via, actions: ['READ', 'WRITE'] }];
    case 'authenticated-read':
      return [{ kind: 'public', principal: 'AuthenticatedUsers', via, actions: ['READ'] }];
    case 'log-delivery-write':
      return [{ kind: 'aws-owned', principal: 'LogDelivery', label: 'S3 server access log delivery group', via }];
    case 'aws-exec-read':
      return [{ kind: 'aws-owned', principal: 'ec2.amazonaws.com', label: 'EC2 reading AMI bundles', via }];
    case 'private':
    case 'bucket-owner-read':
    case 'bucket-owner-full-control':
      return [];
    default:
      return [{ kind: 'unknown', principal: bound(acl, 256), label: 'unrecognised canned ACL', via: 'x-amz-acl' }];
  }
}

/**
 * Adds the grants of the `x-amz-acl` and `x-amz-grant-*` headers, which arrive as arrays of strings.
 * Returns true when any header is present. The grant cap applies to all headers together.
 */
function readHeaders(params: Record<string, unknown> | undefined, grants: GrantSpec[], warnings: string[]): boolean {
  let found = false;
  for (const header of ['x-amz-acl', ...GRANT_HEADERS]) {
    for (const value of strings(field(params, header))) {
      found = true;
      grants.push(...(header === 'x-amz-acl' ? readCannedAcl(value.trim()) : readGrantHeader(header, value)));
      if (grants.length > MAX_GRANTS) {
        // The caller keeps the first MAX_GRANTS.
        warnings.push(`only the first ${MAX_GRANTS} grants of the ACL were read`);
        return found;
      }
    }
  }
  return found;
}

export const putBucketAcl: RuleDefinition = {
  id: 's3-bucket-acl',
  eventSource: 's3.amazonaws.com',
  eventNames: ['PutBucketAcl'],
  title: 'S3 bucket ACL',
  resourceLabel: 'S3 bucket',

  extract(record) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const resource = bucketResource(params, warnings);
    const grants: GrantSpec[] = [];
    let found = false;

    const policy = field(params, 'AccessControlPolicy');
    if (policy !== undefined) {
      found = true;
      const ownerId = str(policy, 'Owner', 'ID');
      const list = path(policy, 'AccessControlList', 'Grant');
      const items = toArray(list);
      if (items.length > MAX_GRANTS) {
        warnings.push(`only the first ${MAX_GRANTS} of ${items.length} ACL grants were read`);
      }
      items.slice(0, MAX_GRANTS).forEach((item, index) => {
        if (isObject(item)) {
          grants.push(readAclGrant(item, index, ownerId));
        } else {
          warnings.push(`Grant[${index}] is not an object`);
        }
      });
    }

    if (readHeaders(params, grants, warnings)) {
      found = true;
    }

    if (!found) {
      warnings.push('the request has no AccessControlPolicy, x-amz-acl or x-amz-grant-* value');
    }
    return {
      resource,
      grants: grants.slice(0, MAX_GRANTS),
      warnings,
    };
  },

  remediation({ result, region }) {
    const bucket = `--region ${shellQuote(region)} --bucket ${shellQuote(result.resource.id)}`;
    // Resetting to the private canned ACL keeps only the owner's full control; re-add any grant still needed.
    return `aws s3api put-bucket-acl ${bucket} --acl private`;
  },
};

/**
 * Reads the permission lists of EC2's ModifyImageAttribute (`launchPermission`) and
 * ModifySnapshotAttribute (`createVolumePermission`): `add.items[]`, each with one of `userId`,
 * `group` (`all` means public), `organizationArn` or `organizationalUnitArn`.
 */
import { isAccountId, parseAwsPrincipal, parseOrganizationArn } from '../../core/principals';
import { field, isObject, str, toArray } from '../../core/read';
import { bound } from '../../core/text';
import type { Grant, GrantSpec } from '../../core/types';

/** Items read from one list at most; EC2 accepts far fewer per call. */
const MAX_ITEMS = 1000;

function describeItem(item: unknown): string {
  try {
    return bound(JSON.stringify(item) ?? String(item), 256);
  } catch {
    return 'an item that cannot be shown';
  }
}

function readItem(item: unknown, via: string): GrantSpec {
  const userId = str(item, 'userId');
  if (userId !== undefined) {
    const grant = parseAwsPrincipal(userId);
    return isAccountId(userId.trim()) ? { ...grant, via } : { kind: 'unknown', principal: bound(userId), label: 'userId that is not an account id', via };
  }
  // Real records spell the key `group`; `groups` is read too, since some tools write it so.
  const group = str(item, 'group') ?? str(item, 'groups');
  if (group !== undefined) {
    return group.toLowerCase() === 'all'
      ? { kind: 'public', principal: 'group:all', via }
      : { kind: 'unknown', principal: bound(`group:${group}`), label: 'unrecognised group', via };
  }
  for (const key of ['organizationArn', 'organizationalUnitArn']) {
    const arn = str(item, key);
    if (arn !== undefined) {
      const organization = parseOrganizationArn(arn);
      return organization
        ? { kind: 'organization', ...organization, principal: bound(arn), via }
        : { kind: 'unknown', principal: bound(arn), label: `${key} that is not an AWS Organizations ARN`, via };
    }
  }
  return { kind: 'unknown', principal: describeItem(item), label: 'unrecognised permission item', via };
}

/**
 * Returns the grants that `permission.add` adds, or undefined when the call adds nothing
 * (a removal, or no permission list at all).
 */
export function readAddedPermissions(permission: unknown, attributeName: string, warnings: string[]): GrantSpec[] | undefined {
  if (permission === undefined || permission === null) {
    return undefined;
  }
  if (!isObject(permission)) {
    warnings.push(`${attributeName} is not an object`);
    return [];
  }
  const add = field(permission, 'add');
  if (add === undefined || add === null) {
    return undefined;
  }
  // The list is `add.items`; a bare array or a single item under `add` is read as well.
  const itemsValue = isObject(add) && field(add, 'items') !== undefined ? field(add, 'items') : add;
  const items = toArray(itemsValue);
  if (items.length > MAX_ITEMS) {
    warnings.push(`only the first ${MAX_ITEMS} of ${items.length} ${attributeName} items were read`);
  }
  const via = `${attributeName}.add`;
  return items.slice(0, MAX_ITEMS).map((item) => readItem(item, via));
}

/** Splits untrusted grants into the values an EC2 remove call takes. */
export function removableItems(untrusted: Grant[]): { accounts: string[]; publicGroup: boolean; organizationArns: string[]; unitArns: string[] } {
  const items = { accounts: [] as string[], publicGroup: false, organizationArns: [] as string[], unitArns: [] as string[] };
  for (const grant of untrusted) {
    if (grant.kind === 'account') {
      items.accounts.push(grant.accountId);
    } else if (grant.kind === 'public') {
      items.publicGroup = true;
    } else if (grant.kind === 'organization' && grant.principal) {
      (grant.organizationalUnitId ? items.unitArns : items.organizationArns).push(grant.principal);
    }
  }
  return items;
}

/**
 * Reads what a PutParameter on the trusted list changed. CloudTrail hides the value written, so
 * the entries added and removed come from SSM GetParameterHistory: the version written and the
 * one before it, each parsed like the live list. `applyTrustedListChange` then refines the
 * finding of the `ssm-trusted-list-changed` rule.
 */
import { GetParameterHistoryCommand, type ParameterHistory, type SSMClient } from '@aws-sdk/client-ssm';
import { parseTrustedList, type TrustedList } from './core/trusted-list';
import { bound } from './core/text';
import type { Finding } from './core/types';

/** One trusted-list entry: an id and its label in the JSON form. */
export interface TrustedListEntry {
  id: string;
  label?: string;
}

/** An entry kept by the change with another label. */
export interface TrustedListLabelChange {
  id: string;
  from?: string;
  to?: string;
}

/** The difference between a version of the trusted list and the version before it. */
export interface TrustedListChange {
  /** The version before `toVersion`. Absent for version 1 and when the change is unreadable. */
  fromVersion?: number;
  toVersion: number;
  added: TrustedListEntry[];
  removed: TrustedListEntry[];
  labelChanged: TrustedListLabelChange[];
  /** Reason the versions could not be compared. When it is set, the lists are empty. */
  unreadable?: string;
  /** Entries of `toVersion` that are not valid ids, which the detector skips. */
  skippedEntries?: number;
}

/** GetParameterHistory returns at most 50 versions per page. */
const PAGE_SIZE = 50;
/** SSM keeps the last 100 versions, which fit in 2 pages, so more pages mean a looping token. */
const MAX_PAGES = 10;
/** Ids and labels listed in a reason, before "and N more". */
const MAX_LISTED = 10;
const MAX_ERROR_LENGTH = 300;

/** Reads every version of the parameter that SSM still keeps. Throws the SDK's error. */
async function readHistory(client: SSMClient, name: string): Promise<ParameterHistory[]> {
  const versions: ParameterHistory[] = [];
  const seenTokens = new Set<string>();
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const response = await client.send(new GetParameterHistoryCommand({ Name: name, WithDecryption: false, MaxResults: PAGE_SIZE, NextToken: nextToken }));
    versions.push(...(response.Parameters ?? []));
    nextToken = response.NextToken === '' ? undefined : response.NextToken;
    if (nextToken === undefined) {
      return versions;
    }
    if (seenTokens.has(nextToken)) {
      throw new Error('GetParameterHistory returned the same NextToken twice');
    }
    seenTokens.add(nextToken);
  }
  throw new Error(`GetParameterHistory returned more than ${MAX_PAGES} pages`);
}

/** Describes a failed GetParameterHistory call on one line, with what to do about it. */
function describeError(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'ParameterNotFound') {
    return 'the parameter no longer exists, so it was deleted after this change';
  }
  if (name === 'AccessDeniedException') {
    return 'GetParameterHistory was denied: the function role needs ssm:GetParameterHistory on the parameter';
  }
  return bound(`GetParameterHistory failed: ${name}: ${message}`.replace(/\s+/g, ' '), MAX_ERROR_LENGTH);
}

/** Parses one version, or returns why it cannot be compared. */
function parseVersion(version: ParameterHistory): TrustedList | string {
  if (version.Type === 'SecureString') {
    return `version ${version.Version} is a SecureString, which the detector reads as ciphertext`;
  }
  if (typeof version.Value !== 'string') {
    return `version ${version.Version} has no value in the parameter history`;
  }
  const list = parseTrustedList(version.Value);
  if (list.documentError !== undefined) {
    return `version ${version.Version} is not a valid trusted list: ${list.documentError}`;
  }
  return list;
}

function entry(id: string, label: string | undefined): TrustedListEntry {
  return label === undefined ? { id } : { id, label };
}

/** Compares two parsed versions. `before` is undefined for version 1, whose entries are all new. */
function compare(before: TrustedList | undefined, after: TrustedList): Pick<TrustedListChange, 'added' | 'removed' | 'labelChanged'> {
  const previous = before?.entries ?? new Map<string, string | undefined>();
  const added: TrustedListEntry[] = [];
  const labelChanged: TrustedListLabelChange[] = [];
  for (const [id, label] of after.entries) {
    if (!previous.has(id)) {
      added.push(entry(id, label));
    } else if (previous.get(id) !== label) {
      const change: TrustedListLabelChange = { id };
      const from = previous.get(id);
      if (from !== undefined) {
        change.from = from;
      }
      if (label !== undefined) {
        change.to = label;
      }
      labelChanged.push(change);
    }
  }
  const removed = [...previous].filter(([id]) => !after.entries.has(id)).map(([id, label]) => entry(id, label));
  return { added, removed, labelChanged };
}

/**
 * Reads version `version` of the trusted-list parameter and the version before it, and returns
 * the entries added, removed and relabeled. A failed read, a version no longer in the history or
 * a version that cannot be parsed returns `unreadable` with the reason instead of throwing.
 */
export async function readTrustedListChange(client: SSMClient, name: string, version: number): Promise<TrustedListChange> {
  const unreadable = (reason: string): TrustedListChange => ({ toVersion: version, added: [], removed: [], labelChanged: [], unreadable: reason });
  if (!Number.isSafeInteger(version) || version < 1) {
    return unreadable(`version ${String(version)} is not a positive integer`);
  }

  let history: ParameterHistory[];
  try {
    history = await readHistory(client, name);
  } catch (error) {
    return unreadable(describeError(error));
  }

  const target = history.find((item) => item.Version === version);
  if (target === undefined) {
    return unreadable(`version ${version} is not in the parameter history, which keeps the last 100 versions and starts again at 1 when the parameter is recreated`);
  }
  // Versions are numbered without gaps, but SSM drops the oldest beyond 100, so look for the highest one below.
  const previous = history
    .filter((item) => typeof item.Version === 'number' && item.Version < version)
    .sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0))[0];
  if (previous === undefined && version > 1) {
    return unreadable(`the version before ${version} is no longer in the parameter history`);
  }

  const after = parseVersion(target);
  if (typeof after === 'string') {
    return unreadable(after);
  }
  const before = previous === undefined ? undefined : parseVersion(previous);
  if (typeof before === 'string') {
    return unreadable(before);
  }

  const change: TrustedListChange = { toVersion: version, ...compare(before, after) };
  if (previous?.Version !== undefined) {
    change.fromVersion = previous.Version;
  }
  if (after.errors.length > 0) {
    change.skippedEntries = after.errors.length;
  }
  return change;
}

// ---------------------------------------------------------------------------------------------
// Finding
// ---------------------------------------------------------------------------------------------

function describeEntry(item: TrustedListEntry): string {
  const id = bound(item.id, 64);
  return item.label === undefined ? id : `${id} (${bound(item.label, 128)})`;
}

/** Lists at most MAX_LISTED items, then how many more there are. */
function listItems(items: string[]): string {
  const listed = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED ? `${listed} and ${items.length - MAX_LISTED} more` : listed;
}

function describeLabelChange(change: TrustedListLabelChange): string {
  const from = change.from === undefined ? 'no label' : bound(change.from, 128);
  const to = change.to === undefined ? 'no label' : bound(change.to, 128);
  return `${bound(change.id, 64)} from ${from} to ${to}`;
}

function changeReasons(change: TrustedListChange): string[] {
  if (change.unreadable !== undefined) {
    return [`the entries added and removed could not be read: ${bound(change.unreadable.replace(/\s+/g, ' '), MAX_ERROR_LENGTH)}`];
  }
  const version = change.fromVersion === undefined ? `version ${change.toVersion}, a new parameter` : `version ${change.toVersion}`;
  const reasons: string[] = [];
  if (change.added.length > 0) {
    reasons.push(`entries added in ${version}: ${listItems(change.added.map(describeEntry))}`);
  }
  if (change.removed.length > 0) {
    reasons.push(`entries removed in ${version}: ${listItems(change.removed.map(describeEntry))}`);
  }
  if (change.labelChanged.length > 0) {
    reasons.push(`labels changed in ${version}: ${listItems(change.labelChanged.map(describeLabelChange))}`);
  }
  if (change.added.length === 0 && change.removed.length === 0) {
    reasons.push(`no entry was added or removed in ${version}`);
  }
  if (change.skippedEntries !== undefined) {
    reasons.push(`version ${change.toVersion} has ${change.skippedEntries} entries that are not valid ids, which the detector skips`);
  }
  return reasons;
}

/** Summarises the change for the grant that said it was not compared. */
function grantLabel(change: TrustedListChange): string | undefined {
  if (change.unreadable !== undefined) {
    return undefined;
  }
  return `${change.added.length} added, ${change.removed.length} removed`;
}

/**
 * Returns the finding of a PutParameter on the trusted list with the change read from the
 * parameter history: `trustedListChange` set, a reason per kind of change, and severity `high`
 * when entries were added or the change is unreadable, else `low`. A failed call wrote nothing,
 * so its finding is returned unchanged.
 */
export function applyTrustedListChange(finding: Finding, change: TrustedListChange): Finding {
  if (finding.outcome === 'failed') {
    return finding;
  }
  const summary: NonNullable<Finding['trustedListChange']> = {
    toVersion: change.toVersion,
    added: change.added.map((item) => entry(bound(item.id, 64), item.label === undefined ? undefined : bound(item.label, 128))),
    removed: change.removed.map((item) => entry(bound(item.id, 64), item.label === undefined ? undefined : bound(item.label, 128))),
  };
  if (change.fromVersion !== undefined) {
    summary.fromVersion = change.fromVersion;
  }
  if (change.unreadable !== undefined) {
    summary.unreadable = bound(change.unreadable.replace(/\s+/g, ' '), MAX_ERROR_LENGTH);
  }

  const label = grantLabel(change);
  const grants = finding.grants.map((grant) => {
    if (grant.kind !== 'guard-lowered' || grant.trusted || label === undefined) {
      return grant;
    }
    return { ...grant, label };
  });
  return {
    ...finding,
    grants,
    severity: change.unreadable !== undefined || change.added.length > 0 ? 'high' : 'low',
    reasons: [...finding.reasons, ...changeReasons(change)],
    trustedListChange: summary,
  };
}

/**
 * The trusted list: accounts (12 digits), organizations (`o-…`), OUs (`ou-…`), VPC endpoints
 * (`vpce-…`) and VPCs (`vpc-…`), each with an optional label. It is read from a StringList or
 * comma-separated String, or from a JSON object that maps each id to a label.
 */
import { isAccountId, isOrganizationId, isOrganizationalUnitId } from './principals';
import { bound } from './text';

export type TrustedIdKind = 'account' | 'organization' | 'organizational-unit' | 'vpc-endpoint' | 'vpc';

const ID_FORMATS: { kind: TrustedIdKind; test: (value: string) => boolean; format: string }[] = [
  { kind: 'account', test: isAccountId, format: '12 digits' },
  { kind: 'organization', test: isOrganizationId, format: 'o- followed by 10 to 32 lowercase letters or digits' },
  { kind: 'organizational-unit', test: isOrganizationalUnitId, format: 'ou-, 4 to 32 characters, a hyphen, 8 to 32 characters' },
  { kind: 'vpc-endpoint', test: (value) => /^vpce-[0-9a-f]{8}([0-9a-f]{9})?$/.test(value), format: 'vpce- followed by 8 or 17 hex digits' },
  { kind: 'vpc', test: (value) => /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/.test(value), format: 'vpc- followed by 8 or 17 hex digits' },
];

/** Maximum label length kept, in characters, because labels are shown in alerts. */
export const MAX_LABEL_LENGTH = 128;

/** Returns the kind of a trusted-list id, or undefined when it matches none of the accepted formats. */
export function trustedIdKind(value: string): TrustedIdKind | undefined {
  return ID_FORMATS.find((format) => format.test(value))?.kind;
}

/** Explains the accepted id formats, for error messages. */
export const TRUSTED_ID_FORMATS = ID_FORMATS.map((format) => `${format.kind} (${format.format})`).join(', ');

export interface TrustedListEntryError {
  value: string;
  reason: string;
}

export interface TrustedList {
  /** Each trusted id, mapped to its label or undefined. */
  entries: Map<string, string | undefined>;
  /** The format the list was written in, so that a tool editing it can keep that format. */
  format: 'list' | 'json';
  /** Entries that were skipped, with the reason. */
  errors: TrustedListEntryError[];
  /** Set when the document as a whole could not be read (invalid JSON), so no entry could be. */
  documentError?: string;
}

export function emptyTrustedList(): TrustedList {
  return { entries: new Map(), format: 'list', errors: [] };
}

function addEntry(list: TrustedList, rawId: string, label: string | undefined): void {
  const id = rawId.trim();
  if (id === '') {
    return;
  }
  if (trustedIdKind(id) === undefined) {
    list.errors.push({ value: bound(id, 128), reason: `not a valid id; expected one of: ${TRUSTED_ID_FORMATS}` });
    return;
  }
  list.entries.set(id, label === undefined || label.trim() === '' ? undefined : bound(label.trim(), MAX_LABEL_LENGTH));
}

/**
 * Parses a trusted list. Malformed entries are reported in `errors` and skipped; the rest applies.
 * A document that starts with `{` but is not valid JSON is an error as a whole, since its entries
 * cannot be separated.
 */
export function parseTrustedList(text: string): TrustedList {
  const list: TrustedList = { entries: new Map(), format: 'list', errors: [] };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    list.format = 'json';
    let document: unknown;
    try {
      document = JSON.parse(trimmed);
    } catch (error) {
      list.documentError = `not valid JSON (${(error as Error).message}); write {"111122223333": "label", …}`;
      list.errors.push({ value: bound(trimmed, 64), reason: list.documentError });
      return list;
    }
    for (const [id, label] of Object.entries(document as Record<string, unknown>)) {
      if (label !== null && typeof label !== 'string') {
        list.errors.push({ value: bound(id, 128), reason: 'the label is not a string' });
        continue;
      }
      addEntry(list, id, label ?? undefined);
    }
    return list;
  }
  // Comma-separated (an SSM StringList reads back comma-joined), one id per line, `#` starts a comment.
  for (const line of trimmed.split(/\r?\n/)) {
    const content = line.replace(/#.*$/, '');
    for (const item of content.split(',')) {
      addEntry(list, item, undefined);
    }
  }
  return list;
}

/** Serialises a trusted list in its own format. */
export function formatTrustedList(list: TrustedList): string {
  if (list.format === 'json') {
    const document: Record<string, string> = {};
    for (const [id, label] of list.entries) {
      document[id] = label ?? '';
    }
    return JSON.stringify(document, null, 2);
  }
  return [...list.entries.keys()].join(',');
}

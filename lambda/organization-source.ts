/**
 * Reads the caller's AWS Organization (DescribeOrganization for its id, ListAccounts for its
 * accounts) so that grants to the organization's own accounts can be trusted. Like the trusted
 * list, the result is cached and the last organization read successfully is kept for outages.
 * With none, the result is `unavailable` and trusts nothing.
 *
 * ListAccounts works only in the management account or in a delegated administrator account for
 * Organizations. Both calls need `organizations:ListAccounts` and `organizations:DescribeOrganization`
 * on `"*"`, because neither action supports resource-level permissions.
 */
import { DescribeOrganizationCommand, OrganizationsClient, paginateListAccounts, type Account } from '@aws-sdk/client-organizations';
import { isAccountId, isOrganizationId } from './core/principals';
import { bound } from './core/text';
import { MAX_LABEL_LENGTH, type TrustedList } from './core/trusted-list';
import { logger } from './logger';

export type OrganizationStatus = 'fresh' | 'stale' | 'unavailable';

export interface LoadedOrganization {
  /** The organization id (`o-…`), absent when the organization could not be read. */
  organizationId?: string;
  /** Each ACTIVE member account id, mapped to its cleaned account name (empty when the account has none). */
  accounts: Map<string, string>;
  status: OrganizationStatus;
}

export interface OrganizationSourceOptions {
  /** How long an organization read successfully is reused, in seconds. */
  maxAgeSeconds: number;
  client?: OrganizationsClient;
  /** The current time in milliseconds since the epoch. Tests pass a fake clock. */
  now?: () => number;
  /** Maximum ListAccounts pages read in one load, each of up to `ACCOUNTS_PAGE_SIZE` accounts. */
  maxPages?: number;
  /**
   * After a failed read, the seconds to wait before Organizations is called again, at most
   * `maxAgeSeconds`. Meanwhile the fallback result is returned without a call or a log line, so
   * that an outage or a missing permission does not cost a failing call and an error log per event.
   */
  retryDelaySeconds?: number;
}

/** The largest `MaxResults` that ListAccounts accepts (the API reference gives 1 to 20). */
export const ACCOUNTS_PAGE_SIZE = 20;
/** Default page limit: 250 pages of 20 are 5,000 accounts. */
export const DEFAULT_MAX_PAGES = 250;
export const DEFAULT_RETRY_DELAY_SECONDS = 60;

/** Prefix of the label that `withOrganization` gives each member account. */
export const MEMBER_LABEL_PREFIX = 'organization member';
export const OWN_ORGANIZATION_LABEL = 'own organization';

/** Fix hints for the errors that Organizations returns, by error name. */
const FIX_HINTS: Record<string, string> = {
  AWSOrganizationsNotInUseException: 'the account is in no organization, so create one or turn trustOrganization off',
  AccessDeniedException:
    'deploy in the management account or a delegated administrator account for Organizations, and allow the function role organizations:ListAccounts and organizations:DescribeOrganization on "*"',
  TooManyRequestsException: 'Organizations throttled the requests, so raise the cache age to read the organization less often',
  ServiceException: 'Organizations failed, and the next read after the retry delay tries again',
};

interface OrganizationSnapshot {
  organizationId: string;
  accounts: Map<string, string>;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * Cleans an account name for use in a label: control characters (newlines, terminal escapes)
 * become one space, runs of spaces collapse, and the result is bounded. Slack markup such as
 * `<!channel>` is left as written, because the alert formats escape every label for the place
 * where it is shown.
 */
export function cleanAccountName(name: string | undefined): string {
  if (name === undefined) {
    return '';
  }
  const cleaned = name.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return bound(cleaned, MAX_LABEL_LENGTH);
}

/** Returns the account's state, read from `State` and, for responses without it, from the older `Status`. */
function accountState(account: Account): string | undefined {
  return account.State ?? account.Status;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

export class OrganizationSource {
  private readonly client: OrganizationsClient;
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly maxPages: number;
  private readonly retryDelayMs: number;
  private lastGood: OrganizationSnapshot | undefined;
  private lastGoodAt: number | undefined;
  private lastFailureAt: number | undefined;

  constructor(options: OrganizationSourceOptions) {
    // Timeouts in milliseconds, so that an unreachable endpoint fails the read well within the
    // function's own timeout instead of ending the invocation.
    this.client = options.client ?? new OrganizationsClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 } });
    this.now = options.now ?? Date.now;
    this.maxAgeMs = Math.max(0, options.maxAgeSeconds) * 1000;
    this.maxPages = Math.max(1, options.maxPages ?? DEFAULT_MAX_PAGES);
    this.retryDelayMs = Math.min(Math.max(0, options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS) * 1000, this.maxAgeMs);
  }

  /** Returns the organization, read from Organizations when the cached copy is older than `maxAgeSeconds`. */
  async load(): Promise<LoadedOrganization> {
    const now = this.now();
    if (this.lastGood && this.lastGoodAt !== undefined && now - this.lastGoodAt < this.maxAgeMs) {
      return this.result(this.lastGood, 'fresh');
    }
    if (this.lastFailureAt !== undefined && now - this.lastFailureAt < this.retryDelayMs) {
      return this.fallbackResult();
    }

    let snapshot: OrganizationSnapshot;
    try {
      snapshot = await this.read();
    } catch (error) {
      this.lastFailureAt = now;
      this.logFailure(error);
      return this.fallbackResult();
    }
    this.lastGood = snapshot;
    this.lastGoodAt = now;
    this.lastFailureAt = undefined;
    return this.result(snapshot, 'fresh');
  }

  private async read(): Promise<OrganizationSnapshot> {
    const described = await this.client.send(new DescribeOrganizationCommand({}));
    const organizationId = described.Organization?.Id;
    if (organizationId === undefined || !isOrganizationId(organizationId)) {
      throw new Error(`DescribeOrganization returned an invalid organization id: ${JSON.stringify(bound(String(organizationId), 64))}`);
    }

    const accounts = new Map<string, string>();
    let listedCount = 0;
    let inactiveCount = 0;
    let invalidIdCount = 0;
    let pageCount = 0;
    for await (const page of paginateListAccounts({ client: this.client, pageSize: ACCOUNTS_PAGE_SIZE }, {})) {
      pageCount += 1;
      for (const account of page.Accounts ?? []) {
        listedCount += 1;
        const id = account.Id;
        if (id === undefined || !isAccountId(id)) {
          invalidIdCount += 1;
          continue;
        }
        // Only ACTIVE accounts are trusted. A suspended or closing account, or one still pending
        // activation, is not in use by the organization, so a grant to it is reported.
        if (accountState(account) !== 'ACTIVE') {
          inactiveCount += 1;
          continue;
        }
        accounts.set(id, cleanAccountName(account.Name));
      }
      if (pageCount >= this.maxPages && page.NextToken) {
        // The accounts not read stay untrusted, so a truncated list raises alerts rather than hiding them.
        logger.warn('organization accounts truncated', {
          organizationId,
          pageCount,
          accountCount: accounts.size,
          fix: 'raise maxPages of OrganizationSource, because accounts after this page are not trusted',
        });
        break;
      }
    }

    // Every organization contains its management account, so an empty list means the caller
    // cannot see the organization's accounts.
    if (listedCount === 0) {
      throw new Error('ListAccounts returned no accounts');
    }
    if (inactiveCount > 0 || invalidIdCount > 0) {
      logger.info('organization accounts skipped', { organizationId, inactiveCount, invalidIdCount });
    }
    logger.info('organization loaded', { organizationId, accountCount: accounts.size, pageCount });
    return { organizationId, accounts };
  }

  private logFailure(error: unknown): void {
    const name = errorName(error);
    logger.error('organization could not be read', {
      errorName: name,
      errorMessage: bound(error instanceof Error ? error.message : String(error), 512),
      fix: FIX_HINTS[name] ?? 'check that the function can reach Organizations. The next read after the retry delay tries again',
    });
    if (this.lastGood) {
      logger.warn('using the last organization read', { organizationId: this.lastGood.organizationId, accountCount: this.lastGood.accounts.size });
    }
  }

  private fallbackResult(): LoadedOrganization {
    if (this.lastGood) {
      return this.result(this.lastGood, 'stale');
    }
    return { accounts: new Map(), status: 'unavailable' };
  }

  private result(snapshot: OrganizationSnapshot, status: OrganizationStatus): LoadedOrganization {
    // A copy, so that a caller that changes the map cannot change the cache.
    return { organizationId: snapshot.organizationId, accounts: new Map(snapshot.accounts), status };
  }
}

/**
 * Returns a copy of the trusted list with each member account labelled `organization member NAME`
 * and the organization id labelled `own organization`. An id already on the list keeps its entry
 * and label, even when that label is empty.
 */
export function withOrganization(list: TrustedList, organization: LoadedOrganization): TrustedList {
  const entries = new Map(list.entries);
  for (const [accountId, name] of organization.accounts) {
    if (!entries.has(accountId)) {
      const cleaned = cleanAccountName(name);
      const label = cleaned === '' ? MEMBER_LABEL_PREFIX : `${MEMBER_LABEL_PREFIX} ${cleaned}`;
      entries.set(accountId, bound(label, MAX_LABEL_LENGTH));
    }
  }
  if (organization.organizationId !== undefined && !entries.has(organization.organizationId)) {
    entries.set(organization.organizationId, OWN_ORGANIZATION_LABEL);
  }
  return { ...list, entries, errors: [...list.errors] };
}

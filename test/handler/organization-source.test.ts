/**
 * OrganizationSource with the Organizations client mocked by aws-sdk-client-mock: pagination,
 * cache age, the fallbacks, which accounts are trusted, and how account names are cleaned.
 * withOrganization is checked on its own and through the detection core.
 */
import { AccessDeniedException, AWSOrganizationsNotInUseException, DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient, type Account } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { escapeSlackText } from '../../lambda/alerts/slack';
import { MAX_LABEL_LENGTH, parseTrustedList } from '../../lambda/core/trusted-list';
import { logger } from '../../lambda/logger';
import { cleanAccountName, OrganizationSource, withOrganization, type LoadedOrganization, type OrganizationSourceOptions } from '../../lambda/organization-source';
import { evaluateFixture, findingOf, labelledTrustedList, ORGANIZATION, OUTSIDER, OWNER, PARTNER, quietGrantsOf } from '../support/fixtures';
import { freePort } from '../support/moto';

const organizationsMock = mockClient(OrganizationsClient);

/**
 * A loopback endpoint where nothing listens. The client is mocked, so no request is sent. A request
 * that a missing mock let through would fail on this port instead of reaching AWS.
 */
let closedEndpoint: string;
let client: OrganizationsClient;

beforeAll(async () => {
  closedEndpoint = `http://127.0.0.1:${await freePort()}`;
  client = new OrganizationsClient({ endpoint: closedEndpoint, maxAttempts: 1 });
});

afterAll(() => {
  client.destroy();
});

beforeEach(() => {
  organizationsMock.reset();
  jest.restoreAllMocks();
  organizationsMock.on(DescribeOrganizationCommand).resolves({ Organization: { Id: ORGANIZATION, MasterAccountId: OWNER, FeatureSet: 'ALL' } });
});

function account(id: string, name: string, state: Account['State'] = 'ACTIVE'): Account {
  return { Id: id, Name: name, State: state, Status: state === 'ACTIVE' || state === 'SUSPENDED' || state === 'PENDING_CLOSURE' ? state : undefined };
}

/** Builds `count` distinct 12-digit account ids from a 9-digit prefix. */
function accountIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(3, '0')}`);
}

/** Creates a clock, in milliseconds, that tests move forward by hand. */
function fakeClock(): { now: () => number; advanceSeconds: (seconds: number) => void } {
  let time = 1_700_000_000_000;
  return { now: () => time, advanceSeconds: (seconds) => (time += seconds * 1000) };
}

function source(options: Partial<OrganizationSourceOptions> = {}): OrganizationSource {
  return new OrganizationSource({ maxAgeSeconds: 300, client, ...options });
}

function listOneAccountPage(accounts: Account[]): void {
  organizationsMock.on(ListAccountsCommand).resolves({ Accounts: accounts });
}

describe('OrganizationSource', () => {
  test('reads every page of accounts', async () => {
    const pages: Record<string, { Accounts: Account[]; NextToken?: string }> = {
      first: { Accounts: [account(OWNER, 'management'), account(OUTSIDER, 'workloads-prod')], NextToken: 'page-2' },
      'page-2': { Accounts: [], NextToken: 'page-3' },
      'page-3': { Accounts: [account(PARTNER, 'workloads-dev')] },
    };
    // The paginator reuses one input object for every page, so each request is copied when it is sent.
    const requests: Record<string, unknown>[] = [];
    organizationsMock.on(ListAccountsCommand).callsFake((input: { MaxResults?: number; NextToken?: string }) => {
      requests.push({ ...input });
      return pages[input.NextToken ?? 'first'];
    });

    const loaded = await source().load();

    expect(loaded.status).toBe('fresh');
    expect(loaded.organizationId).toBe(ORGANIZATION);
    expect([...loaded.accounts]).toEqual([
      [OWNER, 'management'],
      [OUTSIDER, 'workloads-prod'],
      [PARTNER, 'workloads-dev'],
    ]);
    expect(requests).toEqual([{ MaxResults: 20 }, { MaxResults: 20, NextToken: 'page-2' }, { MaxResults: 20, NextToken: 'page-3' }]);
  });

  test('cache is reused until max age', async () => {
    listOneAccountPage([account(OWNER, 'management')]);
    const clock = fakeClock();
    const organization = source({ maxAgeSeconds: 300, now: clock.now });

    await organization.load();
    clock.advanceSeconds(299);
    const cached = await organization.load();

    expect(cached.status).toBe('fresh');
    expect(organizationsMock).toHaveReceivedCommandTimes(DescribeOrganizationCommand, 1);
    expect(organizationsMock).toHaveReceivedCommandTimes(ListAccountsCommand, 1);

    clock.advanceSeconds(1);
    await organization.load();

    expect(organizationsMock).toHaveReceivedCommandTimes(DescribeOrganizationCommand, 2);
    expect(organizationsMock).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
  });

  test('cache picks up a new account after max age', async () => {
    organizationsMock
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [account(OWNER, 'management')] })
      .resolves({ Accounts: [account(OWNER, 'management'), account(PARTNER, 'joined later')] });
    const clock = fakeClock();
    const organization = source({ maxAgeSeconds: 60, now: clock.now });

    const first = await organization.load();
    clock.advanceSeconds(60);
    const second = await organization.load();

    expect([...first.accounts.keys()]).toEqual([OWNER]);
    expect([...second.accounts.keys()]).toEqual([OWNER, PARTNER]);
  });

  test('failure after a good read is stale', async () => {
    organizationsMock
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [account(OWNER, 'management'), account(OUTSIDER, 'workloads-prod')] })
      .rejects(new AccessDeniedException({ message: 'You don’t have permissions to access this resource.', $metadata: {} }));
    const clock = fakeClock();
    const organization = source({ maxAgeSeconds: 60, now: clock.now });

    await organization.load();
    clock.advanceSeconds(61);
    const stale = await organization.load();

    expect(stale.status).toBe('stale');
    expect(stale.organizationId).toBe(ORGANIZATION);
    expect([...stale.accounts.keys()]).toEqual([OWNER, OUTSIDER]);
  });

  test('failure with no good read is unavailable', async () => {
    organizationsMock.on(DescribeOrganizationCommand).rejects(new AWSOrganizationsNotInUseException({ message: 'Your account is not a member of an organization.', $metadata: {} }));
    const error = jest.spyOn(logger, 'error');

    const loaded = await source().load();

    expect(loaded.status).toBe('unavailable');
    expect(loaded.organizationId).toBeUndefined();
    expect(loaded.accounts.size).toBe(0);
    expect(organizationsMock).toHaveReceivedCommandTimes(ListAccountsCommand, 0);
    expect(error).toHaveBeenCalledWith('organization could not be read', expect.objectContaining({ errorName: 'AWSOrganizationsNotInUseException', fix: expect.stringContaining('in no organization') }));
  });

  test('access denied logs the deployment fix', async () => {
    organizationsMock.on(ListAccountsCommand).rejects(new AccessDeniedException({ message: 'You don’t have permissions to access this resource.', $metadata: {} }));
    const error = jest.spyOn(logger, 'error');

    const loaded = await source().load();

    expect(loaded.status).toBe('unavailable');
    expect(error).toHaveBeenCalledWith(
      'organization could not be read',
      expect.objectContaining({ errorName: 'AccessDeniedException', fix: expect.stringContaining('delegated administrator account for Organizations') }),
    );
  });

  test('failure waits the retry delay before the next call', async () => {
    organizationsMock
      .on(ListAccountsCommand)
      .rejectsOnce(new Error('connect ECONNREFUSED'))
      .resolves({ Accounts: [account(OWNER, 'management')] });
    const clock = fakeClock();
    const error = jest.spyOn(logger, 'error');
    const organization = source({ maxAgeSeconds: 300, retryDelaySeconds: 30, now: clock.now });

    await organization.load();
    clock.advanceSeconds(29);
    const waiting = await organization.load();

    expect(waiting.status).toBe('unavailable');
    expect(organizationsMock).toHaveReceivedCommandTimes(DescribeOrganizationCommand, 1);
    expect(error).toHaveBeenCalledTimes(1);

    clock.advanceSeconds(1);
    const recovered = await organization.load();

    expect(recovered.status).toBe('fresh');
    expect([...recovered.accounts.keys()]).toEqual([OWNER]);
  });

  test('retry delay is at most max age', async () => {
    organizationsMock
      .on(ListAccountsCommand)
      .rejectsOnce(new Error('connect ECONNREFUSED'))
      .resolves({ Accounts: [account(OWNER, 'management')] });
    const organization = source({ maxAgeSeconds: 0, retryDelaySeconds: 30, now: fakeClock().now });

    await organization.load();
    const second = await organization.load();

    expect(second.status).toBe('fresh');
  });

  test('non-ACTIVE accounts are skipped', async () => {
    listOneAccountPage([
      account(OWNER, 'management'),
      account('222233334444', 'suspended', 'SUSPENDED'),
      account('333344445555', 'closing', 'PENDING_CLOSURE'),
      account('555566667777', 'closed', 'CLOSED'),
      account('666677778888', 'invited', 'PENDING_ACTIVATION'),
      // State wins over the older Status field when the two disagree.
      { Id: '888899990000', Name: 'state closed', State: 'CLOSED', Status: 'ACTIVE' },
      // A response from before State existed carries only Status.
      { Id: OUTSIDER, Name: 'status only', Status: 'ACTIVE' },
      { Id: PARTNER, Name: 'no state at all' },
    ]);
    const info = jest.spyOn(logger, 'info');

    const loaded = await source().load();

    expect([...loaded.accounts.keys()]).toEqual([OWNER, OUTSIDER]);
    expect(info).toHaveBeenCalledWith('organization accounts skipped', { organizationId: ORGANIZATION, inactiveCount: 6, invalidIdCount: 0 });
  });

  test('invalid account ids are skipped', async () => {
    listOneAccountPage([account(OWNER, 'management'), account('12345', 'short id'), { Name: 'no id', State: 'ACTIVE' }]);

    const loaded = await source().load();

    expect([...loaded.accounts.keys()]).toEqual([OWNER]);
  });

  test('empty account list is unavailable', async () => {
    listOneAccountPage([]);
    const error = jest.spyOn(logger, 'error');

    const loaded = await source().load();

    expect(loaded.status).toBe('unavailable');
    expect(error).toHaveBeenCalledWith('organization could not be read', expect.objectContaining({ errorMessage: 'ListAccounts returned no accounts' }));
  });

  test('invalid organization id is unavailable', async () => {
    organizationsMock.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-\n<!channel>' } });
    listOneAccountPage([account(OWNER, 'management')]);

    const loaded = await source().load();

    expect(loaded.status).toBe('unavailable');
    expect(loaded.organizationId).toBeUndefined();
  });

  test('page limit stops the read', async () => {
    const pages = [accountIds('100000000', 20), accountIds('200000000', 20), accountIds('300000000', 20)];
    organizationsMock
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: pages[0].map((id) => account(id, `account ${id}`)), NextToken: 'page-2' })
      .resolvesOnce({ Accounts: pages[1].map((id) => account(id, `account ${id}`)), NextToken: 'page-3' })
      .resolvesOnce({ Accounts: pages[2].map((id) => account(id, `account ${id}`)) });
    const warn = jest.spyOn(logger, 'warn');

    const loaded = await source({ maxPages: 2 }).load();

    expect(loaded.status).toBe('fresh');
    expect(loaded.accounts.size).toBe(40);
    expect(loaded.accounts.has(pages[2][0])).toBe(false);
    expect(organizationsMock).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
    expect(warn).toHaveBeenCalledWith('organization accounts truncated', expect.objectContaining({ organizationId: ORGANIZATION, pageCount: 2, accountCount: 40 }));
  });

  test('page limit is silent on the last page', async () => {
    listOneAccountPage([account(OWNER, 'management')]);
    const warn = jest.spyOn(logger, 'warn');

    await source({ maxPages: 1 }).load();

    expect(warn).not.toHaveBeenCalled();
  });

  test('hostile account names are cleaned', async () => {
    const longName = `${'a'.repeat(300)}`;
    listOneAccountPage([
      account(OWNER, 'prod\n*URGENT*: run `rm -rf`\r\n<!channel> <https://example.com|click>'),
      account(OUTSIDER, '\u001b[2J\u001b[31mred\u2028line'),
      account(PARTNER, longName),
    ]);

    const loaded = await source().load();
    const names = [...loaded.accounts.values()];

    for (const name of names) {
      // eslint-disable-next-line no-control-regex
      expect(name).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }
    expect(loaded.accounts.get(OWNER)).toBe('prod *URGENT*: run `rm -rf` <!channel> <https://example.com|click>');
    expect(loaded.accounts.get(OUTSIDER)).toBe('[2J [31mred line');
    expect(loaded.accounts.get(PARTNER)).toBe(`${'a'.repeat(MAX_LABEL_LENGTH)}…[${300 - MAX_LABEL_LENGTH} more characters]`);
  });

  test('Slack escaping neutralises a cleaned name', async () => {
    listOneAccountPage([account(OWNER, 'ops <!channel> <https://example.com|click> @here')]);

    const loaded = await source().load();
    const label = withOrganization(parseTrustedList(''), loaded).entries.get(OWNER) ?? '';
    const slackText = escapeSlackText(label);

    expect(slackText).not.toContain('<!channel>');
    expect(slackText).not.toContain('<https://');
    expect(slackText).not.toContain('@here');
  });

  test('returned accounts are a copy', async () => {
    listOneAccountPage([account(OWNER, 'management')]);
    const organization = source();

    const first = await organization.load();
    first.accounts.set(OUTSIDER, 'added by a caller');
    const second = await organization.load();

    expect([...second.accounts.keys()]).toEqual([OWNER]);
  });
});

describe('cleanAccountName', () => {
  test('missing name is empty', () => {
    expect(cleanAccountName(undefined)).toBe('');
  });

  test('only control characters is empty', () => {
    expect(cleanAccountName('\n\t\r')).toBe('');
  });
});

describe('withOrganization', () => {
  const organization: LoadedOrganization = {
    organizationId: ORGANIZATION,
    accounts: new Map([
      [OUTSIDER, 'workloads-prod'],
      [PARTNER, 'workloads-dev'],
      ['222233334444', ''],
    ]),
    status: 'fresh',
  };

  test('adds members and organization id', () => {
    const merged = withOrganization(parseTrustedList(''), organization);

    expect([...merged.entries]).toEqual([
      [OUTSIDER, 'organization member workloads-prod'],
      [PARTNER, 'organization member workloads-dev'],
      ['222233334444', 'organization member'],
      [ORGANIZATION, 'own organization'],
    ]);
  });

  test('never overrides a label on the list', () => {
    const list = labelledTrustedList({ [OUTSIDER]: 'payments team', [ORGANIZATION]: 'our organization' });

    const merged = withOrganization(list, organization);

    expect(merged.entries.get(OUTSIDER)).toBe('payments team');
    expect(merged.entries.get(ORGANIZATION)).toBe('our organization');
    expect(merged.entries.get(PARTNER)).toBe('organization member workloads-dev');
  });

  test('never overrides an entry without label', () => {
    const list = parseTrustedList(`${PARTNER},${ORGANIZATION}`);

    const merged = withOrganization(list, organization);

    expect(merged.entries.has(PARTNER)).toBe(true);
    expect(merged.entries.get(PARTNER)).toBeUndefined();
    expect(merged.entries.get(ORGANIZATION)).toBeUndefined();
  });

  test('leaves the input list unchanged', () => {
    const list = parseTrustedList(`${PARTNER},12345`);

    const merged = withOrganization(list, organization);

    expect([...list.entries.keys()]).toEqual([PARTNER]);
    expect(merged).not.toBe(list);
    expect(merged.errors).toEqual(list.errors);
    expect(merged.errors).not.toBe(list.errors);
    expect(merged.format).toBe('list');
  });

  test('unavailable organization adds nothing', () => {
    const list = parseTrustedList(PARTNER);

    const merged = withOrganization(list, { accounts: new Map(), status: 'unavailable' });

    expect([...merged.entries.keys()]).toEqual([PARTNER]);
  });

  test('label is cleaned and bounded', () => {
    const merged = withOrganization(parseTrustedList(''), { accounts: new Map([[OUTSIDER, `line\nbreak ${'b'.repeat(200)}`]]), status: 'fresh' });
    const label = merged.entries.get(OUTSIDER) ?? '';

    expect(label.startsWith('organization member line break b')).toBe(true);
    expect(label).not.toContain('\n');
    expect(label).toMatch(/…\[\d+ more characters\]$/);
    expect(label.length).toBeLessThanOrEqual(MAX_LABEL_LENGTH + '…[999 more characters]'.length);
  });

  test('member account grant is trusted', () => {
    const evaluation = evaluateFixture('lambda', 'function-shared-with-account', { trustedList: withOrganization(parseTrustedList(''), organization) });

    expect(quietGrantsOf(evaluation)).toEqual([expect.objectContaining({ kind: 'account', accountId: OUTSIDER, trusted: true, label: 'organization member workloads-prod' })]);
  });

  test('organization id grant is trusted', () => {
    const evaluation = evaluateFixture('s3', 'policy-principal-org-id', { trustedList: withOrganization(parseTrustedList(''), organization) });

    expect(quietGrantsOf(evaluation)).toEqual([expect.objectContaining({ kind: 'organization', organizationId: ORGANIZATION, trusted: true, label: 'own organization' })]);
  });

  test('non-member grant still alerts', () => {
    const onlyPartner: LoadedOrganization = { organizationId: ORGANIZATION, accounts: new Map([[PARTNER, 'workloads-dev']]), status: 'fresh' };

    const finding = findingOf(evaluateFixture('lambda', 'function-shared-with-account', { trustedList: withOrganization(parseTrustedList(''), onlyPartner) }));

    expect(finding.grants).toEqual([expect.objectContaining({ kind: 'account', accountId: OUTSIDER, trusted: false })]);
  });
});

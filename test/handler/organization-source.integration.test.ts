/**
 * OrganizationSource against moto_server's Organizations API on 127.0.0.1: an organization with
 * member accounts, and pagination. The failure paths are an account in no organization, a member
 * account that is no administrator, a server that stops after a good read, and a closed port.
 *
 * moto picks the calling account from the `x-moto-account-id` request header, so each client
 * sends the id of the account that it acts as.
 */
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  DescribeOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { parseTrustedList } from '../../lambda/core/trusted-list';
import { logger } from '../../lambda/logger';
import { OrganizationSource, withOrganization } from '../../lambda/organization-source';
import { OUTSIDER, OWNER, PARTNER } from '../support/fixtures';
import { emulatorEnv, freePort, startMoto, type MotoServer } from '../support/moto';

jest.setTimeout(30_000);

/** An account that creates no organization and joins none. */
const NO_ORGANIZATION_ACCOUNT = OUTSIDER;
/** The management account of a second organization, used for pagination. */
const LARGE_ORGANIZATION_MANAGER = PARTNER;
const LARGE_ORGANIZATION_MEMBERS = 45;

let moto: MotoServer;
let savedEnv: NodeJS.ProcessEnv;
const clients: OrganizationsClient[] = [];

/** Counts the requests that a client sent, by operation name. */
type RequestCounter = Map<string, number>;

/** Builds a client that calls moto as `accountId` and, when given, counts its requests. */
function organizationsClient(endpoint: string, accountId: string, counter?: RequestCounter): OrganizationsClient {
  const client = new OrganizationsClient({ endpoint, maxAttempts: 1 });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      request.headers['x-moto-account-id'] = accountId;
      if (counter && context.commandName) {
        counter.set(context.commandName, (counter.get(context.commandName) ?? 0) + 1);
      }
      return next(args);
    },
    { step: 'build', name: 'motoAccountId' },
  );
  clients.push(client);
  return client;
}

async function createAccount(client: OrganizationsClient, name: string): Promise<string> {
  const { CreateAccountStatus } = await client.send(new CreateAccountCommand({ AccountName: name, Email: `${name.replace(/[^a-z0-9]/gi, '-').slice(0, 40)}@example.com` }));
  const accountId = CreateAccountStatus?.AccountId;
  if (!accountId) {
    throw new Error(`the emulator returned no account id for account ${JSON.stringify(name)}`);
  }
  return accountId;
}

/** Creates a clock, in milliseconds, that tests move forward by hand. */
function fakeClock(): { now: () => number; advanceSeconds: (seconds: number) => void } {
  let time = 1_700_000_000_000;
  return { now: () => time, advanceSeconds: (seconds) => (time += seconds * 1000) };
}

let management: OrganizationsClient;
let organizationId: string;
const members: Record<'prod' | 'dev' | 'hostile' | 'closed', string> = { prod: '', dev: '', hostile: '', closed: '' };

beforeAll(async () => {
  savedEnv = { ...process.env };
  moto = await startMoto();
  Object.assign(process.env, emulatorEnv(moto.endpoint));

  management = organizationsClient(moto.endpoint, OWNER);
  const { Organization } = await management.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  organizationId = Organization?.Id ?? '';
  members.prod = await createAccount(management, 'workloads-prod');
  members.dev = await createAccount(management, 'workloads-dev');
  members.hostile = await createAccount(management, 'ops\n<!channel> *urgent*');
  members.closed = await createAccount(management, 'retired');
  await management.send(new CloseAccountCommand({ AccountId: members.closed }));

  const largeManager = organizationsClient(moto.endpoint, LARGE_ORGANIZATION_MANAGER);
  await largeManager.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  for (let index = 0; index < LARGE_ORGANIZATION_MEMBERS; index += 1) {
    await createAccount(largeManager, `member-${index}`);
  }
}, 60_000);

afterAll(async () => {
  for (const client of clients) {
    client.destroy();
  }
  await moto?.stop();
  for (const key of Object.keys(process.env)) {
    if (!(key in savedEnv)) {
      delete process.env[key];
    }
  }
  Object.assign(process.env, savedEnv);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('OrganizationSource against moto', () => {
  test('management account loads members', async () => {
    const source = new OrganizationSource({ maxAgeSeconds: 300, client: organizationsClient(moto.endpoint, OWNER) });

    const loaded = await source.load();

    expect(organizationId).toMatch(/^o-[a-z0-9]{10,32}$/);
    expect(loaded.status).toBe('fresh');
    expect(loaded.organizationId).toBe(organizationId);
    expect(loaded.accounts.get(OWNER)).toBe('master');
    expect(loaded.accounts.get(members.prod)).toBe('workloads-prod');
    expect(loaded.accounts.get(members.dev)).toBe('workloads-dev');
    expect(loaded.accounts.get(members.hostile)).toBe('ops <!channel> *urgent*');
    expect(loaded.accounts.size).toBe(4);
  });

  test('closed account is not trusted', async () => {
    const info = jest.spyOn(logger, 'info');
    const source = new OrganizationSource({ maxAgeSeconds: 300, client: organizationsClient(moto.endpoint, OWNER) });

    const loaded = await source.load();

    expect(loaded.accounts.has(members.closed)).toBe(false);
    expect(info).toHaveBeenCalledWith('organization accounts skipped', { organizationId, inactiveCount: 1, invalidIdCount: 0 });
  });

  test('merged list trusts members', async () => {
    const source = new OrganizationSource({ maxAgeSeconds: 300, client: organizationsClient(moto.endpoint, OWNER) });

    const merged = withOrganization(parseTrustedList(''), await source.load());

    expect(merged.entries.get(members.prod)).toBe('organization member workloads-prod');
    expect(merged.entries.get(organizationId)).toBe('own organization');
    expect(merged.entries.has(members.closed)).toBe(false);
  });

  test('large organization is read in pages', async () => {
    const counter: RequestCounter = new Map();
    const source = new OrganizationSource({ maxAgeSeconds: 300, client: organizationsClient(moto.endpoint, LARGE_ORGANIZATION_MANAGER, counter) });

    const loaded = await source.load();

    expect(loaded.status).toBe('fresh');
    expect(loaded.accounts.size).toBe(LARGE_ORGANIZATION_MEMBERS + 1);
    expect(loaded.accounts.get(LARGE_ORGANIZATION_MANAGER)).toBe('master');
    // 46 accounts at 20 a page.
    expect(counter.get('ListAccountsCommand')).toBe(3);
  });

  test('page limit keeps the first pages', async () => {
    const counter: RequestCounter = new Map();
    const warn = jest.spyOn(logger, 'warn');
    const source = new OrganizationSource({ maxAgeSeconds: 300, maxPages: 2, client: organizationsClient(moto.endpoint, LARGE_ORGANIZATION_MANAGER, counter) });

    const loaded = await source.load();

    expect(loaded.status).toBe('fresh');
    expect(loaded.accounts.size).toBe(40);
    expect(counter.get('ListAccountsCommand')).toBe(2);
    expect(warn).toHaveBeenCalledWith('organization accounts truncated', expect.objectContaining({ pageCount: 2, accountCount: 40 }));
  });

  test('cached organization makes no request', async () => {
    const counter: RequestCounter = new Map();
    const clock = fakeClock();
    const source = new OrganizationSource({ maxAgeSeconds: 300, now: clock.now, client: organizationsClient(moto.endpoint, OWNER, counter) });

    await source.load();
    clock.advanceSeconds(120);
    const cached = await source.load();

    expect(cached.status).toBe('fresh');
    expect(counter.get('DescribeOrganizationCommand')).toBe(1);
    expect(counter.get('ListAccountsCommand')).toBe(1);
  });

  test('account in no organization is unavailable', async () => {
    const error = jest.spyOn(logger, 'error');
    const source = new OrganizationSource({ maxAgeSeconds: 300, client: organizationsClient(moto.endpoint, NO_ORGANIZATION_ACCOUNT) });

    const loaded = await source.load();

    expect(loaded.status).toBe('unavailable');
    expect(loaded.organizationId).toBeUndefined();
    expect(loaded.accounts.size).toBe(0);
    expect(error).toHaveBeenCalledWith('organization could not be read', expect.objectContaining({ errorName: 'AWSOrganizationsNotInUseException' }));
  });

  test('member account is unavailable', async () => {
    // AWS rejects ListAccounts from a member that is no delegated administrator with
    // AccessDeniedException. moto 5.2.1 returns an empty list there instead, which the source
    // also rejects, because every organization lists at least its management account.
    const member = organizationsClient(moto.endpoint, members.prod);
    const { Organization } = await member.send(new DescribeOrganizationCommand({}));
    const error = jest.spyOn(logger, 'error');
    const source = new OrganizationSource({ maxAgeSeconds: 300, client: member });

    const loaded = await source.load();

    expect(Organization?.Id).toBe(organizationId);
    expect(loaded.status).toBe('unavailable');
    expect(error).toHaveBeenCalledWith('organization could not be read', expect.objectContaining({ errorMessage: 'ListAccounts returned no accounts' }));
  });

  test('stopped server keeps the last organization', async () => {
    const ownMoto = await startMoto();
    try {
      const ownManagement = organizationsClient(ownMoto.endpoint, OWNER);
      const { Organization } = await ownManagement.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      const memberId = await createAccount(ownManagement, 'workloads-prod');
      const clock = fakeClock();
      const error = jest.spyOn(logger, 'error');
      const source = new OrganizationSource({ maxAgeSeconds: 60, now: clock.now, client: organizationsClient(ownMoto.endpoint, OWNER) });

      const fresh = await source.load();
      await ownMoto.stop();
      clock.advanceSeconds(61);
      const stale = await source.load();

      expect(fresh.status).toBe('fresh');
      expect(stale.status).toBe('stale');
      expect(stale.organizationId).toBe(Organization?.Id);
      expect([...stale.accounts.keys()].sort()).toEqual([OWNER, memberId].sort());
      expect(error).toHaveBeenCalledTimes(1);
    } finally {
      await ownMoto.stop();
    }
  }, 60_000);

  test('unreachable server is unavailable', async () => {
    const closedEndpoint = `http://127.0.0.1:${await freePort()}`;
    const error = jest.spyOn(logger, 'error');
    const source = new OrganizationSource({ maxAgeSeconds: 300, client: organizationsClient(closedEndpoint, OWNER) });

    const loaded = await source.load();

    expect(loaded.status).toBe('unavailable');
    expect(loaded.accounts.size).toBe(0);
    expect(error).toHaveBeenCalledWith('organization could not be read', expect.objectContaining({ fix: expect.stringContaining('reach Organizations') }));
  });
});

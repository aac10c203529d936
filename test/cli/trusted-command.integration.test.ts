/**
 * `share-sentinel trusted` against a real moto_server on 127.0.0.1: each stored format round-trips
 * through list, add, remove and check, and rejected edits leave the parameter version unchanged.
 */
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { emulatorEnv, freePort, startMoto, type MotoServer } from '../support/moto';
import { runEntryScript, runMain } from './harness';

const OWNER = '111122223333';
const OTHER = '444455556666';
const THIRD = '777788889999';
const ORGANIZATION = 'o-a1b2c3d4e5';
const OU = 'ou-ab12-cdef3456';
const VPC_ENDPOINT = 'vpce-0a1b2c3d4e5f60718';

let moto: MotoServer;
let ssm: SSMClient;
const savedEnv: Record<string, string | undefined> = {};
let parameterCount = 0;

function setEnv(name: string, value: string | undefined): void {
  if (!(name in savedEnv)) {
    savedEnv[name] = process.env[name];
  }
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}

beforeAll(async () => {
  moto = await startMoto();
  for (const [name, value] of Object.entries(emulatorEnv(moto.endpoint))) {
    setEnv(name, value);
  }
  // Either of these would send requests somewhere other than the emulator.
  setEnv('AWS_ENDPOINT_URL_SSM', undefined);
  setEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', undefined);
  ssm = new SSMClient({ maxAttempts: 1 });
  // moto builds its SSM backend on the first SSM request, which can take several seconds, so that
  // request is made here, under this hook's longer timeout.
  await parameterExists('/share-sentinel-test/first-request');
}, 60_000);

afterAll(async () => {
  ssm?.destroy();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
  await moto?.stop();
});

/** Returns a parameter name that no other test uses. */
function newParameterName(): string {
  parameterCount += 1;
  return `/share-sentinel-test/trusted-${parameterCount}`;
}

async function putParameter(name: string, value: string, type: 'String' | 'StringList'): Promise<void> {
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));
}

async function getParameter(name: string): Promise<{ value: string; type: string; version: number }> {
  const { Parameter: parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
  return { value: parameter?.Value ?? '', type: parameter?.Type ?? '', version: parameter?.Version ?? 0 };
}

async function parameterExists(name: string): Promise<boolean> {
  try {
    await getParameter(name);
    return true;
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') {
      return false;
    }
    throw error;
  }
}

describe.each([
  { format: 'StringList', type: 'StringList' as const, value: `${OWNER},${ORGANIZATION}`, labels: false },
  { format: 'comma-separated String', type: 'String' as const, value: `${OWNER}, ${ORGANIZATION}`, labels: false },
  { format: 'JSON with labels', type: 'String' as const, value: JSON.stringify({ [OWNER]: 'Security tooling', [ORGANIZATION]: 'Example organization' }), labels: true },
])('trusted round trip: $format', ({ type, value, labels }) => {
  const name = newParameterName();
  const storedFormat = labels ? 'json' : 'list';

  beforeAll(async () => {
    await putParameter(name, value, type);
  }, 30_000);

  test('list shows ids, type, format and version', async () => {
    const result = await runMain(['trusted', 'list', '--parameter', name]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`${name}: ${type}, ${storedFormat} format, version 1, 2 ids\n`);
    expect(result.stdout).toMatch(new RegExp(`^${OWNER} +account`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^${ORGANIZATION} +organization`, 'm'));
    if (labels) {
      expect(result.stdout).toContain('"Security tooling"');
    }
  });

  test('add writes version 2 with the same type', async () => {
    const args = labels ? ['--label', 'Partner'] : [];
    const result = await runMain(['trusted', 'add', THIRD, '--parameter', name, ...args]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Added ${THIRD} (account`);
    expect(result.stdout).toContain(`before: 2 ids, version 1 (${type}, ${storedFormat} format)`);
    expect(result.stdout).toContain(`after:  3 ids, version 2 (${type}, ${storedFormat} format)`);
    const stored = await getParameter(name);
    expect(stored.version).toBe(2);
    expect(stored.type).toBe(type);
    if (labels) {
      expect(JSON.parse(stored.value)).toEqual({ [OWNER]: 'Security tooling', [ORGANIZATION]: 'Example organization', [THIRD]: 'Partner' });
    } else {
      expect(stored.value).toBe(`${OWNER},${ORGANIZATION},${THIRD}`);
    }
  });

  test('add of a present id changes nothing', async () => {
    const result = await runMain(['trusted', 'add', THIRD, '--parameter', name]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('is already on the list');
    expect(result.stdout).toContain('nothing changed');
    expect((await getParameter(name)).version).toBe(2);
  });

  test('check finds the added id', async () => {
    const result = await runMain(['trusted', 'check', THIRD, '--parameter', name]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`trusted: ${THIRD} (account`);
    if (labels) {
      expect(result.stdout).toContain('label "Partner"');
    }
  });

  test('check of an OU under a listed organization', async () => {
    const result = await runMain(['trusted', 'check', OU, '--parameter', name]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`not trusted: ${OU} is not on the list in ${name} (version 2)\n`);
  });

  test('remove writes version 3 with the same type', async () => {
    const result = await runMain(['trusted', 'remove', OWNER, '--parameter', name]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Removed ${OWNER} (account`);
    expect(result.stdout).toContain('after:  2 ids, version 3');
    const stored = await getParameter(name);
    expect(stored.version).toBe(3);
    expect(stored.type).toBe(type);
    if (labels) {
      expect(JSON.parse(stored.value)).toEqual({ [ORGANIZATION]: 'Example organization', [THIRD]: 'Partner' });
    } else {
      expect(stored.value).toBe(`${ORGANIZATION},${THIRD}`);
    }
  });

  test('remove of an absent id changes nothing', async () => {
    const result = await runMain(['trusted', 'remove', OWNER, '--parameter', name]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${OWNER} is not on the list in ${name} (version 3); nothing changed`);
    expect((await getParameter(name)).version).toBe(3);
  });

  test('check of the removed id', async () => {
    const result = await runMain(['trusted', 'check', OWNER, '--parameter', name]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`not trusted: ${OWNER}`);
  });
});

describe('trusted rejected edits', () => {
  test('invalid id writes nothing', async () => {
    const name = newParameterName();
    await putParameter(name, OWNER, 'StringList');

    const result = await runMain(['trusted', 'add', 'vpce-xyz', '--parameter', name]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid id "vpce-xyz"');
    const stored = await getParameter(name);
    expect(stored.version).toBe(1);
    expect(stored.value).toBe(OWNER);
  });

  test('malformed entry blocks add', async () => {
    const name = newParameterName();
    await putParameter(name, `${OWNER},4444-5555-6666`, 'StringList');

    const result = await runMain(['trusted', 'add', THIRD, '--parameter', name]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"4444-5555-6666": not a valid id');
    const stored = await getParameter(name);
    expect(stored.version).toBe(1);
    expect(stored.value).toBe(`${OWNER},4444-5555-6666`);
  });

  test('invalid JSON blocks remove', async () => {
    const name = newParameterName();
    const value = `{"${OWNER}": "Security tooling", "${OTHER}": }`;
    await putParameter(name, value, 'String');

    const result = await runMain(['trusted', 'remove', OWNER, '--parameter', name]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not valid JSON');
    const stored = await getParameter(name);
    expect(stored.version).toBe(1);
    expect(stored.value).toBe(value);
  });

  test('label on a list needs --json', async () => {
    const name = newParameterName();
    await putParameter(name, OWNER, 'StringList');

    const result = await runMain(['trusted', 'add', OTHER, '--label', 'Partner', '--parameter', name]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('labels need the JSON format');
    expect((await getParameter(name)).version).toBe(1);
  });

  test('last id of a list stays', async () => {
    const name = newParameterName();
    await putParameter(name, OWNER, 'StringList');

    const result = await runMain(['trusted', 'remove', OWNER, '--parameter', name]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SSM cannot store an empty value');
    expect((await getParameter(name)).version).toBe(1);
  });
});

describe('trusted with a missing parameter', () => {
  test('list names the parameter', async () => {
    const name = newParameterName();

    const result = await runMain(['trusted', 'list', '--parameter', name]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `share-sentinel trusted: parameter ${name} not found in region us-east-1: check --parameter and the region (AWS_REGION or the profile), ` +
        'or create the list with "share-sentinel trusted add ID"\n',
    );
  });

  test('remove and check fail', async () => {
    const name = newParameterName();

    const removed = await runMain(['trusted', 'remove', OWNER, '--parameter', name]);
    const checked = await runMain(['trusted', 'check', OWNER, '--parameter', name]);

    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain(`parameter ${name} not found`);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`parameter ${name} not found`);
    expect(await parameterExists(name)).toBe(false);
  });

  test('add creates a StringList', async () => {
    const name = newParameterName();

    const result = await runMain(['trusted', 'add', VPC_ENDPOINT, '--parameter', name]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Created parameter ${name} with ${VPC_ENDPOINT} (vpc-endpoint).`);
    expect(await getParameter(name)).toEqual({ value: VPC_ENDPOINT, type: 'StringList', version: 1 });
  });

  test('add with a label creates JSON', async () => {
    const name = newParameterName();

    const result = await runMain(['trusted', 'add', OWNER, '--label', 'Security tooling', '--parameter', name]);

    expect(result.code).toBe(0);
    const stored = await getParameter(name);
    expect(stored.type).toBe('String');
    expect(JSON.parse(stored.value)).toEqual({ [OWNER]: 'Security tooling' });
  });
});

describe('trusted format conversion', () => {
  test('--json turns a StringList into JSON', async () => {
    const name = newParameterName();
    await putParameter(name, `${OWNER},${OTHER}`, 'StringList');

    const result = await runMain(['trusted', 'add', ORGANIZATION, '--label', 'Example organization', '--json', '--parameter', name]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const stored = await getParameter(name);
    expect(stored.type).toBe('String');
    expect(stored.version).toBe(2);
    expect(JSON.parse(stored.value)).toEqual({ [OWNER]: '', [OTHER]: '', [ORGANIZATION]: 'Example organization' });

    const listed = await runMain(['trusted', 'list', '--parameter', name]);
    expect(listed.stdout).toContain(`${name}: String, json format, version 2, 3 ids\n`);
  });
});

describe('trusted with an unreachable endpoint', () => {
  test('list fails with the endpoint named', async () => {
    const port = await freePort();
    process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
    try {
      const result = await runMain(['trusted', 'list', '--parameter', '/share-sentinel/trusted-accounts']);

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `share-sentinel trusted: could not reach http://127.0.0.1:${port} for reading parameter /share-sentinel/trusted-accounts (ECONNREFUSED): ` +
          'check AWS_ENDPOINT_URL, the region and the network\n',
      );
    } finally {
      process.env.AWS_ENDPOINT_URL = moto.endpoint;
    }
  });
});

describe('share-sentinel binary', () => {
  test('trusted list in a child process', async () => {
    const name = newParameterName();
    await putParameter(name, JSON.stringify({ [OWNER]: 'Security tooling' }), 'String');

    // The child inherits process.env, which points at the emulator.
    const result = runEntryScript(['trusted', 'list', '--parameter', name]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${name}: String, json format, version 1, 1 id\n${OWNER}  account  "Security tooling"\n`);
  }, 60_000);

  test('unreachable endpoint in a child process', async () => {
    const port = await freePort();
    process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
    let result;
    try {
      result = runEntryScript(['trusted', 'check', OWNER]);
    } finally {
      process.env.AWS_ENDPOINT_URL = moto.endpoint;
    }

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `share-sentinel trusted: could not reach http://127.0.0.1:${port} for reading parameter /share-sentinel/trusted-accounts (ECONNREFUSED): ` +
        'check AWS_ENDPOINT_URL, the region and the network\n',
    );
  }, 60_000);

  test('trusted check exit status in a child process', async () => {
    const name = newParameterName();
    await putParameter(name, OWNER, 'StringList');

    const trusted = runEntryScript(['trusted', 'check', OWNER, '--parameter', name]);
    const untrusted = runEntryScript(['trusted', 'check', OTHER, '--parameter', name]);

    expect(trusted.code).toBe(0);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain(`not trusted: ${OTHER}`);
  }, 60_000);
});

/**
 * The trusted-list history reader against a local moto_server: a real parameter written several
 * times, then read back through GetParameterHistory. The client talks to 127.0.0.1 only.
 */
import { DeleteParameterCommand, PutParameterCommand, SSMClient, type ParameterType } from '@aws-sdk/client-ssm';
import { applyTrustedListChange, readTrustedListChange } from '../../lambda/trusted-list-history';
import { DETECTOR, evaluate, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER } from '../support/fixtures';
import { emulatorEnv, startMoto, type MotoServer } from '../support/moto';

jest.setTimeout(30_000);

let moto: MotoServer;
let savedEnv: NodeJS.ProcessEnv;
let ssm: SSMClient;
let nameCounter = 0;

beforeAll(async () => {
  savedEnv = { ...process.env };
  moto = await startMoto();
  Object.assign(process.env, emulatorEnv(moto.endpoint));
  ssm = new SSMClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
}, 60_000);

afterAll(async () => {
  ssm?.destroy();
  await moto?.stop();
  for (const key of Object.keys(process.env)) {
    if (!(key in savedEnv)) {
      delete process.env[key];
    }
  }
  Object.assign(process.env, savedEnv);
});

/** Returns a parameter name no other test uses, in the same hierarchy as the default. */
function uniqueName(): string {
  nameCounter += 1;
  return `/share-sentinel-test/trusted-accounts-${nameCounter}`;
}

/** Writes one version and returns its number as SSM reports it. */
async function put(name: string, value: string, type: ParameterType = 'StringList'): Promise<number> {
  const { Version } = await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: type, Overwrite: true }));
  if (Version === undefined) {
    throw new Error(`the emulator returned no version for ${name}`);
  }
  return Version;
}

describe('readTrustedListChange on moto_server', () => {
  it('diffs each version of a list', async () => {
    const name = uniqueName();
    const first = await put(name, OWNER);
    const second = await put(name, `${OWNER},${OUTSIDER},${PARTNER}`);
    const third = await put(name, `${OWNER},${OUTSIDER}`);

    expect([first, second, third]).toEqual([1, 2, 3]);
    expect(await readTrustedListChange(ssm, name, 1)).toEqual({ toVersion: 1, added: [{ id: OWNER }], removed: [], labelChanged: [] });
    expect(await readTrustedListChange(ssm, name, 2)).toEqual({ fromVersion: 1, toVersion: 2, added: [{ id: OUTSIDER }, { id: PARTNER }], removed: [], labelChanged: [] });
    expect(await readTrustedListChange(ssm, name, 3)).toEqual({ fromVersion: 2, toVersion: 3, added: [], removed: [{ id: PARTNER }], labelChanged: [] });
  });

  it('diffs the JSON form', async () => {
    const name = uniqueName();
    await put(name, JSON.stringify({ [OWNER]: 'payments', [PARTNER]: 'audit vendor' }), 'String');
    await put(name, JSON.stringify({ [OWNER]: 'payments prod', [OUTSIDER]: 'backup vendor' }), 'String');

    expect(await readTrustedListChange(ssm, name, 2)).toEqual({
      fromVersion: 1,
      toVersion: 2,
      added: [{ id: OUTSIDER, label: 'backup vendor' }],
      removed: [{ id: PARTNER, label: 'audit vendor' }],
      labelChanged: [{ id: OWNER, from: 'payments', to: 'payments prod' }],
    });
  });

  it('reads versions beyond the first page', async () => {
    const name = uniqueName();
    for (let index = 0; index < 54; index += 1) {
      await put(name, OWNER);
    }
    const last = await put(name, `${OWNER},${OUTSIDER}`);

    expect(last).toBe(55);
    expect(await readTrustedListChange(ssm, name, 55)).toEqual({ fromVersion: 54, toVersion: 55, added: [{ id: OUTSIDER }], removed: [], labelChanged: [] });
  });

  it('reports a version not written yet', async () => {
    const name = uniqueName();
    await put(name, OWNER);

    expect((await readTrustedListChange(ssm, name, 2)).unreadable).toMatch(/^version 2 is not in the parameter history/);
  });

  it('reports a deleted parameter', async () => {
    const name = uniqueName();
    await put(name, OWNER);
    await put(name, `${OWNER},${OUTSIDER}`);
    await ssm.send(new DeleteParameterCommand({ Name: name }));

    const change = await readTrustedListChange(ssm, name, 2);

    expect(change).toEqual({ toVersion: 2, added: [], removed: [], labelChanged: [], unreadable: 'the parameter no longer exists, so it was deleted after this change' });
  });

  it('enriches the rule finding', async () => {
    const name = DETECTOR.trustedListParameter;
    await put(name, `${OWNER},${PARTNER}`);
    await put(name, `${OWNER},${PARTNER}`);
    await put(name, `${OWNER},${PARTNER}`);
    const version = await put(name, `${OWNER},${OUTSIDER}`);
    const finding = findingOf(evaluate(loadFixture('ssm', 'trusted-list-put-by-user'), { detector: DETECTOR }));

    expect(version).toBe(4);
    const enriched = applyTrustedListChange(finding, await readTrustedListChange(ssm, name, version));
    expect(enriched.severity).toBe('high');
    expect(enriched.trustedListChange).toEqual({ fromVersion: 3, toVersion: 4, added: [{ id: OUTSIDER }], removed: [{ id: PARTNER }] });
    expect(enriched.reasons.slice(1)).toEqual([`entries added in version 4: ${OUTSIDER}`, `entries removed in version 4: ${PARTNER}`]);
  });
});

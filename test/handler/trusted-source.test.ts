/**
 * TrustedListSource's fallbacks, with the SSM provider replaced by a stub that returns the values
 * a real parameter could hold, or fails as SSM does.
 */
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ParameterNotFoundError } from '@aws-lambda-powertools/parameters/errors';
import { TrustedListSource } from '../../lambda/trusted-source';

function providerReturning(...results: (string | Error)[]): SSMProvider {
  let call = 0;
  const get = async (): Promise<string> => {
    const result = results[Math.min(call, results.length - 1)];
    call += 1;
    if (result instanceof Error) {
      throw result;
    }
    return result;
  };
  return { get } as unknown as SSMProvider;
}

describe('TrustedListSource', () => {
  test('fresh list from a StringList value', async () => {
    const source = new TrustedListSource('/trusted', 300, providerReturning('444455556666,o-a1b2c3d4e5'));

    const loaded = await source.load();

    expect(loaded.status).toBe('fresh');
    expect([...loaded.list.entries.keys()]).toEqual(['444455556666', 'o-a1b2c3d4e5']);
  });

  test('invalid JSON keeps the last good list', async () => {
    const source = new TrustedListSource('/trusted', 0, providerReturning('{"444455556666": "partner"}', '{"444455556666": '));

    await source.load();
    const loaded = await source.load();

    expect(loaded.status).toBe('stale');
    expect(loaded.list.entries.get('444455556666')).toBe('partner');
  });

  test('invalid JSON with no earlier list is unavailable', async () => {
    const source = new TrustedListSource('/trusted', 0, providerReturning('{not json'));

    const loaded = await source.load();

    expect(loaded.status).toBe('unavailable');
    expect(loaded.list.entries.size).toBe(0);
  });

  test('missing parameter is unavailable', async () => {
    const source = new TrustedListSource('/trusted', 0, providerReturning(new ParameterNotFoundError('Parameter /trusted not found in the store')));

    const loaded = await source.load();

    expect(loaded.status).toBe('unavailable');
  });

  test('malformed entry is skipped, the rest applies', async () => {
    const source = new TrustedListSource('/trusted', 0, providerReturning('444455556666,12345,vpc-0a1b2c3d'));

    const loaded = await source.load();

    expect(loaded.status).toBe('fresh');
    expect([...loaded.list.entries.keys()]).toEqual(['444455556666', 'vpc-0a1b2c3d']);
    expect(loaded.list.errors.map((error) => error.value)).toEqual(['12345']);
  });
});

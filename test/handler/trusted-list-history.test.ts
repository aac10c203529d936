import { GetParameterHistoryCommand, ParameterNotFound, SSMClient, SSMServiceException, type ParameterHistory } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { NOT_COMPARED_LABEL } from '../../lambda/rules/ssm/trusted-list-change';
import { applyTrustedListChange, readTrustedListChange, type TrustedListChange } from '../../lambda/trusted-list-history';
import { DETECTOR, evaluate, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER } from '../support/fixtures';

const NAME = DETECTOR.trustedListParameter;
const ssmMock = mockClient(SSMClient);
const client = new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

function version(number: number, value: string, extra: Partial<ParameterHistory> = {}): ParameterHistory {
  return { Name: NAME, Type: 'StringList', Value: value, Version: number, LastModifiedUser: `arn:aws:iam::${OWNER}:user/riley.tanaka`, ...extra };
}

function serviceError(name: string, message: string): SSMServiceException {
  return new SSMServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: 400 } });
}

function putFinding(): ReturnType<typeof findingOf> {
  return findingOf(evaluate(loadFixture('ssm', 'trusted-list-put-by-user'), { detector: DETECTOR }));
}

function change(partial: Partial<TrustedListChange>): TrustedListChange {
  return { toVersion: 4, fromVersion: 3, added: [], removed: [], labelChanged: [], ...partial };
}

beforeEach(() => {
  ssmMock.reset();
});

afterAll(() => {
  client.destroy();
});

describe('readTrustedListChange', () => {
  it('compares version with previous', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(3, `${OWNER},${PARTNER}`), version(4, `${OWNER},${OUTSIDER}`)] });

    const result = await readTrustedListChange(client, NAME, 4);

    expect(result).toEqual({ fromVersion: 3, toVersion: 4, added: [{ id: OUTSIDER }], removed: [{ id: PARTNER }], labelChanged: [] });
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterHistoryCommand, { Name: NAME, WithDecryption: false, MaxResults: 50 });
  });

  it('reads every page', async () => {
    const versions = Array.from({ length: 100 }, (_, index) => version(index + 6, index === 99 ? `${OWNER},${OUTSIDER}` : OWNER));
    ssmMock
      .on(GetParameterHistoryCommand, { NextToken: undefined })
      .resolves({ Parameters: versions.slice(0, 50), NextToken: 'page-2' })
      .on(GetParameterHistoryCommand, { NextToken: 'page-2' })
      .resolves({ Parameters: versions.slice(50) });

    const result = await readTrustedListChange(client, NAME, 105);

    expect(result).toEqual({ fromVersion: 104, toVersion: 105, added: [{ id: OUTSIDER }], removed: [], labelChanged: [] });
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterHistoryCommand, 2);
    expect(ssmMock).toHaveReceivedNthCommandWith(2, GetParameterHistoryCommand, { Name: NAME, NextToken: 'page-2' });
  });

  it('finds versions out of order', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(5, OWNER), version(4, `${OWNER},${PARTNER}`), version(3, OWNER)] });

    expect(await readTrustedListChange(client, NAME, 4)).toMatchObject({ fromVersion: 3, added: [{ id: PARTNER }], removed: [] });
  });

  it('counts every entry of version 1 as added', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(1, `${OWNER},${PARTNER}`)] });

    const result = await readTrustedListChange(client, NAME, 1);

    expect(result).toEqual({ toVersion: 1, added: [{ id: OWNER }, { id: PARTNER }], removed: [], labelChanged: [] });
    expect(result.fromVersion).toBeUndefined();
  });

  it('compares the JSON form with labels', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({
      Parameters: [
        version(6, JSON.stringify({ [OWNER]: 'payments', [PARTNER]: 'audit vendor' }), { Type: 'String' }),
        version(7, JSON.stringify({ [OWNER]: 'payments prod', [OUTSIDER]: 'backup vendor' }), { Type: 'String' }),
      ],
    });

    expect(await readTrustedListChange(client, NAME, 7)).toEqual({
      fromVersion: 6,
      toVersion: 7,
      added: [{ id: OUTSIDER, label: 'backup vendor' }],
      removed: [{ id: PARTNER, label: 'audit vendor' }],
      labelChanged: [{ id: OWNER, from: 'payments', to: 'payments prod' }],
    });
  });

  it('compares a list with the JSON form', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({
      Parameters: [version(2, `${OWNER},${PARTNER}`), version(3, JSON.stringify({ [OWNER]: '', [PARTNER]: 'partner' }), { Type: 'String' })],
    });

    expect(await readTrustedListChange(client, NAME, 3)).toEqual({
      fromVersion: 2,
      toVersion: 3,
      added: [],
      removed: [],
      labelChanged: [{ id: PARTNER, to: 'partner' }],
    });
  });

  it('counts skipped entries', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(1, OWNER), version(2, `${OWNER},not-an-account,12345`)] });

    expect(await readTrustedListChange(client, NAME, 2)).toMatchObject({ added: [], removed: [], skippedEntries: 2 });
  });

  it('reports a missing version', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(1, OWNER), version(2, PARTNER)] });

    const result = await readTrustedListChange(client, NAME, 9);

    expect(result.unreadable).toBe('version 9 is not in the parameter history, which keeps the last 100 versions and starts again at 1 when the parameter is recreated');
    expect(result).toMatchObject({ toVersion: 9, added: [], removed: [], labelChanged: [] });
  });

  it('reports a dropped previous version', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(101, OWNER)] });

    expect((await readTrustedListChange(client, NAME, 101)).unreadable).toBe('the version before 101 is no longer in the parameter history');
  });

  it('reports a deleted parameter', async () => {
    ssmMock.on(GetParameterHistoryCommand).rejects(new ParameterNotFound({ message: 'Parameter not found.', $metadata: {} }));

    expect((await readTrustedListChange(client, NAME, 4)).unreadable).toBe('the parameter no longer exists, so it was deleted after this change');
  });

  it('reports access denied', async () => {
    ssmMock.on(GetParameterHistoryCommand).rejects(serviceError('AccessDeniedException', 'User is not authorized to perform: ssm:GetParameterHistory'));

    expect((await readTrustedListChange(client, NAME, 4)).unreadable).toBe(
      'GetParameterHistory was denied: the function role needs ssm:GetParameterHistory on the parameter',
    );
  });

  it('reports other errors on one line', async () => {
    ssmMock.on(GetParameterHistoryCommand).rejects(serviceError('ThrottlingException', 'Rate exceeded\nretry later'));

    expect((await readTrustedListChange(client, NAME, 4)).unreadable).toBe('GetParameterHistory failed: ThrottlingException: Rate exceeded retry later');
  });

  it('bounds a long error message', async () => {
    ssmMock.on(GetParameterHistoryCommand).rejects(new Error('x'.repeat(5000)));

    const reason = (await readTrustedListChange(client, NAME, 4)).unreadable ?? '';

    expect(reason.length).toBeLessThan(400);
    expect(reason).toMatch(/^GetParameterHistory failed: Error: x+…\[\d+ more characters\]$/);
  });

  it('stops on a repeated token', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(1, OWNER)], NextToken: 'same' });

    expect((await readTrustedListChange(client, NAME, 1)).unreadable).toBe('GetParameterHistory failed: Error: GetParameterHistory returned the same NextToken twice');
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterHistoryCommand, 2);
  });

  it('stops after ten pages', async () => {
    let page = 0;
    ssmMock.on(GetParameterHistoryCommand).callsFake(() => {
      page += 1;
      return { Parameters: [], NextToken: `token-${page}` };
    });

    expect((await readTrustedListChange(client, NAME, 1)).unreadable).toBe('GetParameterHistory failed: Error: GetParameterHistory returned more than 10 pages');
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterHistoryCommand, 10);
  });

  it('reports invalid JSON', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(3, OWNER), version(4, `{"${OUTSIDER}": "backup`, { Type: 'String' })] });

    expect((await readTrustedListChange(client, NAME, 4)).unreadable).toMatch(/^version 4 is not a valid trusted list: not valid JSON/);
  });

  it('reports invalid previous JSON', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(3, '{broken', { Type: 'String' }), version(4, OWNER)] });

    expect((await readTrustedListChange(client, NAME, 4)).unreadable).toMatch(/^version 3 is not a valid trusted list/);
  });

  it('reports a SecureString version', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(3, OWNER), version(4, 'AQICAHh4ciphertext', { Type: 'SecureString' })] });

    expect((await readTrustedListChange(client, NAME, 4)).unreadable).toBe('version 4 is a SecureString, which the detector reads as ciphertext');
  });

  it('reports a version without value', async () => {
    ssmMock.on(GetParameterHistoryCommand).resolves({ Parameters: [version(3, OWNER), { Name: NAME, Type: 'StringList', Version: 4 }] });

    expect((await readTrustedListChange(client, NAME, 4)).unreadable).toBe('version 4 has no value in the parameter history');
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('rejects version %p without a call', async (value) => {
    expect((await readTrustedListChange(client, NAME, value)).unreadable).toBe(`version ${value} is not a positive integer`);
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterHistoryCommand, 0);
  });
});

describe('applyTrustedListChange', () => {
  it('keeps high severity for added entries', () => {
    const finding = applyTrustedListChange(putFinding(), change({ added: [{ id: OUTSIDER, label: 'backup vendor' }], removed: [{ id: PARTNER }] }));

    expect(finding.severity).toBe('high');
    expect(finding.trustedListChange).toEqual({ fromVersion: 3, toVersion: 4, added: [{ id: OUTSIDER, label: 'backup vendor' }], removed: [{ id: PARTNER }] });
    expect(finding.reasons).toEqual([
      'a safeguard share-sentinel depends on was lowered: trusted list changed to version 4',
      `entries added in version 4: ${OUTSIDER} (backup vendor)`,
      `entries removed in version 4: ${PARTNER}`,
    ]);
    expect(finding.grants[0]).toMatchObject({ kind: 'guard-lowered', label: '1 added, 1 removed' });
  });

  it('lowers severity for removals only', () => {
    const finding = applyTrustedListChange(putFinding(), change({ removed: [{ id: PARTNER }] }));

    expect(finding.severity).toBe('low');
    expect(finding.reasons).toContain(`entries removed in version 4: ${PARTNER}`);
    expect(finding.grants[0]).toMatchObject({ label: '0 added, 1 removed' });
  });

  it('lowers severity for no change', () => {
    const finding = applyTrustedListChange(putFinding(), change({ labelChanged: [{ id: OWNER, from: 'payments', to: 'payments prod' }] }));

    expect(finding.severity).toBe('low');
    expect(finding.reasons.slice(1)).toEqual([`labels changed in version 4: ${OWNER} from payments to payments prod`, 'no entry was added or removed in version 4']);
  });

  it('names a new parameter for version 1', () => {
    const finding = applyTrustedListChange(putFinding(), { toVersion: 1, added: [{ id: OWNER }], removed: [], labelChanged: [] });

    expect(finding.severity).toBe('high');
    expect(finding.reasons).toContain(`entries added in version 1, a new parameter: ${OWNER}`);
    expect(finding.trustedListChange).toEqual({ toVersion: 1, added: [{ id: OWNER }], removed: [] });
  });

  it('keeps high severity when unreadable', () => {
    const finding = applyTrustedListChange(putFinding(), { toVersion: 4, added: [], removed: [], labelChanged: [], unreadable: 'access\ndenied' });

    expect(finding.severity).toBe('high');
    expect(finding.reasons[1]).toBe('the entries added and removed could not be read: access denied');
    expect(finding.trustedListChange).toEqual({ toVersion: 4, added: [], removed: [], unreadable: 'access denied' });
    expect(finding.grants[0]).toMatchObject({ label: NOT_COMPARED_LABEL });
  });

  it('lists ten ids then the rest', () => {
    const added = Array.from({ length: 13 }, (_, index) => ({ id: `4444555566${String(index).padStart(2, '0')}` }));
    const finding = applyTrustedListChange(putFinding(), change({ added }));

    expect(finding.reasons[1]).toBe(`entries added in version 4: ${added.slice(0, 10).map((item) => item.id).join(', ')} and 3 more`);
    expect(finding.trustedListChange?.added).toHaveLength(13);
  });

  it('bounds ids and labels', () => {
    const finding = applyTrustedListChange(putFinding(), change({ added: [{ id: '4'.repeat(100), label: 'l'.repeat(300) }] }));

    expect(finding.reasons[1]).toBe(`entries added in version 4: ${'4'.repeat(64)}…[36 more characters] (${'l'.repeat(128)}…[172 more characters])`);
    expect(finding.trustedListChange?.added[0].label).toBe(`${'l'.repeat(128)}…[172 more characters]`);
  });

  it('notes skipped entries', () => {
    const finding = applyTrustedListChange(putFinding(), change({ skippedEntries: 2 }));

    expect(finding.reasons).toContain('version 4 has 2 entries that are not valid ids, which the detector skips');
  });

  it('leaves a failed call unchanged', () => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    record.errorCode = 'AccessDenied';
    const failed = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(applyTrustedListChange(failed, change({ added: [{ id: OUTSIDER }] }))).toBe(failed);
  });

  it('leaves the input finding unchanged', () => {
    const original = putFinding();
    const copy = structuredClone(original);

    applyTrustedListChange(original, change({ added: [{ id: OUTSIDER }] }));

    expect(original).toEqual(copy);
  });
});

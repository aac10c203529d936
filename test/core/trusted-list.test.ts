import { emptyTrustedList, formatTrustedList, parseTrustedList, TRUSTED_ID_FORMATS, trustedIdKind } from '../../lambda/core/trusted-list';
import { ORGANIZATION, OUTSIDER, PARTNER } from '../support/fixtures';

describe('parseTrustedList', () => {
  it('reads a StringList value', () => {
    const list = parseTrustedList(`${OUTSIDER},${PARTNER},${ORGANIZATION}`);

    expect([...list.entries]).toEqual([
      [OUTSIDER, undefined],
      [PARTNER, undefined],
      [ORGANIZATION, undefined],
    ]);
    expect(list.format).toBe('list');
    expect(list.errors).toEqual([]);
  });

  it('reads one id per line with comments', () => {
    const list = parseTrustedList(`# partners\n${OUTSIDER}   # data team\r\n\n  ${PARTNER} , vpce-0a1b2c3d4e5f67890\n`);

    expect([...list.entries.keys()]).toEqual([OUTSIDER, PARTNER, 'vpce-0a1b2c3d4e5f67890']);
    expect(list.errors).toEqual([]);
  });

  it('reads a JSON map of labels', () => {
    const list = parseTrustedList(JSON.stringify({ [OUTSIDER]: ' data lake ', [ORGANIZATION]: 'our org', 'ou-ab12-cd34ef56': '', 'vpc-0a1b2c3d': null }));

    expect([...list.entries]).toEqual([
      [OUTSIDER, 'data lake'],
      [ORGANIZATION, 'our org'],
      ['ou-ab12-cd34ef56', undefined],
      ['vpc-0a1b2c3d', undefined],
    ]);
    expect(list.format).toBe('json');
    expect(list.errors).toEqual([]);
  });

  it('skips malformed entries and keeps the rest', () => {
    const list = parseTrustedList(`${OUTSIDER},4444-5555-6666,o-short,${PARTNER}`);

    expect([...list.entries.keys()]).toEqual([OUTSIDER, PARTNER]);
    expect(list.errors).toEqual([
      { value: '4444-5555-6666', reason: `not a valid id; expected one of: ${TRUSTED_ID_FORMATS}` },
      { value: 'o-short', reason: `not a valid id; expected one of: ${TRUSTED_ID_FORMATS}` },
    ]);
  });

  it('skips JSON labels that are not strings', () => {
    const list = parseTrustedList(JSON.stringify({ [OUTSIDER]: { team: 'data' }, [PARTNER]: 'partner' }));

    expect([...list.entries]).toEqual([[PARTNER, 'partner']]);
    expect(list.errors).toEqual([{ value: OUTSIDER, reason: 'the label is not a string' }]);
  });

  it('rejects invalid JSON as a whole', () => {
    const list = parseTrustedList(`{"${OUTSIDER}": "data lake",`);

    expect(list.entries.size).toBe(0);
    expect(list.format).toBe('json');
    expect(list.errors).toHaveLength(1);
    expect(list.errors[0].value).toBe(`{"${OUTSIDER}": "data lake",`);
    expect(list.errors[0].reason).toMatch(/^not valid JSON \(.+\); write \{"111122223333": "label", …\}$/);
  });

  it('bounds long labels and ids in errors', () => {
    const list = parseTrustedList(JSON.stringify({ [OUTSIDER]: 'x'.repeat(500), ['9'.repeat(300)]: 'too long' }));

    expect(list.entries.get(OUTSIDER)).toHaveLength(128 + '…[372 more characters]'.length);
    expect(list.errors[0].value).toBe(`${'9'.repeat(128)}…[172 more characters]`);
  });

  it('reads an empty value as an empty list', () => {
    expect(parseTrustedList('  \n ')).toEqual(emptyTrustedList());
  });
});

describe('trustedIdKind', () => {
  it.each([
    [OUTSIDER, 'account'],
    [ORGANIZATION, 'organization'],
    ['ou-ab12-cd34ef56', 'organizational-unit'],
    ['vpce-0a1b2c3d', 'vpc-endpoint'],
    ['vpce-0a1b2c3d4e5f67890', 'vpc-endpoint'],
    ['vpc-0a1b2c3d', 'vpc'],
    ['vpc-0a1b2c3d4e5f67890', 'vpc'],
    ['vpc-0A1B2C3D', undefined],
    ['vpce-0a1b2c3d4', undefined],
    ['arn:aws:iam::444455556666:root', undefined],
    ['', undefined],
  ])('reads %j as %s', (value, kind) => {
    expect(trustedIdKind(value)).toBe(kind);
  });
});

describe('formatTrustedList', () => {
  it('writes the list form back comma-joined', () => {
    const text = `${OUTSIDER}\n${PARTNER}`;

    expect(formatTrustedList(parseTrustedList(text))).toBe(`${OUTSIDER},${PARTNER}`);
  });

  it('writes the JSON form back with labels', () => {
    const list = parseTrustedList(JSON.stringify({ [OUTSIDER]: 'data lake', [PARTNER]: '' }));

    expect(JSON.parse(formatTrustedList(list))).toEqual({ [OUTSIDER]: 'data lake', [PARTNER]: '' });
    expect(parseTrustedList(formatTrustedList(list))).toEqual(list);
  });
});

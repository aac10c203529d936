/**
 * The scanner's fast path for CloudTrail log files reads only the records whose event name a rule
 * watches. These tests check its contract: for any input, `scanPaths` reports the same findings
 * and the same event count as parsing the whole file and evaluating every record.
 *
 * The cases under "known fast path defects" fail against the current fast path. Each one names
 * an input for which the fast path and the full parse disagree.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeLogFile, everydayRecords, generateCorpus, gzipLogFile, sharingRecords } from '../../bench/corpus';
import { scanLogFileBytes } from '../../bin/cli/log-file-fast-path';
import { scanPaths } from '../../bin/cli/scanner';
import { RULES, ruleMatches } from '../../lambda/catalog';
import { evaluateRecord, type EvaluationOptions } from '../../lambda/core/evaluate';
import { isObject } from '../../lambda/core/read';
import { emptyTrustedList } from '../../lambda/core/trusted-list';
import type { CloudTrailRecord, Finding } from '../../lambda/core/types';
import { removeTemporaryFolders, temporaryFolder } from './harness';
import {
  OWNER,
  PARTNER,
  dbSnapshotShare,
  everydayCall,
  imagePermissionRemoval,
  publicBucketPolicy,
  publicImage,
  snapshotShare,
  snsAddPermission,
} from './records';

const EVALUATION: EvaluationOptions = { trustedList: emptyTrustedList(), alertOnFailedCalls: true };

afterAll(() => {
  removeTemporaryFolders();
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Encodes records as CloudTrail writes a log file: `{"Records":[...]}`, each record compact. */
function compactLogFile(records: readonly CloudTrailRecord[]): Buffer {
  return encodeLogFile(records.map((record) => JSON.stringify(record)));
}

/** Tells whether a rule watches an event name, from any event source. */
function isWatchedName(name: unknown): boolean {
  return typeof name === 'string' && RULES.some((rule) => rule.eventNames.includes(name) || (rule.eventNamePrefixes ?? []).some((prefix) => name.startsWith(prefix)));
}

interface ScanOutcome {
  findings: Finding[];
  events: number;
  errors: string[];
}

let fileCounter = 0;
let scanFolder: string | undefined;

/** Writes one file to a temporary folder and scans it with `scanPaths`, as the scan command does. */
async function scanFile(bytes: Buffer): Promise<ScanOutcome> {
  scanFolder ??= temporaryFolder('share-sentinel-fast-path-');
  fileCounter += 1;
  const file = path.join(scanFolder, `log-${fileCounter}.json`);
  writeFileSync(file, bytes);
  const findings: Finding[] = [];
  const errors: string[] = [];
  const stats = await scanPaths({
    paths: [file],
    evaluation: EVALUATION,
    onFinding: (finding) => findings.push(finding),
    onFileError: (name, reason) => errors.push(`${name}: ${reason}`),
  });
  return { findings, events: stats.events, errors };
}

/** Parses a whole log file and evaluates every record in `Records`: the reference the fast path must match. */
function fullParse(body: Buffer): { findings: Finding[]; events: number } {
  const document = JSON.parse(body.toString('utf8')) as unknown;
  if (!isObject(document) || !Array.isArray(document.Records)) {
    throw new Error('reference parse failed: the document has no Records array');
  }
  const findings: Finding[] = [];
  for (const record of document.Records) {
    if (!isObject(record)) {
      continue;
    }
    const evaluation = evaluateRecord(record, EVALUATION);
    if (evaluation.status === 'finding') {
      findings.push(evaluation.finding);
    }
  }
  return { findings, events: document.Records.length };
}

function idsAndSeverities(findings: readonly Finding[]): { eventId: string; severity: string }[] {
  return findings.map((finding) => ({ eventId: finding.eventId, severity: finding.severity }));
}

/**
 * Tells whether `scanPaths` reads these bytes through the fast path: `scanLogFileBytes` returns a
 * value and every candidate parses alone as an object. Otherwise the scanner parses the whole file.
 */
function takesFastPath(body: Buffer): boolean {
  const scan = scanLogFileBytes(body);
  if (scan === undefined) {
    return false;
  }
  return scan.candidates.every((candidate) => {
    try {
      return isObject(JSON.parse(candidate));
    } catch {
      return false;
    }
  });
}

/** Scans a log file body, optionally gzipped, and expects the findings and event count of the full parse. */
async function expectSameAsFullParse(body: Buffer, gzip = false): Promise<ScanOutcome> {
  const reference = fullParse(body);
  const outcome = await scanFile(gzip ? gzipLogFile(body) : body);
  expect(outcome.errors).toEqual([]);
  expect(idsAndSeverities(outcome.findings)).toEqual(idsAndSeverities(reference.findings));
  expect(outcome.findings).toEqual(reference.findings);
  expect(outcome.events).toBe(reference.events);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Records and variations
// ---------------------------------------------------------------------------------------------

/** Builds a Lambda AddPermission (versioned event name) that lets the partner account invoke a function: a `high` finding. */
function lambdaAddPermission(eventId: string): CloudTrailRecord {
  return {
    ...everydayCall(eventId),
    eventSource: 'lambda.amazonaws.com',
    eventName: 'AddPermission20150331v2',
    readOnly: false,
    requestParameters: {
      functionName: `arn:aws:lambda:eu-west-1:${OWNER}:function:orders-export`,
      statementId: 'partner-invoke',
      action: 'lambda:InvokeFunction',
      principal: PARTNER,
    },
    responseElements: null,
  };
}

function requestObject(record: CloudTrailRecord): Record<string, unknown> {
  return isObject(record.requestParameters) ? record.requestParameters : {};
}

/** Adds members to `requestParameters`, keeping the record's other keys and their order. */
function withRequest(record: CloudTrailRecord, members: Record<string, unknown>): CloudTrailRecord {
  return { ...record, requestParameters: { ...requestObject(record), ...members } };
}

/** A nested object whose first key is `eventVersion`: in compact JSON it reads `{"eventVersion":`, like a record start. */
const FAKE_RECORD_START = { eventVersion: '1.08', note: 'nested object' };

/** A user agent with quotes, backslashes and a trailing backslash, which JSON writes as `\"` and `\\`. */
const ESCAPED_USER_AGENT = 'tool "quoted" C:\\temp\\ \\"eventName\\":\\"PutBucketPolicy\\" \\';

const NON_ASCII_TEXT = 'Zürich – Ærøskøbing 東京 🚀';

/**
 * Changes to a record that make the raw text harder to read, each keeping `eventVersion` as the
 * first key so that the file stays in CloudTrail's layout. The full parse reads the same changed record.
 */
const VARIATIONS = {
  /** `{"eventVersion":` inside requestParameters of a watched record. Other records stay unchanged. */
  fakeStartInWatched: (record: CloudTrailRecord): CloudTrailRecord => (isWatchedName(record.eventName) ? withRequest(record, { filter: FAKE_RECORD_START }) : record),
  /** A nested `"eventName":"PutBucketPolicy"` that is not the record's own name. */
  nestedWatchedName: (record: CloudTrailRecord): CloudTrailRecord => withRequest(record, { lookup: { eventName: 'PutBucketPolicy', eventSource: 's3.amazonaws.com' } }),
  /** Watched names as plain values: in the user agent and a bucket name. */
  watchedNameInValues: (record: CloudTrailRecord): CloudTrailRecord =>
    withRequest({ ...record, userAgent: `[PutBucketPolicy/1.0 AddPermission20150331v2] ${String(record.userAgent)}` }, { bucketName: 'putbucketpolicy-ModifySnapshotAttribute-archive' }),
  escapedCharacters: (record: CloudTrailRecord): CloudTrailRecord => withRequest({ ...record, userAgent: ESCAPED_USER_AGENT }, { path: '\\\\server\\share\\', quote: '"' }),
  nonAscii: (record: CloudTrailRecord): CloudTrailRecord => withRequest({ ...record, userAgent: `${String(record.userAgent)} ${NON_ASCII_TEXT}` }, { description: NON_ASCII_TEXT }),
  /** An event name of more than 128 characters. A Lambda AddPermission stays watched by its prefix. */
  longName: (record: CloudTrailRecord): CloudTrailRecord => ({ ...record, eventName: `${String(record.eventName)}${'X'.repeat(130)}` }),
  /** SNS AddPermission: the name a Lambda rule watches by prefix, under another event source. */
  snsSameName: (record: CloudTrailRecord): CloudTrailRecord => ({ ...record, eventSource: 'sns.amazonaws.com', eventName: 'AddPermission' }),
  /** A string value `"eventName"`, which the fast path cannot tell from a key and leaves to the full parse. */
  nameAsValue: (record: CloudTrailRecord): CloudTrailRecord => withRequest(record, { attribute: 'eventName' }),
};

/** Moves a record's `eventName` value to a key of another case, keeping the key order. */
function renameNameKey(record: CloudTrailRecord, key: string): CloudTrailRecord {
  const renamed: CloudTrailRecord = {};
  for (const [name, value] of Object.entries(record)) {
    renamed[name === 'eventName' ? key : name] = value;
  }
  return renamed;
}

/** Variations for which the current fast path disagrees with the full parse, as "known fast path defects" shows. */
const DEFECT_VARIATIONS = {
  /** `{"eventVersion":` inside requestParameters of any record, watched or not. */
  fakeStartAnywhere: (record: CloudTrailRecord): CloudTrailRecord => withRequest(record, { filter: FAKE_RECORD_START }),
  /** The event name under the key `EventName`, which the full parse reads because it matches keys case-insensitively. */
  capitalisedNameKey: (record: CloudTrailRecord): CloudTrailRecord => renameNameKey(record, 'EventName'),
  /** `eventVersion` as the last key instead of the first. */
  versionLast: (record: CloudTrailRecord): CloudTrailRecord => {
    const { eventVersion, ...rest } = record;
    return { ...rest, eventVersion };
  },
  /** A top-level `Records` key, which extractRecords reads as a log file wrapper. */
  recordsKey: (record: CloudTrailRecord): CloudTrailRecord => ({ ...record, Records: [] }),
};

type VariationName = keyof typeof VARIATIONS;
type DefectVariationName = keyof typeof DEFECT_VARIATIONS;
const ALL_VARIATIONS: Record<VariationName | DefectVariationName, (record: CloudTrailRecord) => CloudTrailRecord> = { ...VARIATIONS, ...DEFECT_VARIATIONS };

// ---------------------------------------------------------------------------------------------
// scanLogFileBytes
// ---------------------------------------------------------------------------------------------

describe('scanLogFileBytes', () => {
  const mixed: CloudTrailRecord[] = [
    everydayCall('e-1', 0),
    snapshotShare('w-1'),
    everydayCall('e-2', 1),
    publicImage('w-2'),
    imagePermissionRemoval('w-3'),
    everydayCall('e-3', 2),
    publicBucketPolicy('w-4'),
    dbSnapshotShare('w-5'),
    snsAddPermission('w-6'),
    lambdaAddPermission('w-7'),
    everydayCall('e-4', 0),
  ];

  it('returns exactly the watched records', () => {
    const scan = scanLogFileBytes(compactLogFile(mixed));

    expect(scan).toBeDefined();
    expect(scan?.records).toBe(mixed.length);
    expect(scan?.candidates).toEqual(mixed.filter((record) => isWatchedName(record.eventName)).map((record) => JSON.stringify(record)));
  });

  it('returns watched generated records', () => {
    const records = [...everydayRecords(11, 200), ...sharingRecords(12, 20), ...everydayRecords(13, 50)];
    const scan = scanLogFileBytes(compactLogFile(records));

    expect(scan?.records).toBe(records.length);
    expect(scan?.candidates).toEqual(records.filter((record) => isWatchedName(record.eventName)).map((record) => JSON.stringify(record)));
  });

  it.each([0, 1, 2, 7, 100])('counts %i records exactly', (count) => {
    const records = [...everydayRecords(21, count)];

    expect(scanLogFileBytes(compactLogFile(records))?.records).toBe(count);
  });

  it.each([
    ['empty array', '{"Records":[]}'],
    ['space inside empty array', '{"Records":[ ]}'],
    ['newline inside empty array', '{"Records":[\n]}\n'],
  ])('reads %s as 0 records', (_case, text) => {
    expect(scanLogFileBytes(Buffer.from(text))).toEqual({ records: 0, candidates: [] });
  });

  it.each([
    ['trailing newline', '', '\n'],
    ['trailing CRLF', '', '\r\n'],
    ['leading and trailing whitespace', ' \t\n', '\n \n'],
  ])('accepts %s', (_case, before, after) => {
    const body = compactLogFile(mixed);
    const scan = scanLogFileBytes(Buffer.concat([Buffer.from(before), body, Buffer.from(after)]));

    expect(scan).toEqual(scanLogFileBytes(body));
  });

  it('reads non-ASCII candidates as UTF-8', () => {
    const record = withRequest({ ...publicBucketPolicy('w-utf8'), userAgent: `aws-cli/2.15.0 ${NON_ASCII_TEXT}` }, { bucketName: 'reports-zürich-🚀' });
    const scan = scanLogFileBytes(compactLogFile([everydayCall('e-1'), record, everydayCall('e-2')]));

    expect(scan?.candidates).toEqual([JSON.stringify(record)]);
  });

  it('rejects pretty-printed file', () => {
    const text = JSON.stringify({ Records: mixed }, null, 2);

    expect(scanLogFileBytes(Buffer.from(text))).toBeUndefined();
  });

  it.each([
    ['everyday value', (text: string) => text.replace('"aws-cli/2.15.0"', '"aws-cli\\u002f2.15.0"')],
    ['watched name', (text: string) => text.replace('"PutBucketPolicy"', '"\\u0050utBucketPolicy"')],
    ['eventName key', (text: string) => text.replace('"eventName":"PutBucketPolicy"', '"\\u0065ventName":"PutBucketPolicy"')],
  ])('rejects \\u escape in %s', (_case, edit) => {
    const text = compactLogFile([everydayCall('e-1'), publicBucketPolicy('w-1')]).toString('utf8');
    const edited = edit(text);

    expect(edited).not.toBe(text);
    expect(scanLogFileBytes(Buffer.from(edited))).toBeUndefined();
  });

  it.each([
    ['space before colon', '"eventName" :"GetObject"'],
    ['space after colon', '"eventName": "GetObject"'],
    ['newline before colon', '"eventName"\n:"GetObject"'],
    ['number value', '"eventName":7'],
    ['null value', '"eventName":null'],
  ])('rejects eventName key with %s', (_case, replacement) => {
    const text = compactLogFile([publicBucketPolicy('w-1'), everydayCall('e-1')]).toString('utf8');
    const edited = text.replace('"eventName":"GetObject"', replacement);

    expect(edited).not.toBe(text);
    expect(scanLogFileBytes(Buffer.from(edited))).toBeUndefined();
  });

  it('rejects string value "eventName"', () => {
    const record = withRequest(everydayCall('e-1'), { attribute: 'eventName' });

    expect(scanLogFileBytes(compactLogFile([publicBucketPolicy('w-1'), record]))).toBeUndefined();
  });

  it.each([
    ['space after Records colon', (text: string) => text.replace('{"Records":[', '{"Records": [')],
    ['lower-case records key', (text: string) => text.replace('{"Records":[', '{"records":[')],
    ['space before first record', (text: string) => text.replace('{"Records":[', '{"Records":[ ')],
    ['userIdentity first', (text: string) => text.replace('{"Records":[{"eventVersion":"1.09",', '{"Records":[{').replace('"eventTime"', '"eventVersion":"1.09","eventTime"')],
    ['bare record array', (text: string) => text.slice('{"Records":'.length, -1)],
    ['byte order mark', (text: string) => `\uFEFF${text}`],
    ['another key after Records', (text: string) => `${text.slice(0, -1)},"next":1}`],
  ])('rejects other layout: %s', (_case, edit) => {
    const text = compactLogFile([publicBucketPolicy('w-1'), everydayCall('e-1')]).toString('utf8');
    const edited = edit(text);

    expect(edited).not.toBe(text);
    expect(JSON.parse(edited.replace(/^\uFEFF/, ''))).toBeDefined();
    expect(scanLogFileBytes(Buffer.from(edited, 'utf8'))).toBeUndefined();
  });

  it.each([
    ['inside a string', (text: string) => text.slice(0, text.indexOf('PutBucketPolicy') + 3)],
    ['after a record', (text: string) => text.slice(0, text.indexOf(',{"eventVersion"'))],
    ['without closing brace', (text: string) => text.slice(0, -1)],
    ['without closing bracket', (text: string) => `${text.slice(0, -2)}}`],
    ['opening only', () => '{"Records":['],
  ])('rejects file truncated %s', (_case, cut) => {
    const text = compactLogFile([publicBucketPolicy('w-1'), everydayCall('e-1')]).toString('utf8');

    expect(scanLogFileBytes(Buffer.from(cut(text)))).toBeUndefined();
  });

  it('rejects truncation not ending in "]}"', () => {
    const text = compactLogFile([publicBucketPolicy('w-1'), snapshotShare('w-2'), everydayCall('e-1')]).toString('utf8');

    for (let length = 0; length < text.length; length++) {
      const cut = text.slice(0, length);
      if (!cut.endsWith(']}')) {
        expect({ length, scan: scanLogFileBytes(Buffer.from(cut)) }).toEqual({ length, scan: undefined });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Adversarial records through scanPaths
// ---------------------------------------------------------------------------------------------

describe('scanPaths fast path', () => {
  const fakeStart = (record: CloudTrailRecord): CloudTrailRecord => withRequest(record, { filter: FAKE_RECORD_START });
  const everyday = (id: string): CloudTrailRecord => everydayCall(id, 1);

  /** Each case: the records of one log file, and whether the scanner must read it through the fast path. */
  const cases: [string, CloudTrailRecord[], boolean][] = [
    ['fake record start in watched record', [everyday('e-1'), fakeStart(publicBucketPolicy('w-1')), everyday('e-2')], false],
    ['nested watched eventName key', [everyday('e-1'), VARIATIONS.nestedWatchedName(everyday('e-2')), snapshotShare('w-1')], true],
    ['nested watched name alone', [VARIATIONS.nestedWatchedName(everyday('e-1'))], true],
    ['watched name in user agent', [VARIATIONS.watchedNameInValues(everyday('e-1')), publicImage('w-1'), VARIATIONS.watchedNameInValues(everydayCall('e-2', 0))], true],
    ['escaped quotes before watched', [VARIATIONS.escapedCharacters(everyday('e-1')), publicBucketPolicy('w-1'), VARIATIONS.escapedCharacters(everyday('e-2'))], true],
    ['escaped quotes in watched', [everyday('e-1'), VARIATIONS.escapedCharacters(publicBucketPolicy('w-1')), everyday('e-2')], true],
    ['watched record first', [publicBucketPolicy('w-1'), everyday('e-1'), everyday('e-2')], true],
    ['watched record last', [everyday('e-1'), everyday('e-2'), dbSnapshotShare('w-1')], true],
    ['watched record alone', [snapshotShare('w-1')], true],
    ['adjacent watched records', [everyday('e-1'), publicImage('w-1'), publicBucketPolicy('w-2'), everyday('e-2')], true],
    ['only watched records', [publicImage('w-1'), publicBucketPolicy('w-2'), snapshotShare('w-3')], true],
    ['long watched name', [everyday('e-1'), VARIATIONS.longName(lambdaAddPermission('w-1')), everyday('e-2')], true],
    ['long everyday name', [VARIATIONS.longName(everyday('e-1')), publicImage('w-1')], true],
    ['long name without watched prefix', [{ ...everyday('e-1'), eventName: 'x'.repeat(300) }, snapshotShare('w-1')], true],
    ['SNS and Lambda AddPermission', [snsAddPermission('q-1'), lambdaAddPermission('w-1'), snsAddPermission('q-2')], true],
    ['failed watched call', [everyday('e-1'), { ...snapshotShare('w-1'), errorCode: 'Client.UnauthorizedOperation', responseElements: null }], true],
    ['string value eventName', [VARIATIONS.nameAsValue(everyday('e-1')), publicBucketPolicy('w-1')], false],
    ['no watched record', [everyday('e-1'), everyday('e-2')], true],
    ['no record', [], true],
  ];

  it.each(cases)('matches full parse: %s', async (_case, records, fast) => {
    const body = compactLogFile(records);

    const outcome = await expectSameAsFullParse(body);
    if (fast) {
      expect(takesFastPath(body)).toBe(true);
    }
    expect(outcome.events).toBe(records.length);
  });

  it.each(cases)('matches full parse gzipped: %s', async (_case, records) => {
    await expectSameAsFullParse(compactLogFile(records), true);
  });

  it('routes AddPermission by event source', async () => {
    const unknownSource = { ...snsAddPermission('q-2'), eventSource: 'example.amazonaws.com' };
    const outcome = await expectSameAsFullParse(compactLogFile([snsAddPermission('q-1'), lambdaAddPermission('w-1'), unknownSource]));
    const ids = outcome.findings.map((finding) => finding.eventId);

    expect(ids).toContain('w-1');
    expect(ids).not.toContain('q-2');
    // The SNS record is flagged only where the catalog has a rule for SNS AddPermission.
    const snsWatched = RULES.some((rule) => ruleMatches(rule, 'sns.amazonaws.com', 'AddPermission'));
    expect(ids.includes('q-1')).toBe(snsWatched);
  });

  it('flags long Lambda event name', async () => {
    const outcome = await expectSameAsFullParse(compactLogFile([everyday('e-1'), VARIATIONS.longName(lambdaAddPermission('w-1'))]));

    expect(outcome.findings.map((finding) => finding.eventId)).toEqual(['w-1']);
  });

  it('keeps non-ASCII text in findings', async () => {
    const userAgent = `aws-cli/2.15.0 ${NON_ASCII_TEXT}`;
    const bucket = `reports-${NON_ASCII_TEXT}`;
    const watched = withRequest({ ...publicBucketPolicy('w-1'), userAgent }, { bucketName: bucket, description: NON_ASCII_TEXT });
    const body = compactLogFile([VARIATIONS.nonAscii(everyday('e-1')), watched, VARIATIONS.nonAscii(everyday('e-2'))]);

    expect(takesFastPath(body)).toBe(true);
    const outcome = await expectSameAsFullParse(body);
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0].actor.userAgent).toBe(userAgent);
    expect(outcome.findings[0].resource.id).toContain(NON_ASCII_TEXT);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated corpora
// ---------------------------------------------------------------------------------------------

interface CorpusCase {
  everydaySeed: number;
  sharingSeed: number;
  everydayCount: number;
  /** Where each sharing record goes, modulo the number of records placed so far. */
  sharingPositions: number[];
  /** The variation for each record by index, or null for none. */
  variations: (string | null)[];
  gzip: boolean;
  leading: string;
  trailing: string;
}

function corpusArbitrary(variationNames: readonly string[]): fc.Arbitrary<CorpusCase> {
  return fc.record({
    everydaySeed: fc.integer({ min: 0, max: 0xffffffff }),
    sharingSeed: fc.integer({ min: 0, max: 0xffffffff }),
    everydayCount: fc.nat({ max: 30 }),
    sharingPositions: fc.array(fc.nat({ max: 1000 }), { maxLength: 6 }),
    variations: fc.array(fc.option(fc.constantFrom(...variationNames), { freq: 3 }), { maxLength: 40 }),
    gzip: fc.boolean(),
    leading: fc.constantFrom('', '', '\n', ' \r\n'),
    trailing: fc.constantFrom('', '\n', '\n', '\r\n  '),
  });
}

function buildCorpusRecords(input: CorpusCase): CloudTrailRecord[] {
  const records = [...everydayRecords(input.everydaySeed, input.everydayCount)];
  const sharing = [...sharingRecords(input.sharingSeed, input.sharingPositions.length)];
  sharing.forEach((record, index) => {
    records.splice(input.sharingPositions[index] % (records.length + 1), 0, record);
  });
  return records.map((record, index) => {
    const name = input.variations[index];
    return name === null || name === undefined ? record : ALL_VARIATIONS[name as VariationName | DefectVariationName](record);
  });
}

function buildCorpusBody(input: CorpusCase): { records: CloudTrailRecord[]; body: Buffer } {
  const records = buildCorpusRecords(input);
  const body = Buffer.concat([Buffer.from(input.leading), compactLogFile(records), Buffer.from(input.trailing)]);
  return { records, body };
}

interface PropertyRuns {
  runs: number;
  /** Runs whose file the scanner read through the fast path. */
  fastRuns: number;
  /** Fast path runs with at least one finding. */
  fastRunsWithFindings: number;
}

/** Runs the property over generated log files and counts how many runs the fast path read. */
async function checkGeneratedCorpora(variationNames: readonly string[]): Promise<PropertyRuns> {
  const counts: PropertyRuns = { runs: 0, fastRuns: 0, fastRunsWithFindings: 0 };
  await fc.assert(
    fc.asyncProperty(corpusArbitrary(variationNames), async (input) => {
      const { records, body } = buildCorpusBody(input);
      const fast = takesFastPath(body);

      const reference = fullParse(body);
      const outcome = await scanFile(input.gzip ? gzipLogFile(body) : body);
      counts.runs += 1;
      if (fast) {
        counts.fastRuns += 1;
      }
      if (fast && reference.findings.length > 0) {
        counts.fastRunsWithFindings += 1;
      }

      expect(outcome.errors).toEqual([]);
      expect(idsAndSeverities(outcome.findings)).toEqual(idsAndSeverities(reference.findings));
      expect(outcome.events).toBe(reference.events);
      expect(outcome.events).toBe(records.length);
    }),
    { numRuns: 100 },
  );
  return counts;
}

describe('fast path on generated corpora', () => {
  it('matches full parse with variations', async () => {
    const counts = await checkGeneratedCorpora(Object.keys(VARIATIONS));

    // A property that always fell back to the full parse would prove nothing about the fast path.
    expect(counts.runs).toBe(100);
    expect(counts.fastRuns).toBeGreaterThan(counts.runs / 4);
    expect(counts.fastRunsWithFindings).toBeGreaterThan(counts.runs / 10);
  }, 60_000);

  it('reads unmodified corpus through fast path', async () => {
    const out = path.join(temporaryFolder('share-sentinel-fast-path-corpus-'), 'corpus');
    const summary = await generateCorpus({ out, sizeBytes: 512 * 1024, seed: 31, sharingRate: 0.02, recordsPerFile: 150 });
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json.gz'))
      .sort()
      .map((name) => path.join(out, name));

    expect(files.length).toBe(summary.files);
    let records = 0;
    let candidates = 0;
    const referenceFindings: Finding[] = [];
    for (const file of files) {
      const body = gunzipSync(readFileSync(file));
      const scan = scanLogFileBytes(body);
      expect({ file, fast: takesFastPath(body) }).toEqual({ file, fast: true });
      records += scan?.records ?? 0;
      candidates += scan?.candidates.length ?? 0;
      referenceFindings.push(...fullParse(body).findings);
    }
    expect(records).toBe(summary.records);
    expect(candidates).toBeGreaterThanOrEqual(summary.sharingRecords);

    const found: Finding[] = [];
    const errors: string[] = [];
    const stats = await scanPaths({
      paths: [out],
      evaluation: EVALUATION,
      onFinding: (finding) => found.push(finding),
      onFileError: (name, reason) => errors.push(`${name}: ${reason}`),
    });
    expect(errors).toEqual([]);
    expect(stats.events).toBe(summary.records);
    const byId = (a: Finding, b: Finding): number => a.eventId.localeCompare(b.eventId);
    expect(idsAndSeverities([...found].sort(byId))).toEqual(idsAndSeverities([...referenceFindings].sort(byId)));
    // The corpus's ground truth covers its sharing calls only. Everyday calls that newer rules
    // watch may raise further findings, which the comparison with the full parse already checks.
    const expectedIds = (summary.truth ?? []).filter((entry) => entry.expected === 'finding').map((entry) => entry.eventID);
    expect(expectedIds.length).toBeGreaterThan(0);
    expect(found.map((finding) => finding.eventId)).toEqual(expect.arrayContaining(expectedIds));
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Limits: crafted nested content can add to the record count or add a finding, never lose one
// ---------------------------------------------------------------------------------------------

/** Asserts that every finding of the full parse is also reported; the fast path may report more. */
async function expectNoMissedFinding(body: Buffer): Promise<ScanOutcome> {
  const reference = fullParse(body);
  const outcome = await scanFile(body);
  const reported = new Set(outcome.findings.map((finding) => `${finding.eventId} ${finding.severity}`));
  for (const finding of reference.findings) {
    expect(reported).toContain(`${finding.eventId} ${finding.severity}`);
  }
  return outcome;
}

describe('fast path limits', () => {
  const fakeStart = (record: CloudTrailRecord): CloudTrailRecord => withRequest(record, { filter: FAKE_RECORD_START });
  const everyday = (id: string): CloudTrailRecord => everydayCall(id, 1);

  it.each([
    ['before watched record', [fakeStart(everyday('e-1')), publicBucketPolicy('w-1')]],
    ['after watched record', [publicBucketPolicy('w-1'), fakeStart(everyday('e-1'))]],
    ['without watched record', [fakeStart(everyday('e-1'))]],
  ])('fake record start %s misses nothing', async (_case, records) => {
    const outcome = await expectNoMissedFinding(compactLogFile(records));

    // The nested `{"eventVersion":` may be counted as one more record; in the last record it sends
    // the file to the full parse, which counts exactly.
    expect(outcome.events).toBeGreaterThanOrEqual(records.length);
    expect(outcome.events).toBeLessThanOrEqual(records.length + 1);
  });

  it.each([
    ['EventName', 'EventName'],
    ['eventname', 'eventname'],
    ['EVENTNAME', 'EVENTNAME'],
  ])('name under key %s is not routed', async (_case, key) => {
    const records = [everyday('e-1'), renameNameKey(publicBucketPolicy('w-1'), key), everyday('e-2')];

    // CloudTrail spells the key eventName; routing reads that exact key, in both paths.
    expect(fullParse(compactLogFile(records)).findings).toEqual([]);
    await expectSameAsFullParse(compactLogFile(records));
  });

  it.each([
    ['Records', { Records: [] }],
    ['Events', { Events: [] }],
    ['CloudTrailEvent', { CloudTrailEvent: 'not a record' }],
    ['detail and detail-type', { 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: 'GetObject' } }],
  ])('finds record with %s key', async (_case, members) => {
    // A record inside the Records array is evaluated as a record, even with keys that look like a wrapper.
    const records = [everyday('e-1'), { ...publicBucketPolicy('w-1'), ...members }, everyday('e-2')];

    expect(fullParse(compactLogFile(records)).findings.map((finding) => finding.eventId)).toEqual(['w-1']);
    await expectSameAsFullParse(compactLogFile(records));
  });

  it('record without leading eventVersion misses nothing', async () => {
    await expectNoMissedFinding(compactLogFile([everyday('e-1'), DEFECT_VARIATIONS.versionLast(everyday('e-2')), publicImage('w-1')]));
  });

  it('nested complete record adds a finding', async () => {
    // An everyday call whose request contains an array of objects that each start like a record.
    // The first is a complete public bucket policy call with its own event id.
    const nested = [publicBucketPolicy('nested-1'), FAKE_RECORD_START];
    const records = [withRequest(everyday('e-1'), { items: nested }), everyday('e-2')];

    const outcome = await expectNoMissedFinding(compactLogFile(records));

    expect(outcome.findings.map((finding) => finding.eventId)).toEqual(['nested-1']);
  });

  it('duplicate Records key misses nothing', async () => {
    const first = compactLogFile([everyday('e-1')]).toString('utf8');
    const second = compactLogFile([publicBucketPolicy('w-1')]).toString('utf8');
    const text = `${first.slice(0, -1)},${second.slice(1)}`;

    expect(text).toMatch(/^\{"Records":\[.*\],"Records":\[.*\]\}$/);
    await expectNoMissedFinding(Buffer.from(text));
  });

  it('rejects file cut after a nested array', async () => {
    // The last record ends its request with an array, so a cut just after that array ends in `]}`.
    const last = withRequest(everyday('e-2'), { instanceIds: ['i-0123456789abcdef0', 'i-0fedcba9876543210'] });
    const text = compactLogFile([publicBucketPolicy('w-1'), everyday('e-1'), last]).toString('utf8');
    const invalid = text.slice(0, text.indexOf(']}', text.indexOf('"e-2"')) + 2);

    expect(invalid.endsWith(']}')).toBe(true);
    expect(() => JSON.parse(invalid) as unknown).toThrow(SyntaxError);
    expect(scanLogFileBytes(Buffer.from(invalid))).toBeUndefined();
    const outcome = await scanFile(Buffer.from(invalid));
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.events).toBe(0);
    expect(outcome.findings).toEqual([]);
  });

  it('corrupt unwatched record misses nothing', async () => {
    // Records the fast path does not parse are not validated: the watched record is still reported.
    const text = compactLogFile([publicBucketPolicy('w-1'), everyday('e-1'), everyday('e-2')]).toString('utf8').replace('"readOnly":true', '"readOnly":tru');

    const outcome = await scanFile(Buffer.from(text));

    expect(outcome.findings.map((finding) => finding.eventId)).toEqual(['w-1']);
  });

  it('misses nothing with every variation', async () => {
    await fc.assert(
      fc.asyncProperty(corpusArbitrary(Object.keys(ALL_VARIATIONS)), async (input) => {
        const { body } = buildCorpusBody(input);
        await expectNoMissedFinding(body);
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

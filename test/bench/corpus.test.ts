import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { findRule } from '../../lambda/catalog';
import { evaluateRecord } from '../../lambda/core/evaluate';
import { emptyTrustedList } from '../../lambda/core/trusted-list';
import type { CloudTrailRecord } from '../../lambda/core/types';
import {
  CorpusOptionError,
  EXTERNAL_ACCOUNT_IDS,
  OWNER_ACCOUNT_ID,
  RecordFactory,
  SHARING_SCENARIO_OUTCOMES,
  everydayRecords,
  generateCorpus,
  parseCorpusArguments,
  parseSize,
  sharingCalls,
  sharingRecords,
  type CorpusOptions,
  type CorpusSummary,
  type SharingScenarioName,
  type TruthEntry,
} from '../../bench/corpus';
import { SAMPLE_PLAN, SAMPLES_DIRECTORY, buildSampleFiles } from '../../bench/make-samples';

const REPOSITORY = join(__dirname, '..', '..');
const LOG_FILE_PATH = /^AWSLogs\/111122223333\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/111122223333_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;
const KIB = 1024;

const temporaryDirectories: string[] = [];

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'share-sentinel-corpus-'));
  temporaryDirectories.push(directory);
  return directory;
}

afterAll(() => {
  for (const directory of temporaryDirectories) {
    rmSync(directory, { recursive: true, force: true });
  }
});

/** Lists every file below `directory`, as paths relative to it, sorted. */
function listFiles(directory: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else {
        found.push(relative(directory, path).split('\\').join('/'));
      }
    }
  };
  walk(directory);
  return found.sort();
}

function readLogFile(path: string): { text: string; records: CloudTrailRecord[] } {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const parsed = JSON.parse(text) as { Records: CloudTrailRecord[] };
  return { text, records: parsed.Records };
}

function isFinding(record: CloudTrailRecord): boolean {
  return evaluateRecord(record, { trustedList: emptyTrustedList() }).status === 'finding';
}

describe('generateCorpus', () => {
  const options: Omit<CorpusOptions, 'out'> = { sizeBytes: 2 * KIB * KIB, seed: 7, sharingRate: 0.02, recordsPerFile: 200 };
  let directory: string;
  let summary: CorpusSummary;
  let files: string[];

  beforeAll(async () => {
    directory = temporaryDirectory();
    summary = await generateCorpus({ ...options, out: directory });
    files = listFiles(directory);
  });

  test('same seed gives same bytes', async () => {
    const again = temporaryDirectory();
    const second = await generateCorpus({ ...options, out: again });

    expect(listFiles(again)).toEqual(files);
    for (const file of files) {
      expect(readFileSync(join(again, file)).equals(readFileSync(join(directory, file)))).toBe(true);
    }
    expect(second).toEqual(summary);
  });

  test('other seed gives other files', async () => {
    const other = temporaryDirectory();
    await generateCorpus({ ...options, seed: 8, out: other });

    const shared = listFiles(other).filter((file) => files.includes(file));
    expect(shared).toEqual([]);
  });

  test('files follow the CloudTrail S3 layout', () => {
    expect(files.length).toBe(summary.files);
    for (const file of files) {
      const match = LOG_FILE_PATH.exec(file);
      expect(match).not.toBeNull();
      const [, folderRegion, year, month, day, nameRegion, nameYear, nameMonth, nameDay] = match ?? [];
      expect(nameRegion).toBe(folderRegion);
      expect(`${nameYear}/${nameMonth}/${nameDay}`).toBe(`${year}/${month}/${day}`);
    }
  });

  test('files gunzip to compact Records arrays', () => {
    let records = 0;
    let bytes = 0;
    const counts: number[] = [];
    for (const file of files) {
      const { text, records: fileRecords } = readLogFile(join(directory, file));
      expect(text.startsWith('{"Records":[{"eventVersion":"1.0')).toBe(true);
      expect(text).not.toContain('\n');
      expect(Object.keys(JSON.parse(text) as object)).toEqual(['Records']);
      const region = LOG_FILE_PATH.exec(file)?.[1];
      for (const record of fileRecords) {
        expect(record.awsRegion).toBe(region);
        expect(record.recipientAccountId).toBe(OWNER_ACCOUNT_ID);
      }
      counts.push(fileRecords.length);
      records += fileRecords.length;
      bytes += Buffer.byteLength(text);
    }

    expect(records).toBe(summary.records);
    expect(bytes).toBe(summary.bytes);
    expect(summary.bytes).toBeGreaterThanOrEqual(options.sizeBytes ?? 0);
    expect(summary.bytes).toBeLessThan((options.sizeBytes ?? 0) + 16 * KIB);
    // Every file but the last written, which stops at the size, contains 90 % to 110 % of records-per-file.
    expect(counts.filter((count) => count < 180).length).toBeLessThanOrEqual(1);
    for (const count of counts) {
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(220);
    }
  });

  test('records carry the standard fields', () => {
    const { records } = readLogFile(join(directory, files[0]));
    for (const record of records) {
      for (const key of ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'requestParameters', 'responseElements', 'requestID', 'eventID', 'readOnly', 'eventType', 'managementEvent', 'eventCategory']) {
        expect(record).toHaveProperty([key]);
      }
      expect(['1.08', '1.09']).toContain(record.eventVersion);
      expect(record.eventTime).toMatch(/^2024-05-0\dT\d{2}:\d{2}:\d{2}Z$/);
      expect(record.eventID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(record.sourceIPAddress).toMatch(/^(192\.0\.2\.\d+|198\.51\.100\.\d+|[a-z0-9.-]+\.amazonaws\.com|AWS Internal)$/);
    }
  });

  test('sharing rate is close to the requested rate', () => {
    const rate = summary.sharingRecords / summary.records;

    expect(summary.sharingRecords).toBeGreaterThan(0);
    expect(rate).toBeGreaterThan(0.02 * 0.8);
    expect(rate).toBeLessThan(0.02 * 1.2);
  });

  test('truth lists exactly the watched records', () => {
    const watched = new Map<string, CloudTrailRecord>();
    for (const file of files) {
      for (const record of readLogFile(join(directory, file)).records) {
        if (findRule(record) !== undefined) {
          watched.set(String(record.eventID), record);
        }
      }
    }
    const truth = summary.truth ?? [];

    expect(truth.length).toBe(summary.sharingRecords);
    expect(new Set(truth.map((entry) => entry.eventID))).toEqual(new Set(watched.keys()));
    for (const entry of truth) {
      const record = watched.get(entry.eventID);
      expect(record?.eventName).toBe(entry.eventName);
      expect(record?.eventSource).toBe(entry.eventSource);
      expect(files).toContain(entry.file);
    }
  });

  test('truth outcomes match the evaluator', () => {
    const byId = new Map<string, CloudTrailRecord>();
    for (const file of files) {
      for (const record of readLogFile(join(directory, file)).records) {
        byId.set(String(record.eventID), record);
      }
    }

    for (const entry of summary.truth ?? []) {
      const record = byId.get(entry.eventID);
      expect(record).toBeDefined();
      expect({ scenario: entry.scenario, finding: isFinding(record ?? {}) }).toEqual({ scenario: entry.scenario, finding: entry.expected === 'finding' });
    }
  });

  test('truth file contains JSON Lines', async () => {
    const out = temporaryDirectory();
    const truthPath = join(temporaryDirectory(), 'truth.jsonl');
    const written = await generateCorpus({ ...options, out, truthPath });
    const lines = readFileSync(truthPath, 'utf8').trimEnd().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as TruthEntry);

    expect(written.truth).toBeUndefined();
    expect(entries).toEqual(summary.truth);
  });

  test('zero sharing rate writes no sharing calls', async () => {
    const result = await generateCorpus({ out: temporaryDirectory(), sizeBytes: 256 * KIB, sharingRate: 0 });

    expect(result.sharingRecords).toBe(0);
    expect(result.truth).toEqual([]);
  });

  test('tiny size writes one file', async () => {
    const result = await generateCorpus({ out: temporaryDirectory(), sizeBytes: 1 });

    expect(result.files).toBe(1);
    expect(result.records).toBe(1);
  });
});

describe('corpus options', () => {
  test.each([
    ['sizeBytes', { sizeBytes: 0 }, /invalid size 0/],
    ['sizeBytes', { sizeBytes: 1.5 }, /invalid size 1\.5/],
    ['seed', { seed: -1 }, /invalid seed -1/],
    ['seed', { seed: 2 ** 32 }, /invalid seed 4294967296/],
    ['sharingRate', { sharingRate: 1.5 }, /invalid sharing rate 1\.5: expected a number from 0 to 1/],
    ['sharingRate', { sharingRate: Number.NaN }, /invalid sharing rate NaN/],
    ['recordsPerFile', { recordsPerFile: 0 }, /invalid records per file 0/],
    ['recordsPerFile', { recordsPerFile: 12.5 }, /invalid records per file 12\.5/],
  ])('invalid %s raises an error naming it', async (_name, bad, message) => {
    const out = join(temporaryDirectory(), 'corpus');
    const attempt = generateCorpus({ out, ...bad });

    await expect(attempt).rejects.toThrow(CorpusOptionError);
    await expect(generateCorpus({ out, ...bad })).rejects.toThrow(message);
    expect(existsSync(out)).toBe(false);
  });

  test('non-empty output directory is rejected', async () => {
    const out = temporaryDirectory();
    writeFileSync(join(out, 'old.json.gz'), '');

    await expect(generateCorpus({ out, sizeBytes: KIB })).rejects.toThrow(`output directory ${out} is not empty`);
  });

  test('missing output directory is rejected', async () => {
    await expect(generateCorpus({ out: '' })).rejects.toThrow(/missing output directory/);
  });

  test.each([
    ['200MB', 200 * 1024 ** 2],
    ['512KB', 512 * 1024],
    ['1GB', 1024 ** 3],
    ['1.5gb', 1.5 * 1024 ** 3],
    ['4096', 4096],
    ['2 MiB', 2 * 1024 ** 2],
  ])('parseSize reads %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each(['12XB', 'MB', '-5MB', '0', '', '1e3MB'])('parseSize rejects %j', (text) => {
    expect(() => parseSize(text)).toThrow(`invalid --size '${text}'`);
  });

  test('arguments parse to options', () => {
    const options = parseCorpusArguments(['--out', 'corpus', '--size=200MB', '--seed', '9', '--sharing-rate', '0.01', '--records-per-file', '500', '--truth', 'truth.jsonl']);

    expect(options).toEqual({ out: 'corpus', sizeBytes: 200 * 1024 ** 2, seed: 9, sharingRate: 0.01, recordsPerFile: 500, truthPath: 'truth.jsonl' });
  });

  test('help returns no options', () => {
    expect(parseCorpusArguments(['--out', 'x', '--help'])).toBeUndefined();
  });

  test.each([
    [['--size', '1GB'], /missing --out DIR/],
    [['--out'], /missing value for --out/],
    [['--out', 'x', '--seed', 'abc'], /invalid --seed 'abc': expected a whole number/],
    [['--out', 'x', '--sharing-rate', 'often'], /invalid --sharing-rate 'often'/],
    [['--out', 'x', '--records-per-file', '10.5'], /invalid --records-per-file '10\.5'/],
    [['--out', 'x', '--size', '10 parsecs'], /invalid --size '10 parsecs'/],
    [['--out', 'x', '--verbose'], /unknown option '--verbose'/],
  ])('arguments %j are rejected', (argv, message) => {
    expect(() => parseCorpusArguments(argv)).toThrow(message);
  });
});

describe('corpus script', () => {
  const run = promisify(execFile);
  const tsx = join(REPOSITORY, 'node_modules', '.bin', 'tsx');
  const script = join(REPOSITORY, 'bench', 'corpus.ts');

  test('writes a corpus and its truth file', async () => {
    const out = join(temporaryDirectory(), 'corpus');
    const truth = join(temporaryDirectory(), 'truth.jsonl');
    const { stdout } = await run(tsx, [script, '--out', out, '--size', '64KB', '--sharing-rate', '0.05', '--truth', truth]);

    expect(stdout).toMatch(/^wrote \d+ files to .*: \d+ records, \d+ sharing calls, 0\.1 MB uncompressed/);
    expect(listFiles(out).length).toBeGreaterThan(0);
    expect(readFileSync(truth, 'utf8')).toMatch(/"eventID":/);
  }, 30000);

  test('bad size exits 2 naming the value', async () => {
    const attempt = run(tsx, [script, '--out', join(temporaryDirectory(), 'corpus'), '--size', '12XB']);

    await expect(attempt).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("error: invalid --size '12XB'") });
  }, 30000);
});

describe('record generators', () => {
  test('everyday records cover many calls', () => {
    const records = [...everydayRecords(11, 20000)];
    const names = new Set(records.map((record) => `${String(record.eventSource)} ${String(record.eventName)}`));

    expect(names.size).toBeGreaterThanOrEqual(40);
    expect(names).toContain('sns.amazonaws.com RemovePermission');
    expect(names).toContain('sqs.amazonaws.com RemovePermission');
    expect(names).toContain('lambda.amazonaws.com RemovePermission20150331v2');
    expect(new Set(records.map((record) => (record.userIdentity as { type: string }).type)).size).toBeGreaterThanOrEqual(4);
  });

  test('everyday records match no rule', () => {
    const watched = [...everydayRecords(12, 20000, 'eu-west-1')].filter((record) => findRule(record) !== undefined);

    expect(watched).toEqual([]);
  });

  test('global services stay in us-east-1', () => {
    const regional = [...everydayRecords(13, 20000, 'ap-northeast-1')].filter((record) => record.eventSource === 'iam.amazonaws.com' || record.eventSource === 'signin.amazonaws.com');

    expect(regional).toEqual([]);
  });

  test('generators are deterministic', () => {
    expect([...everydayRecords(14, 50)]).toEqual([...everydayRecords(14, 50)]);
    expect([...sharingRecords(14, 50)]).toEqual([...sharingRecords(14, 50)]);
    expect([...sharingRecords(15, 5)]).not.toEqual([...sharingRecords(14, 5)]);
  });

  test('sharing calls cover every scenario', () => {
    const seen = new Set([...sharingCalls(16, 5000)].map((call) => call.scenario));

    expect([...seen].sort()).toEqual(Object.keys(SHARING_SCENARIO_OUTCOMES).sort());
  });

  test('sharing calls match a rule and their outcome', () => {
    const mismatches: string[] = [];
    let failed = 0;
    for (const call of sharingCalls(17, 3000)) {
      expect(findRule(call.record)).toBeDefined();
      if (call.record.errorCode !== undefined) {
        failed += 1;
      }
      if (isFinding(call.record) !== (call.expected === 'finding')) {
        mismatches.push(`${call.scenario} ${String(call.record.eventID)}`);
      }
    }

    expect(mismatches).toEqual([]);
    expect(failed).toBeGreaterThan(0);
  });

  test('failed form of unfailing scenario is rejected', () => {
    const factory = new RecordFactory(19);

    expect(() => factory.sharing('us-east-1', 0, 'ec2-image-description', { failed: true })).toThrow(/sharing scenario ec2-image-description, which has no failed form/);
  });

  test('requested failure sets the error code', () => {
    const factory = new RecordFactory(20);
    const call = factory.sharing('us-east-1', 0, 'ec2-snapshot-public', { failed: true });

    expect(call.record.errorCode).toBe('Client.UnauthorizedOperation');
    expect(call.record.responseElements).toBeNull();
    expect(call.record.requestParameters).toMatchObject({ createVolumePermission: { add: { items: [{ group: 'all' }] } } });
  });

  test('sharing calls reach external accounts', () => {
    const text = JSON.stringify([...sharingRecords(18, 500)]);

    for (const account of EXTERNAL_ACCOUNT_IDS) {
      expect(text).toContain(account);
    }
  });
});

describe('samples', () => {
  const built = buildSampleFiles();

  test('files on disk match make-samples', () => {
    const onDisk = listFiles(join(SAMPLES_DIRECTORY, 'AWSLogs')).map((file) => `AWSLogs/${file}`);

    expect(onDisk).toEqual(built.map((file) => file.key).sort());
    for (const file of built) {
      // Compares the JSON, not the gzip bytes, which depend on the zlib build.
      const { text } = readLogFile(join(SAMPLES_DIRECTORY, file.key));
      expect(text).toBe(gunzipSync(file.gzip).toString('utf8'));
    }
  });

  test('make-samples output is byte-identical', () => {
    const again = buildSampleFiles();

    expect(again.map((file) => file.key)).toEqual(built.map((file) => file.key));
    for (const [index, file] of again.entries()) {
      expect(file.gzip.equals(built[index].gzip)).toBe(true);
      expect(file.gzip.readUInt32LE(4)).toBe(0);
    }
  });

  test('sample files contain a few hundred records', () => {
    for (const file of built) {
      expect(file.records.length).toBeGreaterThanOrEqual(200);
      expect(file.records.length).toBeLessThanOrEqual(400);
      expect(file.key).toMatch(LOG_FILE_PATH);
    }
  });

  test('sample sharing calls evaluate as planned', () => {
    const planned = SAMPLE_PLAN.flatMap((plan) => plan.sharing.map((call) => call.scenario));
    const calls = built.flatMap((file) => file.sharing);
    const watched = built.flatMap((file) => file.records.filter((record) => findRule(record) !== undefined));

    expect(calls.map((call) => call.scenario)).toEqual(planned);
    expect(watched.map((record) => record.eventID)).toEqual(calls.map((call) => call.eventID));
    for (const call of calls) {
      expect({ scenario: call.scenario, finding: isFinding(call.record) }).toEqual({ scenario: call.scenario, finding: call.expected === 'finding' });
    }
  });

  test('samples cover the documented cases', () => {
    const scenarios = new Set(SAMPLE_PLAN.flatMap((plan) => plan.sharing.map((call) => call.scenario)));
    const required: SharingScenarioName[] = [
      'ec2-snapshot-external-account',
      'ec2-image-public',
      'rds-snapshot-public',
      's3-policy-public',
      's3-acl-all-users',
      'lambda-function-url-public',
      'lambda-owner-account',
      'ec2-image-public-removal',
    ];

    for (const scenario of required) {
      expect(scenarios).toContain(scenario);
    }
    const denied = built.flatMap((file) => file.sharing).filter((call) => call.record.errorCode === 'AccessDenied');
    expect(denied.length).toBe(1);
    expect(isFinding(denied[0].record)).toBe(true);
  });
});

/**
 * Memory on large input: the scanner reads one file at a time, so a folder far larger than the
 * heap is scanned with a small, fixed heap limit. The corpus is about 200 MB of uncompressed
 * CloudTrail log files, gzipped, about 1000 records each.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudTrailRecord, Finding } from '../../lambda/core/types';
import { ENTRY_SCRIPT, REPO_ROOT, removeTemporaryFolders, temporaryFolder } from './harness';
import { OWNER, PARTNER, dbSnapshotShare, everydayCall, imagePermissionRemoval, publicBucketPolicy, publicImage, snapshotShare, snsAddPermission } from './records';

const CORPUS_BYTES = 200 * 1024 * 1024;
const RECORDS_PER_FILE = 1000;
/** The heap limit of the scan, in MB: below the corpus size, so holding it all would fail. */
const HEAP_LIMIT_MB = 160;
const SCAN_TIMEOUT_MS = 150_000;

/** A generated corpus and the event ids that a scan with an empty trusted list must report. */
interface Corpus {
  source: string;
  files: number;
  records: number;
  expectedFindings: string[];
}

/** The part of bench/corpus.ts that this test uses. */
interface CorpusModule {
  generateCorpus(options: { out: string; sizeBytes?: number; seed?: number; recordsPerFile?: number }): Promise<{
    files: number;
    records: number;
    truth?: { eventID: string; expected: string }[];
  }>;
}

/** Loads bench/corpus.ts when it exists. It is loaded by path so that this test does not depend on it at compile time. */
function loadBenchCorpus(): CorpusModule | undefined {
  const file = path.join(REPO_ROOT, 'bench', 'corpus.ts');
  if (!existsSync(file)) {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as Partial<CorpusModule>;
  return typeof loaded.generateCorpus === 'function' ? (loaded as CorpusModule) : undefined;
}

async function generateWithBench(module: CorpusModule, out: string): Promise<Corpus> {
  const summary = await module.generateCorpus({ out, sizeBytes: CORPUS_BYTES, seed: 7, recordsPerFile: RECORDS_PER_FILE });
  const truth = summary.truth ?? [];
  return {
    source: 'bench/corpus.ts',
    files: summary.files,
    records: summary.records,
    expectedFindings: truth.filter((entry) => entry.expected === 'finding').map((entry) => entry.eventID),
  };
}

/** Builds an everyday call padded with a response of the size DescribeInstances and similar calls log. */
function paddedEverydayCall(eventId: string, index: number): CloudTrailRecord {
  const record = everydayCall(eventId, index);
  record.responseElements = {
    instancesSet: {
      items: [0, 1, 2].map((item) => ({
        instanceId: `i-0${(index * 3 + item).toString(16).padStart(16, '0')}`,
        imageId: 'ami-0123456789abcdef0',
        privateIpAddress: `192.0.2.${(index + item) % 250}`,
        tagSet: { items: [{ key: 'team', value: 'reporting' }] },
      })),
    },
  };
  return record;
}

/** Sharing calls planted in the fallback corpus, and decoys that name a watched call but must stay quiet. */
const PLANTED: { build: (eventId: string) => CloudTrailRecord; alerts: boolean }[] = [
  { build: (eventId) => snapshotShare(eventId, [PARTNER]), alerts: true },
  { build: (eventId) => publicImage(eventId), alerts: true },
  { build: (eventId) => publicBucketPolicy(eventId), alerts: true },
  { build: (eventId) => dbSnapshotShare(eventId), alerts: true },
  { build: (eventId) => snapshotShare(eventId, [OWNER]), alerts: false },
  { build: (eventId) => imagePermissionRemoval(eventId), alerts: false },
  { build: (eventId) => snsAddPermission(eventId), alerts: true },
];

/** Writes gzipped log files of padded everyday calls, with a planted call in every seventh file. */
function generateFallback(out: string): Corpus {
  const expectedFindings: string[] = [];
  let bytes = 0;
  let files = 0;
  let records = 0;
  while (bytes < CORPUS_BYTES) {
    const texts: string[] = [];
    for (let index = 0; index < RECORDS_PER_FILE; index += 1) {
      texts.push(JSON.stringify(paddedEverydayCall(`read-${files}-${index}`, records + index)));
    }
    if (files % 7 === 3) {
      const planted = PLANTED[Math.floor(files / 7) % PLANTED.length];
      const eventId = `planted-${files}`;
      texts.splice(files % RECORDS_PER_FILE, 1, JSON.stringify(planted.build(eventId)));
      if (planted.alerts) {
        expectedFindings.push(eventId);
      }
    }
    const body = `{"Records":[${texts.join(',')}]}`;
    const folder = path.join(out, 'AWSLogs', OWNER, 'CloudTrail', 'eu-west-1', '2024', '05', String(1 + Math.floor(files / 100)).padStart(2, '0'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${OWNER}_CloudTrail_eu-west-1_${String(files).padStart(5, '0')}.json.gz`), gzipSync(body, { level: 1 }));
    bytes += body.length;
    files += 1;
    records += texts.length;
  }
  return { source: 'fallback generator', files, records, expectedFindings };
}

interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the entry script and collects its output. After the timeout it stops the process by its id. */
function runScanProcess(args: string[]): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MB}`, ENTRY_SCRIPT, ...args], { cwd: REPO_ROOT });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
      }
    }, SCAN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

afterAll(() => {
  removeTemporaryFolders();
});

it('scans 200 MB of logs with a 160 MB heap', async () => {
  const out = path.join(temporaryFolder('share-sentinel-corpus-'), 'logs');
  const benchCorpus = loadBenchCorpus();
  const corpus = benchCorpus ? await generateWithBench(benchCorpus, out) : generateFallback(out);
  expect(corpus.expectedFindings.length).toBeGreaterThan(0);

  const result = await runScanProcess(['scan', '--format', 'json', out]);

  // The corpus source is part of each checked value, so that a failure shows which generator made the input.
  expect({ source: corpus.source, code: result.code, signal: result.signal }).toEqual({ source: corpus.source, code: 0, signal: null });
  const found = result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as Finding).eventId);
  const expected = new Set(corpus.expectedFindings);
  const missing = corpus.expectedFindings.filter((eventId) => !found.includes(eventId));
  const unexpected = found.filter((eventId) => !expected.has(eventId));
  expect({ source: corpus.source, missing, unexpected }).toEqual({ source: corpus.source, missing: [], unexpected: [] });
  expect(found).toHaveLength(expected.size);
  expect(result.stderr).toContain(`scanned ${corpus.files} files, ${corpus.records} events`);
  expect(result.stderr).not.toContain('share-sentinel:');
}, 180_000);

/**
 * Scanner throughput: `share-sentinel scan` over the generated corpus, beside three references on
 * the same files in the same rounds (decompression alone, decompression plus JSON.parse, and
 * `zcat | jq` selecting the catalog's events), and the CLI's start-up alone. Every run also checks
 * the scanner's findings and jq's selection against the corpus's ground truth.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { findRule, RULES } from '../lambda/catalog';
import { evaluateRecord } from '../lambda/core/evaluate';
import type { RuleDefinition } from '../lambda/core/rule';
import { emptyTrustedList } from '../lambda/core/trusted-list';
import type { CloudTrailRecord } from '../lambda/core/types';
import type { CachedCorpus } from './corpus-cache';
import { compareIds, displayPath, median, requireSuccess, rssMeasurement, runChild, type ChildRun } from './measure';

export const JQ_BINARY = '/usr/bin/jq';
const REPOSITORY = join(__dirname, '..');
const CLI = join(REPOSITORY, 'bin', 'share-sentinel.js');
const REFERENCE_READER = join(__dirname, 'reference-reader.js');

export type ReaderName = 'scanner' | 'gunzip' | 'parse' | 'jq' | 'startup';

export interface ReaderResult {
  name: ReaderName;
  /** The command as a person would type it from the repository root. */
  command: string;
  wallMs: number[];
  medianMs: number;
  /** Median peak RSS in bytes, or undefined when it was not measured. */
  peakRssBytes?: number;
}

export interface ScannerThroughputResult {
  corpus: CachedCorpus['manifest'] & { logsDirectory: string; reused: boolean };
  runs: number;
  readers: Record<ReaderName, ReaderResult>;
  rss: ReturnType<typeof rssMeasurement>;
  jqVersion: string;
  jqFilter: string;
  /** Event count the scanner reported on stderr, from the last run. */
  scannerEvents: number;
  scannerFindings: number;
  expectedFindings: number;
  jqSelected: number;
  truthEntries: number;
  /** Records a catalog rule reads, and those that raise a finding, from a full parse of every file. */
  fullParseWatched: number;
  fullParseFindings: number;
  /** Differences from the ground truth or the full parse, one line each, or none when every run matched. */
  mismatches: string[];
}

/**
 * Builds a jq program that prints the eventID of every record a catalog rule reads: the same
 * event source, and an exact event name or one that starts with a rule's prefix.
 */
export function buildJqFilter(rules: readonly RuleDefinition[]): string {
  const clauses = rules.map((rule) => {
    const names = [
      ...rule.eventNames.map((name) => `.eventName == ${JSON.stringify(name)}`),
      ...(rule.eventNamePrefixes ?? []).map((prefix) => `((.eventName | type) == "string" and (.eventName | startswith(${JSON.stringify(prefix)})))`),
    ];
    if (names.length === 0) {
      throw new Error(`rule ${rule.id} has no event name or prefix, so jq cannot select its events`);
    }
    return `(.eventSource == ${JSON.stringify(rule.eventSource)} and (${names.join(' or ')}))`;
  });
  return `.Records[] | select(\n    ${clauses.join('\n or ')}\n  ) | .eventID\n`;
}

function jqVersion(): string {
  const result = spawnSync(JQ_BINARY, ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`${JQ_BINARY} --version failed (${result.error?.message ?? `exit status ${result.status}`}); install jq (Debian package "jq") to run the zcat | jq reference`);
  }
  return result.stdout.trim();
}

/** Reads the event count from the scanner's summary line, "scanned N files, M events in …". */
function scannedEvents(stderr: string): number | undefined {
  const match = /scanned [\d,]+ files?, (\d+) events?/.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

function findingIds(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { eventId: string }).eventId);
}

function describeDifference(check: string, difference: { missing: string[]; unexpected: string[] }): string[] {
  const lines: string[] = [];
  const sample = (ids: string[]): string => `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? `, and ${ids.length - 5} more` : ''}`;
  if (difference.missing.length > 0) {
    lines.push(`${check}: ${difference.missing.length} expected event ids missing (${sample(difference.missing)})`);
  }
  if (difference.unexpected.length > 0) {
    lines.push(`${check}: ${difference.unexpected.length} unexpected event ids (${sample(difference.unexpected)})`);
  }
  return lines;
}

/**
 * Decompresses and parses every file, routes every record through the catalog and evaluates those
 * a rule reads, with the scanner's default options. This is what the scanner's fast path must
 * reproduce, and it also checks the jq filter against the catalog's own routing.
 */
export function evaluateEveryRecord(files: readonly string[]): { watched: string[]; findings: string[] } {
  const options = { trustedList: emptyTrustedList(), alertOnFailedCalls: true, alertOnUnrestrictedServices: false };
  const watched: string[] = [];
  const findings: string[] = [];
  for (const file of files) {
    const document = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: CloudTrailRecord[] };
    for (const record of document.Records) {
      if (findRule(record) === undefined) {
        continue;
      }
      watched.push(String(record.eventID));
      if (evaluateRecord(record, options).status === 'finding') {
        findings.push(String(record.eventID));
      }
    }
  }
  return { watched, findings };
}

interface Reader {
  name: ReaderName;
  command: string;
  run(): Promise<ChildRun>;
  check(run: ChildRun): void;
}

/** Inputs shared by the readers, with the expected ids and the state their checks write to. */
interface ReaderSetup {
  corpus: CachedCorpus;
  listFile: string;
  filterFile: string;
  fullParse: { watched: string[]; findings: string[] };
  mismatches: Set<string>;
  /** Counts from the latest run of the scanner and of jq. */
  state: { scannerEvents: number; scannerFindings: number; jqSelected: number };
}

function addDifferences(mismatches: Set<string>, check: string, expected: readonly string[], found: readonly string[]): void {
  for (const line of describeDifference(check, compareIds(expected, found))) {
    mismatches.add(line);
  }
}

/** Builds the scanner, the three references and the start-up measurement, each with its correctness check. */
function createReaders(setup: ReaderSetup): Reader[] {
  const { corpus, listFile, filterFile, fullParse, mismatches, state } = setup;
  const { manifest } = corpus;
  const expectedFindings = corpus.truth.filter((entry) => entry.expected === 'finding').map((entry) => entry.eventID);
  const truthIds = corpus.truth.map((entry) => entry.eventID);

  const checkReference = (name: string) => (run: ChildRun): void => {
    requireSuccess(run, `the ${name} reference`);
    const counts = JSON.parse(run.stdout) as { files: number; bytes: number; records: number };
    if (counts.files !== manifest.files || counts.bytes !== manifest.bytes) {
      mismatches.add(`${name} reference read ${counts.files} files and ${counts.bytes} bytes, but the corpus has ${manifest.files} files and ${manifest.bytes} bytes`);
    }
    if (name === 'parse' && counts.records !== manifest.records) {
      mismatches.add(`parse reference counted ${counts.records} records, but the corpus has ${manifest.records}`);
    }
  };

  return [
    {
      name: 'scanner',
      command: `node bin/share-sentinel.js scan --format json --no-progress ${displayPath(corpus.logsDirectory)}`,
      run: () => runChild(process.execPath, [CLI, 'scan', '--format', 'json', '--no-progress', corpus.logsDirectory], { cwd: REPOSITORY, measureRss: true }),
      check: (run) => {
        requireSuccess(run, 'share-sentinel scan');
        const events = scannedEvents(run.stderr);
        if (events !== manifest.records) {
          mismatches.add(`scanner reported ${events ?? 'no'} events, but the corpus has ${manifest.records} records`);
        }
        const ids = findingIds(run.stdout);
        state.scannerEvents = events ?? 0;
        state.scannerFindings = ids.length;
        if (new Set(ids).size !== ids.length) {
          mismatches.add(`scanner reported ${ids.length} findings for ${new Set(ids).size} distinct event ids`);
        }
        addDifferences(mismatches, 'scanner findings against truth entries expected to raise a finding', expectedFindings, ids);
        addDifferences(mismatches, 'scanner findings against a full parse and evaluation of every record', fullParse.findings, ids);
      },
    },
    {
      name: 'gunzip',
      command: 'node bench/reference-reader.js gunzip LIST',
      run: () => runChild(process.execPath, [REFERENCE_READER, 'gunzip', listFile], { cwd: REPOSITORY, measureRss: true }),
      check: checkReference('gunzip'),
    },
    {
      name: 'parse',
      command: 'node bench/reference-reader.js parse LIST',
      run: () => runChild(process.execPath, [REFERENCE_READER, 'parse', listFile], { cwd: REPOSITORY, measureRss: true }),
      check: checkReference('parse'),
    },
    {
      name: 'jq',
      command: 'xargs -0 -a LIST zcat -- | jq -r -f FILTER',
      run: () =>
        runChild('bash', ['-c', 'set -o pipefail; xargs -0 -a "$1" zcat -- | "$2" -r -f "$3"', 'bash', listFile, JQ_BINARY, filterFile], {
          cwd: REPOSITORY,
          measureRss: true,
        }),
      check: (run) => {
        requireSuccess(run, 'zcat | jq');
        const ids = run.stdout.split('\n').filter((line) => line.trim() !== '');
        state.jqSelected = ids.length;
        addDifferences(mismatches, 'jq selection against all truth entries', truthIds, ids);
        addDifferences(mismatches, 'jq selection against the records a catalog rule reads', fullParse.watched, ids);
      },
    },
    {
      name: 'startup',
      command: 'node bin/share-sentinel.js help scan',
      run: () => runChild(process.execPath, [CLI, 'help', 'scan'], { cwd: REPOSITORY, captureStdout: false }),
      check: (run) => {
        requireSuccess(run, 'share-sentinel help scan');
      },
    },
  ];
}

/**
 * Runs every reader `runs` times, in rounds that rotate their order so that a change in machine
 * load falls on all of them alike, and returns each reader's median time and peak RSS.
 */
async function runRounds(readers: readonly Reader[], runs: number, log: (line: string) => void): Promise<Record<ReaderName, ReaderResult>> {
  const samples = new Map<ReaderName, ChildRun[]>(readers.map((reader) => [reader.name, []]));
  for (let round = 0; round < runs; round += 1) {
    const order = readers.map((_, index) => readers[(index + round) % readers.length]);
    const line: string[] = [];
    for (const reader of order) {
      const run = await reader.run();
      reader.check(run);
      samples.get(reader.name)?.push(run);
      line.push(`${reader.name} ${(run.wallMs / 1000).toFixed(2)} s`);
    }
    log(`scanner throughput: round ${round + 1}/${runs}: ${line.join(', ')}`);
  }

  const results = {} as Record<ReaderName, ReaderResult>;
  for (const reader of readers) {
    const runsOfReader = samples.get(reader.name) ?? [];
    const wallMs = runsOfReader.map((run) => run.wallMs);
    const rss = runsOfReader.flatMap((run) => (run.peakRssBytes === undefined ? [] : [run.peakRssBytes]));
    results[reader.name] = {
      name: reader.name,
      command: reader.command,
      wallMs,
      medianMs: median(wallMs),
      peakRssBytes: rss.length > 0 ? median(rss) : undefined,
    };
  }
  return results;
}

/** Measures the scanner beside its references on the corpus, and checks every run against the ground truth and a full parse. */
export async function measureScannerThroughput(corpus: CachedCorpus, workDirectory: string, runs: number, log: (line: string) => void): Promise<ScannerThroughputResult> {
  const scratch = mkdtempSync(join(workDirectory, 'scanner-'));
  try {
    const listFile = join(scratch, 'files.list');
    writeFileSync(listFile, corpus.files.join('\0'));
    // The scanner runs without --detector, so the rules about the detector's own resources read nothing.
    const jqFilter = buildJqFilter(RULES.filter((rule) => rule.appliesTo === undefined));
    const filterFile = join(scratch, 'filter.jq');
    writeFileSync(filterFile, jqFilter);
    const version = jqVersion();

    log('scanner throughput: parsing and evaluating every record once, for the correctness checks');
    const fullParse = evaluateEveryRecord(corpus.files);
    const setup: ReaderSetup = { corpus, listFile, filterFile, fullParse, mismatches: new Set(), state: { scannerEvents: 0, scannerFindings: 0, jqSelected: 0 } };
    const readers = createReaders(setup);

    // Read every file once, so that the first round does not pay for cold disk reads alone.
    for (const file of corpus.files) {
      readFileSync(file);
    }
    const results = await runRounds(readers, runs, log);

    return {
      corpus: { ...corpus.manifest, logsDirectory: displayPath(corpus.logsDirectory), reused: corpus.reused },
      runs,
      readers: results,
      rss: rssMeasurement(),
      jqVersion: version,
      jqFilter,
      scannerEvents: setup.state.scannerEvents,
      scannerFindings: setup.state.scannerFindings,
      expectedFindings: corpus.truth.filter((entry) => entry.expected === 'finding').length,
      jqSelected: setup.state.jqSelected,
      truthEntries: corpus.truth.length,
      fullParseWatched: fullParse.watched.length,
      fullParseFindings: fullParse.findings.length,
      mismatches: [...setup.mismatches],
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

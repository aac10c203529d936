/**
 * The benchmark corpus, generated once by bench/corpus.ts and kept under the work directory
 * (`.bench/` by default), keyed by size and seed, so that later runs reuse it.
 *
 * Layout of one entry: `corpus-<size>-seed-<seed>/logs/` (the log files), `truth.jsonl` (the
 * sharing calls and their expected outcomes) and `manifest.json`, written last, which marks the
 * entry complete. An entry without a manifest is left over from an interrupted run, and an entry
 * whose manifest names another version of bench/corpus.ts is out of date: both are replaced.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RECORDS_PER_FILE, DEFAULT_SHARING_RATE, generateCorpus, type TruthEntry } from './corpus';
import { displayPath, elapsedMs, nowNs } from './measure';

export interface CorpusManifest {
  sizeBytes: number;
  seed: number;
  sharingRate: number;
  recordsPerFile: number;
  files: number;
  records: number;
  sharingRecords: number;
  /** Uncompressed bytes of all log files. */
  bytes: number;
  /** Bytes of the gzipped files on disk. */
  compressedBytes: number;
  generatedAt: string;
  generationSeconds: number;
  /** SHA-256 of bench/corpus.ts when the corpus was generated. */
  generatorSha256: string;
}

export interface CachedCorpus {
  /** The folder that contains the log files, the path given to the scanner. */
  logsDirectory: string;
  /** Every log file, absolute, in name order. */
  files: string[];
  truth: TruthEntry[];
  manifest: CorpusManifest;
  /** False when this run generated the corpus. */
  reused: boolean;
}

const GENERATOR_SOURCE = join(__dirname, 'corpus.ts');
const MANIFEST = 'manifest.json';
const TRUTH = 'truth.jsonl';
const LOGS = 'logs';

/** Formats a byte count for a folder name: `200MB`, `1GB`, `2048KB`, or plain bytes. */
export function sizeKey(bytes: number): string {
  const units: [string, number][] = [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]];
  for (const [unit, scale] of units) {
    if (bytes % scale === 0) {
      return `${bytes / scale}${unit}`;
    }
  }
  return `${bytes}B`;
}

/** Lists every file below `directory`, absolute and sorted by path. */
function listFiles(directory: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.isFile()) {
        found.push(path);
      }
    }
  };
  walk(directory);
  return found.sort();
}

function generatorFingerprint(): string {
  return createHash('sha256').update(readFileSync(GENERATOR_SOURCE)).digest('hex');
}

function readTruth(path: string): TruthEntry[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TruthEntry);
}

function loadEntry(folder: string, reused: boolean): CachedCorpus {
  const manifest = JSON.parse(readFileSync(join(folder, MANIFEST), 'utf8')) as CorpusManifest;
  const logsDirectory = join(folder, LOGS);
  const files = listFiles(logsDirectory);
  if (files.length !== manifest.files) {
    throw new Error(`cached corpus ${folder} has ${files.length} files but its manifest lists ${manifest.files}; delete the folder and run again`);
  }
  return { logsDirectory, files, truth: readTruth(join(folder, TRUTH)), manifest, reused };
}

/**
 * Returns the corpus of this size and seed, generating it first when the work directory has no
 * complete copy. Progress goes to `log`.
 */
export async function ensureCorpus(workDirectory: string, sizeBytes: number, seed: number, log: (line: string) => void): Promise<CachedCorpus> {
  const folder = join(workDirectory, `corpus-${sizeKey(sizeBytes)}-seed-${seed}`);
  const fingerprint = generatorFingerprint();
  if (existsSync(join(folder, MANIFEST))) {
    const corpus = loadEntry(folder, true);
    if (corpus.manifest.generatorSha256 === fingerprint) {
      log(`corpus: reusing ${displayPath(folder)} (${corpus.manifest.files} files, ${corpus.manifest.records} records)`);
      return corpus;
    }
    log(`corpus: bench/corpus.ts changed since ${displayPath(folder)} was generated, so it is generated again`);
  }

  // Generate into a scratch folder and rename it at the end, so that an interrupted run leaves no entry that looks complete.
  const scratch = `${folder}.partial`;
  rmSync(scratch, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  log(`corpus: generating ${sizeKey(sizeBytes)} with seed ${seed} into ${displayPath(folder)}`);
  const started = nowNs();
  let reportedTenth = 0;
  const summary = await generateCorpus({
    out: join(scratch, LOGS),
    sizeBytes,
    seed,
    truthPath: join(scratch, TRUTH),
    onFile: ({ bytes }) => {
      const tenth = Math.floor((bytes / sizeBytes) * 10);
      if (tenth > reportedTenth && tenth < 10) {
        reportedTenth = tenth;
        log(`corpus: ${tenth * 10}% written`);
      }
    },
  });
  const files = listFiles(join(scratch, LOGS));
  const manifest: CorpusManifest = {
    sizeBytes,
    seed,
    sharingRate: DEFAULT_SHARING_RATE,
    recordsPerFile: DEFAULT_RECORDS_PER_FILE,
    files: summary.files,
    records: summary.records,
    sharingRecords: summary.sharingRecords,
    bytes: summary.bytes,
    compressedBytes: files.reduce((total, file) => total + statSync(file).size, 0),
    generatedAt: new Date().toISOString(),
    generationSeconds: elapsedMs(started) / 1000,
    generatorSha256: fingerprint,
  };
  writeFileSync(join(scratch, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(scratch, folder);
  log(`corpus: wrote ${manifest.files} files, ${manifest.records} records in ${manifest.generationSeconds.toFixed(1)} s`);
  return loadEntry(folder, false);
}

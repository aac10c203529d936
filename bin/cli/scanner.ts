/**
 * The offline scanner: runs the detection core over CloudTrail log files. The command-line
 * options live in scan-command.ts; this module only reads inputs and reports findings.
 */
import { watchedNameFragments } from '../../lambda/catalog';
import { evaluateRecord, type EvaluationOptions } from '../../lambda/core/evaluate';
import type { Finding, Severity } from '../../lambda/core/types';
import { extractRecords, InputError, openInput, walkInputs, type ExtractStats } from './inputs';

export interface ScanOptions {
  paths: string[];
  evaluation: EvaluationOptions;
  onFinding(finding: Finding): void;
  onFileError(file: string, reason: string): void;
  /** Called at most every `progressIntervalMs` with the running totals. */
  onProgress?(stats: ScanStats): void;
  progressIntervalMs?: number;
}

export interface ScanStats {
  files: number;
  /** Files found that could not be read (corrupt gzip, not JSON, permission denied). */
  unreadableFiles: number;
  /** Paths given that do not exist or cannot be listed. */
  missingPaths: number;
  /** Records read. For files the pre-filter skipped, the count of `eventID` keys stands in for parsing. */
  events: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Bytes of (uncompressed) text read. */
  bytes: number;
  startedAt: number;
}

const FRAGMENTS = watchedNameFragments();
/** A `\u00XX` escape of an ASCII letter could spell an event name that a plain substring search misses. */
const ESCAPED_LETTER = /\\u00[4-7][0-9a-fA-F]/;

/**
 * Tells whether a text may hold a call that a rule reads. False means certainly not: every
 * catalog event name is plain ASCII, and JSON can only hide it behind a `\u` escape, which is
 * checked for too.
 */
export function mayContainWatchedCall(text: string): boolean {
  return FRAGMENTS.some((fragment) => text.includes(fragment)) || ESCAPED_LETTER.test(text);
}

function countOccurrences(text: string, marker: string): number {
  let count = 0;
  for (let index = text.indexOf(marker); index !== -1; index = text.indexOf(marker, index + marker.length)) {
    count += 1;
  }
  return count;
}

class FileScanner {
  constructor(
    private readonly options: ScanOptions,
    private readonly stats: ScanStats,
  ) {}

  /** Evaluates every record inside one parsed JSON value. */
  evaluateValue(value: unknown, extractStats: ExtractStats): void {
    for (const { record, envelopeAccount } of extractRecords(value, extractStats)) {
      this.stats.events += 1;
      const evaluation = evaluateRecord(record, envelopeAccount === undefined ? this.options.evaluation : { ...this.options.evaluation, envelopeAccount });
      if (evaluation.status === 'finding') {
        this.stats.findings += 1;
        this.stats.bySeverity[evaluation.finding.severity] += 1;
        this.options.onFinding(evaluation.finding);
      }
    }
  }

  /** Reads a whole document: one JSON value, or JSON Lines when it does not parse as one. */
  scanText(file: string, text: string): void {
    this.stats.bytes += text.length;
    if (!mayContainWatchedCall(text)) {
      this.stats.events += countOccurrences(text, 'eventID');
      return;
    }
    const extractStats: ExtractStats = { unrecognised: 0 };
    let document: unknown;
    let wholeError: Error | undefined;
    try {
      document = JSON.parse(text);
    } catch (error) {
      wholeError = error as Error;
    }
    if (wholeError === undefined) {
      this.evaluateValue(document, extractStats);
    } else {
      this.scanLines(file, text.split('\n'), extractStats, wholeError);
    }
    this.reportUnrecognised(file, extractStats);
  }

  private scanLines(file: string, lines: Iterable<string>, extractStats: ExtractStats, wholeError: Error): void {
    let parsed = 0;
    const badLines: number[] = [];
    let lineNumber = 0;
    for (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') {
        continue;
      }
      try {
        const value = JSON.parse(line) as unknown;
        parsed += 1;
        this.evaluateValue(value, extractStats);
      } catch {
        badLines.push(lineNumber);
      }
    }
    if (parsed === 0) {
      throw new InputError(file, `not valid JSON (${wholeError.message})`);
    }
    if (badLines.length > 0) {
      const shown = badLines.slice(0, 5).join(', ');
      this.options.onFileError(file, `${badLines.length} lines are not valid JSON and were skipped (line ${shown}${badLines.length > 5 ? ', …' : ''})`);
    }
  }

  /** Reads a large file line by line, as JSON Lines. */
  async scanStream(file: string, lines: AsyncIterable<string>): Promise<void> {
    const extractStats: ExtractStats = { unrecognised: 0 };
    let parsed = 0;
    const badLines: number[] = [];
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber += 1;
      this.stats.bytes += line.length + 1;
      if (line.trim() === '') {
        continue;
      }
      if (!mayContainWatchedCall(line)) {
        this.stats.events += countOccurrences(line, 'eventID');
        parsed += 1;
        continue;
      }
      try {
        const value = JSON.parse(line) as unknown;
        parsed += 1;
        this.evaluateValue(value, extractStats);
      } catch {
        badLines.push(lineNumber);
      }
      this.maybeReportProgress();
    }
    if (parsed === 0 && badLines.length > 0) {
      throw new InputError(file, 'too large to read as one JSON document, and its lines are not JSON Lines; split the file or convert it to JSON Lines');
    }
    if (badLines.length > 0) {
      this.options.onFileError(file, `${badLines.length} lines are not valid JSON and were skipped (line ${badLines.slice(0, 5).join(', ')})`);
    }
    this.reportUnrecognised(file, extractStats);
  }

  private reportUnrecognised(file: string, extractStats: ExtractStats): void {
    if (extractStats.unrecognised > 0) {
      this.options.onFileError(file, `${extractStats.unrecognised} JSON values are not CloudTrail records and were skipped`);
    }
  }

  private lastProgress = Date.now();

  maybeReportProgress(): void {
    const now = Date.now();
    if (this.options.onProgress && now - this.lastProgress >= (this.options.progressIntervalMs ?? 250)) {
      this.lastProgress = now;
      this.options.onProgress(this.stats);
    }
  }
}

/** Scans every input file under `options.paths`. A file that cannot be read is reported and skipped. */
export async function scanPaths(options: ScanOptions): Promise<ScanStats> {
  const stats: ScanStats = {
    files: 0,
    unreadableFiles: 0,
    missingPaths: 0,
    events: 0,
    findings: 0,
    bySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
    bytes: 0,
    startedAt: Date.now(),
  };
  const scanner = new FileScanner(options, stats);
  const onMissing = (file: string, reason: string): void => {
    stats.missingPaths += 1;
    options.onFileError(file, reason);
  };
  for await (const file of walkInputs(options.paths, onMissing)) {
    stats.files += 1;
    try {
      const content = await openInput(file);
      if (content.kind === 'text') {
        scanner.scanText(file, content.text);
      } else {
        await scanner.scanStream(file, content.lines);
      }
    } catch (error) {
      stats.unreadableFiles += 1;
      options.onFileError(file, error instanceof InputError ? error.message : (error as Error).message);
    }
    scanner.maybeReportProgress();
  }
  return stats;
}

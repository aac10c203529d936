/**
 * The offline scanner: runs the detection core over CloudTrail log files. The command-line
 * options live in scan-command.ts; this module only reads inputs and reports findings.
 */
import { watchedNameFragments } from '../../lambda/catalog';
import { evaluateRecord, type EvaluationOptions } from '../../lambda/core/evaluate';
import type { Finding, Severity } from '../../lambda/core/types';
import { decodeDocument, extractRecords, InputError, openInput, walkInputs, type ExtractStats, type FileContent, type StreamingThresholds } from './inputs';
import { scanLogFileBytes } from './log-file-fast-path';

export interface ScanOptions {
  paths: string[];
  evaluation: EvaluationOptions;
  onFinding(finding: Finding): void;
  onFileError(file: string, reason: string): void;
  /** Called at most every `progressIntervalMs` with the running totals. */
  onProgress?(stats: ScanStats): void;
  progressIntervalMs?: number;
  /** File sizes above which files are read line by line. @default DEFAULT_STREAMING_THRESHOLDS */
  streamingThresholds?: StreamingThresholds;
}

export interface ScanStats {
  files: number;
  /** Files found that could not be read (corrupt gzip, not JSON, no CloudTrail record, permission denied). */
  unreadableFiles: number;
  /** Paths given that do not exist, cannot be listed, or are folders with no input file. */
  missingPaths: number;
  /** Records read. For files the pre-filter skipped, the count of `eventID` keys replaces parsing. */
  events: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Bytes of (uncompressed) text read. */
  bytes: number;
  startedAt: number;
}

const FRAGMENTS = watchedNameFragments();
/**
 * A `\u00XX` escape that could spell part of an event name that a plain substring search misses: a
 * letter or other character from 0x40 to 0x7f, or a digit. Digits matter in lookup-events output,
 * where the record is a JSON string inside JSON and the hex digits of its own `\u0050` escape may
 * be escaped again (`\\u\u0030\u00305\u0030`).
 */
const ESCAPED_NAME_CHARACTER = /\\u00(?:[4-7][0-9a-fA-F]|3[0-9])/;

/**
 * Tells whether a text may hold a call that a rule reads. False means certainly not: every
 * catalog event name is plain ASCII, and JSON can only hide it behind `\u` escapes, which are
 * checked for too, also inside a record embedded as a JSON string.
 */
export function mayContainWatchedCall(text: string): boolean {
  return FRAGMENTS.some((fragment) => text.includes(fragment)) || ESCAPED_NAME_CHARACTER.test(text);
}

/** The key every CloudTrail record has. Its count is the record count of text that is not parsed. */
const RECORD_MARKER = 'eventID';

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Tells whether a text can be skipped without parsing: it contains no watched call and looks like
 * JSON records (an object or array that contains `eventID`). Other text is parsed, so that a file
 * that is not JSON or contains no record is reported. A text cut short inside an array or object
 * that still ends in `}` or `]` passes this check.
 */
function canSkipParse(text: string): boolean {
  let start = 0;
  while (start < text.length && isJsonWhitespace(text.charCodeAt(start))) {
    start += 1;
  }
  let end = text.length - 1;
  while (end > start && isJsonWhitespace(text.charCodeAt(end))) {
    end -= 1;
  }
  const opens = text[start] === '{' || text[start] === '[';
  const closes = text[end] === '}' || text[end] === ']';
  return opens && closes && text.includes(RECORD_MARKER) && !mayContainWatchedCall(text);
}

function plural(count: number, singular: string, pluralForm: string): string {
  return count === 1 ? singular : pluralForm;
}

function describeBadLines(badLines: number[]): string {
  const firstLineNumbers = `${badLines.slice(0, 5).join(', ')}${badLines.length > 5 ? ', …' : ''}`;
  return `${badLines.length} ${plural(badLines.length, 'line is not valid JSON and was skipped', 'lines are not valid JSON and were skipped')} (line ${firstLineNumbers})`;
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
      extractStats.records += 1;
      this.stats.events += 1;
      this.evaluateRecordValue(record, envelopeAccount);
    }
  }

  private evaluateRecordValue(record: Record<string, unknown>, envelopeAccount?: string): void {
    const evaluation = evaluateRecord(record, envelopeAccount === undefined ? this.options.evaluation : { ...this.options.evaluation, envelopeAccount });
    if (evaluation.status === 'finding') {
      this.stats.findings += 1;
      this.stats.bySeverity[evaluation.finding.severity] += 1;
      this.options.onFinding(evaluation.finding);
    }
  }

  /**
   * Reads a whole document. A CloudTrail log file in CloudTrail's own layout takes the fast path,
   * which parses only the records a rule may read. Anything else is decoded and parsed whole.
   */
  scanDocument(file: string, bytes: Buffer): void {
    const fast = scanLogFileBytes(bytes);
    const records = fast ? parseCandidates(fast.candidates) : undefined;
    if (fast && records) {
      this.stats.bytes += bytes.length;
      this.stats.events += fast.records;
      // Each candidate is an element of the Records array, so it is evaluated as a record, even if
      // it has keys such as `Records` or `detail` that extractRecords would read as a wrapper.
      for (const record of records) {
        this.evaluateRecordValue(record);
      }
      return;
    }
    this.scanText(file, decodeDocument(file, bytes));
  }

  /** Reads a whole document: one JSON value, or JSON Lines when it does not parse as one. */
  scanText(file: string, text: string): void {
    this.stats.bytes += text.length;
    if (canSkipParse(text)) {
      this.stats.events += countOccurrences(text, RECORD_MARKER);
      return;
    }
    const extractStats: ExtractStats = { records: 0, unrecognised: 0 };
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
      this.options.onFileError(file, describeBadLines(badLines));
    }
  }

  /** Reads a large file line by line, as JSON Lines. */
  async scanStream(file: string, lines: AsyncIterable<string>): Promise<void> {
    const extractStats: ExtractStats = { records: 0, unrecognised: 0 };
    const badLines: number[] = [];
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber += 1;
      this.stats.bytes += line.length + 1;
      if (line.trim() === '') {
        continue;
      }
      if (canSkipParse(line)) {
        const records = countOccurrences(line, RECORD_MARKER);
        this.stats.events += records;
        extractStats.records += records;
        continue;
      }
      try {
        const value = JSON.parse(line) as unknown;
        this.evaluateValue(value, extractStats);
      } catch {
        badLines.push(lineNumber);
      }
      this.maybeReportProgress();
    }
    // A pretty-printed document has lines that parse alone (a string or number in an array), but no record.
    if (extractStats.records === 0 && badLines.length > 0) {
      throw new InputError(file, 'too large to read as one JSON document, and its lines are not JSON Lines; split the file or convert it to JSON Lines');
    }
    if (badLines.length > 0) {
      this.options.onFileError(file, describeBadLines(badLines));
    }
    this.reportUnrecognised(file, extractStats);
  }

  /** Reports values that are not records. A file with no record at all is unreadable: it is not CloudTrail input. */
  private reportUnrecognised(file: string, extractStats: ExtractStats): void {
    const count = extractStats.unrecognised;
    if (count === 0) {
      return;
    }
    const values = `${count} ${plural(count, 'JSON value is not a CloudTrail record', 'JSON values are not CloudTrail records')}`;
    if (extractStats.records === 0) {
      throw new InputError(
        file,
        `no CloudTrail record found (${values}); expected a CloudTrail log file, a record, an EventBridge event or lookup-events output, alone, in an array or as JSON Lines`,
      );
    }
    this.options.onFileError(file, `${values} and ${plural(count, 'was', 'were')} skipped`);
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

/** Parses each candidate record; undefined when one does not parse alone as an object, so the file must be read whole. */
function parseCandidates(candidates: string[]): Record<string, unknown>[] | undefined {
  const records: Record<string, unknown>[] = [];
  for (const candidate of candidates) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return undefined;
    }
    records.push(value as Record<string, unknown>);
  }
  return records;
}

/** A file opened ahead of its turn, or a path that could not be walked, kept in walk order. */
type Opened = { file: string; content: Promise<FileContent | InputError | Error>; missing?: undefined } | { file: string; missing: string };

/**
 * Files read and decompressed ahead of the one being scanned, so that the thread pool decompresses
 * while the main thread scans. Each keeps at most one decompressed document in memory; larger
 * files are streamed and read only when their turn comes.
 */
const READ_AHEAD_FILES = 3;

function open(file: string, thresholds: StreamingThresholds | undefined): Opened {
  // Errors are kept as values, so that a file opened ahead of its turn cannot reject unobserved.
  return { file, content: openInput(file, thresholds).catch((error: Error) => error) };
}

/**
 * Scans every input file under `options.paths`. A file that cannot be read is reported and skipped.
 * The next files are read and decompressed (on libuv's thread pool) while the current one is scanned.
 */
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
  const ahead: Opened[] = [];
  // Reported in its turn, after the files found before it, so that messages follow the walk order.
  const onMissing = (file: string, reason: string): void => {
    ahead.push({ file, missing: reason });
  };
  const files = walkInputs(options.paths, onMissing)[Symbol.asyncIterator]();
  let walking = true;
  const fill = async (): Promise<void> => {
    while (walking && ahead.filter((item) => item.missing === undefined).length < READ_AHEAD_FILES) {
      const next = await files.next();
      if (next.done) {
        walking = false;
      } else {
        ahead.push(open(next.value, options.streamingThresholds));
      }
    }
  };
  await fill();
  for (let current = ahead.shift(); current; current = ahead.shift()) {
    await fill();
    if (current.missing !== undefined) {
      stats.missingPaths += 1;
      options.onFileError(current.file, current.missing);
      continue;
    }
    stats.files += 1;
    try {
      const content = await current.content;
      if (content instanceof Error) {
        throw content;
      }
      if (content.kind === 'document') {
        scanner.scanDocument(current.file, content.bytes);
      } else {
        await scanner.scanStream(current.file, content.lines);
      }
    } catch (error) {
      stats.unreadableFiles += 1;
      options.onFileError(current.file, error instanceof InputError ? error.message : (error as Error).message);
    }
    scanner.maybeReportProgress();
  }
  return stats;
}

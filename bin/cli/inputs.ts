/**
 * Reading CloudTrail records from files: folder walking, gzip detection, and the input forms
 * (log file, single record, EventBridge event, array, JSON Lines, LookupEvents output).
 * Files are read one at a time, so memory follows the largest file, not the folder.
 */
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { createGunzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { isObject } from '../../lambda/core/read';
import type { CloudTrailRecord } from '../../lambda/core/types';

const gunzipAsync = promisify(gunzip);
const GUNZIP_CHUNK_BYTES = 1024 * 1024;

/** Files above this size are read line by line, as JSON Lines, instead of as one document. */
export const STREAMING_THRESHOLD_BYTES = 256 * 1024 * 1024;
/** Compressed files above this size are streamed too, since they may expand past V8's string limit. */
export const STREAMING_THRESHOLD_GZIP_BYTES = 48 * 1024 * 1024;

/** File sizes on disk above which a file is read line by line. */
export interface StreamingThresholds {
  plainBytes: number;
  gzipBytes: number;
}

export const DEFAULT_STREAMING_THRESHOLDS: StreamingThresholds = {
  plainBytes: STREAMING_THRESHOLD_BYTES,
  gzipBytes: STREAMING_THRESHOLD_GZIP_BYTES,
};

const INPUT_EXTENSIONS = ['.json', '.json.gz', '.jsonl', '.jsonl.gz', '.ndjson', '.gz'];

/** One record and, for an EventBridge event, the envelope's account. */
export interface InputRecord {
  record: CloudTrailRecord;
  envelopeAccount?: string;
}

export class InputError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * Tells whether a file found in a folder is read. CloudTrail digest files (`…_CloudTrail-Digest_…`),
 * which S3 exports of a trail hold next to the logs, carry hashes and no records, so they are left out.
 */
function isInputFile(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.includes('_cloudtrail-digest_')) {
    return false;
  }
  return INPUT_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/**
 * Lists the input files under each path, recursively and in name order. A path that does not exist,
 * or a folder with no input file in it, is reported through `onError` and skipped. Links to files
 * are read, but links to folders are not followed, to avoid loops.
 */
export async function* walkInputs(paths: string[], onError: (file: string, reason: string) => void): AsyncGenerator<string> {
  for (const input of paths) {
    let stat;
    try {
      stat = await fs.stat(input);
    } catch (error) {
      onError(input, describeFsError(error));
      continue;
    }
    if (stat.isFile()) {
      // A file named on the command line is read whatever its extension.
      yield input;
    } else if (stat.isDirectory()) {
      let found = false;
      for await (const file of walkFolder(input, onError)) {
        found = true;
        yield file;
      }
      if (!found) {
        onError(input, 'contains no .json, .jsonl, .ndjson or .gz files');
      }
    } else {
      onError(input, 'not a regular file or folder');
    }
  }
}

async function* walkFolder(folder: string, onError: (file: string, reason: string) => void): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch (error) {
    onError(folder, describeFsError(error));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      yield* walkFolder(full, onError);
    } else if (isInputFile(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isLinkToFile(full))))) {
      yield full;
    }
  }
}

async function isLinkToFile(link: string): Promise<boolean> {
  try {
    return (await fs.stat(link)).isFile();
  } catch {
    // A dangling link is not an input.
    return false;
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    default:
      return (error as Error).message ?? String(error);
  }
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Content of an opened file: the whole (decompressed) bytes, or lines streamed one by one. */
export type FileContent = { kind: 'document'; bytes: Buffer } | { kind: 'lines'; lines: AsyncIterable<string> };

const BYTE_ORDER_MARK = '\uFEFF';

/** Removes a UTF-8 byte order mark, which editors on Windows write and JSON.parse rejects. */
function stripByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  // zlib's errors carry codes such as Z_DATA_ERROR and Z_BUF_ERROR (truncated input).
  return code.startsWith('Z_') ? `corrupt gzip data (${(error as Error).message})` : describeFsError(error);
}

/** Yields the lines of a file, decompressing gzip on the way. */
async function* readLines(file: string, gzip: boolean): AsyncGenerator<string> {
  const stream = createReadStream(file);
  const source = gzip ? stream.pipe(createGunzip()) : stream;
  stream.on('error', (error) => source.destroy(error));
  const lines = readline.createInterface({ input: source, crlfDelay: Infinity });
  let first = true;
  try {
    for await (const line of lines) {
      yield first ? stripByteOrderMark(line) : line;
      first = false;
    }
  } catch (error) {
    throw new InputError(file, describeReadError(error));
  } finally {
    // Releases the file when the reader stops early.
    lines.close();
    source.destroy();
    stream.destroy();
  }
}

/**
 * Opens a file, decompressing gzip (recognised by its magic bytes, whatever the extension). Files
 * larger than `thresholds` on disk are returned as lines instead of as one text.
 */
export async function openInput(file: string, thresholds: StreamingThresholds = DEFAULT_STREAMING_THRESHOLDS): Promise<FileContent> {
  let bytes: Buffer;
  let gzip: boolean;
  try {
    const size = (await fs.stat(file)).size;
    // A file below both thresholds is read whole at once; only a larger one needs its first bytes
    // first, to know which threshold applies.
    if (size > Math.min(thresholds.gzipBytes, thresholds.plainBytes)) {
      gzip = isGzip(await readHead(file));
      if (size > (gzip ? thresholds.gzipBytes : thresholds.plainBytes)) {
        return { kind: 'lines', lines: readLines(file, gzip) };
      }
    }
    bytes = await fs.readFile(file);
    gzip = isGzip(bytes);
  } catch (error) {
    throw new InputError(file, describeFsError(error));
  }
  if (gzip) {
    try {
      // Large output chunks: zlib's default of 16 KB makes a thread-pool round trip per chunk, about twice as slow.
      bytes = await gunzipAsync(bytes, { chunkSize: GUNZIP_CHUNK_BYTES });
    } catch (error) {
      throw new InputError(file, `corrupt gzip data (${(error as Error).message})`);
    }
  }
  return { kind: 'document', bytes };
}

/** Decodes a whole document as UTF-8 text, without a byte order mark. */
export function decodeDocument(file: string, bytes: Buffer): string {
  try {
    return stripByteOrderMark(bytes.toString('utf8'));
  } catch (error) {
    throw new InputError(file, `too large to read as one document (${(error as Error).message}); split it or convert it to JSON Lines`);
  }
}

/** Counts of what a file contains. */
export interface ExtractStats {
  /** CloudTrail records found. `extractRecords` only yields them, so its caller counts them. */
  records: number;
  /** JSON values that are not CloudTrail records or a known wrapper of them. */
  unrecognised: number;
}

function parseEmbedded(value: unknown, stats: ExtractStats): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  try {
    return JSON.parse(value) as unknown;
  } catch {
    stats.unrecognised += 1;
    return undefined;
  }
}

/**
 * Yields the CloudTrail records inside one parsed JSON value, whatever its form: a log file, an
 * EventBridge event, a LookupEvents item or page, a record, or an array of any of them.
 */
export function* extractRecords(value: unknown, stats: ExtractStats, depth = 0): Generator<InputRecord> {
  if (Array.isArray(value)) {
    if (depth > 2) {
      stats.unrecognised += 1;
      return;
    }
    for (const item of value) {
      yield* extractRecords(item, stats, depth + 1);
    }
    return;
  }
  if (!isObject(value)) {
    stats.unrecognised += 1;
    return;
  }
  if (Array.isArray(value.Records)) {
    for (const record of value.Records) {
      if (isObject(record)) {
        yield { record };
      } else {
        stats.unrecognised += 1;
      }
    }
    return;
  }
  if (Array.isArray(value.Events)) {
    // `aws cloudtrail lookup-events` output: each record is a JSON string in CloudTrailEvent.
    for (const event of value.Events) {
      yield* extractRecords(isObject(event) && 'CloudTrailEvent' in event ? event : undefined, stats, depth + 1);
    }
    return;
  }
  if ('CloudTrailEvent' in value) {
    const record = parseEmbedded(value.CloudTrailEvent, stats);
    if (isObject(record)) {
      yield { record };
    } else if (record !== undefined) {
      stats.unrecognised += 1;
    }
    return;
  }
  if (isObject(value.detail) && typeof value['detail-type'] === 'string') {
    const account = typeof value.account === 'string' ? value.account : undefined;
    yield account === undefined ? { record: value.detail } : { record: value.detail, envelopeAccount: account };
    return;
  }
  if (typeof value.eventName === 'string' || typeof value.eventSource === 'string') {
    yield { record: value };
    return;
  }
  stats.unrecognised += 1;
}

/** `share-sentinel scan`: option parsing, output and exit status around the scanner. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { emptyTrustedList, parseTrustedList, type TrustedList } from '../../lambda/core/trusted-list';
import type { Finding } from '../../lambda/core/types';
import { formatTableLine } from './table';
import { scanPaths, type ScanStats } from './scanner';
import { SCAN_USAGE, UsageError } from './usage';
import { describeFsError } from './inputs';
import { parseDetectorResources } from './detector-file';
import type { DetectorResources } from '../../lambda/core/rule';

/** The folder of bundled sample logs, scanned when no path is given. */
export const SAMPLES_FOLDER = path.resolve(__dirname, '..', '..', 'samples');

export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

function mergeTrusted(target: TrustedList, source: TrustedList, origin: string, io: CommandIo): void {
  for (const [id, label] of source.entries) {
    target.entries.set(id, label);
  }
  for (const error of source.errors) {
    io.stderr.write(`share-sentinel: trusted list (${origin}): skipped ${JSON.stringify(error.value)}: ${error.reason}\n`);
  }
}

async function loadTrustedList(values: { trusted?: string[]; 'trusted-file'?: string }, io: CommandIo): Promise<TrustedList> {
  const list = emptyTrustedList();
  for (const value of values.trusted ?? []) {
    // Ids typed on the command line are checked strictly: a typo there is bad usage, not a list to repair.
    const parsed = parseTrustedList(value);
    const [first] = parsed.errors;
    if (first !== undefined) {
      throw new UsageError(`invalid --trusted id ${JSON.stringify(first.value)}: ${first.reason}`);
    }
    mergeTrusted(list, parsed, '--trusted', io);
  }
  const file = values['trusted-file'];
  if (file !== undefined) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --trusted-file ${JSON.stringify(file)}: ${describeFsError(error)}`);
    }
    const parsed = parseTrustedList(text);
    if (parsed.documentError !== undefined) {
      throw new UsageError(`invalid --trusted-file ${JSON.stringify(file)}: ${parsed.documentError}`);
    }
    // A file is read like the SSM parameter: a malformed entry is reported and skipped, the rest applies.
    mergeTrusted(list, parsed, file, io);
  }
  return list;
}

async function loadDetector(file: string | undefined): Promise<DetectorResources | undefined> {
  if (file === undefined) {
    return undefined;
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --detector ${JSON.stringify(file)}: ${describeFsError(error)}`);
  }
  try {
    return parseDetectorResources(text);
  } catch (error) {
    throw new UsageError(`invalid --detector ${JSON.stringify(file)}: ${(error as Error).message}`);
  }
}

function parseExitCode(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 255) {
    throw new UsageError(`invalid --exit-code ${JSON.stringify(value)}: expected a whole number from 1 to 255`);
  }
  return Number(value);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function summary(stats: ScanStats): string {
  const seconds = Math.max((Date.now() - stats.startedAt) / 1000, 0.001);
  const severities = (['critical', 'high', 'medium', 'low'] as const)
    .filter((severity) => stats.bySeverity[severity] > 0)
    .map((severity) => `${stats.bySeverity[severity]} ${severity}`);
  const findings = `${count(stats.findings, 'finding')}${severities.length > 0 ? ` (${severities.join(', ')})` : ''}`;
  const failed = stats.unreadableFiles + stats.missingPaths;
  const unreadable = failed > 0 ? `; ${count(failed, 'input')} could not be read` : '';
  return `scanned ${count(stats.files, 'file')}, ${count(stats.events, 'event')} in ${seconds.toFixed(1)} s: ${findings}${unreadable}`;
}

function progressLine(stats: ScanStats): string {
  const seconds = Math.max((Date.now() - stats.startedAt) / 1000, 0.001);
  return `${stats.files} files, ${stats.events} events, ${stats.findings} findings, ${Math.round(stats.events / seconds)} events/s`;
}

/** Runs `scan` with the given arguments and returns the exit status. */
export async function runScan(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      trusted: { type: 'string', multiple: true },
      'trusted-file': { type: 'string' },
      detector: { type: 'string' },
      format: { type: 'string' },
      'skip-failed': { type: 'boolean', default: false },
      'unrestricted-services': { type: 'boolean', default: false },
      'exit-code': { type: 'string' },
      progress: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(SCAN_USAGE);
    return 0;
  }
  const format = values.format ?? (io.stdout.isTTY ? 'table' : 'json');
  if (format !== 'table' && format !== 'json') {
    throw new UsageError(`invalid --format ${JSON.stringify(format)}: expected table or json`);
  }
  const exitCodeOnFindings = parseExitCode(values['exit-code']);
  const trustedList = await loadTrustedList(values, io);
  const detector = await loadDetector(values.detector);
  const showProgress = values['no-progress'] ? false : (values.progress ?? (Boolean(io.stderr.isTTY) && Boolean(io.stdout.isTTY)));
  const colour = format === 'table' && Boolean(io.stdout.isTTY) && process.env.NO_COLOR === undefined;
  const paths = positionals.length > 0 ? positionals : [SAMPLES_FOLDER];

  let progressShown = false;
  const clearProgress = (): void => {
    if (progressShown) {
      io.stderr.write('\r\u001b[K');
      progressShown = false;
    }
  };
  const stats = await scanPaths({
    paths,
    evaluation: {
      trustedList,
      alertOnFailedCalls: !values['skip-failed'],
      alertOnUnrestrictedServices: values['unrestricted-services'],
      detector,
    },
    onFinding(finding: Finding) {
      clearProgress();
      io.stdout.write(`${format === 'json' ? JSON.stringify(finding) : formatTableLine(finding, colour)}\n`);
    },
    onFileError(file, reason) {
      clearProgress();
      io.stderr.write(`share-sentinel: ${file}: ${reason}\n`);
    },
    onProgress: showProgress
      ? (current) => {
          io.stderr.write(`\r\u001b[K${progressLine(current)}`);
          progressShown = true;
        }
      : undefined,
  });
  clearProgress();
  io.stderr.write(`${summary(stats)}\n`);

  // Every path yields a file or an error (missing path, folder with no input file), so no file read means an error was reported.
  if (stats.files === stats.unreadableFiles) {
    io.stderr.write('share-sentinel: no input could be read\n');
    return 2;
  }
  return stats.findings > 0 && exitCodeOnFindings !== undefined ? exitCodeOnFindings : 0;
}

/**
 * Helpers shared by the benchmarks: statistics, the environment of child processes, and running a
 * child process with its wall time and, where GNU time is installed, its peak resident set size.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';

const REPOSITORY = join(__dirname, '..');

/** Shows a path relative to the repository root when it is inside it, and absolute otherwise. */
export function displayPath(path: string): string {
  const inside = relative(REPOSITORY, path);
  return inside === '' ? '.' : inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

/** GNU time, which reports the peak RSS of the command it runs with `-f %M` (in KiB). */
export const TIME_BINARY = '/usr/bin/time';

export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error('median of an empty list: no run produced a value');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Returns the value below which `fraction` of the values fall (nearest rank). */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) {
    throw new Error('percentile of an empty list: no run produced a value');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1];
}

export function nowNs(): bigint {
  return process.hrtime.bigint();
}

export function elapsedMs(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

/**
 * Builds the environment of every child process: the parent's, without settings that could send
 * AWS SDK requests anywhere, plus fake credentials and no instance metadata lookups. `extra` is applied last.
 */
export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const isEndpoint = name.startsWith('AWS_ENDPOINT_URL') || name === 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS';
    const isProfile = name === 'AWS_PROFILE' || name === 'AWS_DEFAULT_PROFILE';
    if (!isEndpoint && !isProfile && value !== undefined) {
      env[name] = value;
    }
  }
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/share-sentinel-bench/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/share-sentinel-bench/credentials',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NO_COLOR: '1',
  });
  return Object.assign(env, extra);
}

/** Tells whether peak RSS can be measured, and if not, why. */
export function rssMeasurement(): { available: true } | { available: false; reason: string } {
  if (!existsSync(TIME_BINARY)) {
    return { available: false, reason: `${TIME_BINARY} is not installed (Debian package "time"), and a child's peak RSS cannot be read from /proc after it exits` };
  }
  return { available: true };
}

export interface ChildRun {
  wallMs: number;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Peak resident set size in bytes, when GNU time is installed. */
  peakRssBytes?: number;
}

export interface ChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep stdout in memory, the default. With false, stdout is discarded. */
  captureStdout?: boolean;
  /** Run the command under GNU time to read its peak RSS. */
  measureRss?: boolean;
  /** Kill the child (SIGKILL, by its process id) when it runs longer than this. */
  timeoutMs?: number;
}

/**
 * Runs a command to completion and measures its wall time from spawn to exit. With `measureRss`,
 * the command runs under `/usr/bin/time -f %M`, whose own start adds about a millisecond.
 */
export async function runChild(command: string, args: readonly string[], options: ChildOptions = {}): Promise<ChildRun> {
  const measureRss = options.measureRss === true && rssMeasurement().available;
  const scratch = measureRss ? mkdtempSync(join(tmpdir(), 'share-sentinel-bench-rss-')) : undefined;
  const rssFile = scratch === undefined ? undefined : join(scratch, 'rss');
  const [file, argv] = rssFile === undefined ? [command, [...args]] : [TIME_BINARY, ['-f', '%M', '-o', rssFile, command, ...args]];
  try {
    const started = nowNs();
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? benchEnv(),
      stdio: ['ignore', options.captureStdout === false ? 'ignore' : 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`failed to start ${file}: ${error.message}`)));
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    }).finally(() => clearTimeout(timer));
    if (timedOut) {
      throw new Error(`${command} timed out after ${options.timeoutMs} ms and was killed`);
    }
    const wallMs = elapsedMs(started);
    const run: ChildRun = { wallMs, exitCode, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
    if (rssFile !== undefined && existsSync(rssFile)) {
      // GNU time writes "Command exited with non-zero status N" before the value when the command fails.
      const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
      const kib = Number(lines[lines.length - 1]);
      if (Number.isFinite(kib) && kib > 0) {
        run.peakRssBytes = kib * 1024;
      }
    }
    return run;
  } finally {
    if (scratch !== undefined) {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

/** Raises an error that shows the command's exit status and the end of its stderr. */
export function requireSuccess(run: ChildRun, description: string): ChildRun {
  if (run.exitCode !== 0) {
    const tail = run.stderr.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${description} failed with exit status ${run.exitCode}:\n${tail}`);
  }
  return run;
}

/** Compares two sets of ids: which expected ones are missing and which found ones were not expected. */
export function compareIds(expected: Iterable<string>, found: Iterable<string>): { missing: string[]; unexpected: string[] } {
  const expectedSet = new Set(expected);
  const foundSet = new Set(found);
  return {
    missing: [...expectedSet].filter((id) => !foundSet.has(id)).sort(),
    unexpected: [...foundSet].filter((id) => !expectedSet.has(id)).sort(),
  };
}

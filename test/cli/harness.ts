/**
 * Runs the command-line tool for tests: in-process through `main(args, io)` with captured output,
 * or as a child process. Also creates and removes temporary folders.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../bin/cli/main';
import type { CommandIo } from '../../bin/cli/scan-command';
import type { Finding } from '../../lambda/core/types';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ENTRY_SCRIPT = path.join(REPO_ROOT, 'bin', 'share-sentinel.js');

/** A stand-in for stdout or stderr that stores every write. */
export interface CapturedStream {
  isTTY?: boolean;
  chunks: string[];
  write(chunk: string | Uint8Array): boolean;
}

export function capturedStream(isTTY = false): CapturedStream {
  const stream: CapturedStream = {
    chunks: [],
    write(chunk) {
      stream.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    },
  };
  if (isTTY) {
    stream.isTTY = true;
  }
  return stream;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

/** Runs `share-sentinel ARGS` in-process. */
export async function runMain(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const stdout = capturedStream(options.stdoutIsTTY);
  const stderr = capturedStream(options.stderrIsTTY);
  // Only write() and isTTY are used by the command, so the captured streams stand in for real ones.
  const io = { stdout, stderr } as unknown as CommandIo;
  const code = await main(args, io);
  return { code, stdout: stdout.chunks.join(''), stderr: stderr.chunks.join('') };
}

/** Parses `--format json` output: one finding per line. */
export function parseFindings(stdout: string): Finding[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Finding);
}

export function eventIds(findings: Finding[]): string[] {
  return findings.map((finding) => finding.eventId);
}

/** Environment for child processes: no colour setting inherited, no npm update check. */
function childEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_offline: 'true' };
  delete env.NO_COLOR;
  return env;
}

/** Runs a command as a child process from the repository root and waits for it. */
export function runProcess(command: string, args: string[], timeoutMs = 60_000): RunResult {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, env: childEnvironment(), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    throw result.error;
  }
  if (result.status === null) {
    throw new Error(`${command} ${args.join(' ')} ended by signal ${String(result.signal)}\nstderr: ${result.stderr}`);
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `node bin/share-sentinel.js ARGS` as a child process. */
export function runEntryScript(args: string[], nodeOptions: string[] = []): RunResult {
  return runProcess(process.execPath, [...nodeOptions, ENTRY_SCRIPT, ...args]);
}

const createdFolders: string[] = [];

/** Creates a temporary folder. `removeTemporaryFolders` deletes every folder created so far. */
export function temporaryFolder(prefix = 'share-sentinel-test-'): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), prefix));
  createdFolders.push(folder);
  return folder;
}

export function removeTemporaryFolders(): void {
  for (const folder of createdFolders.splice(0)) {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Runs every benchmark and rewrites BENCHMARKS.md: scanner throughput on a generated corpus, the
 * detection core, and the Lambda bundle with its sizing. Progress goes to stderr. The exit status
 * is 0, 1 when a result differs from the corpus ground truth (the page is still written and lists
 * the differences), or 2 for an invalid option.
 *
 *   npm run bench -- [--size 200MB] [--out FILE] [--help]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, resolve } from 'node:path';
import { measureCore } from './core';
import { ensureCorpus } from './corpus-cache';
import { buildBundle, measureHandler, measureRequire } from './lambda-bundle';
import { BenchOptionError, parseBenchArguments, USAGE, type BenchOptions } from './options';
import { renderPage, type MachineInfo } from './page';
import { measureScannerThroughput } from './scanner-throughput';
import { recommendSizing } from './sizing';

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

function shellQuote(argument: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** Rebuilds the command as the user typed it, through npm when npm started this process. */
function commandLine(argv: readonly string[]): string {
  const args = argv.map(shellQuote).join(' ');
  if (process.env.npm_lifecycle_event === 'bench') {
    return `npm run bench${args === '' ? '' : ` -- ${args}`}`;
  }
  return `npx tsx bench/run.ts${args === '' ? '' : ` ${args}`}`;
}

function machineInfo(argv: readonly string[], started: Date): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    platform: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    nodeVersion: process.version,
    date: started.toISOString(),
    command: commandLine(argv),
    loadStart: os.loadavg(),
    loadEnd: os.loadavg(),
    durationSeconds: 0,
  };
}

async function runBenchmarks(options: BenchOptions, argv: readonly string[]): Promise<number> {
  const started = new Date();
  const machine = machineInfo(argv, started);
  const workDirectory = resolve(options.workDirectory);
  const out = resolve(options.out);
  mkdirSync(workDirectory, { recursive: true });
  log(`${machine.cpuModel}, ${machine.cores} cores, Node.js ${machine.nodeVersion}, load average ${machine.loadStart.map((value) => value.toFixed(2)).join(' ')}`);

  const corpus = await ensureCorpus(workDirectory, options.sizeBytes, options.seed, log);
  const scanner = await measureScannerThroughput(corpus, workDirectory, options.runs, log);

  log(`detection core: ${options.coreSharing} sharing and ${options.coreEveryday} everyday records, ${options.corePasses} passes`);
  const core = measureCore(options.seed, options.coreSharing, options.coreEveryday, options.corePasses);
  log(`detection core: sharing ${core.sharing.nsPerEvent.toFixed(0)} ns/event, everyday ${core.everyday.nsPerEvent.toFixed(0)} ns/event`);

  const build = await buildBundle(workDirectory);
  log(`lambda bundle: ${(build.sizeBytes / 1024).toFixed(1)} KB, built in ${build.buildMs.toFixed(0)} ms`);
  const requireTimes = await measureRequire(build, options.requireRuns, log);
  const handler = await measureHandler(build, workDirectory, options.seed, options.handlerEvents, log);
  const lambda = { build, require: requireTimes, handler };

  const mismatches = [...scanner.mismatches, ...handler.mismatches];
  const everydayOutcomes = Object.entries(core.everyday.statuses).filter(([status]) => status !== 'not-watched');
  if (everydayOutcomes.length > 0) {
    const outcomes = everydayOutcomes.map(([status, total]) => `${total} ${status}`).join(', ');
    mismatches.push(`detection core: ${outcomes} among ${core.everyday.records} everyday records, which no rule should read`);
  }

  machine.loadEnd = os.loadavg();
  machine.durationSeconds = (Date.now() - started.getTime()) / 1000;
  const sizing = recommendSizing(lambda);
  const page = renderPage({
    machine,
    repeats: { runs: options.runs, corePasses: options.corePasses, requireRuns: options.requireRuns, handlerEvents: options.handlerEvents },
    scanner,
    core,
    lambda,
    sizing,
    mismatches,
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, page);

  const { readers } = scanner;
  log(
    `scanner ${(readers.scanner.medianMs / 1000).toFixed(2)} s, ` +
      `${((scanner.corpus.bytes / 1024 ** 2) / (readers.scanner.medianMs / 1000)).toFixed(1)} MB/s; ` +
      `zcat | jq ÷ scanner ${(readers.jq.medianMs / readers.scanner.medianMs).toFixed(2)}×; ` +
      `scanner ÷ decompression ${(readers.scanner.medianMs / readers.gunzip.medianMs).toFixed(2)}×`,
  );
  log(`sizing: ${sizing.memoryMb} MB, ${sizing.timeoutSeconds} s timeout`);
  log(`wrote ${out} in ${machine.durationSeconds.toFixed(0)} s`);
  if (mismatches.length > 0) {
    log(`FAILED: ${mismatches.length} differences from the ground truth or the full parse:`);
    for (const line of mismatches) {
      log(`  ${line}`);
    }
    return 1;
  }
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | undefined;
  try {
    options = parseBenchArguments(argv);
  } catch (error) {
    if (error instanceof BenchOptionError) {
      process.stderr.write(`bench: error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }
  return runBenchmarks(options, argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

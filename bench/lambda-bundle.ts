/**
 * The Lambda bundle: builds lambda/handler.ts the way the stack's NodejsFunction does, and
 * measures its size, the time a fresh Node.js process takes to load it, and the handler's time
 * per event with SSM and SNS served by bench/stub-aws.ts on 127.0.0.1.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { sharingCalls } from './corpus';
import type { InvokeEvent, InvokeResult } from './lambda-invoke';
import { LAMBDA_EXTERNAL_MODULES } from '../lib/bundling';
import { benchEnv, elapsedMs, median, nowNs, percentile, requireSuccess, runChild } from './measure';

const REPOSITORY = join(__dirname, '..');
const HANDLER_ENTRY = join(REPOSITORY, 'lambda', 'handler.ts');
const INVOKE_ENTRY = join(__dirname, 'lambda-invoke.ts');
/** Maximum run time of the handler benchmark's child process, after which it is killed. */
const INVOKE_TIMEOUT_MS = 10 * 60 * 1000;

export interface BundleBuild {
  bundlePath: string;
  emptyHandlerPath: string;
  invokeRunnerPath: string;
  sizeBytes: number;
  gzipBytes: number;
  sourceMapBytes: number;
  buildMs: number;
}

export interface RequireTimes {
  runs: number;
  bundleMs: number;
  emptyMs: number;
  /** The bundle loaded with --enable-source-maps, as the stack's NODE_OPTIONS sets. */
  bundleSourceMapsMs: number;
}

export interface InvocationStats {
  count: number;
  medianTotalMs: number;
  p95TotalMs: number;
  medianRoundTripMs: number;
  medianExcludingRoundTripsMs: number;
  p95ExcludingRoundTripsMs: number;
}

export interface HandlerTimes {
  events: number;
  /** Invocations left out of the warm figures, the first included. */
  warmUp: number;
  first: { totalMs: number; roundTripMs: number; requests: number };
  second: { totalMs: number; roundTripMs: number; requests: number };
  warm: InvocationStats;
  warmFindings: InvocationStats;
  warmQuiet: InvocationStats;
  requireInProcessMs: number;
  rssBeforeRequire: number;
  rssAfterRequire: number;
  rssAfterInvocations: number;
  maxRss: number;
  heapAfterRequire: number;
  heapAfterInvocations: number;
  eventsTextBytes: number;
  stub: InvokeResult['stub'];
  findings: number;
  mismatches: string[];
}

export interface LambdaResult {
  build: BundleBuild;
  require: RequireTimes;
  handler: HandlerTimes;
}

/**
 * Builds the handler with the options the stack gives NodejsFunction (bundle, minify, source map,
 * platform node, CommonJS, main fields module,main, the same external modules), with target node20 so that the
 * Node.js here can load it. Also writes an empty handler and the benchmark's child process.
 */
export async function buildBundle(workDirectory: string): Promise<BundleBuild> {
  const folder = join(workDirectory, 'bundle');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const bundlePath = join(folder, 'index.js');

  const started = nowNs();
  await build({
    entryPoints: [HANDLER_ENTRY],
    outfile: bundlePath,
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    external: [...LAMBDA_EXTERNAL_MODULES],
    logLevel: 'warning',
  });
  const buildMs = elapsedMs(started);

  const invokeRunnerPath = join(folder, 'invoke.js');
  await build({ entryPoints: [INVOKE_ENTRY], outfile: invokeRunnerPath, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });

  const emptyHandlerPath = join(folder, 'empty.js');
  writeFileSync(emptyHandlerPath, "'use strict';\nexports.handler = async () => ({});\n");

  return {
    bundlePath,
    emptyHandlerPath,
    invokeRunnerPath,
    sizeBytes: statSync(bundlePath).size,
    gzipBytes: gzipSync(readFileSync(bundlePath)).length,
    sourceMapBytes: statSync(`${bundlePath}.map`).size,
    buildMs,
  };
}

/**
 * Times `node -e "require(FILE)"` for the bundle, for the bundle with --enable-source-maps and for
 * the empty handler, `runs` times each, interleaved so that load changes fall on all three alike.
 */
export async function measureRequire(bundle: BundleBuild, runs: number, log: (line: string) => void): Promise<RequireTimes> {
  const series = [
    { name: 'empty', args: ['-e', `require(${JSON.stringify(bundle.emptyHandlerPath)})`], times: [] as number[] },
    { name: 'bundle', args: ['-e', `require(${JSON.stringify(bundle.bundlePath)})`], times: [] as number[] },
    { name: 'bundle with source maps', args: ['--enable-source-maps', '-e', `require(${JSON.stringify(bundle.bundlePath)})`], times: [] as number[] },
  ];
  const env = benchEnv({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  for (let round = 0; round < runs; round += 1) {
    for (let index = 0; index < series.length; index += 1) {
      const item = series[(index + round) % series.length];
      const run = requireSuccess(await runChild(process.execPath, item.args, { env, cwd: REPOSITORY }), `node -e require (${item.name})`);
      item.times.push(run.wallMs);
    }
  }
  const [empty, plain, sourceMaps] = series.map((item) => median(item.times));
  log(`lambda bundle: require ${plain.toFixed(0)} ms (with source maps ${sourceMaps.toFixed(0)} ms), empty handler ${empty.toFixed(0)} ms, median of ${runs}`);
  return { runs, bundleMs: plain, emptyMs: empty, bundleSourceMapsMs: sourceMaps };
}

/** Wraps a CloudTrail record in the envelope EventBridge delivers it in. */
function eventBridgeEvent(record: Record<string, unknown>, index: number): Record<string, unknown> {
  const source = typeof record.eventSource === 'string' ? record.eventSource.replace(/\.amazonaws\.com$/, '') : 'unknown';
  return {
    version: '0',
    id: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${source}`,
    account: '111122223333',
    time: typeof record.eventTime === 'string' ? record.eventTime : '2024-05-01T00:00:00Z',
    region: typeof record.awsRegion === 'string' ? record.awsRegion : 'us-east-1',
    resources: [],
    detail: record,
  };
}

/** Builds the events for the handler, with one that raises a finding first, so that the first invocation both reads SSM and publishes. */
function handlerEvents(seed: number, count: number): InvokeEvent[] {
  const events: InvokeEvent[] = [];
  let index = 0;
  for (const call of sharingCalls(seed, count)) {
    events.push({ event: eventBridgeEvent(call.record, index), expectedFindings: call.expected === 'finding' ? 1 : 0 });
    index += 1;
  }
  const firstFinding = events.findIndex((item) => item.expectedFindings === 1);
  if (firstFinding > 0) {
    events.unshift(...events.splice(firstFinding, 1));
  }
  return events;
}

function invocationStats(invocations: InvokeResult['invocations']): InvocationStats {
  if (invocations.length === 0) {
    return { count: 0, medianTotalMs: Number.NaN, p95TotalMs: Number.NaN, medianRoundTripMs: Number.NaN, medianExcludingRoundTripsMs: Number.NaN, p95ExcludingRoundTripsMs: Number.NaN };
  }
  const total = invocations.map((item) => item.totalNs / 1e6);
  const roundTrip = invocations.map((item) => item.roundTripNs / 1e6);
  const excluding = invocations.map((item) => (item.totalNs - item.roundTripNs) / 1e6);
  return {
    count: invocations.length,
    medianTotalMs: median(total),
    p95TotalMs: percentile(total, 0.95),
    medianRoundTripMs: median(roundTrip),
    medianExcludingRoundTripsMs: median(excluding),
    p95ExcludingRoundTripsMs: percentile(excluding, 0.95),
  };
}

function checkInvocations(result: InvokeResult): string[] {
  const mismatches: string[] = [];
  const wrong = result.invocations
    .map((item, index) => ({ item, index, expected: result.expectedFindings[index] }))
    .filter(({ item, expected }) => item.error !== undefined || item.findingCount !== expected);
  for (const { item, index, expected } of wrong.slice(0, 10)) {
    mismatches.push(`handler event ${index}: ${item.error ?? `findingCount ${item.findingCount}`}, expected findingCount ${expected}`);
  }
  if (wrong.length > 10) {
    mismatches.push(`handler: ${wrong.length - 10} more events with a wrong result`);
  }
  const published = result.invocations.reduce((total, item) => total + (item.findingCount ?? 0), 0);
  if (result.stub.publish !== published) {
    mismatches.push(`handler reported ${published} findings but the stub received ${result.stub.publish} Publish requests`);
  }
  if (result.stub.getParameter < 1) {
    mismatches.push('handler never read the trusted list from the SSM stub');
  }
  if (result.stub.rejected > 0) {
    mismatches.push(`the AWS stub rejected ${result.stub.rejected} requests: ${result.stub.rejections.join('; ')}`);
  }
  return mismatches;
}

/** Runs the bundled handler over `count` sharing events in a child process and summarises the timings. */
export async function measureHandler(bundle: BundleBuild, workDirectory: string, seed: number, count: number, log: (line: string) => void): Promise<HandlerTimes> {
  const scratch = mkdtempSync(join(workDirectory, 'handler-'));
  try {
    const eventsPath = join(scratch, 'events.jsonl');
    const resultPath = join(scratch, 'result.json');
    writeFileSync(eventsPath, handlerEvents(seed, count).map((item) => `${JSON.stringify(item)}\n`).join(''));
    // The stack sets POWERTOOLS_LOG_LEVEL=INFO and NODE_OPTIONS=--enable-source-maps. The logs go to /dev/null here.
    const env = benchEnv({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    const run = await runChild(process.execPath, ['--enable-source-maps', '--expose-gc', bundle.invokeRunnerPath, '--bundle', bundle.bundlePath, '--events', eventsPath, '--result', resultPath], {
      env,
      cwd: REPOSITORY,
      captureStdout: false,
      timeoutMs: INVOKE_TIMEOUT_MS,
    });
    requireSuccess(run, 'the handler benchmark');
    const result = JSON.parse(readFileSync(resultPath, 'utf8')) as InvokeResult;

    const warmUp = Math.min(result.invocations.length - 1, Math.max(2, Math.floor(result.invocations.length / 10)));
    const warm = result.invocations.slice(warmUp);
    const warmExpected = result.expectedFindings.slice(warmUp);
    const pick = (index: number): HandlerTimes['first'] => {
      const item = result.invocations[index];
      return { totalMs: item.totalNs / 1e6, roundTripMs: item.roundTripNs / 1e6, requests: item.requests };
    };
    const times: HandlerTimes = {
      events: result.invocations.length,
      warmUp,
      first: pick(0),
      second: pick(Math.min(1, result.invocations.length - 1)),
      warm: invocationStats(warm),
      warmFindings: invocationStats(warm.filter((_, index) => warmExpected[index] === 1)),
      warmQuiet: invocationStats(warm.filter((_, index) => warmExpected[index] === 0)),
      requireInProcessMs: result.requireMs,
      rssBeforeRequire: result.rssBeforeRequire,
      rssAfterRequire: result.rssAfterRequire,
      rssAfterInvocations: result.rssAfterInvocations,
      maxRss: result.maxRss,
      heapAfterRequire: result.heapAfterRequire,
      heapAfterInvocations: result.heapAfterInvocations,
      eventsTextBytes: result.eventsTextBytes,
      stub: result.stub,
      findings: result.invocations.reduce((total, item) => total + (item.findingCount ?? 0), 0),
      mismatches: checkInvocations(result),
    };
    log(
      `lambda handler: ${times.events} events, warm median ${times.warm.medianTotalMs.toFixed(2)} ms ` +
        `(${times.warm.medianExcludingRoundTripsMs.toFixed(2)} ms without HTTP round trips), first ${times.first.totalMs.toFixed(0)} ms`,
    );
    return times;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

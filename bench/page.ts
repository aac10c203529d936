/**
 * Renders BENCHMARKS.md from the figures of one run, with each target marked met or missed and by
 * how much. MB is 2^20 bytes and KB 2^10 bytes throughout, as in bench/corpus.ts.
 */
import type { CoreResult, CoreSeries } from './core';
import type { InvocationStats, LambdaResult } from './lambda-bundle';
import type { ReaderName, ScannerThroughputResult } from './scanner-throughput';
import { ALLOWANCE_PER_ATTEMPT_MS, MAX_RSS_SHARE, MIN_TIMEOUT_SECONDS, ONE_VCPU_MEMORY_MB, REQUEST_ATTEMPTS, type SizingRecommendation } from './sizing';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  arch: string;
  nodeVersion: string;
  /** ISO 8601 time the run started. */
  date: string;
  command: string;
  /** os.loadavg() at the start and at the end of the run: 1, 5 and 15 minutes. */
  loadStart: number[];
  loadEnd: number[];
  durationSeconds: number;
}

export interface PageInput {
  machine: MachineInfo;
  repeats: { runs: number; corePasses: number; requireRuns: number; handlerEvents: number };
  scanner: ScannerThroughputResult;
  core: CoreResult;
  lambda: LambdaResult;
  sizing: SizingRecommendation;
  /** Every correctness problem found, from all benchmarks. */
  mismatches: string[];
}

/** Targets of this suite. */
export const TARGETS = {
  /** zcat | jq time divided by scanner time, at least. */
  jqOverScanner: 5,
  /** Scanner time divided by decompression time, at most. */
  scannerOverGunzip: 2,
  bundleBytes: 500 * 1024,
  /** Bundle require time at most this factor of the empty handler's, plus `requireSlackMs`. */
  requireFactor: 1.5,
  requireSlackMs: 50,
  handlerMs: 5,
};

const MB = 1024 * 1024;

function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function fixed(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function seconds(ms: number): string {
  return `${fixed(ms / 1000, 2)} s`;
}

function milliseconds(ms: number): string {
  return ms >= 100 ? `${integer(ms)} ms` : `${fixed(ms, ms >= 10 ? 1 : 2)} ms`;
}

function megabytes(bytes: number): string {
  return `${fixed(bytes / MB, bytes >= 10 * MB ? 0 : 1)} MB`;
}

function kilobytes(bytes: number): string {
  return `${fixed(bytes / 1024, 1)} KB`;
}

function ratio(value: number): string {
  return `${fixed(value, 2)}×`;
}

function percent(value: number): string {
  return `${integer(value * 100)} %`;
}

/** Counts a noun: `1 file`, `2 files`. */
function count(value: number, singular: string, plural: string): string {
  return `${integer(value)} ${value === 1 ? singular : plural}`;
}

/** Formats a table row, escaping each `|` inside a cell so that it does not end the cell. */
function row(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const separator = header.map((_, index) => ((align?.[index] ?? 'l') === 'r' ? '---:' : '---'));
  return [row(header), row(separator), ...rows.map(row)].join('\n');
}

interface Verdict {
  target: string;
  result: string;
  met: boolean;
}

type Describe = (measured: number, limit: number) => string;

function atLeast(target: string, measured: number, limit: number, describeMet: Describe, describeMissed: Describe): Verdict {
  const met = measured >= limit;
  return { target, met, result: met ? `met: ${describeMet(measured, limit)}` : `missed: ${describeMissed(measured, limit)}` };
}

function atMost(target: string, measured: number, limit: number, describeMet: Describe, describeMissed: Describe): Verdict {
  const met = measured <= limit;
  return { target, met, result: met ? `met: ${describeMet(measured, limit)}` : `missed: ${describeMissed(measured, limit)}` };
}

function scannerVerdicts(scanner: ScannerThroughputResult): Verdict[] {
  const { readers } = scanner;
  const jqOverScanner = readers.jq.medianMs / readers.scanner.medianMs;
  const scannerOverGunzip = readers.scanner.medianMs / readers.gunzip.medianMs;
  return [
    atLeast(
      `scanner at least ${TARGETS.jqOverScanner}× faster than zcat | jq`,
      jqOverScanner,
      TARGETS.jqOverScanner,
      (value, limit) => `${ratio(value)} against at least ${ratio(limit)}, ${percent(value / limit - 1)} above`,
      (value, limit) => `${ratio(value)} against at least ${ratio(limit)}; the scanner would need ${percent(1 - value / limit)} less time`,
    ),
    atMost(
      `scanner within ${TARGETS.scannerOverGunzip}× of decompression alone`,
      scannerOverGunzip,
      TARGETS.scannerOverGunzip,
      (value, limit) => `${ratio(value)} against at most ${ratio(limit)}, ${percent(1 - value / limit)} below`,
      (value, limit) => `${ratio(value)} against at most ${ratio(limit)}; the scanner would need ${percent(1 - limit / value)} less time`,
    ),
  ];
}

function requireLimitMs(lambda: LambdaResult): number {
  return TARGETS.requireFactor * lambda.require.emptyMs + TARGETS.requireSlackMs;
}

function lambdaVerdicts(lambda: LambdaResult): Verdict[] {
  const limitMs = requireLimitMs(lambda);
  const verdicts = [
    atMost(
      `bundle under ${kilobytes(TARGETS.bundleBytes)}`,
      lambda.build.sizeBytes,
      TARGETS.bundleBytes,
      (value, limit) => `${kilobytes(value)}, ${kilobytes(limit - value)} under`,
      (value, limit) => `${kilobytes(value)}, ${kilobytes(value - limit)} over`,
    ),
    atMost(
      `require under ${TARGETS.requireFactor}× the empty handler + ${TARGETS.requireSlackMs} ms`,
      lambda.require.bundleMs,
      limitMs,
      (value, limit) => `${milliseconds(value)} against ${milliseconds(limit)}, ${milliseconds(limit - value)} under`,
      (value, limit) => `${milliseconds(value)} against ${milliseconds(limit)}, ${milliseconds(value - limit)} over`,
    ),
    atMost(
      `handler under ${TARGETS.handlerMs} ms per event, excluding network (median, all events)`,
      lambda.handler.warm.medianExcludingRoundTripsMs,
      TARGETS.handlerMs,
      (value, limit) => `${milliseconds(value)}, ${milliseconds(limit - value)} under`,
      (value, limit) => `${milliseconds(value)}, ${milliseconds(value - limit)} over`,
    ),
  ];
  if (lambda.handler.warmFindings.count > 0) {
    verdicts.push(
      atMost(
        `handler under ${TARGETS.handlerMs} ms per event, excluding network (median, events that publish a finding)`,
        lambda.handler.warmFindings.medianExcludingRoundTripsMs,
        TARGETS.handlerMs,
        (value, limit) => `${milliseconds(value)}, ${milliseconds(limit - value)} under`,
        (value, limit) => `${milliseconds(value)}, ${milliseconds(value - limit)} over`,
      ),
    );
  }
  return verdicts;
}

function renderHeader(input: PageInput): string {
  const { machine, repeats } = input;
  const load = (values: number[]): string => values.map((value) => fixed(value, 2)).join(' / ');
  const busy = Math.max(machine.loadStart[0], machine.loadEnd[0]) > machine.cores / 2;
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); run it again to replace this page. Absolute times change from machine to machine, so each target is checked against a ratio or a figure measured in the same run. Each figure is a median; MB is 2^20 bytes.',
    '',
    '## Machine',
    '',
    table(
      ['Item', 'Value'],
      [
        ['Command', `\`${machine.command}\``],
        ['Date', machine.date],
        ['CPU', `${machine.cpuModel}, ${machine.cores} cores`],
        ['Memory', `${fixed(machine.memoryBytes / 1024 ** 3, 1)} GB`],
        ['OS', `${machine.platform} ${machine.arch}`],
        ['Node.js', machine.nodeVersion],
        ['Load average (1, 5, 15 min)', `${load(machine.loadStart)} at the start, ${load(machine.loadEnd)} at the end${busy ? ': other work shared the machine, so absolute times are higher than on an idle one' : ''}`],
        [
          'Repeats',
          `${repeats.runs} rounds of the scanner and its references; ${repeats.corePasses} timed passes of the detection core; ${repeats.requireRuns} fresh processes per require series; ${integer(repeats.handlerEvents)} handler events`,
        ],
        ['Duration of the run', seconds(machine.durationSeconds * 1000)],
      ],
    ),
  ].join('\n');
}

function renderTargets(input: PageInput): string {
  const verdicts = [...scannerVerdicts(input.scanner), ...lambdaVerdicts(input.lambda)];
  const correctness: Verdict = {
    target: 'scanner findings and jq selection equal the ground truth and the full parse',
    met: input.mismatches.length === 0,
    result: input.mismatches.length === 0 ? 'met' : `missed: ${count(input.mismatches.length, 'difference', 'differences')}, listed under Correctness`,
  };
  return ['## Targets', '', table(['Target', 'Result'], [...verdicts, correctness].map((verdict) => [verdict.target, verdict.result]))].join('\n');
}

const READER_LABELS: Record<ReaderName, string> = {
  scanner: 'share-sentinel scan',
  gunzip: '(a) decompression alone, one Node.js process',
  parse: '(b) decompression and JSON.parse, one Node.js process',
  jq: '(c) zcat | jq selecting the catalog events',
  startup: 'CLI start-up alone',
};

function renderScanner(scanner: ScannerThroughputResult): string {
  const { corpus, readers } = scanner;
  const scannerMs = readers.scanner.medianMs;
  const rows = (['scanner', 'gunzip', 'parse', 'jq'] as const).map((name) => {
    const reader = readers[name];
    const perSecond = 1000 / reader.medianMs;
    return [
      READER_LABELS[name],
      seconds(reader.medianMs),
      fixed((corpus.bytes / MB) * perSecond, 1),
      integer(corpus.records * perSecond),
      reader.peakRssBytes === undefined ? 'not measured' : megabytes(reader.peakRssBytes),
      ratio(reader.medianMs / scannerMs),
    ];
  });
  const startup = readers.startup.medianMs;
  rows.push([READER_LABELS.startup, seconds(startup), '', '', '', ratio(startup / scannerMs)]);

  const afterStartupMs = scannerMs - startup;
  // Below a fifth of the scanner's time, the difference is mostly noise and the estimate would mislead.
  const startupNote = afterStartupMs > scannerMs / 5
    ? `Without it, the estimate is ${fixed(corpus.bytes / MB / (afterStartupMs / 1000), 1)} MB/s, ${ratio(readers.jq.medianMs / afterStartupMs)} faster than zcat | jq and ${ratio(afterStartupMs / readers.gunzip.medianMs)} decompression alone; the share of start-up falls as the corpus grows.`
    : 'Start-up takes most of the scanner time at this corpus size, so the throughput after start-up is not estimated.';
  const rssNote = scanner.rss.available
    ? 'Peak RSS comes from `/usr/bin/time -f %M`; for the jq pipeline it is that of its largest process.'
    : `Peak RSS was not measured: ${scanner.rss.reason}.`;
  return [
    '## Scanner throughput',
    '',
    `Corpus: ${megabytes(corpus.bytes)} of uncompressed CloudTrail log (${integer(corpus.bytes)} bytes) in ${count(corpus.files, 'gzipped file', 'gzipped files')} of ${megabytes(corpus.compressedBytes)}, ` +
      `${count(corpus.records, 'record', 'records')}, ${count(corpus.sharingRecords, 'sharing call', 'sharing calls')} among them; bench/corpus.ts, seed ${corpus.seed}, in \`${corpus.logsDirectory}\`` +
      `${corpus.reused ? ' (reused from an earlier run)' : ` (generated in ${fixed(corpus.generationSeconds, 1)} s)`}.`,
    '',
    `Scanner command: \`${readers.scanner.command}\`, run as a child process; its time is the wall time from spawn to exit, start-up included. ` +
      `The references read the same files in the same rounds, and the order of the readers rotates from round to round. MB/s is uncompressed log per second. ${rssNote}`,
    '',
    table(['Reader', 'Median time', 'MB/s', 'Events/s', 'Peak RSS', 'Time ÷ scanner'], rows, ['l', 'r', 'r', 'r', 'r', 'r']),
    '',
    `- zcat | jq ÷ scanner: **${ratio(readers.jq.medianMs / scannerMs)}**; scanner ÷ decompression alone: **${ratio(scannerMs / readers.gunzip.medianMs)}**.`,
    `- CLI start-up (\`${readers.startup.command}\`: Node.js, tsx compiling the CLI, the rule catalog) takes ${seconds(startup)}; the scanner takes ${seconds(scannerMs)} with its start-up. ${startupNote}`,
    `- Where the scanner's time goes beyond decompression: its start-up (above), turning each decompressed file into a string to search, ` +
      `and garbage collection of those strings; a CPU profile of a 1 GB scan put garbage collection first and the fast path's name search second. ` +
      `It parses only the records whose event name a rule watches, so JSON parsing is not the cost.`,
    `- The references: (a) and (b) are \`node bench/reference-reader.js gunzip|parse LIST\`, which read and decompress the files one after another on one thread, and (b) also parses each. ` +
      `(c) is \`xargs -0 -a LIST zcat -- | jq -r -f FILTER\` with ${scanner.jqVersion}, where zcat and jq run on separate cores. The filter, built from lambda/catalog.ts:`,
    '',
    '```jq',
    scanner.jqFilter.trimEnd(),
    '```',
  ].join('\n');
}

function coreRow(label: string, series: CoreSeries): string[] {
  const statuses = Object.entries(series.statuses)
    .map(([status, total]) => `${integer(total ?? 0)} ${status}`)
    .join(', ');
  return [label, integer(series.records), integer(series.eventsPerSecond), integer(series.nsPerEvent), statuses];
}

function renderCore(core: CoreResult): string {
  return [
    '## Detection core',
    '',
    `\`evaluateRecord\` (lambda/core/evaluate.ts) with an empty trusted list, over records built in memory by \`sharingRecords\` and \`everydayRecords\` (bench/corpus.ts) in the benchmark's own process. ` +
      `Two untimed passes over the records come first; the figure is the median of ${core.sharing.passes} timed passes.`,
    '',
    table(['Records', 'Count', 'Events/s', 'ns/event', 'Outcomes in one pass'], [coreRow('sharing calls', core.sharing), coreRow('everyday calls (no rule reads them)', core.everyday)], ['l', 'r', 'r', 'r', 'l']),
  ].join('\n');
}

function statsRow(label: string, stats: InvocationStats): string[] {
  if (stats.count === 0) {
    return [label, '0', '', '', '', ''];
  }
  return [
    label,
    integer(stats.count),
    milliseconds(stats.medianTotalMs),
    milliseconds(stats.medianRoundTripMs),
    milliseconds(stats.medianExcludingRoundTripsMs),
    milliseconds(stats.p95ExcludingRoundTripsMs),
  ];
}

function renderLambda(lambda: LambdaResult): string {
  const { build, require: requireTimes, handler } = lambda;
  const limitMs = requireLimitMs(lambda);
  return [
    '## Lambda bundle',
    '',
    'lambda/handler.ts built with esbuild as the stack builds it (bundle, minify, source map, platform node, CommonJS, main fields module,main, no externals), but with target node20 instead of node24 so that this Node.js can load it.',
    '',
    table(
      ['Measure', 'Value'],
      [
        ['`index.js`', `${kilobytes(build.sizeBytes)} (${kilobytes(build.gzipBytes)} gzipped); target under ${kilobytes(TARGETS.bundleBytes)}`],
        ['`index.js.map`', kilobytes(build.sourceMapBytes)],
        ['Build time', milliseconds(build.buildMs)],
        ['`node -e "require(index.js)"`, fresh process', milliseconds(requireTimes.bundleMs)],
        ['The same with `--enable-source-maps` (the stack sets it in NODE_OPTIONS)', milliseconds(requireTimes.bundleSourceMapsMs)],
        ['`node -e "require(empty.js)"`, an empty handler', milliseconds(requireTimes.emptyMs)],
        ['Bundle ÷ empty handler', `${ratio(requireTimes.bundleMs / requireTimes.emptyMs)}; target under ${milliseconds(limitMs)} (${TARGETS.requireFactor}× the empty handler + ${TARGETS.requireSlackMs} ms)`],
        ['Loading the bundle inside a running process', milliseconds(handler.requireInProcessMs)],
      ],
    ),
    '',
    `### Handler per event`,
    '',
    `The bundled handler runs in a plain Node.js process (\`node --enable-source-maps\`, POWERTOOLS_LOG_LEVEL=INFO with the logs discarded), invoked once per event, one after another, over ${integer(handler.events)} EventBridge events wrapping \`sharingCalls\` records. ` +
      'SSM and SNS are served by bench/stub-aws.ts on 127.0.0.1 in the same process, with AWS_ENDPOINT_URL pointing at it and fake credentials; the trusted list is the owner account only, as the stack writes by default. ' +
      "HTTP round trips are timed from each request's start to its response headers through Node's http.client diagnostics channels; they include the stub's own work and loopback TCP. " +
      "The time excluding them still includes the SDK's serialisation, signing and response parsing.",
    '',
    table(
      ['Invocations', 'Count', 'Median total', 'Median HTTP round trips', 'Median excluding round trips', 'p95 excluding round trips'],
      [
        statsRow(`warm (after the first ${handler.warmUp})`, handler.warm),
        statsRow('warm, publishing a finding', handler.warmFindings),
        statsRow('warm, no finding', handler.warmQuiet),
      ],
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `- First invocation (creates the clients, reads SSM, publishes): ${milliseconds(handler.first.totalMs)}, of which ${milliseconds(handler.first.roundTripMs)} in ${handler.first.requests} HTTP round trips. Second: ${milliseconds(handler.second.totalMs)}, of which ${milliseconds(handler.second.roundTripMs)} in ${handler.second.requests}.`,
    `- The stub served ${integer(handler.stub.getParameter)} GetParameter and ${integer(handler.stub.publish)} Publish requests (the trusted list is cached for 300 s); the handler reported ${integer(handler.findings)} findings.`,
    `- RSS of the process: ${megabytes(handler.rssBeforeRequire)} before loading the bundle (Node.js, the stub), ${megabytes(handler.rssAfterRequire)} after, ${megabytes(handler.rssAfterInvocations)} after the last event. ` +
      `Peak: ${megabytes(handler.maxRss)}, which includes the ${megabytes(handler.eventsTextBytes)} events file kept as text.`,
    `- Heap in use after a full garbage collection: ${megabytes(handler.heapAfterRequire)} after loading the bundle, ${megabytes(handler.heapAfterInvocations)} after the last event. ` +
      'The difference includes code and caches that V8 and the libraries keep, as well as any data the handler retains. RSS also counts garbage not yet collected and native memory.',
  ].join('\n');
}

function renderSizing(sizing: SizingRecommendation, lambda: LambdaResult): string {
  const chosen = sizing.estimates.find((estimate) => estimate.memoryMb === sizing.memoryMb);
  const rows = sizing.estimates.map((estimate) => {
    let verdict = estimate.fits ? 'enough' : 'too small';
    if (estimate.memoryMb === sizing.memoryMb) {
      verdict = 'recommended';
    }
    return [
      `${estimate.memoryMb} MB`,
      fixed(Math.min(estimate.memoryMb, ONE_VCPU_MEMORY_MB) / ONE_VCPU_MEMORY_MB, 3),
      percent(estimate.rssShare),
      milliseconds(estimate.initMs),
      milliseconds(estimate.firstInvocationMs),
      milliseconds(estimate.warmFindingMs),
      verdict,
    ];
  });
  return [
    '## Sizing the function',
    '',
    `**Recommendation: ${sizing.memoryMb} MB of memory and a ${sizing.timeoutSeconds}-second timeout.**`,
    '',
    `Lambda gives a function CPU in proportion to its memory, the equivalent of one vCPU at ${integer(ONE_VCPU_MEMORY_MB)} MB (AWS Lambda Developer Guide, "Configuring Lambda function memory"). ` +
      `The estimates below scale the CPU times measured here by ${integer(ONE_VCPU_MEMORY_MB)} / memory, which assumes one core of this machine does the work of one Lambda vCPU (the stack runs on arm64). They are estimates, and on a loaded machine pessimistic ones.`,
    '',
    table(['Memory', 'vCPU share', 'Peak RSS ÷ memory', 'Bundle load (init)', 'First invocation, CPU', 'Warm finding, CPU', 'Room for peak RSS'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'l']),
    '',
    `- Memory: the smallest size at which the peak RSS measured (${megabytes(sizing.peakRssBytes)}, after ${integer(lambda.handler.events)} events in one process) is at most ${percent(MAX_RSS_SHARE)} of the memory. ` +
      `The margin is a choice, for records larger than the generated ones and for garbage that V8 collects late. Sizes with that room: ${sizing.estimates.filter((estimate) => estimate.fits).map((estimate) => `${estimate.memoryMb} MB`).join(', ') || 'none, so the largest candidate is shown'}.`,
    `- CPU does not decide the size. The function receives only sharing calls, which are rare next to everyday calls, so many invocations may start cold: ` +
      `at ${sizing.memoryMb} MB, loading the bundle and the first invocation add an estimated ${seconds(chosen?.initMs ?? 0)} and ${seconds(chosen?.firstInvocationMs ?? 0)} to the alert. ` +
      'A larger size cuts that delay in proportion, at a proportionally higher price per millisecond.',
    `- Timeout: the handler makes at most ${REQUEST_ATTEMPTS} request attempts per event (SSM GetParameter with maxAttempts 2 in lambda/trusted-source.ts, SNS Publish with the SDK's default 3), ` +
      `and the SDK clients set no connection or request timeout (@smithy/node-http-handler 4.14.2 defaults; the SNS client's idle socket timeout is 300 s), so a stalled connection holds the invocation until the function times out. ` +
      `The slowest normal invocation is estimated at ${milliseconds(sizing.slowestNormalInvocationMs)}: the first invocation's CPU at ${sizing.memoryMb} MB plus ${REQUEST_ATTEMPTS} × ${milliseconds(ALLOWANCE_PER_ATTEMPT_MS)} per attempt. ` +
      `The timeout is twice that, rounded up to 5 s, and at least ${MIN_TIMEOUT_SECONDS} s, so that a stalled call fails and EventBridge's asynchronous retry starts sooner than after 30 s.`,
    `- Initialisation (loading the bundle: ${milliseconds(lambda.require.bundleSourceMapsMs - lambda.require.emptyMs)} here beyond an empty handler) is not counted against the timeout; Lambda limits it to 10 s separately.`,
  ].join('\n');
}

function renderCorrectness(input: PageInput): string {
  const { scanner, lambda } = input;
  const summary = [
    `- Scanner: ${count(scanner.scannerFindings, 'finding', 'findings')}; the ground truth expects ${integer(scanner.expectedFindings)} and the full parse finds ${integer(scanner.fullParseFindings)}. ` +
      `It counted ${count(scanner.scannerEvents, 'event', 'events')}; the corpus has ${count(scanner.corpus.records, 'record', 'records')}.`,
    `- zcat | jq: ${count(scanner.jqSelected, 'event id', 'event ids')} selected; the ground truth lists ${integer(scanner.truthEntries)} sharing calls and the full parse finds ${integer(scanner.fullParseWatched)} records that a catalog rule reads.`,
    `- Handler: ${count(lambda.handler.findings, 'finding', 'findings')} published over ${count(lambda.handler.events, 'event', 'events')}, each compared with its expected outcome.`,
  ];
  const verdict = input.mismatches.length === 0
    ? 'Every run matched the ground truth and the full parse.'
    : `**${count(input.mismatches.length, 'difference', 'differences')} from the ground truth or the full parse, so the run failed:**\n\n${input.mismatches.map((line) => `- ${line}`).join('\n')}`;
  const checks =
    'Checked in every run. The corpus ground truth (bench/corpus.ts) lists each sharing call and whether it should raise a finding with an empty trusted list. ' +
    'The full parse, done once and untimed, decompresses and parses every file, routes every record through the catalog (`findRule`) and evaluates those a rule reads: the result the scanner must reproduce without parsing everything. ' +
    'A difference from the ground truth alone, with none from the full parse, means bench/corpus.ts and the catalog disagree about which calls a rule reads; a difference from the full parse is a scanner or jq-filter error.';
  return ['## Correctness', '', checks, '', ...summary, '', verdict].join('\n');
}

export function renderPage(input: PageInput): string {
  return [
    renderHeader(input),
    renderTargets(input),
    renderScanner(input.scanner),
    renderCore(input.core),
    renderLambda(input.lambda),
    renderSizing(input.sizing, input.lambda),
    renderCorrectness(input),
  ].join('\n\n') + '\n';
}

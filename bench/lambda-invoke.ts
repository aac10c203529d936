/**
 * The handler benchmark's child process. bench/lambda-bundle.ts bundles this file with esbuild and
 * runs it with plain `node`, so that no TypeScript loader adds to the memory it measures:
 *
 *   node --enable-source-maps --expose-gc invoke.js --bundle FILE --events FILE --result FILE
 *
 * It starts the AWS stub on 127.0.0.1, points the SDK at it, loads the handler bundle, invokes it
 * once per event in order, and writes the timings to the result file as JSON. The events file is
 * JSON Lines, and each line is parsed just before its invocation, untimed, as the Lambda runtime
 * parses each event, so that the events do not sit in memory as objects. HTTP round trips
 * are timed through Node's `http.client.request.start` and `http.client.response.finish`
 * diagnostics channels. The second fires when the response headers arrive.
 */
import { subscribe } from 'node:diagnostics_channel';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startStubAws } from './stub-aws';

/** One line of the events file: an event, with the outcome the corpus generator expects for its record. */
export interface InvokeEvent {
  event: Record<string, unknown>;
  expectedFindings: 0 | 1;
}

export interface Invocation {
  totalNs: number;
  /** Time from the start of each HTTP request to its response headers, summed. */
  roundTripNs: number;
  requests: number;
  findingCount?: number;
  error?: string;
}

export interface InvokeResult {
  requireMs: number;
  /** RSS in bytes before the bundle was loaded, after, and after the last invocation. */
  rssBeforeRequire: number;
  rssAfterRequire: number;
  rssAfterInvocations: number;
  /** Peak RSS of the whole process in bytes, from `process.resourceUsage()`. */
  maxRss: number;
  /** Heap in use after a full garbage collection, in bytes, after loading the bundle and after the last invocation. */
  heapAfterRequire: number;
  heapAfterInvocations: number;
  /** Size of the events file, which the process keeps in memory as text. */
  eventsTextBytes: number;
  invocations: Invocation[];
  expectedFindings: number[];
  stub: { getParameter: number; publish: number; rejected: number; rejections: string[] };
}

type Handler = (event: unknown, context: unknown) => Promise<{ findingCount: number }>;

/** Runs a full garbage collection, which needs --expose-gc, and returns the heap in use in bytes. */
function heapAfterGc(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) {
    throw new Error('global gc() is missing: run this file with node --expose-gc');
  }
  collect();
  return process.memoryUsage().heapUsed;
}

export const TRUSTED_ACCOUNTS_PARAMETER = '/share-sentinel/trusted-accounts';
/** The list the stack writes by default: the deploying account only. */
export const TRUSTED_ACCOUNTS_VALUE = '111122223333';
export const ALERT_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:share-sentinel-alerts';

function option(argv: readonly string[], name: string): string {
  const index = argv.indexOf(name);
  const value = index === -1 ? undefined : argv[index + 1];
  if (value === undefined) {
    throw new Error(`missing ${name} FILE`);
  }
  return value;
}

function lambdaContext(requestId: string): Record<string, unknown> {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'share-sentinel-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:share-sentinel-bench',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/share-sentinel-bench',
    logStreamName: '2024/05/01/[$LATEST]00000000000000000000000000000000',
    getRemainingTimeInMillis: () => 30000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const bundlePath = option(argv, '--bundle');
  const eventsPath = option(argv, '--events');
  const resultPath = option(argv, '--result');

  const stub = await startStubAws({ parameterName: TRUSTED_ACCOUNTS_PARAMETER, parameterValue: TRUSTED_ACCOUNTS_VALUE });
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: stub.endpoint,
      ALERT_TOPIC_ARN,
      TRUSTED_ACCOUNTS_PARAMETER,
      TRUSTED_ACCOUNTS_MAX_AGE: '300',
      ALERT_ON_FAILED_CALLS: 'true',
      ALERT_ON_UNRESTRICTED_SERVICES: 'false',
      POWERTOOLS_SERVICE_NAME: 'share-sentinel',
    });

    const rssBeforeRequire = process.memoryUsage().rss;
    const requireStarted = process.hrtime.bigint();
    const { handler } = createRequire(__filename)(bundlePath) as { handler: Handler };
    const requireMs = Number(process.hrtime.bigint() - requireStarted) / 1e6;
    const rssAfterRequire = process.memoryUsage().rss;
    const heapAfterRequire = heapAfterGc();

    let current: Invocation = { totalNs: 0, roundTripNs: 0, requests: 0 };
    const requestStarts = new WeakMap<object, bigint>();
    subscribe('http.client.request.start', (message) => {
      requestStarts.set((message as { request: object }).request, process.hrtime.bigint());
    });
    subscribe('http.client.response.finish', (message) => {
      const started = requestStarts.get((message as { request: object }).request);
      if (started !== undefined) {
        current.roundTripNs += Number(process.hrtime.bigint() - started);
        current.requests += 1;
      }
    });

    const eventsText = readFileSync(eventsPath, 'utf8');
    const lines = eventsText.split('\n').filter((line) => line !== '');
    const invocations: Invocation[] = [];
    const expectedFindings: number[] = [];
    for (let i = 0; i < lines.length; i += 1) {
      const item = JSON.parse(lines[i]) as InvokeEvent;
      expectedFindings.push(item.expectedFindings);
      current = { totalNs: 0, roundTripNs: 0, requests: 0 };
      const started = process.hrtime.bigint();
      try {
        const result = await handler(item.event, lambdaContext(`00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`));
        current.findingCount = result.findingCount;
      } catch (error) {
        current.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      current.totalNs = Number(process.hrtime.bigint() - started);
      invocations.push(current);
    }

    const result: InvokeResult = {
      requireMs,
      rssBeforeRequire,
      rssAfterRequire,
      rssAfterInvocations: process.memoryUsage().rss,
      maxRss: process.resourceUsage().maxRSS * 1024,
      heapAfterRequire,
      heapAfterInvocations: heapAfterGc(),
      eventsTextBytes: Buffer.byteLength(eventsText),
      invocations,
      expectedFindings,
      stub: { ...stub.counts, rejections: stub.rejections },
    };
    writeFileSync(resultPath, JSON.stringify(result));
  } finally {
    await stub.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`lambda-invoke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

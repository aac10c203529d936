/** Command-line options of bench/run.ts, with errors that name the option, the value and the range. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CorpusOptionError, DEFAULT_SEED, parseSize } from './corpus';

export class BenchOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchOptionError';
  }
}

export interface BenchOptions {
  /** Uncompressed corpus size in bytes. */
  sizeBytes: number;
  /** The size as written on the command line, for the page. */
  sizeText: string;
  seed: number;
  /** Rounds of the scanner throughput measurement. */
  runs: number;
  /** Timed passes of the detection core over its records. */
  corePasses: number;
  coreSharing: number;
  coreEveryday: number;
  /** Fresh processes per series in the require measurement. */
  requireRuns: number;
  handlerEvents: number;
  /** The page to write. */
  out: string;
  /** Directory for the corpus cache and the bundle. */
  workDirectory: string;
}

const REPOSITORY = join(__dirname, '..');

export const DEFAULTS = {
  size: '1GB',
  runs: 3,
  corePasses: 15,
  coreSharing: 2000,
  coreEveryday: 20000,
  requireRuns: 20,
  handlerEvents: 2000,
};

/** Minimum count of each repeated measurement, because a median of fewer runs is mostly noise. */
export const MIN_RUNS = 3;

export const USAGE = `Usage: npm run bench -- [options]
       npx tsx bench/run.ts [options]

Measures the scanner, the detection core and the Lambda bundle, and rewrites BENCHMARKS.md.

Options:
  --size SIZE            uncompressed size of the generated corpus: a number with KB, MB or GB
                         (powers of 1024); default ${DEFAULTS.size}
  --seed N               corpus seed, 0 to 4294967295; default ${DEFAULT_SEED}
  --runs N               rounds of the scanner and its references, at least ${MIN_RUNS};
                         default ${DEFAULTS.runs}
  --core-passes N        timed passes of evaluateRecord over its records, at least ${MIN_RUNS};
                         default ${DEFAULTS.corePasses}
  --core-sharing N       sharing records for the core measurement; default ${DEFAULTS.coreSharing}
  --core-everyday N      everyday records for the core measurement; default ${DEFAULTS.coreEveryday}
  --require-runs N       fresh Node.js processes per require series, at least ${MIN_RUNS};
                         default ${DEFAULTS.requireRuns}
  --handler-events N     events sent through the bundled handler, at least 10;
                         default ${DEFAULTS.handlerEvents}
  --out FILE             the page to write; default BENCHMARKS.md at the repository root
  --work-dir DIR         corpus cache and build output; default .bench at the repository root
  -h, --help             show this text
`;

function wholeNumber(option: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new BenchOptionError(`invalid ${option} '${text}': expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Parses the arguments, or returns undefined for --help. */
export function parseBenchArguments(argv: readonly string[]): BenchOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        size: { type: 'string' },
        seed: { type: 'string' },
        runs: { type: 'string' },
        'core-passes': { type: 'string' },
        'core-sharing': { type: 'string' },
        'core-everyday': { type: 'string' },
        'require-runs': { type: 'string' },
        'handler-events': { type: 'string' },
        out: { type: 'string' },
        'work-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs raises TypeErrors with an ERR_PARSE_ARGS_* code for unknown or malformed options.
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      throw new BenchOptionError(`${(error as Error).message}; run with --help for the options`);
    }
    throw error;
  }
  const { values } = parsed;
  if (values.help) {
    return undefined;
  }

  const sizeText = values.size ?? DEFAULTS.size;
  let sizeBytes: number;
  try {
    sizeBytes = parseSize(sizeText);
  } catch (error) {
    if (error instanceof CorpusOptionError) {
      throw new BenchOptionError(error.message);
    }
    throw error;
  }
  const out = values.out ?? join(REPOSITORY, 'BENCHMARKS.md');
  if (out.trim() === '') {
    throw new BenchOptionError("invalid --out '': expected the path of the page to write, such as BENCHMARKS.md");
  }
  const workDirectory = values['work-dir'] ?? join(REPOSITORY, '.bench');
  if (workDirectory.trim() === '') {
    throw new BenchOptionError("invalid --work-dir '': expected a directory for the corpus cache, such as .bench");
  }

  return {
    sizeBytes,
    sizeText,
    seed: values.seed === undefined ? DEFAULT_SEED : wholeNumber('--seed', values.seed, 0, 0xffffffff),
    runs: values.runs === undefined ? DEFAULTS.runs : wholeNumber('--runs', values.runs, MIN_RUNS, 1000),
    corePasses: values['core-passes'] === undefined ? DEFAULTS.corePasses : wholeNumber('--core-passes', values['core-passes'], MIN_RUNS, 10000),
    coreSharing: values['core-sharing'] === undefined ? DEFAULTS.coreSharing : wholeNumber('--core-sharing', values['core-sharing'], 1, 10_000_000),
    coreEveryday: values['core-everyday'] === undefined ? DEFAULTS.coreEveryday : wholeNumber('--core-everyday', values['core-everyday'], 1, 10_000_000),
    requireRuns: values['require-runs'] === undefined ? DEFAULTS.requireRuns : wholeNumber('--require-runs', values['require-runs'], MIN_RUNS, 1000),
    handlerEvents: values['handler-events'] === undefined ? DEFAULTS.handlerEvents : wholeNumber('--handler-events', values['handler-events'], 10, 1_000_000),
    out,
    workDirectory,
  };
}

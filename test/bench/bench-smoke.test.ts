/**
 * Runs the whole benchmark suite at a tiny size (a 2 MB corpus, the fewest repeats it accepts)
 * into a temporary folder, and checks that the page has every section with figures in it. It
 * checks no timing: on a shared machine any figure can be slow. The real benchmarks run only
 * through `npm run bench`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(120_000);

const REPOSITORY = join(__dirname, '..', '..');
const TSX_CLI = join(REPOSITORY, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SECTIONS = ['Machine', 'Targets', 'Scanner throughput', 'Detection core', 'Lambda bundle', 'Sizing the function', 'Correctness'];

interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function runBench(args: string[]): Promise<RunResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [TSX_CLI, join(REPOSITORY, 'bench', 'run.ts'), ...args], {
      cwd: REPOSITORY,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Splits a Markdown page at its `## ` headings into heading and body. */
function sections(page: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of page.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    found.set(part.slice(0, newline).trim(), part.slice(newline + 1));
  }
  return found;
}

function tableRow(body: string, label: string): string {
  return body.split('\n').find((line) => line.startsWith(`| ${label} |`)) ?? '';
}

describe('bench/run.ts at a tiny size', () => {
  let folder: string;
  let result: RunResult;
  let page: string;
  let bodies: Map<string, string>;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'share-sentinel-bench-smoke-'));
    result = await runBench([
      '--size', '2MB',
      '--runs', '3',
      '--core-passes', '3',
      '--core-sharing', '40',
      '--core-everyday', '200',
      '--require-runs', '3',
      '--handler-events', '20',
      '--out', join(folder, 'BENCHMARKS.md'),
      '--work-dir', join(folder, 'work'),
    ]);
    page = existsSync(join(folder, 'BENCHMARKS.md')) ? readFileSync(join(folder, 'BENCHMARKS.md'), 'utf8') : '';
    bodies = sections(page);
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  test('exits 0 with no difference from the ground truth', () => {
    // On failure, the message shows the end of stderr, where the run lists each difference.
    const failure = result.exitCode === 0 ? '' : `exit status ${result.exitCode}\n${result.stderr.slice(-3000)}`;

    expect(failure).toBe('');
  });

  test('page has every section', () => {
    expect([...bodies.keys()]).toEqual(SECTIONS);
  });

  test.each(SECTIONS)('section %s contains figures', (heading) => {
    expect(bodies.get(heading) ?? '').toMatch(/\d/);
  });

  test('machine section names the command and the Node.js version', () => {
    const body = bodies.get('Machine') ?? '';

    expect(body).toContain('npx tsx bench/run.ts --size 2MB');
    expect(body).toContain(process.version);
    expect(tableRow(body, 'Load average (1, 5, 15 min)')).toMatch(/\d+\.\d\d/);
  });

  test('scanner table has a time and rates for every reader', () => {
    const body = bodies.get('Scanner throughput') ?? '';
    for (const label of ['share-sentinel scan', '(a) decompression alone, one Node.js process', '(b) decompression and JSON.parse, one Node.js process', '(c) zcat \\| jq selecting the catalog events']) {
      expect(tableRow(body, label)).toMatch(/^\| [^|]+(\\\|[^|]+)? \| [\d,.]+ s \| [\d,.]+ \| [\d,]+ \| ([\d,.]+ MB|not measured) \| [\d,.]+× \|$/);
    }
  });

  test('targets section marks each target met or missed', () => {
    const rows = (bodies.get('Targets') ?? '').split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Target') && !line.startsWith('| ---'));

    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const line of rows) {
      expect(line).toMatch(/\| (met|missed)\b/);
    }
  });

  test('core table has ns per event for both series', () => {
    const body = bodies.get('Detection core') ?? '';

    expect(tableRow(body, 'sharing calls')).toMatch(/^\| sharing calls \| 40 \| [\d,]+ \| [\d,]+ \|/);
    expect(tableRow(body, 'everyday calls (no rule reads them)')).toMatch(/\| 200 \| [\d,]+ \| [\d,]+ \| 200 not-watched \|$/);
  });

  test('lambda section has bundle size, require and handler times', () => {
    const body = bodies.get('Lambda bundle') ?? '';

    expect(tableRow(body, '`index.js`')).toMatch(/[\d,.]+ KB/);
    expect(tableRow(body, '`node -e "require(index.js)"`, fresh process')).toMatch(/[\d,.]+ ms/);
    expect(tableRow(body, '`node -e "require(empty.js)"`, an empty handler')).toMatch(/[\d,.]+ ms/);
    expect(body).toMatch(/\| warm \(after the first \d+\) \| \d+ \| [\d,.]+ ms \| [\d,.]+ ms \| [\d,.]+ ms \| [\d,.]+ ms \|/);
    expect(body).toMatch(/The stub served 1 GetParameter and \d+ Publish requests/);
  });

  test('sizing section recommends memory and timeout', () => {
    expect(bodies.get('Sizing the function') ?? '').toMatch(/\*\*Recommendation: \d+ MB of memory and a \d+-second timeout\.\*\*/);
  });

  test('corpus is cached in the work folder', () => {
    const work = join(folder, 'work');
    const entries = readdirSync(work);

    expect(entries).toContain('corpus-2MB-seed-42');
    expect(existsSync(join(work, 'corpus-2MB-seed-42', 'manifest.json'))).toBe(true);
    expect(existsSync(join(work, 'bundle', 'index.js'))).toBe(true);
  });
});

describe('bench/run.ts options', () => {
  test('invalid size names the value', async () => {
    const result = await runBench(['--size', '12XB']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("invalid --size '12XB'");
  });

  test('too few runs names the value and the range', async () => {
    const result = await runBench(['--runs', '2']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("invalid --runs '2': expected a whole number from 3 to 1000");
  });

  test('unknown option is rejected', async () => {
    const result = await runBench(['--sise', '2MB']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("'--sise'");
  });
});

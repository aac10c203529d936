/**
 * The input forms `share-sentinel scan` reads, folder walking, and how unreadable inputs are
 * reported. Most cases run the command in-process through `main(args, io)`.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openInput, STREAMING_THRESHOLD_BYTES, STREAMING_THRESHOLD_GZIP_BYTES } from '../../bin/cli/inputs';
import { scanPaths } from '../../bin/cli/scanner';
import { emptyTrustedList } from '../../lambda/core/trusted-list';
import type { Finding } from '../../lambda/core/types';
import { eventIds, parseFindings, removeTemporaryFolders, runMain, temporaryFolder } from './harness';
import {
  OWNER,
  PARTNER,
  dbSnapshotShare,
  eventBridgeEvent,
  everydayCall,
  lookupEventsOutput,
  publicBucketPolicy,
  publicImage,
  snapshotShare,
  withoutOwnerFields,
} from './records';

let folder: string;

beforeEach(() => {
  folder = temporaryFolder();
});

afterAll(() => {
  removeTemporaryFolders();
});

/** Writes a file under the test's folder, creating parent folders, and returns its path. */
function writeInput(name: string, content: string | Buffer): string {
  const file = path.join(folder, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

async function scanJson(...paths: string[]) {
  const result = await runMain(['scan', '--format', 'json', ...paths]);
  return { ...result, findings: parseFindings(result.stdout) };
}

describe('input forms', () => {
  const logFile = { Records: [everydayCall('read-1'), snapshotShare('share-1'), everydayCall('read-2', 1)] };

  it.each([
    ['log file as .json', 'log.json', () => json(logFile)],
    ['log file as .json.gz', 'log.json.gz', () => gzipSync(json(logFile))],
    ['pretty-printed log file', 'pretty.json', () => JSON.stringify(logFile, null, 2)],
    ['gzip log file named .json', 'disguised.json', () => gzipSync(json(logFile))],
    ['log file as .jsonl.gz', 'log.jsonl.gz', () => gzipSync(json(logFile))],
    ['log file as .ndjson', 'log.ndjson', () => json(logFile)],
  ])('%s', async (_case, name, content) => {
    const file = writeInput(name, content());

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1']);
    expect(result.stderr).toContain('scanned 1 file, 3 events');
  });

  it('single record', async () => {
    const file = writeInput('record.json', json(publicImage('image-1')));

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['image-1']);
    expect(result.findings[0].severity).toBe('critical');
  });

  it('EventBridge account as owner', async () => {
    const oldRecord = withoutOwnerFields(dbSnapshotShare('old-1', [OWNER, PARTNER]));
    const file = writeInput('event.json', json(eventBridgeEvent(oldRecord, OWNER)));

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding.eventId).toBe('old-1');
    expect(finding.ownerAccountId).toBe(OWNER);
    expect(finding.grants).toEqual([
      expect.objectContaining({ kind: 'account', accountId: OWNER, trusted: true, label: 'resource owner' }),
      expect.objectContaining({ kind: 'account', accountId: PARTNER, trusted: false }),
    ]);
  });

  it('old record without envelope has no owner', async () => {
    const oldRecord = withoutOwnerFields(dbSnapshotShare('old-1', [OWNER, PARTNER]));
    const file = writeInput('record.json', json(oldRecord));

    const result = await scanJson(file);

    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].ownerAccountId).toBeNull();
    expect(result.findings[0].grants.map((grant) => grant.trusted)).toEqual([false, false]);
  });

  it('array of records', async () => {
    const file = writeInput('records.json', json([snapshotShare('share-1'), everydayCall('read-1'), publicBucketPolicy('policy-1')]));

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1', 'policy-1']);
  });

  it('array of EventBridge events', async () => {
    const events = [eventBridgeEvent(everydayCall('read-1')), eventBridgeEvent(publicImage('image-1')), eventBridgeEvent(snapshotShare('share-1'))];
    const file = writeInput('events.json', json(events));

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['image-1', 'share-1']);
  });

  it('JSON Lines of records and events', async () => {
    const lines = [json(snapshotShare('share-1')), '', json(everydayCall('read-1')), json(eventBridgeEvent(publicImage('image-1')))];
    const file = writeInput('records.jsonl', `${lines.join('\n')}\n`);

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1', 'image-1']);
    expect(result.stderr).not.toContain('share-sentinel:');
  });

  it('JSON Lines with CRLF line ends', async () => {
    const file = writeInput('records.jsonl', `${json(snapshotShare('share-1'))}\r\n${json(publicImage('image-1'))}\r\n`);

    const result = await scanJson(file);

    expect(eventIds(result.findings)).toEqual(['share-1', 'image-1']);
  });

  it('lookup-events output', async () => {
    const output = lookupEventsOutput([everydayCall('read-1'), snapshotShare('share-1'), publicBucketPolicy('policy-1')]);
    const file = writeInput('lookup.json', JSON.stringify(output, null, 4));

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1', 'policy-1']);
    expect(result.stderr).toContain('3 events');
  });

  it('gzip file of any extension', async () => {
    const file = writeInput('download.bin', gzipSync(json({ Records: [snapshotShare('share-1')] })));

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1']);
  });

  it('UTF-8 byte order mark', async () => {
    const file = writeInput('bom.json', `\uFEFF${json({ Records: [snapshotShare('share-1')] })}`);

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1']);
  });
});

describe('folder walking', () => {
  it('reads folders recursively in name order', async () => {
    writeInput('b.json', json(snapshotShare('in-b')));
    writeInput('a.json.gz', gzipSync(json({ Records: [snapshotShare('in-a')] })));
    writeInput('c/2.json', json(snapshotShare('in-c-2')));
    writeInput('c/10.json', json(snapshotShare('in-c-10')));
    writeInput('c/d/1.jsonl', json(snapshotShare('in-c-d-1')));
    writeInput('C.json', json(snapshotShare('in-upper-c')));
    writeInput('e.json', json(snapshotShare('in-e')));

    const result = await scanJson(folder);

    expect(result.code).toBe(0);
    // Names sort by UTF-16 code unit: upper case first, and "10" before "2".
    expect(eventIds(result.findings)).toEqual(['in-upper-c', 'in-a', 'in-b', 'in-c-10', 'in-c-2', 'in-c-d-1', 'in-e']);
  });

  it('skips files with other extensions', async () => {
    writeInput('notes.txt', json(snapshotShare('in-txt')));
    writeInput('export.csv', 'eventName,eventSource\nModifySnapshotAttribute,ec2.amazonaws.com\n');
    writeInput('logs/log.json', json(snapshotShare('in-json')));

    const result = await scanJson(folder);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['in-json']);
    expect(result.stderr).toContain('scanned 1 file');
  });

  it('skips CloudTrail digest files', async () => {
    const digest = { awsAccountId: OWNER, digestStartTime: '2026-01-02T03:00:00Z', logFiles: [] };
    writeInput('CloudTrail-Digest/us-east-1/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20260102T030000Z.json.gz', gzipSync(json(digest)));
    writeInput('CloudTrail/us-east-1/111122223333_CloudTrail_us-east-1_20260102T0300Z_a1b2.json.gz', gzipSync(json({ Records: [snapshotShare('in-log')] })));

    const result = await scanJson(folder);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['in-log']);
    expect(result.stderr).toContain('scanned 1 file');
    expect(result.stderr).not.toContain('Digest');
  });

  it('reads several paths in the order given', async () => {
    const second = writeInput('second/log.json', json(snapshotShare('second')));
    const first = writeInput('first/log.json', json(snapshotShare('first')));

    const result = await scanJson(second, first);

    expect(eventIds(result.findings)).toEqual(['second', 'first']);
  });

  it('reads linked files but not linked folders', async () => {
    const target = writeInput('elsewhere/log.json', json(snapshotShare('linked-file')));
    const linkedFolderTarget = writeInput('elsewhere2/log.json', json(snapshotShare('linked-folder')));
    mkdirSync(path.join(folder, 'scanned'));
    symlinkSync(target, path.join(folder, 'scanned', 'link.json'));
    symlinkSync(path.dirname(linkedFolderTarget), path.join(folder, 'scanned', 'folder-link'));
    writeInput('scanned/own.json', json(snapshotShare('own-file')));

    const result = await scanJson(path.join(folder, 'scanned'));

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['linked-file', 'own-file']);
  });
});

describe('unreadable inputs', () => {
  const good = () => writeInput('good.json', json({ Records: [snapshotShare('share-1')] }));

  const badInputs: [string, () => string, RegExp][] = [
    ['corrupt .gz file', () => writeInput('corrupt.json.gz', Buffer.concat([gzipSync(json({ Records: [snapshotShare('lost')] })).subarray(0, 30), Buffer.from('garbage')])), /corrupt gzip data/],
    ['file that is not JSON', () => writeInput('notes.json', 'These are my notes, not a log file.\n'), /not valid JSON/],
    ['truncated log file', () => writeInput('truncated.json', json({ Records: [everydayCall('read-1'), everydayCall('read-2')] }).slice(0, -40)), /not valid JSON/],
    ['empty folder', () => {
      const empty = path.join(folder, 'empty');
      mkdirSync(empty);
      return empty;
    }, /contains no \.json, \.jsonl, \.ndjson or \.gz files/],
    ['missing path', () => path.join(folder, 'does-not-exist'), /no such file or folder/],
    ['JSON values that are not records', () => writeInput('values.json', json([1, 'two', { name: 'three' }])), /no CloudTrail record found \(3 JSON values are not CloudTrail records\)/],
    ['JSON object that is not a record', () => writeInput('package.json', json({ name: 'example', version: '1.0.0' })), /no CloudTrail record found \(1 JSON value is not a CloudTrail record\)/],
  ];

  it.each(badInputs)('%s alone exits 2', async (_case, makeInput, reason) => {
    const input = makeInput();

    const result = await scanJson(input);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`share-sentinel: ${input}: `);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toContain('share-sentinel: no input could be read');
  });

  it.each(badInputs)('%s next to a good file exits 0', async (_case, makeInput, reason) => {
    const input = makeInput();
    const goodFile = good();

    const result = await scanJson(input, goodFile);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1']);
    expect(result.stderr).toContain(`share-sentinel: ${input}: `);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toContain('1 input could not be read');
  });

  it('reports every bad input in one scan', async () => {
    const corrupt = writeInput('a/corrupt.json.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
    const notJson = writeInput('a/notes.json', 'plain text\n');
    const values = writeInput('a/values.json', '[1, 2]');
    writeInput('a/z-good.json', json(snapshotShare('share-1')));
    const missing = path.join(folder, 'missing');

    const result = await scanJson(path.join(folder, 'a'), missing);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1']);
    const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('share-sentinel: '));
    expect(errorLines).toEqual([
      expect.stringMatching(new RegExp(`^share-sentinel: ${corrupt}: corrupt gzip data`)),
      expect.stringMatching(new RegExp(`^share-sentinel: ${notJson}: not valid JSON`)),
      expect.stringMatching(new RegExp(`^share-sentinel: ${values}: no CloudTrail record found \\(2 JSON values are not CloudTrail records\\)`)),
      `share-sentinel: ${missing}: no such file or folder`,
    ]);
    expect(result.stderr).toContain(`scanned 4 files, 1 event`);
    expect(result.stderr).toContain('4 inputs could not be read');
  });

  it('skips bad JSON Lines and reports their numbers', async () => {
    const lines = [json(snapshotShare('share-1')), '{"eventID": "cut off', json(publicImage('image-1')), 'not json'];
    const file = writeInput('mixed.jsonl', lines.join('\n'));

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1', 'image-1']);
    expect(result.stderr).toContain(`share-sentinel: ${file}: 2 lines are not valid JSON and were skipped (line 2, 4)`);
  });

  it('non-records next to records', async () => {
    const file = writeInput('mixed.json', json({ Records: [snapshotShare('share-1'), 'stray text', 42] }));

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(eventIds(result.findings)).toEqual(['share-1']);
    expect(result.stderr).toContain(`share-sentinel: ${file}: 2 JSON values are not CloudTrail records and were skipped`);
  });

  it('empty log file is read without error', async () => {
    const file = writeInput('empty-log.json', json({ Records: [] }));

    const result = await scanJson(file);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('scanned 1 file, 0 events');
    expect(result.stderr).not.toMatch(/share-sentinel: /);
  });
});

describe('streaming large files', () => {
  const lowThresholds = { plainBytes: 4096, gzipBytes: 1024 };

  async function scanWith(paths: string[], streamingThresholds?: typeof lowThresholds) {
    const findings: Finding[] = [];
    const errors: string[] = [];
    const stats = await scanPaths({
      paths,
      evaluation: { trustedList: emptyTrustedList() },
      onFinding: (finding) => findings.push(finding),
      onFileError: (file, reason) => errors.push(`${file}: ${reason}`),
      streamingThresholds,
    });
    return { findings, errors, stats };
  }

  function jsonLinesFile(count: number): { text: string; shared: string[] } {
    const lines: string[] = [];
    const shared: string[] = [];
    for (let index = 0; index < count; index += 1) {
      if (index % 17 === 5) {
        shared.push(`share-${index}`);
        lines.push(json(snapshotShare(`share-${index}`)));
      } else {
        lines.push(json(everydayCall(`read-${index}`, index)));
      }
    }
    return { text: `${lines.join('\n')}\n`, shared };
  }

  it('default thresholds are unchanged', () => {
    expect(STREAMING_THRESHOLD_BYTES).toBe(256 * 1024 * 1024);
    expect(STREAMING_THRESHOLD_GZIP_BYTES).toBe(48 * 1024 * 1024);
  });

  it('opens files above threshold line by line', async () => {
    const small = writeInput('small.jsonl', json(snapshotShare('share-1')));
    const large = writeInput('large.jsonl', jsonLinesFile(200).text);
    const largeGzip = writeInput('large.jsonl.gz', gzipSync(jsonLinesFile(200).text));

    const smallContent = await openInput(small, lowThresholds);
    const largeContent = await openInput(large, lowThresholds);
    const largeGzipContent = await openInput(largeGzip, lowThresholds);
    const defaultContent = await openInput(large);

    expect(smallContent.kind).toBe('document');
    expect(largeContent.kind).toBe('lines');
    expect(largeGzipContent.kind).toBe('lines');
    expect(defaultContent.kind).toBe('document');
    if (largeGzipContent.kind === 'lines') {
      const lines: string[] = [];
      for await (const line of largeGzipContent.lines) {
        lines.push(line);
      }
      expect(lines).toHaveLength(200);
      expect(JSON.parse(lines[0])).toEqual(expect.objectContaining({ eventID: 'read-0' }));
    }
    if (largeContent.kind === 'lines') {
      // Close the unread stream so that the file handle is released.
      for await (const line of largeContent.lines) {
        expect(line).toBeDefined();
        break;
      }
    }
  });

  it('streamed scan finds what whole-file scan finds', async () => {
    const { text, shared } = jsonLinesFile(300);
    const plain = writeInput('large.jsonl', text);
    const gzip = writeInput('large.jsonl.gz', gzipSync(text));

    const streamed = await scanWith([plain, gzip], lowThresholds);
    const whole = await scanWith([plain, gzip]);

    expect(eventIds(streamed.findings)).toEqual([...shared, ...shared]);
    expect(eventIds(whole.findings)).toEqual([...shared, ...shared]);
    expect(streamed.errors).toEqual([]);
    expect(streamed.stats.events).toBe(600);
    expect(whole.stats.events).toBe(600);
  });

  it('rejects oversized pretty document', async () => {
    const file = writeInput('pretty.json', JSON.stringify({ Records: [everydayCall('read-1'), snapshotShare('share-1'), everydayCall('read-2')] }, null, 2));

    const result = await scanWith([file], { plainBytes: 256, gzipBytes: 256 });

    expect(result.findings).toEqual([]);
    expect(result.stats.unreadableFiles).toBe(1);
    expect(result.errors).toEqual([expect.stringContaining(`${file}: too large to read as one JSON document`)]);
  });

  it('rejects oversized pretty everyday document', async () => {
    const file = writeInput('pretty.json', JSON.stringify({ Records: [everydayCall('read-1'), everydayCall('read-2')] }, null, 2));

    const result = await scanWith([file], { plainBytes: 256, gzipBytes: 256 });

    expect(result.stats.unreadableFiles).toBe(1);
    expect(result.errors).toEqual([expect.stringContaining(`${file}: too large to read as one JSON document`)]);
  });

  it('corrupt gzip above threshold is reported', async () => {
    const compressed = gzipSync(jsonLinesFile(300).text);
    const file = writeInput('corrupt.jsonl.gz', Buffer.concat([compressed.subarray(0, 2000), Buffer.alloc(2000, 0x55)]));
    const goodFile = writeInput('good.json', json(snapshotShare('share-1')));

    const result = await scanWith([file, goodFile], lowThresholds);

    expect(result.stats.unreadableFiles).toBe(1);
    expect(result.errors).toEqual([expect.stringContaining(`${file}: corrupt gzip data`)]);
    expect(eventIds(result.findings)).toContain('share-1');
  });

  it('bad lines in streamed file are reported', async () => {
    const text = `${jsonLinesFile(100).text}this line is not JSON\n${json(publicImage('image-1'))}\n`;
    const file = writeInput('large.jsonl', text);

    const result = await scanWith([file], lowThresholds);

    expect(eventIds(result.findings)).toContain('image-1');
    expect(result.errors).toEqual([`${file}: 1 line is not valid JSON and was skipped (line 101)`]);
  });
});

/**
 * `share-sentinel scan` options, output formats, exit status and help, run in-process through
 * `main(args, io)`, and the end-to-end runs of `bin/share-sentinel.js` as a child process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { scanPaths, type ScanStats } from '../../bin/cli/scanner';
import { MAIN_USAGE, SCAN_USAGE } from '../../bin/cli/usage';
import { emptyTrustedList } from '../../lambda/core/trusted-list';
import type { CloudTrailRecord, Finding } from '../../lambda/core/types';
import { ENTRY_SCRIPT, REPO_ROOT, eventIds, parseFindings, removeTemporaryFolders, runEntryScript, runMain, runProcess, temporaryFolder } from './harness';
import { ORGANIZATION, OUTSIDER, OWNER, PARTNER, dbSnapshotShare, everydayCall, publicBucketPolicy, publicImage, snapshotShare } from './records';

let folder: string;

beforeEach(() => {
  folder = temporaryFolder();
});

afterAll(() => {
  removeTemporaryFolders();
});

function writeLog(name: string, records: CloudTrailRecord[]): string {
  const file = path.join(folder, name);
  writeFileSync(file, JSON.stringify({ Records: records }));
  return file;
}

function writeText(name: string, text: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

async function scanJson(args: string[]) {
  const result = await runMain(['scan', '--format', 'json', ...args]);
  return { ...result, findings: parseFindings(result.stdout) };
}

/** Builds a failed attempt to share a snapshot, as CloudTrail logs it. */
function failedSnapshotShare(eventId: string): CloudTrailRecord {
  return { ...snapshotShare(eventId), errorCode: 'Client.UnauthorizedOperation', errorMessage: 'You are not authorized to perform this operation.', responseElements: null };
}

/** Builds a Lambda AddPermission for a service principal with no source account or ARN. */
function unrestrictedServicePermission(eventId: string): CloudTrailRecord {
  return {
    ...everydayCall(eventId),
    eventSource: 'lambda.amazonaws.com',
    eventName: 'AddPermission20150331v2',
    readOnly: false,
    requestParameters: { functionName: 'report-builder', statementId: 'allow-s3', action: 'lambda:InvokeFunction', principal: 's3.amazonaws.com' },
    responseElements: null,
  };
}

describe('--trusted', () => {
  it('trusts listed account', async () => {
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER])]);

    const result = await scanJson(['--trusted', PARTNER, log]);

    expect(result.code).toBe(0);
    expect(result.findings).toEqual([]);
    expect(result.stderr).toContain('scanned 1 file, 1 event');
    expect(result.stderr).toContain('0 findings');
  });

  it('reads comma lists and repeats', async () => {
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER, OUTSIDER]), dbSnapshotShare('db-1', [OUTSIDER])]);

    const result = await scanJson(['--trusted', `${PARTNER},${ORGANIZATION}`, '--trusted', OUTSIDER, log]);

    expect(result.code).toBe(0);
    expect(result.findings).toEqual([]);
  });

  it('reports only untrusted grants', async () => {
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER, OUTSIDER])]);

    const result = await scanJson(['--trusted', PARTNER, log]);

    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding.grants).toEqual([
      expect.objectContaining({ kind: 'account', accountId: PARTNER, trusted: true }),
      expect.objectContaining({ kind: 'account', accountId: OUTSIDER, trusted: false }),
    ]);
    expect(finding.reasons.join(' ')).toContain(OUTSIDER);
    expect(finding.reasons.join(' ')).not.toContain(PARTNER);
  });

  it('fails on malformed id', async () => {
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER])]);

    const result = await scanJson(['--trusted', `12345,${PARTNER}`, log]);

    expect(result.code).toBe(2);
    expect(result.findings).toEqual([]);
    expect(result.stderr).toContain('share-sentinel scan: invalid --trusted id "12345": not a valid id');
  });
});

describe('--trusted-file', () => {
  it('reads list with comments', async () => {
    const list = writeText('trusted.txt', `# partner accounts\n${PARTNER}, ${ORGANIZATION} # main partner\n\n  ${OUTSIDER}\n`);
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER, OUTSIDER]), dbSnapshotShare('db-1', [OUTSIDER])]);

    const result = await scanJson(['--trusted-file', list, log]);

    expect(result.code).toBe(0);
    expect(result.findings).toEqual([]);
    expect(result.stderr).not.toContain('skipped');
  });

  it('fails on invalid JSON', async () => {
    const list = writeText('trusted.json', `{"${PARTNER}": "backup account",`);
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER])]);

    const result = await scanJson(['--trusted-file', list, log]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`share-sentinel scan: invalid --trusted-file ${JSON.stringify(list)}: not valid JSON`);
  });

  it('reads JSON object with labels', async () => {
    const list = writeText('trusted.json', JSON.stringify({ [PARTNER]: 'backup account', [ORGANIZATION]: 'our organization' }, null, 2));
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER, OUTSIDER])]);

    const result = await scanJson(['--trusted-file', list, log]);

    expect(result.code).toBe(0);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].grants).toEqual([
      expect.objectContaining({ accountId: PARTNER, trusted: true, label: 'backup account' }),
      expect.objectContaining({ accountId: OUTSIDER, trusted: false }),
    ]);
  });

  it('merges with --trusted', async () => {
    const list = writeText('trusted.txt', `${PARTNER}\n`);
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER, OUTSIDER])]);

    const result = await scanJson(['--trusted-file', list, '--trusted', OUTSIDER, log]);

    expect(result.findings).toEqual([]);
  });

  it('skips malformed list entry by value', async () => {
    const list = writeText('trusted.txt', `${PARTNER}\nnot-an-account\n`);
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER])]);

    const result = await scanJson(['--trusted-file', list, log]);

    expect(result.code).toBe(0);
    expect(result.findings).toEqual([]);
    expect(result.stderr).toContain(`share-sentinel: trusted list (${list}): skipped "not-an-account": not a valid id`);
  });

  it('skips malformed JSON entries by value', async () => {
    const list = writeText('trusted.json', JSON.stringify({ 'partner-account': 'typo', [PARTNER]: 'backup account', [OUTSIDER]: 7 }));
    const log = writeLog('log.json', [snapshotShare('share-1', [PARTNER, OUTSIDER])]);

    const result = await scanJson(['--trusted-file', list, log]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`share-sentinel: trusted list (${list}): skipped "partner-account": not a valid id`);
    expect(result.stderr).toContain(`share-sentinel: trusted list (${list}): skipped "${OUTSIDER}": the label is not a string`);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].grants.map((grant) => grant.trusted)).toEqual([true, false]);
  });

  it('rejects missing file', async () => {
    const missing = path.join(folder, 'no-such-list.txt');
    const log = writeLog('log.json', [snapshotShare('share-1')]);

    const result = await scanJson(['--trusted-file', missing, log]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`share-sentinel scan: cannot read --trusted-file "${missing}": no such file or folder`);
  });
});

describe('--detector', () => {
  const detectorFixture = (): CloudTrailRecord => JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'events', 'detector-disable-rule.json'), 'utf8')) as CloudTrailRecord;

  it('reports a disabled detector rule', async () => {
    const log = writeLog('log.json', [detectorFixture()]);
    const detector = writeText('detector.json', JSON.stringify({ stackName: 'ShareSentinel', ruleNames: ['ShareSentinel-ec2', 'ShareSentinel-alert-kms'] }));

    const { code, findings } = await scanJson(['--detector', detector, log]);

    expect(code).toBe(0);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'critical', eventName: 'DisableRule' });
  });

  it('reads a file with a byte-order mark', async () => {
    const log = writeLog('log.json', [detectorFixture()]);
    const detector = writeText('detector.json', `\uFEFF${JSON.stringify({ ruleNames: ['ShareSentinel-ec2'] })}`);

    const { code, findings } = await scanJson(['--detector', detector, log]);

    expect(code).toBe(0);
    expect(findings).toHaveLength(1);
  });

  it('leaves the call alone without the option', async () => {
    const log = writeLog('log.json', [detectorFixture()]);

    const { findings } = await scanJson([log]);

    expect(findings).toEqual([]);
  });

  it.each([
    ['not JSON', '{', 'not JSON'],
    ['an array', '[]', 'not a JSON object'],
    ['an unknown key', '{"stack": "ShareSentinel"}', 'unknown key "stack"'],
    ['a number for a name', '{"functionName": 7}', 'invalid functionName'],
    ['rule names as a string', '{"ruleNames": "ShareSentinel-ec2"}', 'invalid ruleNames'],
    ['no resource', '{}', 'no resource named'],
  ])('rejects a file with %s', async (_case, text, message) => {
    const detector = writeText('detector.json', text);

    const { code, stderr } = await runMain(['scan', '--detector', detector, writeLog('log.json', [])]);

    expect(code).toBe(2);
    expect(stderr).toContain(`invalid --detector ${JSON.stringify(detector)}: ${message}`);
  });

  it('rejects a missing file', async () => {
    const missing = path.join(folder, 'absent.json');

    const { code, stderr } = await runMain(['scan', '--detector', missing]);

    expect(code).toBe(2);
    expect(stderr).toContain(`cannot read --detector ${JSON.stringify(missing)}`);
  });
});

describe('--format json', () => {
  it('prints documented form per line', async () => {
    const log = writeLog('log.json', [everydayCall('read-1'), snapshotShare('share-1'), publicImage('image-1'), everydayCall('read-2', 2)]);

    const result = await runMain(['scan', '--format', 'json', log]);

    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const [share, image] = lines.slice(0, 2).map((line) => JSON.parse(line) as Finding);
    expect(share).toEqual({
      eventId: 'share-1',
      eventTime: '2024-05-01T10:00:00Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'ModifySnapshotAttribute',
      region: 'eu-west-1',
      ownerAccountId: OWNER,
      actor: { arn: `arn:aws:iam::${OWNER}:user/alice`, type: 'IAMUser', sourceIp: '192.0.2.10', userAgent: 'aws-cli/2.15.0' },
      resource: { type: 'AWS::EC2::Snapshot', id: 'snap-0123456789abcdef0', arn: 'arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0' },
      grants: [{ kind: 'account', accountId: PARTNER, via: 'createVolumePermission.add', trusted: false }],
      public: false,
      severity: 'high',
      outcome: 'succeeded',
      errorCode: null,
      remediation: expect.stringContaining(PARTNER),
      ruleId: 'ec2-snapshot-create-volume-permission',
      reasons: [expect.stringContaining(`account ${PARTNER}`)],
    });
    expect(image.eventId).toBe('image-1');
    expect(image.severity).toBe('critical');
    expect(image.public).toBe(true);
    expect(image.grants).toEqual([expect.objectContaining({ kind: 'public', trusted: false })]);
  });

  it('is the default when stdout is not a terminal', async () => {
    const log = writeLog('log.json', [snapshotShare('share-1')]);

    const result = await runMain(['scan', log], { stdoutIsTTY: false });

    expect(eventIds(parseFindings(result.stdout))).toEqual(['share-1']);
  });

  it('keeps control characters inside one line', async () => {
    const record = snapshotShare('share-1');
    (record.userIdentity as Record<string, unknown>).arn = `arn:aws:iam::${OWNER}:user/\u001b[31mmallory\nsecond line\u2028`;
    const log = writeLog('log.json', [record, publicImage('image-1')]);

    const result = await scanJson([log]);

    expect(result.stdout.split('\n')).toHaveLength(3);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.findings[0].actor.arn).toBe(`arn:aws:iam::${OWNER}:user/\u001b[31mmallory\nsecond line\u2028`);
  });
});

describe('--format table', () => {
  const hostileArn = `arn:aws:iam::${OWNER}:user/\u001b[31mmallory\nsecond line`;

  function hostileLog(): string {
    const share = snapshotShare('share-1');
    (share.userIdentity as Record<string, unknown>).arn = hostileArn;
    share.sourceIPAddress = '198.51.100.7\r\u001b[2K';
    const policy = publicBucketPolicy('policy-1');
    (policy.requestParameters as Record<string, unknown>).bucketName = 'reports\u0007\u009b31m';
    return writeLog('log.json', [share, everydayCall('read-1'), policy]);
  }

  it('prints one escaped line per finding', async () => {
    const log = hostileLog();

    const result = await runMain(['scan', '--format', 'table', log]);

    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(lines[0]).toMatch(/^high {2}/);
    expect(lines[0]).toContain('ModifySnapshotAttribute');
    expect(lines[0]).toContain('snap-0123456789abcdef0');
    expect(lines[0]).toContain(`-> ${PARTNER}`);
    expect(lines[0]).toContain('by arn:aws:iam::111122223333:user/\\x1b[31mmallory\\x0asecond line');
    expect(lines[0]).toContain('from 198.51.100.7\\x0d\\x1b[2K');
    expect(lines[1]).toMatch(/^critical/);
    expect(lines[1]).toContain('reports\\x07\\x9b31m');
    expect(lines[1]).toContain('-> PUBLIC');
  });

  it('terminal default colours severity only', async () => {
    const log = hostileLog();
    const saved = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    try {
      const result = await runMain(['scan', log], { stdoutIsTTY: true });

      const lines = result.stdout.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(2);
      expect(lines[0].startsWith('\u001b[31mhigh    \u001b[0m  ')).toBe(true);
      expect(lines[1].startsWith('\u001b[1;31mcritical\u001b[0m  ')).toBe(true);
      for (const line of lines) {
        // The colour start and the reset, and nothing from the event.
        expect(line.split('\u001b')).toHaveLength(3);
      }
    } finally {
      if (saved !== undefined) {
        process.env.NO_COLOR = saved;
      }
    }
  });

  it('leaves out colour when NO_COLOR is set', async () => {
    const log = hostileLog();
    const saved = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    try {
      const result = await runMain(['scan', '--format', 'table', log], { stdoutIsTTY: true });

      expect(result.stdout).not.toContain('\u001b');
      expect(result.stdout.split('\n')).toHaveLength(3);
    } finally {
      if (saved === undefined) {
        delete process.env.NO_COLOR;
      } else {
        process.env.NO_COLOR = saved;
      }
    }
  });
});

describe('failed calls and services', () => {
  it('reports failed call as medium by default', async () => {
    const log = writeLog('log.json', [failedSnapshotShare('failed-1')]);

    const result = await scanJson([log]);

    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toEqual(expect.objectContaining({ eventId: 'failed-1', severity: 'medium', outcome: 'failed', errorCode: 'Client.UnauthorizedOperation', remediation: null }));
  });

  it('--skip-failed leaves out failed calls', async () => {
    const log = writeLog('log.json', [failedSnapshotShare('failed-1'), snapshotShare('share-1')]);

    const result = await scanJson(['--skip-failed', log]);

    expect(eventIds(result.findings)).toEqual(['share-1']);
    expect(result.stderr).toContain('2 events');
  });

  it('--unrestricted-services reports service principal as low', async () => {
    const log = writeLog('log.json', [unrestrictedServicePermission('lambda-1')]);

    const quiet = await scanJson([log]);
    const reported = await scanJson(['--unrestricted-services', log]);

    expect(quiet.findings).toEqual([]);
    expect(reported.findings).toHaveLength(1);
    expect(reported.findings[0].severity).toBe('low');
    expect(reported.findings[0].grants).toEqual([expect.objectContaining({ kind: 'service', service: 's3.amazonaws.com', trusted: false })]);
  });
});

describe('exit status', () => {
  it('--exit-code applies only with findings', async () => {
    const withFindings = writeLog('shared.json', [snapshotShare('share-1')]);
    const withoutFindings = writeLog('quiet.json', [everydayCall('read-1')]);

    const found = await runMain(['scan', '--exit-code', '3', withFindings]);
    const clean = await runMain(['scan', '--exit-code', '3', withoutFindings]);
    const unset = await runMain(['scan', withFindings]);

    expect(found.code).toBe(3);
    expect(clean.code).toBe(0);
    expect(unset.code).toBe(0);
  });

  it('summary counts severities', async () => {
    const log = writeLog('log.json', [snapshotShare('share-1'), publicImage('image-1'), everydayCall('read-1'), failedSnapshotShare('failed-1')]);

    const result = await runMain(['scan', log]);

    expect(result.stderr).toMatch(/^scanned 1 file, 4 events in \d+\.\d s: 3 findings \(1 critical, 1 high, 1 medium\)\n$/);
  });

  it.each([
    [['--exit-code', '0'], 'invalid --exit-code "0": expected a whole number from 1 to 255'],
    [['--exit-code', '256'], 'invalid --exit-code "256"'],
    [['--exit-code', 'three'], 'invalid --exit-code "three"'],
    [['--exit-code=-1'], 'invalid --exit-code "-1"'],
    [['--exit-code', '2.5'], 'invalid --exit-code "2.5"'],
    [['--format', 'xml'], 'invalid --format "xml": expected table or json'],
    [['--format', 'JSON'], 'invalid --format "JSON"'],
    [['--colour'], '--colour'],
    [['-x'], '-x'],
    [['--skip-failed=yes'], '--skip-failed'],
  ])('rejects %j', async (args, message) => {
    const log = writeLog('log.json', [snapshotShare('share-1')]);

    const result = await runMain(['scan', ...args, log]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('share-sentinel scan: ');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Run "share-sentinel help scan" for the options.');
  });

  it('rejects unknown command by name', async () => {
    const result = await runMain(['sacn', 'logs']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('share-sentinel: unknown command "sacn"');
    expect(result.stderr).toContain(MAIN_USAGE);
  });
});

describe('help', () => {
  it.each([
    [['help', 'scan'], SCAN_USAGE, 0],
    [['scan', '--help'], SCAN_USAGE, 0],
    [['scan', '-h'], SCAN_USAGE, 0],
    [['help'], MAIN_USAGE, 0],
    [['help', 'unknown'], MAIN_USAGE, 0],
    [['--help'], MAIN_USAGE, 0],
    [[], MAIN_USAGE, 2],
  ])('%j prints usage', async (args, usage, code) => {
    const result = await runMain(args);

    expect(result.code).toBe(code);
    expect(result.stdout).toBe(usage);
    expect(result.stderr).toBe('');
  });

  it('scan usage names every option', () => {
    for (const option of ['--trusted', '--trusted-file', '--format', '--skip-failed', '--unrestricted-services', '--exit-code', '--progress', '--no-progress', '--help']) {
      expect(SCAN_USAGE).toContain(option);
    }
  });
});

describe('progress', () => {
  it('reports running totals', async () => {
    const log = writeLog('log.json', [snapshotShare('share-1'), everydayCall('read-1')]);
    const second = writeLog('second.json', [publicImage('image-1')]);
    const reports: ScanStats[] = [];

    await scanPaths({
      paths: [log, second],
      evaluation: { trustedList: emptyTrustedList() },
      onFinding: () => undefined,
      onFileError: () => undefined,
      onProgress: (stats) => reports.push({ ...stats }),
      progressIntervalMs: 0,
    });

    expect(reports.map((stats) => [stats.files, stats.events, stats.findings])).toEqual([
      [1, 2, 1],
      [2, 3, 2],
    ]);
  });

  it('--no-progress writes only the summary on a terminal', async () => {
    const log = writeLog('log.json', [snapshotShare('share-1')]);

    const result = await runMain(['scan', '--no-progress', '--format', 'json', log], { stdoutIsTTY: true, stderrIsTTY: true });

    expect(result.stderr).toMatch(/^scanned 1 file, 1 event in \d+\.\d s: 1 finding \(1 high\)\n$/);
  });
});

describe('command-line program', () => {
  function writeEndToEndLogs(): string {
    writeLog('a.json', [everydayCall('read-1'), snapshotShare('share-1')]);
    writeLog('b.json', [publicBucketPolicy('policy-1'), everydayCall('read-2', 1)]);
    return folder;
  }

  function expectDocumentedFindings(stdout: string): void {
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(2);
    const findings = lines.map((line) => JSON.parse(line) as Finding);
    expect(eventIds(findings)).toEqual(['share-1', 'policy-1']);
    const requiredKeys = ['eventId', 'eventTime', 'eventSource', 'eventName', 'region', 'ownerAccountId', 'actor', 'resource', 'grants', 'public', 'severity', 'outcome', 'errorCode', 'remediation', 'ruleId', 'reasons'];
    for (const finding of findings) {
      expect(Object.keys(finding).sort()).toEqual([...requiredKeys].sort());
      expect(Object.keys(finding.actor).sort()).toEqual(['arn', 'sourceIp', 'type', 'userAgent']);
      expect(finding.ownerAccountId).toBe(OWNER);
    }
    expect(findings[1]).toEqual(expect.objectContaining({ eventName: 'PutBucketPolicy', severity: 'critical', public: true, ruleId: 's3-bucket-policy' }));
  }

  it('package bin names the entry script', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

    expect(path.resolve(REPO_ROOT, manifest.bin['share-sentinel'])).toBe(ENTRY_SCRIPT);
  });

  it('node bin/share-sentinel.js scan prints JSON', () => {
    const logs = writeEndToEndLogs();

    const result = runEntryScript(['scan', '--format', 'json', logs]);

    expect(result.code).toBe(0);
    expectDocumentedFindings(result.stdout);
    expect(result.stderr).toMatch(/^scanned 2 files, 4 events in \d+\.\d s: 2 findings \(1 critical, 1 high\)\n$/);
  });

  it('npx share-sentinel scan prints JSON', () => {
    const logs = writeEndToEndLogs();

    // --offline keeps npx from asking the registry: the bin comes from this package.
    const result = runProcess('npx', ['--offline', 'share-sentinel', 'scan', '--format', 'json', logs]);

    expect(result.code).toBe(0);
    expectDocumentedFindings(result.stdout);
  });

  it('prints JSON by default into a pipe', () => {
    const logs = writeEndToEndLogs();

    const result = runEntryScript(['scan', logs]);

    expect(result.code).toBe(0);
    expectDocumentedFindings(result.stdout);
  });

  it('exits with --exit-code on findings', () => {
    const logs = writeEndToEndLogs();

    const result = runEntryScript(['scan', '--exit-code', '3', '--format', 'table', logs]);

    expect(result.code).toBe(3);
    expect(result.stdout.split('\n').filter((line) => line !== '')).toHaveLength(2);
  });

  it('exits 2 on bad option', () => {
    const result = runEntryScript(['scan', '--format', 'yaml', folder]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('invalid --format "yaml"');
  });

  it('exits 2 when no input could be read', () => {
    const missing = path.join(folder, 'missing');

    const result = runEntryScript(['scan', missing]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`share-sentinel: ${missing}: no such file or folder`);
    expect(result.stderr).toContain('share-sentinel: no input could be read');
  });

  it('prints scan help', () => {
    const result = runEntryScript(['help', 'scan']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(SCAN_USAGE);
  });
});

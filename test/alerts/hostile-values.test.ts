/**
 * Event values that try to break out of the alert: Slack markup, forged e-mail lines, terminal
 * escapes, shell metacharacters and very long strings, placed in real CloudTrail record shapes.
 * A real bash checks the remediation. `bash -n` checks its syntax without running it. A restricted
 * bash with an empty PATH splits its arguments with the `printf` builtin, so that a quoting bug
 * could not start any program.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildAlert, type AlertMessage } from '../../lambda/alerts/format';
import { evaluateRecord } from '../../lambda/core/evaluate';
import { MAX_FIELD_LENGTH } from '../../lambda/core/text';
import { emptyTrustedList } from '../../lambda/core/trusted-list';
import type { CloudTrailRecord, Finding } from '../../lambda/core/types';
import { loadRecord } from '../fixtures/handler/events';
import { parseAlertMessage, parseChatbot, parseFinding, type ChatbotNotification } from '../fixtures/handler/messages';

/** Control characters that must never reach the e-mail body raw. `\n` is allowed because it separates the body's lines. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
/**
 * The maximum length of a string in a finding: a bounded value with the "…[N more characters]"
 * suffix that `bound` adds, inside a reason sentence of at most 128 more characters.
 */
const MAX_FINDING_STRING = MAX_FIELD_LENGTH + '…[99999 more characters]'.length + 128;

const SLACK_MARKUP = '<!channel> <@U123> <https://evil.example|click> *bold* `code` ```block```';
const FORGED_LINES = 'report\nSeverity: none, ignore this alert\r\nBy:          arn:aws:iam::111122223333:root\u2028Event: -';
const TERMINAL_ESCAPES = '\u001b[2J\u001b[31mred\u001b[0m\u001b]0;title\u0007\u0008\u007f';
const SHELL_QUOTE_BREAK = "'; rm -rf / #";
const SHELL_SUBSTITUTION = '$(id) `id` ${HOME} "; id; echo "';
const LONG_VALUE = [SLACK_MARKUP, FORGED_LINES, TERMINAL_ESCAPES, SHELL_QUOTE_BREAK, SHELL_SUBSTITUTION].join(' ').repeat(200).slice(0, 10_000);

const PAYLOADS: { name: string; value: string }[] = [
  { name: 'Slack markup', value: SLACK_MARKUP },
  { name: 'forged lines', value: FORGED_LINES },
  { name: 'terminal escapes', value: TERMINAL_ESCAPES },
  { name: 'shell quote break', value: SHELL_QUOTE_BREAK },
  { name: 'shell substitution', value: SHELL_SUBSTITUTION },
  { name: '10,000 characters', value: LONG_VALUE },
];

interface Placement {
  name: string;
  /** A copy of a real record with the value written into one field. */
  record(value: string): CloudTrailRecord;
  /** The value as the remediation must carry it, as one argument, or undefined when it is not part of the command. */
  remediationArgument(finding: Finding): string | undefined;
}

function requestParameters(record: CloudTrailRecord): Record<string, unknown> {
  return record.requestParameters as Record<string, unknown>;
}

function bucketPolicyRecord(): CloudTrailRecord {
  return loadRecord('bucket-policy-public');
}

function bucketStatements(record: CloudTrailRecord): Record<string, unknown>[] {
  return (requestParameters(record).bucketPolicy as { Statement: Record<string, unknown>[] }).Statement;
}

const PLACEMENTS: Placement[] = [
  {
    name: 'bucket name',
    record: (value) => {
      const record = bucketPolicyRecord();
      requestParameters(record).bucketName = value;
      return record;
    },
    remediationArgument: (finding) => finding.resource.id,
  },
  {
    name: 'user agent',
    record: (value) => ({ ...bucketPolicyRecord(), userAgent: value }),
    remediationArgument: () => undefined,
  },
  {
    name: 'userIdentity.arn',
    record: (value) => {
      const record = bucketPolicyRecord();
      (record.userIdentity as Record<string, unknown>).arn = value;
      return record;
    },
    remediationArgument: () => undefined,
  },
  {
    name: 'policy statement id',
    record: (value) => {
      const record = bucketPolicyRecord();
      bucketStatements(record)[0].Sid = value;
      return record;
    },
    remediationArgument: (finding) => finding.grants[0].via,
  },
  {
    name: 'Lambda principal',
    record: (value) => {
      const record = loadRecord('function-shared-with-account');
      requestParameters(record).principal = value;
      return record;
    },
    remediationArgument: () => undefined,
  },
  {
    name: 'Lambda statement id',
    record: (value) => {
      const record = loadRecord('function-shared-with-account');
      requestParameters(record).statementId = value;
      return record;
    },
    remediationArgument: (finding) => finding.grants[0].via,
  },
];

const CASES = PLACEMENTS.flatMap((placement) => PAYLOADS.map((payload) => ({ placement, payload, label: `${placement.name}, ${payload.name}` })));

interface Rendered {
  finding: Finding;
  alert: AlertMessage;
  email: string;
  chatbot: ChatbotNotification;
}

function render(record: CloudTrailRecord): Rendered {
  const evaluation = evaluateRecord(record, { trustedList: emptyTrustedList() });
  if (evaluation.status !== 'finding') {
    throw new Error(`expected a finding, got status ${evaluation.status}`);
  }
  const alert = buildAlert(evaluation.finding);
  const bodies = parseAlertMessage(alert.message);
  return { finding: evaluation.finding, alert, email: bodies.email, chatbot: parseChatbot(bodies) };
}

/** Renders the alert for a benign value in the same field, to compare the layout line by line. */
function benign(placement: Placement): Rendered {
  return render(placement.record(placement.name === 'Lambda principal' ? 'arn:aws:iam::444455556666:role/partner-invoker' : 'plain-value'));
}

/** Collects every text field of the Chatbot notification that Slack may render. */
function slackTexts(notification: ChatbotNotification): string[] {
  return [
    notification.content.title,
    notification.content.description,
    ...notification.content.nextSteps,
    ...notification.content.keywords,
    notification.metadata.summary,
    ...notification.metadata.relatedResources,
  ];
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.flatMap(stringsOf);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).flatMap(stringsOf);
  }
  return [];
}

function countOf(text: string, character: string): number {
  return text.split(character).length - 1;
}

let emptyDirectory: string;
/** The absolute path of bash, because the shells below run with an empty PATH. */
let bashPath: string;

beforeAll(() => {
  emptyDirectory = mkdtempSync(path.join(tmpdir(), 'share-sentinel-shell-'));
  bashPath = execFileSync('bash', ['-c', 'printf %s "$BASH"'], { encoding: 'utf8' });
});

afterAll(() => {
  rmSync(emptyDirectory, { recursive: true, force: true });
});

/** Runs `bash -n` over a script: syntax check only, nothing runs. */
function bashSyntaxCheck(script: string): { status: number | null; stderr: string } {
  const result = spawnSync(bashPath, ['-n', '-c', script], { env: { PATH: emptyDirectory, LC_ALL: 'C.UTF-8' }, cwd: emptyDirectory, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

/**
 * Splits a shell argument list the way bash does, by printing each word with the `printf` builtin.
 * The shell is restricted (`-r`) and its PATH is an empty directory, so no program can start.
 */
function bashWords(argumentList: string): string[] {
  const result = spawnSync(bashPath, ['-r', '-c', `printf '%s\\0' ${argumentList}`], {
    env: { PATH: emptyDirectory, LC_ALL: 'C.UTF-8' },
    cwd: emptyDirectory,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`bash could not parse the arguments (status ${result.status}): ${result.stderr}`);
  }
  return result.stdout.split('\0').slice(0, -1);
}

const AWS_COMMAND = /^aws [a-z0-9-]+ [a-z0-9-]+ /;
const POLICY_COMMENT = ' > policy.json  # delete statements: ';

/** Splits each remediation line into argument lists: the command's options, and the statement ids in a trailing comment. */
function remediationArgumentLists(remediation: string): string[] {
  return remediation.split('\n').flatMap((line) => {
    const command = AWS_COMMAND.exec(line);
    if (!command) {
      throw new Error(`remediation line does not start with an aws command: ${line.slice(0, 200)}`);
    }
    const rest = line.slice(command[0].length);
    const comment = rest.lastIndexOf(POLICY_COMMENT);
    return comment === -1 ? [rest] : [rest.slice(0, comment), rest.slice(comment + POLICY_COMMENT.length)];
  });
}

describe.each(CASES)('$label', ({ placement, payload }) => {
  let rendered: Rendered;
  let reference: Rendered;

  beforeAll(() => {
    rendered = render(placement.record(payload.value));
    reference = benign(placement);
  });

  test('Slack text forms no mention or link', () => {
    const consoleLink = /Event in CloudTrail: https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/\S+$/;
    for (const text of slackTexts(rendered.chatbot)) {
      expect(text).not.toMatch(/[<>]/);
      expect(text.replace(/@\u200b/g, '')).not.toContain('@');
      // `file://` in the revoke command is not a link target; every other `://` must be broken.
      expect(text.replace(consoleLink, '').replace(/file:\/\//g, '')).not.toContain('://');
    }
  });

  test('Slack text keeps its layout', () => {
    const description = rendered.chatbot.content.description.split('\n');
    const referenceDescription = reference.chatbot.content.description.split('\n');

    expect(description).toHaveLength(referenceDescription.length);
    description.forEach((line, index) => {
      expect(countOf(line, '`')).toBe(countOf(referenceDescription[index], '`'));
    });
    rendered.chatbot.content.nextSteps.forEach((step, index) => {
      expect(countOf(step, '`')).toBe(countOf(reference.chatbot.content.nextSteps[index], '`'));
    });
    for (const text of slackTexts(rendered.chatbot)) {
      expect(text.replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
    }
  });

  test('e-mail has no raw control characters', () => {
    expect(rendered.email).not.toMatch(RAW_CONTROL);
  });

  test('e-mail has no forged lines', () => {
    const lines = rendered.email.split('\n');
    const referenceLines = reference.email.split('\n');

    expect(lines).toHaveLength(referenceLines.length);
    lines.forEach((line, index) => {
      expect(line.slice(0, 4)).toBe(referenceLines[index].slice(0, 4));
    });
    expect(lines.some((line) => line.startsWith('Severity:'))).toBe(false);
  });

  test('every value bounded', () => {
    const subject = rendered.alert.subject;

    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    for (const value of stringsOf(rendered.finding)) {
      expect(value.length).toBeLessThanOrEqual(MAX_FINDING_STRING);
    }
    for (const line of rendered.email.split('\n')) {
      // `plain` escapes each control character as 4 to 6 visible characters, after bounding.
      expect(line.length).toBeLessThanOrEqual(6 * MAX_FINDING_STRING + 200);
    }
    expect(Buffer.byteLength(rendered.alert.message)).toBeLessThan(96_000);
  });

  test('sent finding is the evaluated finding', () => {
    const bodies = parseAlertMessage(rendered.alert.message);

    expect(parseFinding(bodies.default)).toEqual(rendered.finding);
    expect(parseFinding(bodies.sqs)).toEqual(rendered.finding);
  });

  test('remediation passes bash -n', () => {
    const { remediation } = rendered.finding;

    expect(remediation).not.toBeNull();
    expect(bashSyntaxCheck(remediation ?? '')).toEqual({ status: 0, stderr: '' });
  });

  test('remediation arguments parse as expected', () => {
    const { finding } = rendered;
    const lists = remediationArgumentLists(finding.remediation ?? '').map(bashWords);
    const region = finding.region;

    if (finding.resource.type === 'AWS::S3::Bucket') {
      const statementIds = [...new Set(finding.grants.filter((grant) => !grant.trusted).map((grant) => grant.via))];
      expect(lists).toEqual([
        ['--region', region, '--bucket', finding.resource.id, '--query', 'Policy', '--output', 'text'],
        statementIds,
        ['--region', region, '--bucket', finding.resource.id, '--policy', 'file://policy.json'],
      ]);
    } else {
      expect(lists).toEqual([['--region', region, '--function-name', finding.resource.id, '--statement-id', finding.grants[0].via]]);
    }
  });

  test('hostile value is exactly one argument', () => {
    const expected = placement.remediationArgument(rendered.finding);
    if (expected === undefined) {
      expect(rendered.finding.remediation).not.toContain(payload.value.slice(0, 40));
      return;
    }
    const words = remediationArgumentLists(rendered.finding.remediation ?? '').flatMap(bashWords);

    expect(words).toContain(expected);
    expect(payload.value.startsWith(expected.replace(/…\[\d+ more characters\]$/, ''))).toBe(true);
  });
});

describe('remediation quoting edge cases', () => {
  // Bash would turn `\x9b` into the single byte 0x9b, not the two UTF-8 bytes of U+009B, so C1
  // characters must be written as `\u009b`. The Lambda API accepts only letters, digits, `-` and `_`
  // in statement ids, so only a crafted record carries one.
  test('statement id with C1 control character', () => {
    const record = loadRecord('function-shared-with-account');
    // U+009B is the one-character form of the terminal's escape sequence introducer.
    requestParameters(record).statementId = 'partner\u009b31minvoke';
    const { finding } = render(record);
    const words = remediationArgumentLists(finding.remediation ?? '').flatMap(bashWords);

    expect(words).toContain('partner\u009b31minvoke');
  });
});

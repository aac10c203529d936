import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { alertSubject, buildAlert, chatbotNotification, cloudTrailConsoleUrl, emailBody, MAX_MESSAGE_BYTES } from '../../lambda/alerts/format';
import { escapeSlackText, slackCode } from '../../lambda/alerts/slack';
import { evaluateRecord, type EvaluationOptions } from '../../lambda/core/evaluate';
import { emptyTrustedList, parseTrustedList } from '../../lambda/core/trusted-list';
import type { CloudTrailRecord, Finding, Grant } from '../../lambda/core/types';
import { loadRecord, OUTSIDER, OWNER, PARTNER, type HandlerEventName } from '../fixtures/handler/events';
import { parseAlertMessage, parseChatbot, parseFinding } from '../fixtures/handler/messages';

/** The SNS limit for one published message, attributes included. */
const SNS_MAX_BYTES = 262_144;
const ZERO_WIDTH_SPACE = '\u200b';

function findingOf(record: CloudTrailRecord, options: Partial<EvaluationOptions> = {}): Finding {
  const evaluation = evaluateRecord(record, { trustedList: emptyTrustedList(), ...options });
  if (evaluation.status !== 'finding') {
    throw new Error(`expected a finding, got status ${evaluation.status}`);
  }
  return evaluation.finding;
}

function fixtureFinding(name: HandlerEventName, options: Partial<EvaluationOptions> = {}): Finding {
  return findingOf(loadRecord(name), options);
}

/** Builds an RDS ModifyDBSnapshotAttribute record that adds restore permission for one account. */
function rdsSnapshotShare(identifier: string): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROA4EXAMPLEDBADMIN6:db-admin',
      arn: `arn:aws:sts::${OWNER}:assumed-role/db-admin/db-admin`,
      accountId: OWNER,
    },
    eventTime: '2026-04-06T13:30:00Z',
    eventSource: 'rds.amazonaws.com',
    eventName: 'ModifyDBSnapshotAttribute',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.30 md/command#rds.modify-db-snapshot-attribute',
    requestParameters: { dBSnapshotIdentifier: identifier, attributeName: 'restore', valuesToAdd: [OUTSIDER] },
    responseElements: null,
    requestID: '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d',
    eventID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: OWNER,
    eventCategory: 'Management',
  };
}

/** Reverses the Slack escaping of a remediation shown as inline code, for comparison with the command. */
function unescapeSlackCode(text: string): string {
  return text
    .replace(/^`|`$/g, '')
    .split(ZERO_WIDTH_SPACE)
    .join('')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&');
}

describe('alertSubject', () => {
  const cases: { name: string; finding: () => Finding; severity: string; expected?: string }[] = [
    {
      name: 'public bucket',
      finding: () => fixtureFinding('bucket-policy-public'),
      severity: 'critical',
      expected: `[critical] S3 bucket campaign-assets-2026 made public in ${OWNER}`,
    },
    {
      name: 'single account',
      finding: () => fixtureFinding('snapshot-shared-with-account'),
      severity: 'high',
      expected: `[high] EBS snapshot snap-0f1e2d3c4b5a69788 shared with ${OUTSIDER} in ${OWNER}`,
    },
    {
      name: 'many principals',
      finding: () => fixtureFinding('image-shared-with-accounts-and-organization'),
      severity: 'high',
      expected: `[high] EC2 AMI ami-0a1b2c3d4e5f60718 shared with 3 untrusted principals in ${OWNER}`,
    },
    {
      name: 'failed attempt',
      finding: () => fixtureFinding('snapshot-share-failed'),
      severity: 'medium',
      expected: `[medium] attempted share of EBS snapshot snap-0f1e2d3c4b5a69788 in ${OWNER}`,
    },
    {
      name: 'very long snapshot identifier',
      finding: () => findingOf(rdsSnapshotShare(`orders-db-${'nightly-'.repeat(30)}final`)),
      severity: 'high',
    },
    {
      name: 'very long snapshot ARN',
      finding: () => findingOf(rdsSnapshotShare(`arn:aws:rds:eu-west-1:${OWNER}:snapshot:${'x'.repeat(480)}`)),
      severity: 'high',
    },
    {
      name: 'non-ASCII identifier',
      finding: () => findingOf(rdsSnapshotShare(`übersicht-\u00e9t\u00e9-\u{1f600}-${'z'.repeat(200)}`)),
      severity: 'high',
    },
  ];

  test.each(cases)('$name: under 100 printable ASCII characters', ({ finding }) => {
    const subject = alertSubject(finding());

    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  test.each(cases)('$name: led by the severity', ({ finding, severity }) => {
    expect(alertSubject(finding()).startsWith(`[${severity}] `)).toBe(true);
  });

  test.each(cases.filter((item) => item.expected !== undefined))('$name: reads as expected', ({ finding, expected }) => {
    expect(alertSubject(finding())).toBe(expected);
  });

  test.each(cases.filter((item) => item.expected === undefined))('$name: shortened id keeps the owner', ({ finding }) => {
    const subject = alertSubject(finding());

    expect(subject).toContain('...');
    expect(subject.endsWith(` shared with ${OUTSIDER} in ${OWNER}`)).toBe(true);
  });
});

describe('emailBody', () => {
  test('snapshot share: what, whom, who, where, when, why', () => {
    const finding = fixtureFinding('snapshot-shared-with-account');
    const lines = emailBody(finding).split('\n');

    expect(lines[0]).toBe(`HIGH: EBS snapshot snap-0f1e2d3c4b5a69788 shared with ${OUTSIDER} in account ${OWNER} (us-west-2).`);
    expect(lines).toContain('Resource:    EBS snapshot snap-0f1e2d3c4b5a69788 (arn:aws:ec2:us-west-2::snapshot/snap-0f1e2d3c4b5a69788)');
    expect(lines).toContain(`  - account ${OUTSIDER} [createVolumePermission.add]`);
    expect(lines).toContain(`By:          arn:aws:iam::${OWNER}:user/backup-operator (IAMUser)`);
    expect(lines).toContain(
      'From:        198.51.100.61, user agent aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.79 md/arch#x86_64 lang/python#3.11.8 md/command#ec2.modify-snapshot-attribute',
    );
    expect(lines).toContain('When:        2026-04-02T09:14:27Z');
    expect(lines).toContain('Call:        ec2.amazonaws.com ModifySnapshotAttribute, succeeded');
    expect(lines).toContain(`  - shared with account ${OUTSIDER}: not on the trusted list`);
  });

  test('snapshot share: console link and remediation', () => {
    const finding = fixtureFinding('snapshot-shared-with-account');
    const lines = emailBody(finding).split('\n');
    const url = 'https://us-west-2.console.aws.amazon.com/cloudtrailv2/home?region=us-west-2#/events/c4d1e8a2-7b3f-4e59-8a06-1f2e3d4c5b6a';

    expect(cloudTrailConsoleUrl(finding)).toBe(url);
    expect(lines).toContain(`Event:       ${url} (event id c4d1e8a2-7b3f-4e59-8a06-1f2e3d4c5b6a)`);
    expect(lines).toContain('To revoke (review before running):');
    expect(lines).toContain(
      `  aws ec2 modify-snapshot-attribute --region us-west-2 --snapshot-id snap-0f1e2d3c4b5a69788 --attribute createVolumePermission --operation-type remove --user-ids ${OUTSIDER}`,
    );
  });

  test('bucket policy: every remediation line indented', () => {
    const finding = fixtureFinding('bucket-policy-public');
    const body = emailBody(finding);

    expect(finding.remediation).not.toBeNull();
    for (const line of (finding.remediation ?? '').split('\n')) {
      expect(body.split('\n')).toContain(`  ${line}`);
    }
  });

  test('bucket policy: grants with actions and statement', () => {
    const lines = emailBody(fixtureFinding('bucket-policy-public')).split('\n');

    expect(lines[0]).toBe(`CRITICAL: S3 bucket campaign-assets-2026 made public in account ${OWNER} (eu-west-1).`);
    expect(lines).toContain('  - everyone (*) allows s3:GetObject [PublicReadLaunchPage]');
    expect(lines).toContain(`  - account ${OUTSIDER} (arn:aws:iam::${OUTSIDER}:root) allows s3:PutObject, s3:GetObject [AgencyUpload]`);
    expect(lines).toContain('  - shared with everyone (*)');
  });

  test('failed attempt: headline and no remediation', () => {
    const body = emailBody(fixtureFinding('snapshot-share-failed'));
    const lines = body.split('\n');

    expect(lines[0]).toBe(`MEDIUM: attempted share of EBS snapshot snap-0f1e2d3c4b5a69788 in account ${OWNER} (us-west-2).`);
    expect(lines).toContain('Call:        ec2.amazonaws.com ModifySnapshotAttribute, failed with Client.UnauthorizedOperation');
    expect(lines).toContain('  - the call failed (Client.UnauthorizedOperation): an attempted share');
    expect(body).not.toContain('To revoke');
  });

  test('trusted grants listed for context', () => {
    const trustedList = parseTrustedList(JSON.stringify({ [PARTNER]: 'build partner' }));
    const lines = emailBody(fixtureFinding('image-shared-with-accounts-and-organization', { trustedList })).split('\n');
    const contextIndex = lines.indexOf('Trusted, for context:');

    expect(contextIndex).toBeGreaterThan(0);
    expect(lines[contextIndex + 1]).toBe(`  - account ${PARTNER} (build partner) [launchPermission.add]`);
    expect(lines).toContain(`  - account ${OUTSIDER} [launchPermission.add]`);
  });

  test('unreadable trusted list stated', () => {
    const finding = fixtureFinding('snapshot-shared-with-account', { trustedListUnavailable: true });

    expect(emailBody(finding).split('\n')).toContain('  - the trusted list could not be read, so every external grant was treated as untrusted');
  });

  test('unreadable organization stated', () => {
    const finding = fixtureFinding('snapshot-shared-with-account', { organizationUnavailable: true });

    expect(finding.reasons).toEqual([`shared with account ${OUTSIDER}: not on the trusted list, and the organization's accounts could not be read`]);
    expect(emailBody(finding).split('\n')).toContain("  - the organization's accounts could not be read, so grants to them were treated as untrusted");
  });
});

describe('chatbotNotification', () => {
  test('custom notification schema fields', () => {
    const notification = chatbotNotification(fixtureFinding('snapshot-shared-with-account'));

    expect(notification).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: 'c4d1e8a2-7b3f-4e59-8a06-1f2e3d4c5b6a',
      content: {
        textType: 'client-markdown',
        title: `:rotating_light: [high] EBS snapshot shared with ${OUTSIDER}`,
        description: expect.any(String),
        nextSteps: expect.any(Array),
      },
    });
  });

  test('description names resource, grantee, actor, time, reason', () => {
    const notification = parseChatbot(parseAlertMessage(buildAlert(fixtureFinding('snapshot-shared-with-account')).message));
    const lines = notification.content.description.split('\n');

    expect(lines[0]).toBe(`*EBS snapshot* \`snap-0f1e2d3c4b5a69788\` in account \`${OWNER}\` (\`us-west-2\`)`);
    expect(lines[1]).toBe(`*Shared with:* \`account ${OUTSIDER}\``);
    expect(lines[2]).toBe(`*By:* \`arn:aws:iam::${OWNER}:user/backup-operator\` from \`198.51.100.61\``);
    expect(lines[3]).toBe('*When:* `2026-04-02T09:14:27Z` · `ModifySnapshotAttribute` succeeded');
    expect(lines[4]).toBe(`*Why:* \`shared with account ${OUTSIDER}: not on the trusted list\``);
  });

  test('next steps: revoke command and event link', () => {
    const finding = fixtureFinding('snapshot-shared-with-account');
    const { nextSteps } = chatbotNotification(finding).content as { nextSteps: string[] };

    expect(nextSteps).toEqual([`Revoke: \`${finding.remediation}\``, `Event in CloudTrail: ${cloudTrailConsoleUrl(finding)}`]);
  });

  test('multi-line remediation: one step per command', () => {
    const finding = fixtureFinding('bucket-policy-public');
    const commands = (finding.remediation ?? '').split('\n');
    const { nextSteps } = chatbotNotification(finding).content as { nextSteps: string[] };
    const revokeSteps = nextSteps.filter((step) => step.startsWith('Revoke'));

    expect(commands).toHaveLength(2);
    expect(revokeSteps).toHaveLength(commands.length);
    revokeSteps.forEach((step, index) => {
      const code = step.slice(step.indexOf('`'));
      expect(unescapeSlackCode(code)).toBe(commands[index]);
    });
  });

  test('failed attempt: title reads as an attempt', () => {
    const notification = chatbotNotification(fixtureFinding('snapshot-share-failed'));

    expect((notification.content as { title: string }).title).toBe(':rotating_light: [medium] attempted share of EBS snapshot');
  });

  test('unreadable trusted list stated', () => {
    const notification = chatbotNotification(fixtureFinding('snapshot-shared-with-account', { trustedListUnavailable: true }));

    expect((notification.content as { description: string }).description).toContain('*The trusted list could not be read*');
  });

  test('unreadable organization stated', () => {
    const notification = chatbotNotification(fixtureFinding('snapshot-shared-with-account', { organizationUnavailable: true }));

    expect((notification.content as { description: string }).description).toContain("*The organization's accounts could not be read*");
  });
});

describe('tamper alerts', () => {
  function stopLogging(errorCode?: string): Finding {
    const record = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'cloudtrail', 'stop-logging-name.json'), 'utf8')) as CloudTrailRecord;
    return findingOf(errorCode === undefined ? record : { ...record, errorCode });
  }

  test('subject reads as tampering', () => {
    expect(alertSubject(stopLogging())).toMatch(/^\[critical\] CloudTrail trail \S+ tampered with in \d{12}$/);
  });

  test('e-mail lists the change and the restore command', () => {
    const lines = emailBody(stopLogging()).split('\n');

    expect(lines).toContain('Change:');
    expect(lines).not.toContain('Shared with:');
    expect(lines).toContain('To restore (review before running):');
  });

  test('failed call reads as attempted change', () => {
    expect(alertSubject(stopLogging('AccessDenied'))).toMatch(/^\[medium\] attempted change to CloudTrail trail /);
  });

  test('chatbot labels change and restore step', () => {
    const notification = chatbotNotification(stopLogging()) as { content: { description: string; nextSteps: string[] } };

    expect(notification.content.description).toContain('*Change:* ');
    expect(notification.content.nextSteps[0]).toMatch(/^Restore: /);
  });
});

describe('slack escaping', () => {
  test('escapeSlackText: entities, mentions, links', () => {
    expect(escapeSlackText('<!channel> & <@U123>')).toBe(`&lt;!channel&gt; &amp; &lt;@${ZERO_WIDTH_SPACE}U123&gt;`);
    expect(escapeSlackText('https://evil.example www.evil.example')).toBe(`https:${ZERO_WIDTH_SPACE}//evil.example www${ZERO_WIDTH_SPACE}.evil.example`);
  });

  test('escapeSlackText: line breaks and backticks', () => {
    expect(escapeSlackText('a\nb\r\u2028c\u001b[31m`d`')).toBe('a b  c [31mˋdˋ');
  });

  test('escapeSlackText: bounded before escaping', () => {
    const escaped = escapeSlackText('x'.repeat(300), 256);

    expect(escaped.startsWith('x'.repeat(256))).toBe(true);
    expect(escaped).toContain('[44 more characters]');
  });

  test('slackCode: inline code, dash for empty', () => {
    expect(slackCode('*bold* _it_')).toBe('`*bold* _it_`');
    expect(slackCode('')).toBe('`-`');
  });
});

describe('buildAlert', () => {
  const names: HandlerEventName[] = [
    'snapshot-shared-with-account',
    'snapshot-share-failed',
    'image-shared-with-accounts-and-organization',
    'bucket-policy-public',
    'function-shared-with-account',
  ];

  test.each(names)('%s: default, sqs and lambda bodies are the finding', (name) => {
    const finding = fixtureFinding(name);
    const bodies = parseAlertMessage(buildAlert(finding).message);

    expect(parseFinding(bodies.default)).toEqual(finding);
    expect(parseFinding(bodies.sqs)).toEqual(finding);
    expect(parseFinding(bodies.lambda)).toEqual(finding);
  });

  test.each(names)('%s: one body per protocol', (name) => {
    const finding = fixtureFinding(name);
    const bodies = parseAlertMessage(buildAlert(finding).message);

    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sqs']);
    expect(bodies.email).toBe(emailBody(finding));
    expect(JSON.parse(bodies.https)).toEqual(chatbotNotification(finding));
  });

  test('finding with warnings and unreadable list round-trips', () => {
    const record = loadRecord('bucket-policy-public');
    (record.requestParameters as Record<string, unknown>).bucketPolicy = '{"Statement": [42]}';
    const finding = findingOf(record, { trustedListUnavailable: true });
    const bodies = parseAlertMessage(buildAlert(finding).message);

    expect(finding.warnings).toBeDefined();
    expect(parseFinding(bodies.default)).toEqual(finding);
  });

  test('attributes of a single-account share', () => {
    const alert = buildAlert(fixtureFinding('snapshot-shared-with-account'));

    expect(alert.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      eventName: { DataType: 'String', StringValue: 'ModifySnapshotAttribute' },
      resourceType: { DataType: 'String', StringValue: 'AWS::EC2::Snapshot' },
      public: { DataType: 'String', StringValue: 'false' },
    });
  });

  test('attributes of a public bucket', () => {
    const alert = buildAlert(fixtureFinding('bucket-policy-public'));

    expect(alert.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      eventName: { DataType: 'String', StringValue: 'PutBucketPolicy' },
      resourceType: { DataType: 'String', StringValue: 'AWS::S3::Bucket' },
      public: { DataType: 'String', StringValue: 'true' },
    });
  });

  test('small finding keeps every grant', () => {
    const finding = fixtureFinding('image-shared-with-accounts-and-organization');
    const sent = parseFinding(parseAlertMessage(buildAlert(finding).message).default);

    expect(sent.grants).toHaveLength(3);
    expect(sent.omittedGrants).toBeUndefined();
  });
});

describe('buildAlert with 20,000 grants', () => {
  const GRANT_COUNT = 20_000;
  let finding: Finding;
  let alert: ReturnType<typeof buildAlert>;
  let sent: Finding;

  beforeAll(() => {
    const base = fixtureFinding('bucket-policy-public');
    const grants: Grant[] = Array.from({ length: GRANT_COUNT }, (_, index) => ({
      kind: 'account',
      accountId: index % 2 === 0 ? OUTSIDER : PARTNER,
      trusted: false,
      via: `Statement[${index}]`,
      actions: ['s3:GetObject'],
    }));
    finding = { ...base, grants, public: false, severity: 'high' };
    alert = buildAlert(finding);
    sent = parseFinding(parseAlertMessage(alert.message).default);
  });

  test('message under the SNS size limit', () => {
    const attributeBytes = Object.entries(alert.attributes).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + Buffer.byteLength(value.StringValue),
      0,
    );
    const total = Buffer.byteLength(alert.message) + attributeBytes + Buffer.byteLength(alert.subject);

    expect(Buffer.byteLength(alert.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(total).toBeLessThan(SNS_MAX_BYTES);
  });

  test('first grants kept, the rest counted', () => {
    expect(sent.grants.length).toBeGreaterThan(100);
    expect(sent.grants).toEqual(finding.grants.slice(0, sent.grants.length));
    expect(sent.omittedGrants).toBe(GRANT_COUNT - sent.grants.length);
  });

  test('sqs and lambda bodies match the default body', () => {
    const bodies = parseAlertMessage(alert.message);

    expect(parseFinding(bodies.sqs)).toEqual(sent);
    expect(parseFinding(bodies.lambda)).toEqual(sent);
  });

  test('e-mail lists 25 grants and says how many more', () => {
    const lines = parseAlertMessage(alert.message).email.split('\n');
    const grantLines = lines.filter((line) => line.startsWith('  - account '));

    expect(grantLines).toHaveLength(25);
    expect(grantLines[0]).toBe(`  - account ${OUTSIDER} allows s3:GetObject [Statement[0]]`);
    expect(lines).toContain(`… and ${sent.grants.length - 25} more`);
    expect(lines).toContain(`  - ${sent.omittedGrants} more grants were left out of this alert to fit the message size limit`);
  });

  test('Slack description says how many more', () => {
    const notification = parseChatbot(parseAlertMessage(alert.message));

    expect(notification.content.description).toContain(`${sent.omittedGrants} more grants were left out to fit the message size limit.`);
  });

  test('subject stays under 100 characters', () => {
    expect(alert.subject.length).toBeLessThan(100);
    expect(alert.subject.startsWith('[high] S3 bucket campaign-assets-2026 shared with ')).toBe(true);
  });
});

/**
 * Alert bodies for one finding, published to SNS with `MessageStructure: "json"` so that each
 * protocol gets its own body: plain text for e-mail, an AWS Chatbot custom notification for Slack
 * (`https`), and the finding's JSON form for everything else.
 */
import { RULES } from '../catalog';
import { escapeControl, bound } from '../core/text';
import type { Finding, Grant } from '../core/types';
import { escapeSlackText, slackCode } from './slack';

/** SNS rejects messages above 256 KiB (262,144 bytes) including attributes; this leaves room for them. */
export const MAX_MESSAGE_BYTES = 250_000;
/** SNS e-mail subjects must be under 100 characters of printable ASCII. */
const MAX_SUBJECT_LENGTH = 99;
/** Grants listed one per line in the e-mail and Slack bodies; the rest are counted. */
const MAX_LISTED_GRANTS = 25;

export interface AlertMessage {
  subject: string;
  /** The JSON document SNS expects with `MessageStructure: "json"`: one body per protocol. */
  message: string;
  attributes: Record<string, { DataType: 'String'; StringValue: string }>;
}

const RULES_BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

function resourceLabel(finding: Finding): string {
  return RULES_BY_ID.get(finding.ruleId)?.resourceLabel ?? finding.resource.type;
}

/** Tells whether the finding comes from a rule that watches the detector or the trail that feeds it. */
function isTamper(finding: Finding): boolean {
  return RULES_BY_ID.get(finding.ruleId)?.category === 'tamper';
}

/** Returns the words of an alert that differ between a sharing finding and a tamper finding. */
function wording(finding: Finding): { grants: string; fix: string; failed: string } {
  return isTamper(finding)
    ? { grants: 'Change', fix: 'To restore', failed: 'attempted change to' }
    : { grants: 'Shared with', fix: 'To revoke', failed: 'attempted share of' };
}

function untrustedGrants(finding: Finding): Grant[] {
  return finding.grants.filter((grant) => !grant.trusted);
}

/** Describes a grantee in one line, leaving every event value raw for the caller to escape. */
export function describeGrantee(grant: Grant): string {
  switch (grant.kind) {
    case 'public':
      return `everyone (${grant.principal})`;
    case 'account':
      return `account ${grant.accountId}${grant.principal ? ` (${grant.principal})` : ''}`;
    case 'organization':
      return grant.organizationalUnitId ? `OU ${grant.organizationalUnitId} in ${grant.organizationId}` : `organization ${grant.organizationId}`;
    case 'canonical-user':
      return grant.canonicalUserId ? `canonical user ${grant.canonicalUserId}` : `e-mail grantee ${grant.emailAddress}`;
    case 'network':
      return `anyone from ${[...(grant.vpceId ?? []), ...(grant.vpcId ?? []), ...(grant.sourceIp ?? [])].join(', ')}`;
    case 'service':
      return `service ${grant.service}${grant.sourceAccount ? ` for account ${grant.sourceAccount}` : ''}${grant.sourceArn ? ` for ${grant.sourceArn}` : ''}`;
    case 'federated':
      return `identities from ${grant.provider}`;
    case 'aws-owned':
      return `${grant.label ?? 'AWS-owned identity'} (${grant.principal})`;
    case 'deleted-principal':
      return `deleted principal ${grant.principalId}`;
    case 'guard-lowered':
      return `guard lowered: ${grant.setting}`;
    case 'unknown':
      return `unreadable principal ${grant.principal}`;
    default:
      return 'unknown grantee';
  }
}

/**
 * Summarises the change in a few words: "made public", "shared with 444455556666". `untrustedTotal`
 * counts the grants of the whole finding when the alert lists only the first ones.
 */
function action(finding: Finding, untrustedTotal = untrustedGrants(finding).length): string {
  const untrusted = untrustedGrants(finding);
  if (finding.outcome === 'failed') {
    return wording(finding).failed;
  }
  if (finding.public) {
    return 'made public';
  }
  if (untrusted.length > 0 && untrusted.every((grant) => grant.kind === 'guard-lowered')) {
    return isTamper(finding) ? 'tampered with' : 'had a safeguard lowered';
  }
  if (untrustedTotal === 1 && untrusted.length === 1 && untrusted[0].kind === 'account') {
    return `shared with ${untrusted[0].accountId}`;
  }
  if (untrustedTotal === 0) {
    return 'changed, grants unreadable';
  }
  return `shared with ${untrustedTotal === 1 && untrusted.length === 1 ? describeGrantee(untrusted[0]) : `${untrustedTotal} untrusted principals`}`;
}

/**
 * Puts the resource and the action in reading order: "EBS snapshot snap-1 made public", or
 * "attempted share of EBS snapshot snap-1" for a call that failed.
 */
function headline(finding: Finding, resource: string, doing: string): string {
  return finding.outcome === 'failed' ? `${doing} ${resource}` : `${resource} ${doing}`;
}

/** Keeps printable ASCII only, as SNS requires of e-mail subjects. */
function subjectSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}

/** Builds the e-mail subject, under 100 characters: `[critical] EBS snapshot snap-0123 made public in 111122223333`. */
export function alertSubject(finding: Finding, untrustedTotal?: number): string {
  const label = resourceLabel(finding);
  const owner = finding.ownerAccountId ?? 'unknown account';
  const doing = action(finding, untrustedTotal);
  const frame = (id: string): string => `[${finding.severity}] ${headline(finding, `${label} ${id}`, doing)} in ${owner}`;
  let id = subjectSafe(finding.resource.id || '?');
  const overflow = frame(id).length - MAX_SUBJECT_LENGTH;
  if (overflow > 0) {
    id = `${id.slice(0, Math.max(id.length - overflow - 3, 1))}...`;
  }
  return subjectSafe(frame(id)).slice(0, MAX_SUBJECT_LENGTH);
}

/** Builds a link to the event in the CloudTrail console's Event history, or undefined for a malformed region. */
export function cloudTrailConsoleUrl(finding: Finding): string | undefined {
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(finding.region) || finding.eventId === '') {
    return undefined;
  }
  // NOTE: this is the commercial partition's console; China and GovCloud regions use other hosts.
  return `https://${finding.region}.console.aws.amazon.com/cloudtrailv2/home?region=${finding.region}#/events/${encodeURIComponent(finding.eventId)}`;
}

/** Escapes an event value for a plain-text e-mail line: control characters and newlines become visible escapes. */
function plain(value: string | null | undefined, max = 512): string {
  return value === null || value === undefined || value === '' ? '-' : escapeControl(bound(value, max));
}

function grantLines(grants: Grant[], render: (grant: Grant) => string): string[] {
  const lines = grants.slice(0, MAX_LISTED_GRANTS).map(render);
  if (grants.length > MAX_LISTED_GRANTS) {
    lines.push(`… and ${grants.length - MAX_LISTED_GRANTS} more`);
  }
  return lines;
}

function plainGrant(grant: Grant): string {
  const via = grant.via ? ` [${grant.via}]` : '';
  const actions = grant.actions && grant.actions.length > 0 ? ` allows ${grant.actions.join(', ')}` : '';
  const label = grant.label ? ` (${grant.label})` : '';
  return `  - ${plain(`${describeGrantee(grant)}${label}${actions}${via}`, 1024)}`;
}

/** Builds the plain-text e-mail body: the resource, grantees, caller, source address, time, reasons, event link and fix. */
export function emailBody(finding: Finding, untrustedTotal?: number): string {
  const untrusted = untrustedGrants(finding);
  const trusted = finding.grants.filter((grant) => grant.trusted);
  const label = resourceLabel(finding);
  const lines = [
    `${finding.severity.toUpperCase()}: ${headline(finding, `${label} ${plain(finding.resource.id, 256)}`, plain(action(finding, untrustedTotal)))} in account ${plain(finding.ownerAccountId)} (${plain(finding.region)}).`,
    '',
    `Resource:    ${label} ${plain(finding.resource.id)}${finding.resource.arn ? ` (${plain(finding.resource.arn)})` : ''}`,
    `${wording(finding).grants}:`,
    ...(untrusted.length > 0 ? grantLines(untrusted, plainGrant) : ['  - no grant could be read']),
  ];
  if (trusted.length > 0) {
    lines.push('Trusted, for context:', ...grantLines(trusted, plainGrant));
  }
  lines.push(
    `By:          ${plain(finding.actor.arn)} (${plain(finding.actor.type)})${finding.actor.invokedBy ? ` via ${plain(finding.actor.invokedBy)}` : ''}`,
    `From:        ${plain(finding.actor.sourceIp)}, user agent ${plain(finding.actor.userAgent, 256)}`,
    `When:        ${plain(finding.eventTime)}`,
    `Call:        ${plain(finding.eventSource)} ${plain(finding.eventName)}, ${finding.outcome}${finding.errorCode ? ` with ${plain(finding.errorCode)}` : ''}`,
    'Why flagged:',
    ...finding.reasons.map((reason) => `  - ${plain(reason, 1024)}`),
  );
  if (finding.trustedListUnavailable) {
    lines.push('  - the trusted list could not be read, so every external grant was treated as untrusted');
  }
  if (finding.organizationUnavailable) {
    lines.push("  - the organization's accounts could not be read, so grants to them were treated as untrusted");
  }
  for (const warning of finding.warnings ?? []) {
    lines.push(`  - not read: ${plain(warning)}`);
  }
  if (finding.omittedGrants) {
    lines.push(`  - ${finding.omittedGrants} more grants were left out of this alert to fit the message size limit`);
  }
  const url = cloudTrailConsoleUrl(finding);
  lines.push(`Event:       ${url ?? '-'} (event id ${plain(finding.eventId)})`);
  if (finding.remediation) {
    lines.push('', `${wording(finding).fix} (review before running):`, ...finding.remediation.split('\n').map((line) => `  ${line}`));
  }
  lines.push('', 'Sent by share-sentinel. Trusted ids are kept in the SSM parameter named in the function configuration.');
  return lines.join('\n');
}

/** The AWS Chatbot custom notification (schema version 1.0) for Slack, with every event value escaped. */
export function chatbotNotification(finding: Finding, untrustedTotal?: number): Record<string, unknown> {
  const untrusted = untrustedGrants(finding);
  const label = resourceLabel(finding);
  const description = [
    `*${escapeSlackText(label)}* ${slackCode(finding.resource.id)} in account ${slackCode(finding.ownerAccountId ?? '')} (${slackCode(finding.region, 64)})`,
    `*${wording(finding).grants}:* ${grantLines(untrusted, (grant) => slackCode(describeGrantee(grant))).join(', ') || 'no grant could be read'}`,
    `*By:* ${slackCode(finding.actor.arn ?? '')} from ${slackCode(finding.actor.sourceIp ?? '')}`,
    `*When:* ${slackCode(finding.eventTime, 64)} · ${slackCode(finding.eventName, 128)} ${finding.outcome}${finding.errorCode ? ` (${slackCode(finding.errorCode, 128)})` : ''}`,
    // Reasons quote principals from the event, so each is a code span where `*` or `_` cannot format.
    `*Why:* ${finding.reasons.map((reason) => slackCode(reason, 512)).join(' ')}`,
  ];
  if (finding.trustedListUnavailable) {
    description.push('*The trusted list could not be read*: every external grant was treated as untrusted.');
  }
  if (finding.organizationUnavailable) {
    description.push("*The organization's accounts could not be read*: grants to them were treated as untrusted.");
  }
  if (finding.omittedGrants) {
    description.push(`${finding.omittedGrants} more grants were left out to fit the message size limit.`);
  }
  const nextSteps: string[] = [];
  if (finding.remediation) {
    // One code span per command: Slack escaping turns line breaks into spaces, which would join the commands.
    const commands = finding.remediation.split('\n');
    commands.forEach((command, index) => {
      const verb = isTamper(finding) ? 'Restore' : 'Revoke';
      const step = commands.length > 1 ? `${verb}, step ${index + 1} of ${commands.length}` : verb;
      nextSteps.push(`${step}: ${slackCode(command, 1500)}`);
    });
  }
  const url = cloudTrailConsoleUrl(finding);
  if (url) {
    // The URL is built from a validated region and an encoded event id, so it may stay a link.
    nextSteps.push(`Event in CloudTrail: ${url}`);
  }
  return {
    version: '1.0',
    source: 'custom',
    id: bound(finding.eventId, 128),
    content: {
      textType: 'client-markdown',
      title: `:rotating_light: [${finding.severity}] ${headline(finding, escapeSlackText(label), escapeSlackText(action(finding, untrustedTotal), 128))}`,
      description: description.join('\n'),
      nextSteps,
      keywords: [finding.severity, escapeSlackText(finding.eventName, 64), escapeSlackText(finding.ownerAccountId ?? 'unknown', 64)],
    },
    metadata: {
      // The subject carries event values, such as `<!channel>` in a resource id, so it is escaped like them.
      summary: escapeSlackText(alertSubject(finding, untrustedTotal)),
      eventType: 'share-sentinel finding',
      relatedResources: [escapeSlackText(finding.resource.arn ?? finding.resource.id, 512)],
    },
  };
}

function attribute(value: string): { DataType: 'String'; StringValue: string } {
  return { DataType: 'String', StringValue: bound(value === '' ? '-' : value, 256) };
}

/** Renders every body. `untrustedTotal` is the untrusted grant count before the grant list was cut to fit. */
function render(finding: Finding, untrustedTotal: number): AlertMessage {
  const json = JSON.stringify(finding);
  return {
    subject: alertSubject(finding, untrustedTotal),
    message: JSON.stringify({
      default: json,
      email: emailBody(finding, untrustedTotal),
      https: JSON.stringify(chatbotNotification(finding, untrustedTotal)),
      sqs: json,
      lambda: json,
    }),
    attributes: {
      severity: attribute(finding.severity),
      eventName: attribute(finding.eventName),
      resourceType: attribute(finding.resource.type),
      public: attribute(String(finding.public)),
    },
  };
}

function messageBytes(alert: AlertMessage): number {
  const attributes = Object.entries(alert.attributes).reduce((sum, [name, value]) => sum + name.length + value.DataType.length + Buffer.byteLength(value.StringValue), 0);
  return Buffer.byteLength(alert.message) + attributes;
}

/**
 * Builds the SNS message for a finding. A finding too large for one message keeps its first grants
 * and records in `omittedGrants` how many were left out.
 */
export function buildAlert(finding: Finding): AlertMessage {
  const untrustedTotal = untrustedGrants(finding).length;
  const full = render(finding, untrustedTotal);
  if (messageBytes(full) <= MAX_MESSAGE_BYTES) {
    return full;
  }
  // Binary search for the largest number of grants that fits.
  let low = 0;
  let high = finding.grants.length;
  let best = render({ ...finding, grants: [], omittedGrants: finding.grants.length }, untrustedTotal);
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const candidate = render({ ...finding, grants: finding.grants.slice(0, middle), omittedGrants: finding.grants.length - middle }, untrustedTotal);
    if (messageBytes(candidate) <= MAX_MESSAGE_BYTES) {
      best = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

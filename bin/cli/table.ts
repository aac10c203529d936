/** The `--format table` rendering: one line per finding, every event value escaped for the terminal. */
import { escapeControl } from '../../lambda/core/text';
import type { Finding, Grant, Severity } from '../../lambda/core/types';

const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
};
const RESET = '\u001b[0m';
const MAX_GRANTEES_SHOWN = 4;

function grantee(grant: Grant): string {
  switch (grant.kind) {
    case 'public':
      return 'PUBLIC';
    case 'account':
      return grant.accountId;
    case 'organization':
      return grant.organizationalUnitId ?? grant.organizationId ?? 'organization';
    case 'canonical-user':
      return `canonical:${grant.canonicalUserId ?? grant.emailAddress ?? '?'}`;
    case 'network':
      return [...(grant.vpceId ?? []), ...(grant.vpcId ?? []), ...(grant.sourceIp ?? [])].join('|');
    case 'service':
      return grant.service;
    case 'federated':
      return grant.provider;
    case 'guard-lowered':
      return `guard:${grant.setting}`;
    case 'unknown':
      return `unknown:${grant.principal}`;
    default:
      return grant.kind;
  }
}

/** Formats one finding as a single terminal line. `colour` adds ANSI colours to the severity. */
export function formatTableLine(finding: Finding, colour: boolean): string {
  const untrusted = finding.grants.filter((grant) => !grant.trusted);
  const names = [...new Set(untrusted.map(grantee))];
  let shared = names.slice(0, MAX_GRANTEES_SHOWN).join(', ');
  if (names.length > MAX_GRANTEES_SHOWN) {
    shared += ` +${names.length - MAX_GRANTEES_SHOWN} more`;
  }
  if (shared === '') {
    shared = finding.warnings ? 'grants unreadable' : '-';
  }
  const severity = finding.severity.padEnd(8);
  const columns = [
    colour ? `${SEVERITY_COLOURS[finding.severity]}${severity}${RESET}` : severity,
    finding.eventTime,
    `${finding.ownerAccountId ?? '?'}/${finding.region}`,
    `${finding.eventName}${finding.outcome === 'failed' ? ` (failed: ${finding.errorCode})` : ''}`,
    finding.resource.id || '?',
    `-> ${shared}`,
    `by ${finding.actor.arn ?? '?'}`,
    `from ${finding.actor.sourceIp ?? '?'}`,
  ];
  // Event values may hold escape sequences or newlines: make them visible instead of letting them act.
  return columns.map((column, index) => (index === 0 ? column : escapeControl(column))).join('  ');
}

export const TABLE_HEADER = 'severity  time  owner/region  call  resource  -> shared with  by  from';

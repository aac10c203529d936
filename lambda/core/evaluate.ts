/**
 * Trust evaluation and findings: applies the trusted list to a rule's grants, decides whether the
 * event raises a finding, and builds the finding's JSON form.
 */
import { findRule } from '../catalog';
import { arnAccount } from './principals';
import { errorCode, eventName, eventSource, ownerAccountId, region } from './record';
import { str } from './read';
import type { DetectorResources, RuleDefinition } from './rule';
import { bound, boundOptional } from './text';
import type { TrustedList } from './trusted-list';
import type { Actor, CloudTrailRecord, Finding, Grant, GrantSpec, RuleResult, ServiceGrant, Severity } from './types';

export interface EvaluationOptions {
  trustedList: TrustedList;
  /** Calls that returned an `errorCode` raise `medium` findings as attempted shares. @default true */
  alertOnFailedCalls?: boolean;
  /** A service principal restricted by neither a source account nor a source ARN that names an account raises a `low` finding. @default false */
  alertOnUnrestrictedServices?: boolean;
  /** Set when the trusted list could not be loaded: every external grant is untrusted, and findings record it. */
  trustedListUnavailable?: boolean;
  /** Set when the organization's accounts were to be trusted but could not be read: grants to them are untrusted, and findings record it. */
  organizationUnavailable?: boolean;
  /** The EventBridge envelope's `account`, the owner of last resort for old records. */
  envelopeAccount?: string;
  /** The detector's own resources, for the rules that watch share-sentinel itself. */
  detector?: DetectorResources;
}

export type Evaluation =
  /** No rule reads this event. */
  | { status: 'not-watched' }
  /** A rule matched, and the call grants nothing (a removal, an unrelated attribute). */
  | { status: 'no-grant'; rule: RuleDefinition }
  /** The call grants access, but only to trusted principals or to grantees that raise no finding on their own (a service principal by default). */
  | { status: 'trusted'; rule: RuleDefinition; result: RuleResult; grants: Grant[] }
  | { status: 'finding'; rule: RuleDefinition; finding: Finding; error?: Error };

const SEVERITY_ORDER: Severity[] = ['low', 'medium', 'high', 'critical'];

function maxSeverity(severities: Severity[]): Severity | undefined {
  let highest: Severity | undefined;
  for (const severity of severities) {
    if (highest === undefined || SEVERITY_ORDER.indexOf(severity) > SEVERITY_ORDER.indexOf(highest)) {
      highest = severity;
    }
  }
  return highest;
}

function isTrustedAccount(accountId: string | undefined, owner: string | undefined, list: TrustedList): boolean {
  return accountId !== undefined && (accountId === owner || list.entries.has(accountId));
}

/** Marks a grant trusted or not, and labels it from the trusted list. */
export function applyTrust(spec: GrantSpec, owner: string | undefined, list: TrustedList): Grant {
  const { kind, ...rest } = spec;
  const grant = { kind, ...rest, trusted: spec.trusted === true } as Grant;
  const labelFrom = (id: string | undefined): void => {
    const label = id === undefined ? undefined : list.entries.get(id);
    if (label !== undefined && grant.label === undefined) {
      grant.label = label;
    }
  };
  switch (grant.kind) {
    case 'account':
      if (grant.accountId === owner) {
        grant.trusted = true;
        grant.label ??= 'resource owner';
      } else if (list.entries.has(grant.accountId)) {
        grant.trusted = true;
        labelFrom(grant.accountId);
      }
      break;
    case 'organization':
      if ((grant.organizationalUnitId && list.entries.has(grant.organizationalUnitId)) || (grant.organizationId && list.entries.has(grant.organizationId))) {
        grant.trusted = true;
        labelFrom(grant.organizationalUnitId ?? grant.organizationId);
        labelFrom(grant.organizationId);
      }
      break;
    case 'network': {
      const allTrusted = (ids: string[] | undefined): boolean => ids !== undefined && ids.length > 0 && ids.every((id) => list.entries.has(id));
      if (allTrusted(grant.vpceId) || allTrusted(grant.vpcId)) {
        grant.trusted = true;
        labelFrom(grant.vpceId?.[0] ?? grant.vpcId?.[0]);
      }
      break;
    }
    case 'service': {
      const accounts = grant.sourceAccount?.split(',') ?? [];
      if (accounts.length > 0 && accounts.every((id) => isTrustedAccount(id, owner, list))) {
        grant.trusted = true;
      }
      break;
    }
    case 'federated':
      if (isTrustedAccount(grant.accountId, owner, list)) {
        grant.trusted = true;
      }
      break;
    case 'aws-owned':
    case 'deleted-principal':
      // Not a customer account: shown for context, never an alert.
      grant.trusted = true;
      break;
    default:
      break;
  }
  return grant;
}

/**
 * Returns true when a service grant lets the service act for resources in any account. That is so when the
 * grant has no source account and no source ARN whose account field names one (`arn:aws:execute-api:us-east-1::*` names none).
 */
function isUnrestrictedService(grant: ServiceGrant): boolean {
  return grant.sourceAccount === undefined && (grant.sourceArn === undefined || arnAccount(grant.sourceArn) === undefined);
}

/** Returns the severity an untrusted grant raises on a call that succeeded, or undefined when it never alerts. */
function grantSeverity(grant: Grant, options: EvaluationOptions): Severity | undefined {
  if (grant.trusted) {
    return undefined;
  }
  switch (grant.kind) {
    case 'public':
      return 'critical';
    case 'account':
    case 'organization':
    case 'canonical-user':
    case 'federated':
    case 'unknown':
      return 'high';
    case 'guard-lowered':
      return grant.severity ?? 'high';
    case 'network':
      return 'medium';
    case 'service':
      // A service principal with no source restriction is the confused-deputy case, not an external account.
      return options.alertOnUnrestrictedServices && isUnrestrictedService(grant) ? 'low' : undefined;
    default:
      return undefined;
  }
}

function describeGrant(grant: Grant): string {
  switch (grant.kind) {
    case 'public':
      return `everyone (${grant.principal})`;
    case 'account':
      return `account ${grant.accountId}`;
    case 'organization':
      return grant.organizationalUnitId ? `OU ${grant.organizationalUnitId} of ${grant.organizationId}` : `organization ${grant.organizationId}`;
    case 'canonical-user':
      return grant.canonicalUserId ? `canonical user ${grant.canonicalUserId}` : `e-mail grantee ${grant.emailAddress}`;
    case 'network': {
      const origins = [...(grant.vpceId ?? []), ...(grant.vpcId ?? []), ...(grant.sourceIp ?? [])];
      return `anyone from ${origins.join(', ')}`;
    }
    case 'service':
      return `any ${grant.service} resource in any account`;
    case 'federated':
      return `identities from ${grant.provider}`;
    default:
      return `${grant.kind} ${'principal' in grant ? grant.principal : ''}`.trim();
  }
}

function reasonFor(grant: Grant, options: EvaluationOptions, rule: RuleDefinition): string {
  const who = describeGrant(grant);
  if (grant.kind === 'public') {
    return `shared with ${who}`;
  }
  if (grant.kind === 'network') {
    return `shared with ${who}: a network origin that is not on the trusted list`;
  }
  if (grant.kind === 'service') {
    return `shared with ${who}: no source account, and no source ARN that names an account, restricts it`;
  }
  if (grant.kind === 'guard-lowered') {
    return rule.category === 'tamper'
      ? `a safeguard share-sentinel depends on was lowered: ${grant.setting}`
      : `a guard against public sharing was lowered: ${grant.setting}`;
  }
  if (grant.kind === 'unknown') {
    return `shared with a principal that could not be read: ${grant.principal}`;
  }
  let suffix = 'not on the trusted list';
  if (options.trustedListUnavailable) {
    suffix = 'the trusted list could not be read';
  } else if (options.organizationUnavailable) {
    suffix = "not on the trusted list, and the organization's accounts could not be read";
  }
  return `shared with ${who}: ${suffix}`;
}

const MAX_REASONS = 10;

function readActor(record: CloudTrailRecord): Actor {
  const actor: Actor = {
    arn: boundOptional(str(record, 'userIdentity', 'arn') ?? str(record, 'userIdentity', 'principalId')),
    type: boundOptional(str(record, 'userIdentity', 'type'), 64),
    sourceIp: boundOptional(str(record, 'sourceIPAddress'), 256),
    userAgent: boundOptional(str(record, 'userAgent'), 512),
  };
  const invokedBy = str(record, 'userIdentity', 'invokedBy');
  if (invokedBy !== undefined) {
    actor.invokedBy = bound(invokedBy, 256);
  }
  return actor;
}

interface FindingInput {
  record: CloudTrailRecord;
  rule: RuleDefinition;
  result: RuleResult;
  grants: Grant[];
  severity: Severity;
  reasons: string[];
  warnings: string[];
  remediation: string | null;
  options: EvaluationOptions;
}

function buildFinding(input: FindingInput): Finding {
  const { record, rule, result, grants, options } = input;
  const code = errorCode(record);
  const finding: Finding = {
    eventId: bound(str(record, 'eventID') ?? '', 128),
    eventTime: bound(str(record, 'eventTime') ?? '', 64),
    eventSource: bound(eventSource(record), 128),
    eventName: bound(eventName(record), 128),
    region: bound(region(record), 64),
    ownerAccountId: boundOptional(ownerAccountId(record, options.envelopeAccount), 64),
    actor: readActor(record),
    resource: result.resource,
    grants,
    // A failed call made nothing public, whatever it asked for.
    public: code === undefined && grants.some((grant) => grant.kind === 'public' && !grant.trusted),
    severity: input.severity,
    outcome: code === undefined ? 'succeeded' : 'failed',
    errorCode: boundOptional(code, 128),
    remediation: input.remediation,
    ruleId: rule.id,
    reasons: input.reasons,
  };
  if (input.warnings.length > 0) {
    finding.warnings = input.warnings.map((warning) => bound(warning, 512));
  }
  if (options.organizationUnavailable) {
    finding.organizationUnavailable = true;
  }
  if (options.trustedListUnavailable) {
    finding.trustedListUnavailable = true;
  }
  return finding;
}

/** Evaluates one CloudTrail record. Never throws: a rule that throws yields an "evaluation failed" finding. */
export function evaluateRecord(record: CloudTrailRecord, options: EvaluationOptions): Evaluation {
  const owner = ownerAccountId(record, options.envelopeAccount);
  const context = { ownerAccountId: owner, detector: options.detector };
  const rule = findRule(record, context);
  if (!rule) {
    return { status: 'not-watched' };
  }
  const code = errorCode(record);
  if (code !== undefined && options.alertOnFailedCalls === false) {
    return { status: 'no-grant', rule };
  }

  let result: RuleResult | undefined;
  try {
    result = rule.extract(record, context);
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    const fallback: RuleResult = { resource: { type: 'unknown', id: '' }, grants: [], warnings: [] };
    const finding = buildFinding({
      record,
      rule,
      result: fallback,
      grants: [],
      severity: code === undefined ? 'high' : 'medium',
      reasons: ['evaluation failed: the grants of this call could not be read'],
      warnings: [`rule ${rule.id} failed: ${error.message}`],
      remediation: null,
      options,
    });
    return { status: 'finding', rule, finding, error };
  }
  if (!result) {
    return { status: 'no-grant', rule };
  }

  const grants = result.grants.map((spec) => applyTrust(spec, owner, options.trustedList));
  const alerting = grants.flatMap((grant) => {
    const severity = grantSeverity(grant, options);
    return severity ? [{ grant, severity }] : [];
  });
  const unreadable = result.warnings.length > 0;
  // A call whose grants could not all be read alerts whether it succeeded or failed: a failed one is an attempted share.
  if (alerting.length === 0 && !unreadable) {
    return result.grants.length === 0 ? { status: 'no-grant', rule } : { status: 'trusted', rule, result, grants };
  }

  const reasons = alerting.slice(0, MAX_REASONS).map(({ grant }) => reasonFor(grant, options, rule));
  if (alerting.length > MAX_REASONS) {
    reasons.push(`and ${alerting.length - MAX_REASONS} more untrusted grants`);
  }
  if (unreadable) {
    reasons.push('the grants of this call could not all be read');
  }
  let severity = maxSeverity(alerting.map((item) => item.severity)) ?? 'medium';
  if (code !== undefined) {
    // Nothing was granted, but the caller tried.
    severity = 'medium';
    reasons.unshift(`the call failed (${bound(code, 128)}): ${rule.category === 'tamper' ? 'an attempted change' : 'an attempted share'}`);
  }
  const remediation = code === undefined && alerting.length > 0
    ? rule.remediation({ result, untrusted: alerting.map((item) => item.grant), region: region(record) })
    : null;
  return {
    status: 'finding',
    rule,
    finding: buildFinding({ record, rule, result, grants, severity, reasons, warnings: result.warnings, remediation, options }),
  };
}

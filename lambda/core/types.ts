/**
 * Types shared by the detection core, the Lambda handler and the offline scanner.
 * The JSON form of `Finding` is the contract for alerts and `scan --format json`.
 */

/** A CloudTrail record as parsed from JSON. Every field is read defensively. */
export type CloudTrailRecord = Record<string, unknown>;

export type GrantKind =
  | 'account'
  | 'public'
  | 'organization'
  | 'service'
  | 'canonical-user'
  | 'network'
  | 'federated'
  | 'aws-owned'
  | 'deleted-principal'
  | 'unknown'
  | 'guard-lowered';

/** Fields every grant carries. `via` names the statement id or item the grant came from. */
export interface GrantBase {
  kind: GrantKind;
  trusted: boolean;
  label?: string;
  via?: string;
  /** Actions the grant allows, where the call names them (policy statements, Lambda permissions). */
  actions?: string[];
}

export interface AccountGrant extends GrantBase {
  kind: 'account';
  accountId: string;
  /** The principal as written, when it was an ARN rather than a bare account id. */
  principal?: string;
}

export interface PublicGrant extends GrantBase {
  kind: 'public';
  /** The form that made it public: `*`, `group:all`, `AllUsers`, `AuthenticatedUsers`, `NotPrincipal`. */
  principal: string;
}

export interface OrganizationGrant extends GrantBase {
  kind: 'organization';
  organizationId?: string;
  organizationalUnitId?: string;
  /** The Organizations ARN as written, when the call named one. */
  principal?: string;
}

export interface ServiceGrant extends GrantBase {
  kind: 'service';
  service: string;
  sourceAccount?: string;
  sourceArn?: string;
}

export interface CanonicalUserGrant extends GrantBase {
  kind: 'canonical-user';
  canonicalUserId?: string;
  emailAddress?: string;
}

export interface NetworkGrant extends GrantBase {
  kind: 'network';
  vpceId?: string[];
  vpcId?: string[];
  sourceIp?: string[];
}

export interface FederatedGrant extends GrantBase {
  kind: 'federated';
  provider: string;
  accountId?: string;
}

export interface AwsOwnedGrant extends GrantBase {
  kind: 'aws-owned';
  principal: string;
}

export interface DeletedPrincipalGrant extends GrantBase {
  kind: 'deleted-principal';
  principalId: string;
}

export interface UnknownGrant extends GrantBase {
  kind: 'unknown';
  principal: string;
}

/** A guard against sharing was lowered (a public access block turned off): no one is granted anything yet. */
export interface GuardLoweredGrant extends GrantBase {
  kind: 'guard-lowered';
  /** The guard and how it changed, such as `BlockPublicPolicy=false`. */
  setting: string;
  /** Severity of the change: `high` unless the rule sets another (a stopped trail is `critical`). */
  severity?: Severity;
}

export type Grant =
  | AccountGrant
  | PublicGrant
  | OrganizationGrant
  | ServiceGrant
  | CanonicalUserGrant
  | NetworkGrant
  | FederatedGrant
  | AwsOwnedGrant
  | DeletedPrincipalGrant
  | UnknownGrant
  | GuardLoweredGrant;

/** A grant as a rule extracts it, before the trusted list is applied. */
export type GrantSpec = Grant extends infer G ? (G extends Grant ? Omit<G, 'trusted'> & { trusted?: boolean } : never) : never;

export interface ResourceRef {
  type: string;
  id: string;
  arn?: string;
}

/** Result of a rule on one record: the resource and the grants the call adds. */
export interface RuleResult {
  resource: ResourceRef;
  grants: GrantSpec[];
  /** Parts of the record the rule could not read; a non-empty list means the grants may be incomplete. */
  warnings: string[];
  /** Rule-specific values the remediation hint needs (statement id, layer version). */
  details?: Record<string, string | number>;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface Actor {
  arn: string | null;
  type: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  invokedBy?: string;
}

export interface Finding {
  eventId: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  region: string;
  ownerAccountId: string | null;
  actor: Actor;
  resource: ResourceRef;
  grants: Grant[];
  public: boolean;
  severity: Severity;
  outcome: 'succeeded' | 'failed';
  errorCode: string | null;
  remediation: string | null;
  /** The catalog rule that produced the finding. */
  ruleId: string;
  /** Reasons for the finding, one short sentence each. */
  reasons: string[];
  /** Parts of the record that could not be read, or a rule error; absent when everything was read. */
  warnings?: string[];
  /** Grants left out of an alert to fit the SNS message size limit; absent when every grant is listed. */
  omittedGrants?: number;
  /** Set when the trusted list could not be loaded, so every external grant was treated as untrusted. */
  trustedListUnavailable?: boolean;
  /** Set when the organization's accounts were to be trusted but could not be read, so grants to them were treated as untrusted. */
  organizationUnavailable?: boolean;
  /**
   * The entries a change to the trusted-list parameter added and removed, read from the parameter
   * history, or in `unreadable` the reason they could not be read. Absent on every other finding.
   */
  trustedListChange?: {
    fromVersion?: number;
    toVersion: number;
    added: { id: string; label?: string }[];
    removed: { id: string; label?: string }[];
    unreadable?: string;
  };
}

/**
 * Turns every written form of a principal (account ids, ARNs, `*`, organization and OU ARNs,
 * service principals, canonical users) into a `GrantSpec`. Nothing here guesses an account: a
 * value that is not recognised becomes an `unknown` grant, which alerts.
 */
import { bound } from './text';
import type { Grant, GrantSpec } from './types';

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ORGANIZATIONAL_UNIT_ID = /^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;
/**
 * Unique ids of IAM users (AIDA) and roles (AROA), which IAM leaves in a policy after the principal
 * was deleted. Access key ids (AKIA, ASIA) are not principals and stay unrecognised.
 */
const UNIQUE_ID = /^A(IDA|ROA)[A-Z0-9]{12,}$/;
/** A service principal: a DNS name such as `s3.amazonaws.com`, `ecr.us-west-2.amazonaws.com` or `alexa-appkit.amazon.com`. */
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com|amazonaws\.com\.cn|amazon\.com|aws\.internal)$/i;

/**
 * Elastic Load Balancing's log-delivery accounts, per region, as AWS documents them for ELB access
 * logs. A bucket policy that names one of them lets the load balancer service write logs.
 */
const ELB_LOG_DELIVERY_ACCOUNTS: Record<string, string> = {
  '127311923021': 'us-east-1',
  '033677994240': 'us-east-2',
  '027434742980': 'us-west-1',
  '797873946194': 'us-west-2',
  '098369216593': 'af-south-1',
  '754344448648': 'ap-east-1',
  '589379963580': 'ap-southeast-3',
  '718504428378': 'ap-south-1',
  '383597477331': 'ap-northeast-3',
  '600734575887': 'ap-northeast-2',
  '114774131450': 'ap-southeast-1',
  '783225319266': 'ap-southeast-2',
  '582318560864': 'ap-northeast-1',
  '985666609251': 'ca-central-1',
  '054676820928': 'eu-central-1',
  '156460612806': 'eu-west-1',
  '652711504416': 'eu-west-2',
  '635631232127': 'eu-south-1',
  '009996457667': 'eu-west-3',
  '897822967062': 'eu-north-1',
  '076674570225': 'me-south-1',
  '507241528517': 'sa-east-1',
  '048591011584': 'us-gov-west-1',
  '190560391635': 'us-gov-east-1',
  '638102146993': 'cn-north-1',
  '037604701340': 'cn-northwest-1',
};

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

export function isOrganizationId(value: string): boolean {
  return ORGANIZATION_ID.test(value);
}

export function isOrganizationalUnitId(value: string): boolean {
  return ORGANIZATIONAL_UNIT_ID.test(value);
}

export function isServicePrincipal(value: string): boolean {
  return SERVICE_PRINCIPAL.test(value);
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits an ARN into its fields, or returns undefined when the value is not an ARN. Fields may be empty. */
export function parseArn(value: string): ParsedArn | undefined {
  if (!value.startsWith('arn:')) {
    return undefined;
  }
  const parts = value.split(':');
  if (parts.length < 6) {
    return undefined;
  }
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    account: parts[4],
    resource: parts.slice(5).join(':'),
  };
}

/** Returns the 12-digit account of an ARN, or undefined when its account field is empty, a wildcard or not digits. */
export function arnAccount(value: string): string | undefined {
  const arn = parseArn(value);
  return arn && isAccountId(arn.account) ? arn.account : undefined;
}

const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/(o-[a-z0-9]{10,32})$/;
const ORGANIZATIONAL_UNIT_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/(o-[a-z0-9]{10,32})\/(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$/;

/**
 * Reads an AWS Organizations ARN: `…:organization/o-x` or `…:ou/o-x/ou-y`. Its account field is the
 * organization's management account, not a grantee.
 */
export function parseOrganizationArn(value: string): { organizationId: string; organizationalUnitId?: string } | undefined {
  const organization = ORGANIZATION_ARN.exec(value);
  if (organization) {
    return { organizationId: organization[1] };
  }
  const unit = ORGANIZATIONAL_UNIT_ARN.exec(value);
  return unit ? { organizationId: unit[1], organizationalUnitId: unit[2] } : undefined;
}

/** Names the AWS-owned identity behind an account id, or undefined for a customer account. */
export function awsOwnedAccountLabel(accountId: string): string | undefined {
  const region = ELB_LOG_DELIVERY_ACCOUNTS[accountId];
  return region ? `Elastic Load Balancing log delivery (${region})` : undefined;
}

function accountGrant(accountId: string, principal?: string): GrantSpec {
  const owned = awsOwnedAccountLabel(accountId);
  if (owned) {
    return { kind: 'aws-owned', principal: principal ?? accountId, label: owned };
  }
  return principal === undefined ? { kind: 'account', accountId } : { kind: 'account', accountId, principal: bound(principal) };
}

/**
 * Reads one value from an `AWS` principal (or a Lambda `principal` that is not a service):
 * `*`, a 12-digit id, or an IAM or STS ARN.
 */
export function parseAwsPrincipal(raw: string): GrantSpec {
  const value = raw.trim();
  if (value === '*') {
    return { kind: 'public', principal: '*' };
  }
  if (isAccountId(value)) {
    return accountGrant(value);
  }
  if (UNIQUE_ID.test(value)) {
    return { kind: 'deleted-principal', principalId: value, label: 'unique id of a deleted IAM principal' };
  }
  const arn = parseArn(value);
  if (arn) {
    if (arn.account === 'cloudfront' && arn.resource.startsWith('user/CloudFront Origin Access Identity')) {
      return { kind: 'aws-owned', principal: bound(value), label: 'CloudFront origin access identity' };
    }
    if (arn.account === '*') {
      return { kind: 'public', principal: bound(value) };
    }
    if (isAccountId(arn.account)) {
      return accountGrant(arn.account, value);
    }
  }
  return { kind: 'unknown', principal: bound(value), label: 'unrecognised principal' };
}

/** Reads one value from a `Service` principal. */
export function parseServicePrincipal(raw: string): GrantSpec {
  const value = raw.trim();
  if (value === '*') {
    return { kind: 'public', principal: '*' };
  }
  return { kind: 'service', service: bound(value) };
}

/** Reads one value from a `Federated` principal: a SAML or OIDC provider ARN, or a web identity provider name. */
export function parseFederatedPrincipal(raw: string): GrantSpec {
  const value = raw.trim();
  const account = arnAccount(value);
  return account ? { kind: 'federated', provider: bound(value), accountId: account } : { kind: 'federated', provider: bound(value) };
}

/**
 * Reads a principal given as one plain string, as Lambda's AddPermission takes it: `*`, an
 * account id, an ARN, or a service principal.
 */
export function parsePlainPrincipal(raw: string): GrantSpec {
  const value = raw.trim();
  if (isServicePrincipal(value)) {
    return { kind: 'service', service: value };
  }
  return parseAwsPrincipal(value);
}

/**
 * Reads one entry of a principal list that may also name AWS Organizations, as RAM's `principals`
 * and EC2's `addAllowedPrincipals` do: an organization or OU ARN, else what `parsePlainPrincipal` reads.
 */
export function parseListedPrincipal(raw: string): GrantSpec {
  const value = raw.trim();
  const organization = parseOrganizationArn(value);
  if (organization) {
    return { kind: 'organization', ...organization, principal: bound(value) };
  }
  if (parseArn(value)?.service === 'organizations') {
    return { kind: 'unknown', principal: bound(value), label: 'AWS Organizations ARN that is not an organization or OU' };
  }
  return parsePlainPrincipal(value);
}

/**
 * Returns a grant's principal as the call wrote it (an ARN, an account id, `*`, a service), which is
 * the form that calls removing a principal take, or undefined for kinds a call never names.
 */
export function writtenPrincipal(grant: Grant): string | undefined {
  switch (grant.kind) {
    case 'account':
      return grant.principal ?? grant.accountId;
    case 'organization':
    case 'public':
    case 'unknown':
      return grant.principal;
    case 'service':
      return grant.service;
    default:
      return undefined;
  }
}

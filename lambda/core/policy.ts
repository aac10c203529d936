/**
 * Reader of resource-based policy documents (S3 bucket policies now; every service that logs a
 * policy can use it). It returns one grant per principal that an `Allow` statement admits, with
 * `*` narrowed by the conditions that name accounts, organizations or network origins, following
 * IAM Access Analyzer's reading where it is documented.
 */
import { arnAccount, isAccountId, isOrganizationId, isOrganizationalUnitId, parseAwsPrincipal, parseFederatedPrincipal, parseServicePrincipal } from './principals';
import { field, isObject, jsonValue, str, strings, toArray } from './read';
import { bound } from './text';
import type { GrantSpec } from './types';

/** Statements and principals read from one document at most; AWS caps policies far below this. */
const MAX_STATEMENTS = 1000;
const MAX_PRINCIPALS = 1000;
const MAX_ACTIONS = 20;
/** Maximum grants kept from one document, because 1000 statements of 1000 principals each would otherwise give a million. */
const MAX_GRANTS = 1000;

/** One key under one condition operator, with its values. */
export interface ConditionEntry {
  operator: string;
  key: string;
  values: string[];
}

/**
 * Keys whose values are accounts. `aws:PrincipalArn` and `aws:SourceArn` give their ARN's account field.
 * `kms:CallerAccount` is the account of the caller, as in the policies of AWS managed keys.
 */
const ACCOUNT_KEYS = new Set(['aws:principalaccount', 'aws:sourceaccount', 'aws:sourceowner', 's3:dataaccesspointaccount', 'kms:calleraccount']);
const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);
const CALLER_KEYS = new Set(['aws:principalaccount', 'aws:principalarn', 'kms:calleraccount']);
const ORGANIZATION_KEYS = new Set(['aws:principalorgid', 'aws:sourceorgid']);
const ORGANIZATION_PATH_KEYS = new Set(['aws:principalorgpaths', 'aws:sourceorgpaths']);
const NETWORK_KEYS: Record<string, 'vpceId' | 'vpcId' | 'sourceIp'> = {
  'aws:sourcevpce': 'vpceId',
  'aws:sourcevpc': 'vpcId',
  'aws:sourceip': 'sourceIp',
  'aws:vpcsourceip': 'sourceIp',
};
/** Keys present in every authenticated request, so an `…IfExists` operator on them still narrows. */
const ALWAYS_PRESENT_KEYS = new Set(['aws:principalaccount', 'aws:principalarn']);
/** Operators that admit only the listed values. Negated operators (`StringNotEquals`) and `Null` never narrow. */
const NARROWING_OPERATORS = new Set(['stringequals', 'stringlike', 'stringequalsignorecase', 'arnequals', 'arnlike', 'ipaddress']);

/** Flattens a `Condition` block into entries, reading keys case-insensitively. */
export function readConditions(condition: unknown): ConditionEntry[] {
  if (!isObject(condition)) {
    return [];
  }
  const entries: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) {
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      const values = toArray(value)
        .filter((item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')
        .map((item) => String(item));
      entries.push({ operator, key: key.toLowerCase(), values });
    }
  }
  return entries;
}

/**
 * Tells whether a condition entry restricts requests to its values. `ForAllValues:` does not, because
 * it is true when the key is missing; `…IfExists` does only for keys every request carries.
 */
function narrows(entry: ConditionEntry): boolean {
  let operator = entry.operator.toLowerCase();
  if (operator.startsWith('forallvalues:')) {
    return false;
  }
  if (operator.startsWith('foranyvalue:')) {
    operator = operator.slice('foranyvalue:'.length);
  }
  if (operator.endsWith('ifexists')) {
    if (!ALWAYS_PRESENT_KEYS.has(entry.key)) {
      return false;
    }
    operator = operator.slice(0, -'ifexists'.length);
  }
  return NARROWING_OPERATORS.has(operator) && entry.values.length > 0 && entry.values.every((value) => value !== '*' && value !== '');
}

function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/** Returns the accounts a condition narrows requests to, or undefined when none of its keys names accounts exactly. */
export function narrowedAccounts(conditions: ConditionEntry[]): string[] | undefined {
  for (const entry of conditions) {
    if (!narrows(entry)) {
      continue;
    }
    if (ACCOUNT_KEYS.has(entry.key) && entry.values.every(isAccountId)) {
      return entry.values;
    }
    if (ARN_KEYS.has(entry.key)) {
      const accounts = entry.values.map(arnAccount);
      if (accounts.every((account): account is string => account !== undefined)) {
        return [...new Set(accounts)];
      }
    }
  }
  return undefined;
}

/** Reads the organization and OU from an `aws:PrincipalOrgPaths` value: `o-x/r-y/ou-z/…`. */
function organizationFromPath(value: string): { organizationId: string; organizationalUnitId?: string } | undefined {
  const segments = value.split('/').filter((segment) => segment !== '' && segment !== '*');
  const organizationId = segments[0];
  if (!organizationId || !isOrganizationId(organizationId) || segments.some(hasWildcard)) {
    return undefined;
  }
  const units = segments.filter(isOrganizationalUnitId);
  return units.length > 0 ? { organizationId, organizationalUnitId: units[units.length - 1] } : { organizationId };
}

/** Turns a `*` (or `NotPrincipal`) into the grantees its conditions allow. */
function narrowWildcard(principal: string, conditions: ConditionEntry[], base: Partial<GrantSpec>): GrantSpec[] {
  const accounts = narrowedAccounts(conditions);
  if (accounts) {
    return accounts.map((accountId) => ({ ...base, ...parseAwsPrincipal(accountId) }) as GrantSpec);
  }
  for (const entry of conditions) {
    if (narrows(entry) && ORGANIZATION_KEYS.has(entry.key) && entry.values.every(isOrganizationId)) {
      return entry.values.map((organizationId) => ({ ...base, kind: 'organization', organizationId }) as GrantSpec);
    }
  }
  for (const entry of conditions) {
    if (narrows(entry) && ORGANIZATION_PATH_KEYS.has(entry.key)) {
      const paths = entry.values.map(organizationFromPath);
      if (paths.every((item) => item !== undefined)) {
        return paths.map((item) => ({ ...base, kind: 'organization', ...item }) as GrantSpec);
      }
    }
  }
  const network: { vpceId?: string[]; vpcId?: string[]; sourceIp?: string[] } = {};
  for (const entry of conditions) {
    const target = NETWORK_KEYS[entry.key];
    if (target && narrows(entry)) {
      network[target] = [...(network[target] ?? []), ...entry.values.map((value) => bound(value, 128))];
    }
  }
  if (network.vpceId || network.vpcId || network.sourceIp) {
    return [{ ...base, kind: 'network', ...network } as GrantSpec];
  }
  return [{ ...base, kind: 'public', principal }] as GrantSpec[];
}

/** Adds to a service principal the source account or ARN that restricts it, and a grant to that source account. */
function restrictService(service: GrantSpec & { kind: 'service' }, conditions: ConditionEntry[], base: Partial<GrantSpec>): GrantSpec[] {
  const grants: GrantSpec[] = [];
  const sourceArn = conditions.find((entry) => entry.key === 'aws:sourcearn' && narrows(entry))?.values[0];
  // Keys that describe the caller, not the resource the service acts for, do not restrict a service principal.
  const accounts = narrowedAccounts(conditions.filter((entry) => !CALLER_KEYS.has(entry.key)));
  const restricted: GrantSpec & { kind: 'service' } = { ...service, ...base } as GrantSpec & { kind: 'service' };
  if (sourceArn) {
    restricted.sourceArn = bound(sourceArn);
  }
  if (accounts && accounts.length > 0) {
    restricted.sourceAccount = accounts.join(',');
  }
  grants.push(restricted);
  for (const accountId of accounts ?? []) {
    grants.push({ ...base, ...parseAwsPrincipal(accountId), label: `source account of ${service.service}` } as GrantSpec);
  }
  return grants;
}

interface StatementContext {
  via: string;
  actions?: string[];
  conditions: ConditionEntry[];
}

function readActions(statement: unknown): string[] | undefined {
  const actions = strings(field(statement, 'Action'));
  if (actions.length > 0) {
    return actions.slice(0, MAX_ACTIONS).map((action) => bound(action, 128));
  }
  const notActions = strings(field(statement, 'NotAction'));
  if (notActions.length > 0) {
    return notActions.slice(0, MAX_ACTIONS).map((action) => `NotAction ${bound(action, 128)}`);
  }
  return undefined;
}

function principalsOf(principal: unknown, context: StatementContext, warnings: string[]): GrantSpec[] {
  const base: Partial<GrantSpec> = context.actions ? { via: context.via, actions: context.actions } : { via: context.via };
  if (typeof principal === 'string') {
    if (principal.trim() === '*') {
      return narrowWildcard('*', context.conditions, base);
    }
    // A bare string other than `*` is not valid policy grammar; read it as an AWS principal.
    return [{ ...base, ...parseAwsPrincipal(principal) } as GrantSpec];
  }
  if (!isObject(principal)) {
    warnings.push(`${context.via}: Principal is not a string or an object`);
    return [];
  }
  const grants: GrantSpec[] = [];
  for (const [type, value] of Object.entries(principal)) {
    const values = strings(value).slice(0, MAX_PRINCIPALS);
    if (toArray(value).length > MAX_PRINCIPALS) {
      warnings.push(`${context.via}: only the first ${MAX_PRINCIPALS} ${type} principals were read`);
    }
    for (const item of values) {
      switch (type.toLowerCase()) {
        case 'aws': {
          const parsed = parseAwsPrincipal(item);
          if (parsed.kind === 'public') {
            grants.push(...narrowWildcard(parsed.principal, context.conditions, base));
          } else {
            grants.push({ ...base, ...parsed } as GrantSpec);
          }
          break;
        }
        case 'service': {
          const parsed = parseServicePrincipal(item);
          if (parsed.kind === 'service') {
            grants.push(...restrictService(parsed, context.conditions, base));
          } else {
            grants.push(...narrowWildcard('*', context.conditions, base));
          }
          break;
        }
        case 'canonicaluser':
          grants.push({ ...base, kind: 'canonical-user', canonicalUserId: bound(item.trim(), 128) } as GrantSpec);
          break;
        case 'federated':
          grants.push({ ...base, ...parseFederatedPrincipal(item) } as GrantSpec);
          break;
        default:
          grants.push({ ...base, kind: 'unknown', principal: bound(`${type}:${item}`), label: 'unrecognised principal type' } as GrantSpec);
      }
    }
  }
  return grants;
}

/**
 * Reads a policy document, given as an object or a JSON string, and returns the grants of its
 * `Allow` statements. What cannot be read is added to `warnings`; the function never throws.
 */
export function readPolicy(document: unknown, warnings: string[]): GrantSpec[] {
  const policy = jsonValue(document);
  if (!isObject(policy)) {
    warnings.push(typeof document === 'string' ? 'the policy is not a valid JSON object' : 'the policy is missing or not an object');
    return [];
  }
  const statementValue = field(policy, 'Statement');
  const statements = toArray(statementValue);
  if (statements.length === 0) {
    warnings.push('the policy has no Statement');
  }
  if (statements.length > MAX_STATEMENTS) {
    warnings.push(`only the first ${MAX_STATEMENTS} of ${statements.length} statements were read`);
  }
  const grants: GrantSpec[] = [];
  let skipped = false;
  statements.slice(0, MAX_STATEMENTS).forEach((statement, index) => {
    if (grants.length >= MAX_GRANTS) {
      skipped = true;
      return;
    }
    const via = bound(str(statement, 'Sid') || `Statement[${index}]`, 128);
    if (!isObject(statement)) {
      warnings.push(`${via}: the statement is not an object`);
      return;
    }
    const effect = str(statement, 'Effect');
    if (effect === undefined) {
      warnings.push(`${via}: the statement has no Effect and was read as Allow`);
    } else if (effect.toLowerCase() !== 'allow') {
      return;
    }
    const context: StatementContext = { via, actions: readActions(statement), conditions: readConditions(field(statement, 'Condition')) };
    const notPrincipal = field(statement, 'NotPrincipal');
    if (notPrincipal !== undefined) {
      // Allow with NotPrincipal admits everyone except the principals it lists.
      grants.push(...narrowWildcard('NotPrincipal', context.conditions, context.actions ? { via, actions: context.actions } : { via }));
      return;
    }
    const principal = field(statement, 'Principal');
    if (principal === undefined) {
      warnings.push(`${via}: the statement has no Principal`);
      return;
    }
    grants.push(...principalsOf(principal, context, warnings));
  });
  if (skipped || grants.length > MAX_GRANTS) {
    warnings.push(`only the first ${MAX_GRANTS} grants of the policy were read`);
  }
  return grants.slice(0, MAX_GRANTS);
}

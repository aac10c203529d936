/**
 * Helpers for rules whose call writes a whole resource-based policy, which CloudTrail logs as a JSON
 * string: reading it with a warning that names the field when it is absent, and listing the
 * statements that a remediation must delete.
 */
import { readPolicy } from '../core/policy';
import { shellQuote } from '../core/text';
import type { Grant, GrantSpec } from '../core/types';

/** The placeholder CloudTrail writes in place of a request value that it does not record. */
export const HIDDEN_VALUE = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * Reads the policy that a call writes. `location` names the field in warnings, such as
 * `requestParameters.policy`. A missing or hidden policy gives no grants and a warning that the
 * grants are unknown, so that the event raises a finding instead of passing as harmless.
 */
export function readWrittenPolicy(document: unknown, location: string, warnings: string[]): GrantSpec[] {
  if (document === undefined || document === null) {
    warnings.push(`${location} is missing, so the grants of the new policy are unknown`);
    return [];
  }
  if (typeof document === 'string' && document.trim() === HIDDEN_VALUE) {
    warnings.push(`CloudTrail hid ${location}, so the grants of the new policy are unknown`);
    return [];
  }
  return readPolicy(document, warnings);
}

/** Lists the statements (`via`) that the untrusted grants came from, shell-quoted and separated by spaces. */
export function statementList(untrusted: Grant[]): string {
  const statements = new Set(untrusted.map((grant) => grant.via).filter((via): via is string => via !== undefined));
  return [...statements].map(shellQuote).join(' ');
}

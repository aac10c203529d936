/**
 * Helpers shared by the CreateRole and UpdateAssumeRolePolicy rules: the role resource and the fix
 * for a trust policy. IAM is global, so its events carry `awsRegion: us-east-1` and its commands
 * take no region.
 */
import type { RemediationInput } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { ResourceRef } from '../../core/types';
import { statementList } from '../policy-document';

/**
 * Describes the role. Without an ARN from the response, the ARN is built from the name and path.
 * An UpdateAssumeRolePolicy event does not log the path, so its ARN assumes `/`.
 */
export function roleResource(roleName: string, owner: string | undefined, arn?: string, rolePath = '/'): ResourceRef {
  const normalizedPath = rolePath.startsWith('/') && rolePath.endsWith('/') ? rolePath : '/';
  return { type: 'AWS::IAM::Role', id: roleName, arn: bound(arn ?? `arn:aws:iam::${owner ?? ''}:role${normalizedPath}${roleName}`) };
}

/** Builds the commands that fetch the trust policy and write it back, with the untrusted statements to delete named in a comment. */
export function trustPolicyRemediation({ result, untrusted }: RemediationInput): string {
  const role = `--role-name ${shellQuote(result.resource.id)}`;
  return [
    `aws iam get-role ${role} --query Role.AssumeRolePolicyDocument --output json > trust-policy.json  # delete statements: ${statementList(untrusted)}`,
    `aws iam update-assume-role-policy ${role} --policy-document file://trust-policy.json`,
  ].join('\n');
}

import { isAccountId } from '../../core/principals';
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, path, str, strings } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';

/**
 * Returns the account that an S3 Control request addressed. S3 Control calls go to
 * `ACCOUNT.s3-control.REGION.amazonaws.com`, and CloudTrail logs that host as `Host` (a string) or, in
 * older records, `host` (an array). Returns undefined when no host names an account.
 */
export function s3ControlAccount(params: Record<string, unknown> | undefined): string | undefined {
  const host = strings(field(params, 'Host'))[0];
  const account = host?.split('.')[0];
  return account !== undefined && isAccountId(account) ? account : undefined;
}

/**
 * S3 PutAccessPointPolicy, an S3 Control call that CloudTrail logs with event source
 * `s3.amazonaws.com`. The complete new access point policy is the `Policy` string of the XML body,
 * logged as `PutAccessPointPolicyRequest.Policy`; the access point is the URI parameter `name`.
 * NOTE: these field names are inferred from how CloudTrail logs the XML bodies of other S3 Control
 * calls (`PublicAccessBlockConfiguration`). A top-level `policy` is read too.
 */
export const putAccessPointPolicy: RuleDefinition = {
  id: 's3-access-point-policy',
  eventSource: 's3.amazonaws.com',
  eventNames: ['PutAccessPointPolicy'],
  title: 'S3 access point policy',
  resourceLabel: 'S3 access point',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const name = bound(str(params, 'name') ?? '', 256);
    if (name === '') {
      warnings.push('requestParameters.name is missing');
    }
    const policy = path(params, 'PutAccessPointPolicyRequest', 'Policy') ?? field(params, 'policy');
    const grants = readWrittenPolicy(policy, 'requestParameters.PutAccessPointPolicyRequest.Policy', warnings);
    const account = s3ControlAccount(params) ?? context.ownerAccountId ?? ownerAccountId(record) ?? '';
    const arn = name.startsWith('arn:') ? name : `arn:aws:s3:${recordRegion(record)}:${account}:accesspoint/${name}`;
    return {
      resource: { type: 'AWS::S3::AccessPoint', id: name, arn },
      grants,
      warnings,
      details: { accountId: bound(account, 64) },
    };
  },

  remediation({ result, untrusted, region }) {
    // An access point policy is replaced whole, so the fix is to write it back without the offending statements.
    const target = `--region ${shellQuote(region)} --account-id ${shellQuote(String(result.details?.accountId ?? ''))} --name ${shellQuote(result.resource.id)}`;
    return [
      `aws s3control get-access-point-policy ${target} --query Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws s3control put-access-point-policy ${target} --policy file://policy.json`,
    ].join('\n');
  },
};

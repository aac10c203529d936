import { ownerAccountId, requestParameters } from '../../core/record';
import { field, path, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';
import { s3ControlAccount } from './put-access-point-policy';

/**
 * S3 PutMultiRegionAccessPointPolicy, an S3 Control call that AWS always routes to us-west-2, so its
 * events reach CloudTrail and EventBridge in that region only. The XML body is logged as
 * `PutMultiRegionAccessPointPolicyRequest` with `Details.Name` and `Details.Policy`, the complete new
 * policy as a JSON string.
 * NOTE: these field names are inferred from how CloudTrail logs the XML bodies of other S3 Control
 * calls (`PublicAccessBlockConfiguration`). A top-level `Details` is read too.
 */
export const putMultiRegionAccessPointPolicy: RuleDefinition = {
  id: 's3-multi-region-access-point-policy',
  eventSource: 's3.amazonaws.com',
  eventNames: ['PutMultiRegionAccessPointPolicy'],
  title: 'S3 Multi-Region Access Point policy',
  resourceLabel: 'S3 Multi-Region Access Point',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const details = path(params, 'PutMultiRegionAccessPointPolicyRequest', 'Details') ?? field(params, 'Details');
    const name = bound(str(details, 'Name') ?? '', 256);
    if (name === '') {
      warnings.push('requestParameters.PutMultiRegionAccessPointPolicyRequest.Details.Name is missing');
    }
    const grants = readWrittenPolicy(field(details, 'Policy'), 'requestParameters.PutMultiRegionAccessPointPolicyRequest.Details.Policy', warnings);
    const account = s3ControlAccount(params) ?? context.ownerAccountId ?? ownerAccountId(record) ?? '';
    // NOTE: the ARN of a Multi-Region Access Point is built from its alias, which the call does not log, so the resource has none.
    return {
      resource: { type: 'AWS::S3::MultiRegionAccessPoint', id: name },
      grants,
      warnings,
      details: { accountId: bound(account, 64) },
    };
  },

  remediation({ result, untrusted, region }) {
    // The policy is replaced whole. The CLI takes it inside --details as {"Name", "Policy"}, which jq builds from policy.json.
    const account = `--region ${shellQuote(region)} --account-id ${shellQuote(String(result.details?.accountId ?? ''))}`;
    const name = shellQuote(result.resource.id);
    return [
      `aws s3control get-multi-region-access-point-policy ${account} --name ${name} --query Policy.Established.Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws s3control put-multi-region-access-point-policy ${account} --details "$(jq -n --arg name ${name} --rawfile policy policy.json '{Name: $name, Policy: $policy}')"`,
    ].join('\n');
  },
};

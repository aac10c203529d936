import { readPolicy } from '../../core/policy';
import { requestParameters } from '../../core/record';
import { field } from '../../core/read';
import { bucketResource } from './bucket';
import type { RuleDefinition } from '../../core/rule';
import { shellQuote } from '../../core/text';

/**
 * S3 PutBucketPolicy. `bucketPolicy` is the complete new policy, logged as an object (a JSON
 * string is read too); every Allow statement is read, including failed calls, which log the policy.
 */
export const putBucketPolicy: RuleDefinition = {
  id: 's3-bucket-policy',
  eventSource: 's3.amazonaws.com',
  eventNames: ['PutBucketPolicy'],
  title: 'S3 bucket policy',
  resourceLabel: 'S3 bucket',

  extract(record) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const resource = bucketResource(params, warnings);
    const grants = readPolicy(field(params, 'bucketPolicy'), warnings);
    return {
      resource,
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    // A bucket policy is replaced whole, so the fix is to write it back without the offending statements.
    const statements = [...new Set(untrusted.map((grant) => grant.via).filter((via): via is string => via !== undefined))];
    const bucket = `--region ${shellQuote(region)} --bucket ${shellQuote(result.resource.id)}`;
    return [
      `aws s3api get-bucket-policy ${bucket} --query Policy --output text > policy.json  # delete statements: ${statements.map(shellQuote).join(' ')}`,
      `aws s3api put-bucket-policy ${bucket} --policy file://policy.json`,
    ].join('\n');
  },
};

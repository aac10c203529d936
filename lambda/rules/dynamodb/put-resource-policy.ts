/**
 * DynamoDB PutResourcePolicy. `policy` is the complete new resource policy of a table or a stream,
 * as a JSON string, and `resourceArn` names which (DynamoDB API reference, PutResourcePolicy).
 * Secrets Manager, CloudWatch Logs and Glue have calls of the same name, so the rule routes on the
 * event source too.
 */
import { requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';

export const putTablePolicy: RuleDefinition = {
  id: 'dynamodb-resource-policy',
  eventSource: 'dynamodb.amazonaws.com',
  eventNames: ['PutResourcePolicy'],
  title: 'DynamoDB table or stream resource policy',
  resourceLabel: 'DynamoDB table or stream',

  extract(record) {
    const params = requestParameters(record);
    const warnings: string[] = [];

    const resourceArn = bound(str(params, 'resourceArn') ?? '', 2048);
    if (resourceArn === '') {
      warnings.push('requestParameters.resourceArn is missing');
    }
    const grants = readWrittenPolicy(field(params, 'policy'), 'requestParameters.policy', warnings);

    // A stream's ARN is its table's ARN followed by /stream/ and a label, and the policy attaches to the stream.
    const type = resourceArn.includes('/stream/') ? 'AWS::DynamoDB::Stream' : 'AWS::DynamoDB::Table';
    return { resource: { type, id: resourceArn, arn: resourceArn }, grants, warnings };
  },

  remediation({ result, untrusted, region }) {
    // A resource policy is replaced whole, so the fix is to write it back without the offending statements.
    const target = `--region ${shellQuote(region)} --resource-arn ${shellQuote(result.resource.id)}`;
    return [
      `aws dynamodb get-resource-policy ${target} --query Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws dynamodb put-resource-policy ${target} --policy file://policy.json`,
    ].join('\n');
  },
};

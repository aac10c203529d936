/**
 * Glue PutResourcePolicy. `policyInJson` is the complete new Data Catalog resource policy, as a JSON
 * string (Glue API reference, PutResourcePolicy). `resourceArn` is documented as internal and is
 * usually absent, in which case the policy is the account's catalog policy in the region. Secrets
 * Manager, CloudWatch Logs and DynamoDB have calls of the same name, so the rule routes on the event
 * source too.
 */
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';

export const putCatalogPolicy: RuleDefinition = {
  id: 'glue-catalog-policy',
  eventSource: 'glue.amazonaws.com',
  eventNames: ['PutResourcePolicy'],
  title: 'Glue Data Catalog resource policy',
  resourceLabel: 'Glue Data Catalog',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];

    const grants = readWrittenPolicy(field(params, 'policyInJson'), 'requestParameters.policyInJson', warnings);
    const requestedArn = str(params, 'resourceArn');
    const arn = bound(requestedArn ?? `arn:aws:glue:${recordRegion(record)}:${context.ownerAccountId ?? ownerAccountId(record) ?? ''}:catalog`, 2048);

    return {
      // NOTE: CloudFormation has no resource type for the Data Catalog itself, so the name follows its pattern.
      resource: { type: 'AWS::Glue::Catalog', id: arn, arn },
      grants,
      warnings,
      ...(requestedArn !== undefined ? { details: { resourceArn: arn } } : {}),
    };
  },

  remediation({ result, untrusted, region }) {
    // A catalog policy is replaced whole, so the fix is to write it back without the offending statements.
    const resourceArn = result.details?.resourceArn;
    const target = `--region ${shellQuote(region)}${resourceArn !== undefined ? ` --resource-arn ${shellQuote(String(resourceArn))}` : ''}`;
    return [
      `aws glue get-resource-policy ${target} --query PolicyInJson --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws glue put-resource-policy ${target} --policy-in-json file://policy.json`,
    ].join('\n');
  },
};

import { ownerAccountId, requestParameters, responseElements } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';

/**
 * ECR PutRegistryPolicy. `policyText` is the complete new policy of the account's private registry in
 * the region, as a JSON string; it usually lets other accounts replicate images into the registry.
 * The request names no registry: the response's `registryId` (the owner account) identifies it.
 */
export const putRegistryPolicy: RuleDefinition = {
  id: 'ecr-registry-policy',
  eventSource: 'ecr.amazonaws.com',
  eventNames: ['PutRegistryPolicy'],
  title: 'ECR registry policy',
  resourceLabel: 'ECR private registry',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const response = responseElements(record);
    const warnings: string[] = [];
    const grants = readWrittenPolicy(field(params, 'policyText') ?? field(response, 'policyText'), 'requestParameters.policyText', warnings);
    const registry = bound(str(response, 'registryId') ?? context.ownerAccountId ?? ownerAccountId(record) ?? '', 64);
    // NOTE: IAM defines no ARN for a registry (its actions take Resource "*"), so the resource has none.
    return {
      resource: { type: 'AWS::ECR::RegistryPolicy', id: registry },
      grants,
      warnings,
    };
  },

  remediation({ untrusted, region }) {
    // A registry policy is replaced whole, so the fix is to write it back without the offending statements.
    const target = `--region ${shellQuote(region)}`;
    return [
      `aws ecr get-registry-policy ${target} --query policyText --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws ecr put-registry-policy ${target} --policy-text file://policy.json`,
    ].join('\n');
  },
};

import { ownerAccountId, region as recordRegion, requestParameters, responseElements } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';

/**
 * ECR SetRepositoryPolicy. `policyText` is the complete new repository policy as a JSON string. The
 * response repeats it, reformatted, and is read when the request lacks it.
 */
export const setRepositoryPolicy: RuleDefinition = {
  id: 'ecr-repository-policy',
  eventSource: 'ecr.amazonaws.com',
  eventNames: ['SetRepositoryPolicy'],
  title: 'ECR repository policy',
  resourceLabel: 'ECR repository',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const response = responseElements(record);
    const warnings: string[] = [];
    const repository = bound(str(params, 'repositoryName') ?? str(response, 'repositoryName') ?? '', 256);
    if (repository === '') {
      warnings.push('requestParameters.repositoryName is missing');
    }
    const grants = readWrittenPolicy(field(params, 'policyText') ?? field(response, 'policyText'), 'requestParameters.policyText', warnings);
    // The request names a registry only when the caller passed --registry-id; the remediation repeats it then.
    const requestedRegistry = str(params, 'registryId');
    const registry = requestedRegistry ?? str(response, 'registryId') ?? context.ownerAccountId ?? ownerAccountId(record) ?? '';
    return {
      resource: { type: 'AWS::ECR::Repository', id: repository, arn: `arn:aws:ecr:${recordRegion(record)}:${bound(registry, 64)}:repository/${repository}` },
      grants,
      warnings,
      ...(requestedRegistry !== undefined ? { details: { registryId: bound(requestedRegistry, 64) } } : {}),
    };
  },

  remediation({ result, untrusted, region }) {
    // A repository policy is replaced whole, so the fix is to write it back without the offending statements.
    const registry = result.details?.registryId;
    const target = `--region ${shellQuote(region)}${registry !== undefined ? ` --registry-id ${shellQuote(String(registry))}` : ''} --repository-name ${shellQuote(result.resource.id)}`;
    return [
      `aws ecr get-repository-policy ${target} --query policyText --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws ecr set-repository-policy ${target} --policy-text file://policy.json`,
    ].join('\n');
  },
};

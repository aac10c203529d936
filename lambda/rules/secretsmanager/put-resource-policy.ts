/**
 * Secrets Manager PutResourcePolicy. `resourcePolicy` is the complete new secret policy, as a JSON
 * string, and `secretId` is the secret's name or ARN. CloudWatch Logs has a call of the same name,
 * so the rule routes on the event source too. CreateSecret takes no policy, so it has no rule.
 */
import { requestParameters, responseElements } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { ResourceRef } from '../../core/types';
import { readWrittenPolicy, statementList } from '../policy-document';

/**
 * Describes the secret. Its ARN ends in six random characters that only the response or an ARN
 * in the request gives, so the ARN is left out when neither has it.
 */
function secretResource(secretId: string, responseArn: string | undefined): ResourceRef {
  const arn = responseArn ?? (secretId.startsWith('arn:') ? secretId : undefined);
  return arn === undefined ? { type: 'AWS::SecretsManager::Secret', id: secretId } : { type: 'AWS::SecretsManager::Secret', id: secretId, arn: bound(arn) };
}

export const putSecretPolicy: RuleDefinition = {
  id: 'secretsmanager-secret-policy',
  eventSource: 'secretsmanager.amazonaws.com',
  eventNames: ['PutResourcePolicy'],
  title: 'Secrets Manager secret policy',
  resourceLabel: 'Secrets Manager secret',

  extract(record) {
    const params = requestParameters(record);
    const warnings: string[] = [];

    const secretId = bound(str(params, 'secretId') ?? '', 2048);
    if (secretId === '') {
      warnings.push('requestParameters.secretId is missing');
    }
    const grants = readWrittenPolicy(field(params, 'resourcePolicy'), 'requestParameters.resourcePolicy', warnings);

    return { resource: secretResource(secretId, str(responseElements(record), 'arn')), grants, warnings };
  },

  remediation({ result, untrusted, region }) {
    const secret = `--region ${shellQuote(region)} --secret-id ${shellQuote(result.resource.id)}`;
    return [
      `aws secretsmanager get-resource-policy ${secret} --query ResourcePolicy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws secretsmanager put-resource-policy ${secret} --resource-policy file://policy.json --block-public-policy`,
    ].join('\n');
  },
};

import { requestParameters, responseElements } from '../../core/record';
import { field, path, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';
import { jmesPathString } from './put-destination-policy';

/**
 * CloudWatch Logs PutResourcePolicy. Secrets Manager has a call of the same name, so the catalog routes
 * on the event source too. `policyDocument` is the complete new policy as a JSON string. Without
 * `resourceArn` it is one of the account's policies in the region, named by `policyName`; with it, the
 * policy of that log group. These policies usually grant AWS services (Route 53, OpenSearch, log
 * delivery) the right to write logs, which raises a finding only with `alertOnUnrestrictedServices`.
 *
 * NOTE: CloudWatch Logs documents that it enforces these policies for service principals only. A grant
 * to an account or `*` still raises a finding, as a statement of intent that has no effect today.
 */
export const putLogResourcePolicy: RuleDefinition = {
  id: 'logs-resource-policy',
  eventSource: 'logs.amazonaws.com',
  eventNames: ['PutResourcePolicy'],
  title: 'CloudWatch Logs resource policy',
  resourceLabel: 'CloudWatch Logs resource policy',

  extract(record) {
    const params = requestParameters(record);
    const response = responseElements(record);
    const warnings: string[] = [];
    const policyName = str(params, 'policyName') ?? str(response, 'resourcePolicy', 'policyName');
    const resourceArn = str(params, 'resourceArn') ?? str(response, 'resourcePolicy', 'resourceArn');
    if (policyName === undefined) {
      warnings.push('requestParameters.policyName is missing');
    }
    const document = field(params, 'policyDocument') ?? path(response, 'resourcePolicy', 'policyDocument');
    const grants = readWrittenPolicy(document, 'requestParameters.policyDocument', warnings);
    const details: Record<string, string> = {};
    if (policyName !== undefined) {
      details.policyName = bound(policyName, 256);
    }
    if (resourceArn !== undefined) {
      details.resourceArn = bound(resourceArn);
    }
    return {
      resource: {
        type: 'AWS::Logs::ResourcePolicy',
        id: details.policyName ?? details.resourceArn ?? '',
        ...(details.resourceArn !== undefined ? { arn: details.resourceArn } : {}),
      },
      grants,
      warnings,
      details,
    };
  },

  remediation({ result, untrusted, region }) {
    // A resource policy is replaced whole, so the fix is to write it back without the offending statements.
    const { policyName, resourceArn } = result.details ?? {};
    const note = `# delete statements: ${statementList(untrusted)}`;
    const name = policyName !== undefined ? ` --policy-name ${shellQuote(String(policyName))}` : '';
    if (resourceArn === undefined) {
      const query = `resourcePolicies[?policyName==${jmesPathString(String(policyName ?? ''))}].policyDocument | [0]`;
      return [
        `aws logs describe-resource-policies --region ${shellQuote(region)} --query ${shellQuote(query)} --output text > policy.json  ${note}`,
        `aws logs put-resource-policy --region ${shellQuote(region)}${name} --policy-document file://policy.json`,
      ].join('\n');
    }
    // A policy scoped to a log group is written back only with its current revision id.
    const target = `--region ${shellQuote(region)} --resource-arn ${shellQuote(String(resourceArn))}`;
    const describe = `aws logs describe-resource-policies ${target} --policy-scope RESOURCE`;
    return [
      `${describe} --query 'resourcePolicies[0].policyDocument' --output text > policy.json  ${note}`,
      `aws logs put-resource-policy ${target}${name} --policy-document file://policy.json --expected-revision-id "$(${describe} --query 'resourcePolicies[0].revisionId' --output text)"`,
    ].join('\n');
  },
};

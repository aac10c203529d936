import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';

/** Writes a string as a JMESPath raw string literal, which escapes only `'` and `\`. */
export function jmesPathString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * CloudWatch Logs PutDestinationPolicy. `accessPolicy` is the complete new access policy of a
 * cross-account log destination as a JSON string: the accounts it allows (`logs:PutSubscriptionFilter`)
 * can send log events to the destination's stream.
 */
export const putDestinationPolicy: RuleDefinition = {
  id: 'logs-destination-policy',
  eventSource: 'logs.amazonaws.com',
  eventNames: ['PutDestinationPolicy'],
  title: 'CloudWatch Logs destination access policy',
  resourceLabel: 'CloudWatch Logs destination',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const destination = bound(str(params, 'destinationName') ?? '', 512);
    if (destination === '') {
      warnings.push('requestParameters.destinationName is missing');
    }
    const grants = readWrittenPolicy(field(params, 'accessPolicy'), 'requestParameters.accessPolicy', warnings);
    const owner = context.ownerAccountId ?? ownerAccountId(record) ?? '';
    return {
      resource: { type: 'AWS::Logs::Destination', id: destination, arn: `arn:aws:logs:${recordRegion(record)}:${owner}:destination:${destination}` },
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    // An access policy is replaced whole. describe-destinations filters by prefix, so the query picks the exact name.
    const query = `destinations[?destinationName==${jmesPathString(result.resource.id)}].accessPolicy | [0]`;
    const name = shellQuote(result.resource.id);
    return [
      `aws logs describe-destinations --region ${shellQuote(region)} --destination-name-prefix ${name} --query ${shellQuote(query)} --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws logs put-destination-policy --region ${shellQuote(region)} --destination-name ${name} --access-policy file://policy.json`,
    ].join('\n');
  },
};

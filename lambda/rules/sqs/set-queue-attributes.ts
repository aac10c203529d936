/**
 * SQS SetQueueAttributes with a `Policy` attribute: the complete new queue policy, as a JSON string.
 * An empty `Policy` removes the policy, and other attributes (VisibilityTimeout, RedrivePolicy)
 * grant nothing.
 */
import { ownerAccountId, region, requestParameters } from '../../core/record';
import { str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { queuePolicyRemediation, queueResource, readPolicyAttribute } from './queue';

export const setQueueAttributes: RuleDefinition = {
  id: 'sqs-queue-policy',
  eventSource: 'sqs.amazonaws.com',
  eventNames: ['SetQueueAttributes'],
  title: 'SQS queue policy',
  resourceLabel: 'SQS queue',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const grants = readPolicyAttribute(params, 'changed the queue policy', warnings);
    if (grants === undefined) {
      return undefined;
    }

    const queueUrl = str(params, 'queueUrl') ?? '';
    if (queueUrl === '') {
      warnings.push('requestParameters.queueUrl is missing');
    }
    return { resource: queueResource(queueUrl, region(record), context.ownerAccountId ?? ownerAccountId(record)), grants, warnings };
  },

  remediation: queuePolicyRemediation,
};

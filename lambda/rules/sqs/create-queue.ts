/**
 * SQS CreateQueue. `attributes.Policy` is the queue policy as a JSON string. Without it only the
 * owner account has access, which grants nothing to report. The new queue's URL is in
 * `responseElements.queueUrl`.
 */
import { errorCode, ownerAccountId, region, requestParameters, responseElements } from '../../core/record';
import { str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { queuePolicyRemediation, queueResource, readPolicyAttribute } from './queue';

export const createQueue: RuleDefinition = {
  id: 'sqs-new-queue-policy',
  eventSource: 'sqs.amazonaws.com',
  eventNames: ['CreateQueue'],
  title: 'SQS queue policy, when the queue is created',
  resourceLabel: 'SQS queue',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const grants = readPolicyAttribute(params, 'set a queue policy', warnings);
    if (grants === undefined) {
      return undefined;
    }

    const owner = context.ownerAccountId ?? ownerAccountId(record);
    const queueName = str(params, 'queueName') ?? '';
    let queueUrl = str(responseElements(record), 'queueUrl');
    if (queueUrl === undefined) {
      if (errorCode(record) === undefined) {
        warnings.push('responseElements.queueUrl is missing');
      }
      queueUrl = `https://sqs.${region(record)}.amazonaws.com/${owner ?? ''}/${queueName}`;
    }

    return { resource: queueResource(queueUrl, region(record), owner, queueName), grants, warnings };
  },

  remediation: queuePolicyRemediation,
};

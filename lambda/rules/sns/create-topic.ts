/**
 * SNS CreateTopic. `attributes.Policy` is the topic policy as a JSON string. Without it the topic
 * gets the default policy: `{"AWS": "*"}` narrowed by `AWS:SourceOwner` to the owner, which grants
 * nothing to report. The new topic's ARN is in `responseElements.topicArn`.
 */
import { errorCode, ownerAccountId, region, requestParameters, responseElements } from '../../core/record';
import { field, isObject, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import type { GrantSpec } from '../../core/types';
import { readWrittenPolicy } from '../policy-document';
import { topicPolicyRemediation, topicResource } from './topic';

export const createTopic: RuleDefinition = {
  id: 'sns-new-topic-policy',
  eventSource: 'sns.amazonaws.com',
  eventNames: ['CreateTopic'],
  title: 'SNS topic policy, when the topic is created',
  resourceLabel: 'SNS topic',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const attributes = field(params, 'attributes');
    const policy = field(attributes, 'Policy');
    const warnings: string[] = [];
    let grants: GrantSpec[] = [];
    if (params === undefined) {
      warnings.push('requestParameters is missing, so whether the call set a topic policy is unknown');
    } else if (attributes !== undefined && attributes !== null && !isObject(attributes)) {
      warnings.push('requestParameters.attributes is not an object, so whether the call set a topic policy is unknown');
    } else if (policy === undefined) {
      return undefined;
    } else {
      grants = readWrittenPolicy(policy, 'requestParameters.attributes.Policy', warnings);
    }

    const name = str(params, 'name') ?? '';
    let topicArn = str(responseElements(record), 'topicArn');
    if (topicArn === undefined) {
      if (errorCode(record) === undefined) {
        warnings.push('responseElements.topicArn is missing');
      }
      topicArn = `arn:aws:sns:${region(record)}:${context.ownerAccountId ?? ownerAccountId(record) ?? ''}:${name}`;
    }

    return { resource: topicResource(topicArn), grants, warnings };
  },

  remediation: topicPolicyRemediation,
};

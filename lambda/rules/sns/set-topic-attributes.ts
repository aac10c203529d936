/**
 * SNS SetTopicAttributes with `attributeName: Policy`: `attributeValue` is the complete new topic
 * policy, as a JSON string. Other attributes (DisplayName, DeliveryPolicy) grant nothing.
 */
import { requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import type { GrantSpec } from '../../core/types';
import { readWrittenPolicy } from '../policy-document';
import { topicPolicyRemediation, topicResource } from './topic';

export const setTopicAttributes: RuleDefinition = {
  id: 'sns-topic-policy',
  eventSource: 'sns.amazonaws.com',
  eventNames: ['SetTopicAttributes'],
  title: 'SNS topic policy',
  resourceLabel: 'SNS topic',

  extract(record) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    let grants: GrantSpec[];
    if (params === undefined) {
      warnings.push('requestParameters is missing, so whether the call changed the topic policy is unknown');
      grants = [];
    } else if (str(params, 'attributeName')?.trim().toLowerCase() !== 'policy') {
      return undefined;
    } else {
      grants = readWrittenPolicy(field(params, 'attributeValue'), 'requestParameters.attributeValue', warnings);
    }

    const topicArn = str(params, 'topicArn') ?? '';
    if (topicArn === '') {
      warnings.push('requestParameters.topicArn is missing');
    }
    return { resource: topicResource(topicArn), grants, warnings };
  },

  remediation: topicPolicyRemediation,
};

/**
 * SNS calls that delete or change one of the detector's topics (the alert topic and the tamper
 * alert topic), or remove a subscription from it.
 * DeleteTopic and SetTopicAttributes name the topic in `requestParameters.topicArn`. Unsubscribe
 * names the subscription in `requestParameters.subscriptionArn`, which is the topic ARN followed by
 * `:` and the subscription id.
 *
 * A SetTopicAttributes that writes the topic policy is also read by the topic policy rule, whose
 * grants are added to this rule's, so that a policy that opens the alert topic shows whom it opens
 * it to.
 */
import { eventName, requestParameters } from '../../core/record';
import { str } from '../../core/read';
import type { DetectorResources, ExtractContext, PatternFilter, RuleDefinition } from '../../core/rule';
import { bound } from '../../core/text';
import type { CloudTrailRecord, RuleResult } from '../../core/types';
import { setTopicAttributes } from '../sns/set-topic-attributes';
import { topicPolicyRemediation, topicResource } from '../sns/topic';
import { detectorSetting, MAX_SETTING_VALUE, mergedRemediation, mergeSharingResult, stackDetails, tamperGrant } from './deployment';

const EVENT_SOURCE = 'sns.amazonaws.com';

/** Returns the ARNs of the detector's topics: the alert topic and the tamper alert topic. */
function detectorTopicArns(detector: DetectorResources | undefined): string[] {
  return [detectorSetting(detector?.topicArn), detectorSetting(detector?.tamperTopicArn)].filter((arn): arn is string => arn !== undefined);
}

/** Returns the ARN of the detector's topic that the call names, itself or through one of its subscriptions. */
function detectorTopicArn(record: CloudTrailRecord, context: ExtractContext): string | undefined {
  const parameters = requestParameters(record);
  if (eventName(record) === 'Unsubscribe') {
    const subscriptionArn = str(parameters, 'subscriptionArn');
    return detectorTopicArns(context.detector).find((topicArn) => subscriptionArn !== undefined && subscriptionArn.startsWith(`${topicArn}:`));
  }
  const named = str(parameters, 'topicArn');
  return detectorTopicArns(context.detector).find((topicArn) => named === topicArn);
}

function describeChange(record: CloudTrailRecord, topicArn: string, detector: DetectorResources | undefined): string {
  const parameters = requestParameters(record);
  const topic = topicArn !== '' && topicArn === detectorSetting(detector?.tamperTopicArn) ? 'tamper alert topic' : 'alert topic';
  switch (eventName(record)) {
    case 'DeleteTopic':
      return `${topic} deleted`;
    case 'Unsubscribe': {
      const subscriptionId = (str(parameters, 'subscriptionArn') ?? '').slice(topicArn.length + 1);
      return `${topic} subscription removed: ${bound(subscriptionId, MAX_SETTING_VALUE)}`;
    }
    default: {
      const attribute = str(parameters, 'attributeName');
      return attribute === undefined || attribute === '' ? `${topic} attribute changed` : `${topic} attribute ${bound(attribute, MAX_SETTING_VALUE)} changed`;
    }
  }
}

export const detectorTopicChanged: RuleDefinition = {
  id: 'detector-topic-changed',
  eventSource: EVENT_SOURCE,
  eventNames: ['DeleteTopic', 'SetTopicAttributes', 'Unsubscribe'],
  title: "Detector's alert topic deleted, changed or unsubscribed from",
  resourceLabel: 'SNS topic',
  category: 'tamper',

  appliesTo(record, context) {
    return detectorTopicArn(record, context) !== undefined;
  },

  // The topic policy rule's pattern already routes every SetTopicAttributes to the function, so the
  // route generation keeps this filter only for the alert that goes straight to the topic.
  patternFilters(detector: DetectorResources | undefined): PatternFilter[] {
    const topicArns = detectorTopicArns(detector);
    if (topicArns.length === 0) {
      return [];
    }
    return [
      { eventNames: ['DeleteTopic'], eventNamePrefixes: [], requestParameters: { topicArn: topicArns } },
      { eventNames: ['SetTopicAttributes'], eventNamePrefixes: [], requestParameters: { topicArn: topicArns } },
      { eventNames: ['Unsubscribe'], eventNamePrefixes: [], requestParameters: { subscriptionArn: topicArns.map((topicArn) => ({ prefix: `${topicArn}:` })) } },
    ];
  },

  extract(record, context = {}) {
    const warnings: string[] = [];
    const topicArn = detectorTopicArn(record, context) ?? detectorSetting(context.detector?.topicArn) ?? '';
    if (topicArn === '') {
      warnings.push('the detector topic is unknown, so the call could not be matched to it');
    }
    const own: RuleResult = {
      resource: topicResource(topicArn),
      grants: [tamperGrant(record, context.detector, describeChange(record, topicArn, context.detector), eventName(record))],
      warnings,
      details: stackDetails(context.detector),
    };
    return eventName(record) === 'SetTopicAttributes' ? mergeSharingResult(own, setTopicAttributes.extract(record, context)) : own;
  },

  remediation(input) {
    return mergedRemediation(input, topicPolicyRemediation);
  },
};

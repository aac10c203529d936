/**
 * SNS calls that delete or change the detector's alert topic, or remove a subscription from it.
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

/** Returns the detector's topic ARN when the call names that topic or one of its subscriptions. */
function detectorTopicArn(record: CloudTrailRecord, context: ExtractContext): string | undefined {
  const topicArn = detectorSetting(context.detector?.topicArn);
  if (topicArn === undefined) {
    return undefined;
  }
  const parameters = requestParameters(record);
  if (eventName(record) === 'Unsubscribe') {
    const subscriptionArn = str(parameters, 'subscriptionArn');
    return subscriptionArn !== undefined && subscriptionArn.startsWith(`${topicArn}:`) ? topicArn : undefined;
  }
  return str(parameters, 'topicArn') === topicArn ? topicArn : undefined;
}

function describeChange(record: CloudTrailRecord, topicArn: string): string {
  const parameters = requestParameters(record);
  switch (eventName(record)) {
    case 'DeleteTopic':
      return 'alert topic deleted';
    case 'Unsubscribe': {
      const subscriptionId = (str(parameters, 'subscriptionArn') ?? '').slice(topicArn.length + 1);
      return `alert topic subscription removed: ${bound(subscriptionId, MAX_SETTING_VALUE)}`;
    }
    default: {
      const attribute = str(parameters, 'attributeName');
      return attribute === undefined || attribute === '' ? 'alert topic attribute changed' : `alert topic attribute ${bound(attribute, MAX_SETTING_VALUE)} changed`;
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
    const topicArn = detectorSetting(detector?.topicArn);
    if (topicArn === undefined) {
      return [];
    }
    return [
      { eventNames: ['DeleteTopic'], eventNamePrefixes: [], requestParameters: { topicArn: [topicArn] } },
      { eventNames: ['SetTopicAttributes'], eventNamePrefixes: [], requestParameters: { topicArn: [topicArn] } },
      { eventNames: ['Unsubscribe'], eventNamePrefixes: [], requestParameters: { subscriptionArn: [{ prefix: `${topicArn}:` }] } },
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
      grants: [tamperGrant(record, context.detector, describeChange(record, topicArn), eventName(record))],
      warnings,
      details: stackDetails(context.detector),
    };
    return eventName(record) === 'SetTopicAttributes' ? mergeSharingResult(own, setTopicAttributes.extract(record, context)) : own;
  },

  remediation(input) {
    return mergedRemediation(input, topicPolicyRemediation);
  },
};

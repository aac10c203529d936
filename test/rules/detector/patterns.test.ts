import { RULES } from '../../../lambda/catalog';
import { detectorEventRuleChanged } from '../../../lambda/rules/detector/event-rules';
import { detectorFunctionChanged } from '../../../lambda/rules/detector/function';
import { detectorKeyChanged } from '../../../lambda/rules/detector/key';
import { detectorTopicChanged } from '../../../lambda/rules/detector/topic';
import { buildEventPatterns } from '../../../lib/event-pattern';
import { DETECTOR } from '../../support/fixtures';

const DETAIL_TYPE = ['AWS API Call via CloudTrail'];
const NAME = DETECTOR.functionName;
const FUNCTION_REFERENCES = [NAME, { prefix: `${NAME}:` }, { suffix: `:function:${NAME}` }, { wildcard: `*:function:${NAME}:*` }];

const DETECTOR_PATTERNS = [
  {
    source: ['aws.events'],
    'detail-type': DETAIL_TYPE,
    detail: { eventSource: ['events.amazonaws.com'], eventName: ['DeleteRule', 'DisableRule', 'PutRule'], requestParameters: { name: DETECTOR.ruleNames } },
  },
  {
    source: ['aws.events'],
    'detail-type': DETAIL_TYPE,
    detail: { eventSource: ['events.amazonaws.com'], eventName: ['PutTargets', 'RemoveTargets'], requestParameters: { rule: DETECTOR.ruleNames } },
  },
  {
    source: ['aws.kms'],
    'detail-type': DETAIL_TYPE,
    detail: { eventSource: ['kms.amazonaws.com'], eventName: ['DisableKey', 'ScheduleKeyDeletion'], requestParameters: { keyId: [DETECTOR.keyId, DETECTOR.keyArn] } },
  },
  {
    source: ['aws.lambda'],
    'detail-type': DETAIL_TYPE,
    detail: {
      eventSource: ['lambda.amazonaws.com'],
      eventName: [
        'DeleteFunction',
        'RemovePermission',
        'UpdateFunctionCode',
        'UpdateFunctionConfiguration',
        { prefix: 'DeleteFunction2' },
        { prefix: 'RemovePermission2' },
        { prefix: 'UpdateFunctionCode2' },
        { prefix: 'UpdateFunctionConfiguration2' },
      ],
      requestParameters: { functionName: FUNCTION_REFERENCES },
    },
  },
  {
    source: ['aws.lambda'],
    'detail-type': DETAIL_TYPE,
    detail: {
      eventSource: ['lambda.amazonaws.com'],
      eventName: ['PutFunctionConcurrency', { prefix: 'PutFunctionConcurrency2' }],
      requestParameters: { functionName: FUNCTION_REFERENCES, reservedConcurrentExecutions: [0] },
    },
  },
  {
    source: ['aws.sns'],
    'detail-type': DETAIL_TYPE,
    detail: { eventSource: ['sns.amazonaws.com'], eventName: ['DeleteTopic'], requestParameters: { topicArn: [DETECTOR.topicArn, DETECTOR.tamperTopicArn] } },
  },
  {
    source: ['aws.sns'],
    'detail-type': DETAIL_TYPE,
    detail: {
      eventSource: ['sns.amazonaws.com'],
      eventName: ['Unsubscribe'],
      requestParameters: { subscriptionArn: [{ prefix: `${DETECTOR.topicArn}:` }, { prefix: `${DETECTOR.tamperTopicArn}:` }] },
    },
  },
];

/** The filters that the sharing rules' patterns already route to the function; only the direct alerts use them. */
const DIRECT_ALERT_ONLY_PATTERNS = [
  {
    source: ['aws.kms'],
    'detail-type': DETAIL_TYPE,
    detail: { eventSource: ['kms.amazonaws.com'], eventName: ['PutKeyPolicy'], requestParameters: { keyId: [DETECTOR.keyId, DETECTOR.keyArn] } },
  },
  {
    source: ['aws.sns'],
    'detail-type': DETAIL_TYPE,
    detail: { eventSource: ['sns.amazonaws.com'], eventName: ['SetTopicAttributes'], requestParameters: { topicArn: [DETECTOR.topicArn, DETECTOR.tamperTopicArn] } },
  },
];

const DETECTOR_RULES = [detectorEventRuleChanged, detectorFunctionChanged, detectorTopicChanged, detectorKeyChanged];

describe('detector rule patterns', () => {
  it('include every detector filter', () => {
    const patterns = buildEventPatterns(RULES, DETECTOR);

    for (const pattern of DETECTOR_PATTERNS) {
      expect(patterns).toContainEqual(pattern);
    }
  });

  it('are exactly the detector filters', () => {
    const patterns = buildEventPatterns(DETECTOR_RULES, DETECTOR);

    expect(patterns).toHaveLength(DETECTOR_PATTERNS.length + DIRECT_ALERT_ONLY_PATTERNS.length);
    expect(patterns).toEqual(expect.arrayContaining([...DETECTOR_PATTERNS, ...DIRECT_ALERT_ONLY_PATTERNS]));
  });

  it('are absent without the detector', () => {
    expect(buildEventPatterns(DETECTOR_RULES)).toEqual([]);
    expect(buildEventPatterns(DETECTOR_RULES, {})).toEqual([]);
    expect(buildEventPatterns(DETECTOR_RULES, { stackName: 'ShareSentinel', ruleNames: [], functionName: '', topicArn: '', keyId: '' })).toEqual([]);
    expect(buildEventPatterns(RULES).length).toBe(buildEventPatterns(RULES.filter((rule) => !DETECTOR_RULES.includes(rule))).length);
  });

  it('leave SetTopicAttributes and PutKeyPolicy to the sharing patterns', () => {
    for (const pattern of DIRECT_ALERT_ONLY_PATTERNS) {
      expect(buildEventPatterns(RULES, DETECTOR)).not.toContainEqual(pattern);
    }

    const patterns = buildEventPatterns(RULES, DETECTOR);
    const routing = (source: string, name: string): number => patterns.filter((pattern) => pattern.detail.eventSource[0] === source && pattern.detail.eventName.includes(name)).length;

    expect(routing('sns.amazonaws.com', 'SetTopicAttributes')).toBe(1);
    expect(routing('kms.amazonaws.com', 'PutKeyPolicy')).toBe(1);
  });

  it('escape a wildcard in the function name', () => {
    const [filter] = detectorFunctionChanged.patternFilters?.({ functionName: 'a*b' }) ?? [];

    expect(filter.requestParameters?.functionName).toContainEqual({ wildcard: '*:function:a\\*b:*' });
  });
});

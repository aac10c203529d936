/**
 * Property tests for the rules about the detector's own resources, which apply only when the
 * detector's resources are known. Whatever the request contains, a record that names one of those
 * resources reaches its rule, the evaluation never throws, and a finding serialises.
 */
import fc from 'fast-check';
import { evaluateRecord, type Evaluation } from '../../../lambda/core/evaluate';
import type { RuleDefinition } from '../../../lambda/core/rule';
import type { CloudTrailRecord } from '../../../lambda/core/types';
import { detectorEventRuleChanged } from '../../../lambda/rules/detector/event-rules';
import { detectorFunctionChanged } from '../../../lambda/rules/detector/function';
import { detectorKeyChanged } from '../../../lambda/rules/detector/key';
import { detectorTopicChanged } from '../../../lambda/rules/detector/topic';
import { DETECTOR, OWNER, trustedList } from '../../support/fixtures';

const NUM_RUNS = 300;
const TEST_TIMEOUT_MS = 60_000;
const LARGE = 100_000;

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3, depthSize: 'small' }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom<unknown>('', '*', Number.NaN, -0, 0, '0', true, null, undefined, [], {}, `${'\u202e\u0000x'.repeat(LARGE)}`, Array.from({ length: LARGE }, (_, index) => ({ id: String(index) }))),
);

const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${OWNER}:function:${DETECTOR.functionName}`;

/** For each rule: its event names, the parameter that names the detector's resource with the values that do, and the other parameters it reads. */
const CASES: { rule: RuleDefinition; names: string[]; key: string; references: string[]; others: string[] }[] = [
  { rule: detectorEventRuleChanged, names: ['DisableRule', 'DeleteRule', 'PutRule'], key: 'name', references: DETECTOR.ruleNames, others: ['state', 'eventPattern', 'description'] },
  { rule: detectorEventRuleChanged, names: ['PutTargets', 'RemoveTargets'], key: 'rule', references: DETECTOR.ruleNames, others: ['targets', 'ids', 'force'] },
  {
    rule: detectorFunctionChanged,
    names: ['UpdateFunctionCode20150331v2', 'UpdateFunctionConfiguration20150331v2', 'DeleteFunction20150331', 'PutFunctionConcurrency20171031'],
    key: 'functionName',
    references: [DETECTOR.functionName, FUNCTION_ARN, `${FUNCTION_ARN}:live`, `${OWNER}:function:${DETECTOR.functionName}`],
    others: ['reservedConcurrentExecutions', 'qualifier', 'environment'],
  },
  { rule: detectorTopicChanged, names: ['DeleteTopic', 'SetTopicAttributes'], key: 'topicArn', references: [DETECTOR.topicArn], others: ['attributeName', 'attributeValue'] },
  { rule: detectorTopicChanged, names: ['Unsubscribe'], key: 'subscriptionArn', references: [`${DETECTOR.topicArn}:2b7e4f1a-9c3d-4e8b-a6f0-5d1c3b9e7a24`], others: [] },
  { rule: detectorKeyChanged, names: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'], key: 'keyId', references: [DETECTOR.keyId, DETECTOR.keyArn], others: ['pendingWindowInDays', 'policy'] },
];

function buildRecord(rule: RuleDefinition, name: string, parameters: Record<string, unknown>, sourceIp: string, code: unknown): CloudTrailRecord {
  const record: CloudTrailRecord = {
    eventVersion: '1.10',
    eventID: '7d2c4e1a-5b3f-4a8e-9c6d-0e1f2a3b4c5d',
    eventTime: '2026-04-11T03:00:00Z',
    eventSource: rule.eventSource,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: sourceIp,
    userAgent: 'aws-cli/2.18.1',
    userIdentity: { type: 'IAMUser', accountId: OWNER, arn: `arn:aws:iam::${OWNER}:user/tester` },
    requestParameters: parameters,
    responseElements: null,
    recipientAccountId: OWNER,
  };
  if (code !== undefined) {
    record.errorCode = code;
  }
  return record;
}

function expectWellFormed(evaluation: Evaluation, rule: RuleDefinition): void {
  expect(evaluation.status).not.toBe('not-watched');
  if (evaluation.status === 'not-watched') {
    return;
  }
  expect(evaluation.rule).toBe(rule);
  if (evaluation.status === 'finding') {
    expect(evaluation.error).toBeUndefined();
    expect(['critical', 'high', 'medium', 'low']).toContain(evaluation.finding.severity);
    expect(() => JSON.stringify(evaluation.finding)).not.toThrow();
  }
}

describe('detector rule properties', () => {
  it.each(CASES.map((entry) => [`${entry.rule.id} ${entry.key}`, entry] as const))('%s never throws on malformed parameters', (_name, entry) => {
    const others = fc.dictionary(fc.constantFrom(...entry.others, 'extra'), anyValue, { maxKeys: 4 });
    fc.assert(
      fc.property(
        fc.constantFrom(...entry.names),
        fc.constantFrom(...entry.references),
        others,
        fc.constantFrom('198.51.100.42', 'cloudformation.amazonaws.com'),
        fc.oneof(fc.constant(undefined), fc.constantFrom('AccessDenied', ''), anyValue),
        (name, reference, parameters, sourceIp, code) => {
          const record = buildRecord(entry.rule, name, { ...parameters, [entry.key]: reference }, sourceIp, code);

          expectWellFormed(evaluateRecord(record, { trustedList: trustedList(), detector: DETECTOR }), entry.rule);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  }, TEST_TIMEOUT_MS);

  it('never throws on malformed detector resources', () => {
    const detector = fc.record(
      { stackName: anyValue, ruleNames: fc.oneof(anyValue, fc.array(anyValue, { maxLength: 3 })), functionName: anyValue, topicArn: anyValue, keyId: anyValue, keyArn: anyValue },
      { requiredKeys: [] },
    );
    const entry = fc.constantFrom(...CASES);
    fc.assert(
      fc.property(entry, detector, anyValue, (chosen, resources, reference) => {
        const record = buildRecord(chosen.rule, chosen.names[0], { [chosen.key]: reference }, '198.51.100.42', undefined);
        const evaluation = evaluateRecord(record, { trustedList: trustedList(), detector: resources as never });

        expect(['not-watched', 'no-grant', 'trusted', 'finding']).toContain(evaluation.status);
        expect(evaluation.status === 'finding' ? evaluation.error : undefined).toBeUndefined();
      }),
      { numRuns: NUM_RUNS },
    );
  }, TEST_TIMEOUT_MS);
});

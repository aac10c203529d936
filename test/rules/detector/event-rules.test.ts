import { RULES } from '../../../lambda/catalog';
import { detectorEventRuleChanged } from '../../../lambda/rules/detector/event-rules';
import { DETECTOR, evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf } from '../../support/fixtures';
import { critical, deployed, DRIFT, HOSTILE, REGION } from './support';

const RULE = 'ShareSentinel-ec2';
const RULE_ARN = `arn:aws:events:${REGION}:${OWNER}:rule/${RULE}`;
const ENABLE = `aws events enable-rule --region ${REGION} --name ${RULE}`;

function withParameters(scenario: string, parameters: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('events', scenario);
  record.requestParameters = { ...(record.requestParameters as Record<string, unknown>), ...parameters };
  return record;
}

describe('detector EventBridge rule', () => {
  it('is a catalog tamper rule before the bus policy rule', () => {
    expect(detectorEventRuleChanged.category).toBe('tamper');
    expect(RULES.indexOf(detectorEventRuleChanged)).toBeGreaterThanOrEqual(0);
    expect(RULES.indexOf(detectorEventRuleChanged)).toBeLessThan(RULES.findIndex((rule) => rule.id === 'events-bus-policy'));
  });

  it('alerts critical on DisableRule', () => {
    const finding = findingOf(evaluateFixture('events', 'detector-disable-rule', { detector: DETECTOR }));

    expect(finding.resource).toEqual({ type: 'AWS::Events::Rule', id: RULE, arn: RULE_ARN });
    expect(finding.grants).toEqual([critical(`EventBridge rule ${RULE} disabled`, 'DisableRule')]);
    expect(finding).toMatchObject({ severity: 'critical', public: false, outcome: 'succeeded', ruleId: 'detector-event-rule-changed' });
    expect(finding.reasons).toEqual([`a safeguard share-sentinel depends on was lowered: EventBridge rule ${RULE} disabled`]);
    expect(finding.remediation).toBe(ENABLE);
  });

  it('alerts critical on DeleteRule', () => {
    const finding = findingOf(evaluateFixture('events', 'detector-delete-rule', { detector: DETECTOR }));

    expect(finding.resource).toEqual({ type: 'AWS::Events::Rule', id: 'ShareSentinel-tamper-events', arn: `arn:aws:events:${REGION}:${OWNER}:rule/ShareSentinel-tamper-events` });
    expect(finding.grants).toEqual([critical('EventBridge rule ShareSentinel-tamper-events deleted', 'DeleteRule')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(DRIFT);
  });

  it('alerts critical on PutRule that disables', () => {
    const finding = findingOf(evaluateFixture('events', 'detector-put-rule-disabled', { detector: DETECTOR }));

    expect(finding.resource).toEqual({ type: 'AWS::Events::Rule', id: RULE, arn: RULE_ARN });
    expect(finding.grants).toEqual([critical(`EventBridge rule ${RULE} disabled and its pattern replaced`, 'PutRule')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(`${ENABLE}\n${DRIFT}`);
  });

  it('alerts critical on PutRule that replaces the pattern', () => {
    const finding = findingOf(evaluateFixture('events', 'detector-put-rule-pattern', { detector: DETECTOR }));

    expect(finding.resource).toEqual({ type: 'AWS::Events::Rule', id: 'ShareSentinel-s3', arn: `arn:aws:events:${REGION}:${OWNER}:rule/ShareSentinel-s3` });
    expect(finding.grants).toEqual([critical('EventBridge rule ShareSentinel-s3 pattern replaced', 'PutRule')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(DRIFT);
  });

  it('alerts critical on PutRule without a pattern', () => {
    const record = loadFixture('events', 'detector-put-rule-pattern');
    record.requestParameters = { name: 'ShareSentinel-s3', scheduleExpression: 'rate(365 days)' };

    expect(findingOf(evaluate(record, { detector: DETECTOR })).grants).toEqual([critical('EventBridge rule ShareSentinel-s3 replaced', 'PutRule')]);
  });

  it('alerts critical on PutTargets', () => {
    const finding = findingOf(evaluateFixture('events', 'detector-put-targets', { detector: DETECTOR }));

    expect(finding.resource).toEqual({ type: 'AWS::Events::Rule', id: 'ShareSentinel-kms', arn: `arn:aws:events:${REGION}:${OWNER}:rule/ShareSentinel-kms` });
    expect(finding.grants).toEqual([critical('EventBridge rule ShareSentinel-kms targets added or updated: Target0', 'PutTargets')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(DRIFT);
  });

  it('alerts critical on RemoveTargets', () => {
    const finding = findingOf(evaluateFixture('events', 'detector-remove-targets', { detector: DETECTOR }));

    expect(finding.resource).toEqual({ type: 'AWS::Events::Rule', id: RULE, arn: RULE_ARN });
    expect(finding.grants).toEqual([critical(`EventBridge rule ${RULE} targets removed: Target0`, 'RemoveTargets')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(DRIFT);
  });

  it('trusts a CloudFormation deployment', () => {
    const evaluation = evaluateFixture('events', 'detector-put-rule-cloudformation', { detector: DETECTOR });

    expect(evaluation.status).toBe('trusted');
    expect(quietGrantsOf(evaluation)).toEqual([deployed(`EventBridge rule ${RULE} pattern replaced`, 'PutRule')]);
  });

  it('labels a deployment without a stack name', () => {
    const { stackName: _stackName, ...withoutStack } = DETECTOR;
    const evaluation = evaluateFixture('events', 'detector-put-rule-cloudformation', { detector: withoutStack });

    expect(quietGrantsOf(evaluation)[0].label).toBe('a CloudFormation deployment');
  });

  it('uses the STACK placeholder without a stack name', () => {
    const { stackName: _stackName, ...withoutStack } = DETECTOR;
    const finding = findingOf(evaluateFixture('events', 'detector-delete-rule', { detector: withoutStack }));

    expect(finding.remediation).toBe(DRIFT.replace('--stack-name ShareSentinel', '--stack-name STACK'));
  });

  it('accepts the default bus by name and ARN', () => {
    for (const eventBusName of ['default', `arn:aws:events:${REGION}:${OWNER}:event-bus/default`]) {
      const finding = findingOf(evaluate(withParameters('detector-disable-rule', { eventBusName }), { detector: DETECTOR }));

      expect(finding.ruleId).toBe('detector-event-rule-changed');
    }
  });

  it('ignores a bus of another account', () => {
    for (const eventBusName of [`arn:aws:events:${REGION}:${OUTSIDER}:event-bus/default`, `arn:aws:events:${REGION}:${OUTSIDER}:event-bus/share-sentinel`, 'arn:aws:sns:malformed']) {
      expect(evaluate(withParameters('detector-disable-rule', { eventBusName }), { detector: DETECTOR }).status).toBe('not-watched');
    }
  });

  it('reads a detector rule on the central bus', () => {
    for (const eventBusName of ['share-sentinel', `arn:aws:events:${REGION}:${OWNER}:event-bus/share-sentinel`]) {
      expect(findingOf(evaluate(withParameters('detector-disable-rule', { eventBusName }), { detector: DETECTOR })).severity).toBe('critical');
    }
  });

  it('ignores another rule', () => {
    expect(evaluate(withParameters('detector-disable-rule', { name: 'nightly-report' }), { detector: DETECTOR }).status).toBe('not-watched');
    expect(evaluate(withParameters('detector-remove-targets', { rule: 'nightly-report' }), { detector: DETECTOR }).status).toBe('not-watched');
  });

  it('compares rule names exactly', () => {
    for (const name of ['sharesentinel-ec2', `${RULE} `, `${RULE}-copy`, RULE_ARN]) {
      expect(evaluate(withParameters('detector-disable-rule', { name }), { detector: DETECTOR }).status).toBe('not-watched');
    }
  });

  it('does not apply without the detector', () => {
    for (const scenario of ['detector-disable-rule', 'detector-delete-rule', 'detector-put-rule-disabled', 'detector-put-targets', 'detector-remove-targets']) {
      expect(evaluateFixture('events', scenario).status).toBe('not-watched');
    }
  });

  it('leaves PutPermission to the bus policy rule', () => {
    expect(findingOf(evaluateFixture('events', 'bus-permission-public', { detector: DETECTOR })).ruleId).toBe('events-bus-policy');
  });

  it('bounds hostile target ids', () => {
    const ids = [HOSTILE, 'x'.repeat(300), ...Array.from({ length: 12 }, (_, index) => `t${index}`)];
    const finding = findingOf(evaluate(withParameters('detector-remove-targets', { ids }), { detector: DETECTOR }));
    const setting = (finding.grants[0] as { setting: string }).setting;

    expect(setting).toBe(`EventBridge rule ${RULE} targets removed: ${HOSTILE}, ${'x'.repeat(64)}…[236 more characters], t0, t1, t2, t3, t4, t5, t6, t7 and 4 more`);
    expect(finding.remediation).toBe(DRIFT);
  });

  it('quotes a hostile rule name', () => {
    const detector = { ...DETECTOR, ruleNames: [HOSTILE] };
    const finding = findingOf(evaluate(withParameters('detector-disable-rule', { name: HOSTILE }), { detector }));

    expect(finding.remediation).toBe(`aws events enable-rule --region ${REGION} --name $'x\\'$(touch /tmp/owned)\\x0a\`id\`'`);
  });

  it('warns when target ids are missing', () => {
    const record = loadFixture('events', 'detector-remove-targets');
    record.requestParameters = { rule: RULE };
    const finding = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(finding.warnings).toEqual(['requestParameters.ids names no target']);
    expect(finding.severity).toBe('critical');
  });

  it('reports AccessDenied as attempt', () => {
    const record = loadFixture('events', 'detector-disable-rule');
    record.errorCode = 'AccessDeniedException';

    expect(findingOf(evaluate(record, { detector: DETECTOR }))).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
  });
});

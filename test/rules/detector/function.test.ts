import { RULES } from '../../../lambda/catalog';
import { detectorFunctionChanged } from '../../../lambda/rules/detector/function';
import { DETECTOR, evaluate, evaluateFixture, findingOf, loadFixture, OWNER, quietGrantsOf } from '../../support/fixtures';
import { critical, deployed, DRIFT, HOSTILE, HOSTILE_QUOTED, REGION } from './support';

const NAME = DETECTOR.functionName;
const ARN = `arn:aws:lambda:${REGION}:${OWNER}:function:${NAME}`;
const FUNCTION = { type: 'AWS::Lambda::Function', id: NAME, arn: ARN };

function withParameters(scenario: string, parameters: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('lambda', scenario);
  record.requestParameters = parameters;
  return record;
}

describe('detector function rule', () => {
  it('is a catalog tamper rule', () => {
    expect(detectorFunctionChanged.category).toBe('tamper');
    expect(RULES).toContain(detectorFunctionChanged);
  });

  it('alerts critical on UpdateFunctionCode', () => {
    const finding = findingOf(evaluateFixture('lambda', 'detector-update-function-code', { detector: DETECTOR }));

    expect(finding.resource).toEqual(FUNCTION);
    expect(finding.grants).toEqual([critical('detection function code replaced', 'UpdateFunctionCode20150331v2')]);
    expect(finding).toMatchObject({ severity: 'critical', public: false, outcome: 'succeeded', ruleId: 'detector-function-changed' });
    expect(finding.remediation).toBe(DRIFT);
  });

  it('alerts critical on RemovePermission', () => {
    const finding = findingOf(evaluateFixture('lambda', 'detector-remove-permission', { detector: DETECTOR }));

    expect(finding.grants).toEqual([critical('detection function permission ShareSentinelRuleec2AllowEventRuleShareSentinelFunction9C1D2E3F removed', 'RemovePermission20150331v2')]);
    expect(finding).toMatchObject({ severity: 'critical', ruleId: 'detector-function-changed' });
    expect(finding.remediation).toBe(DRIFT);
  });

  it('leaves layer permission removals alone', () => {
    const record = loadFixture('lambda', 'detector-remove-permission');
    record.eventName = 'RemoveLayerVersionPermission20181031';

    expect(evaluate(record, { detector: DETECTOR }).status).toBe('not-watched');
  });

  it('alerts critical on UpdateFunctionConfiguration by ARN', () => {
    const finding = findingOf(evaluateFixture('lambda', 'detector-update-function-configuration-arn', { detector: DETECTOR }));

    expect(finding.resource).toEqual(FUNCTION);
    expect(finding.grants).toEqual([critical('detection function configuration changed: environment, timeout', 'UpdateFunctionConfiguration20150331v2')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(DRIFT);
  });

  it('alerts critical on DeleteFunction by partial ARN', () => {
    const finding = findingOf(evaluateFixture('lambda', 'detector-delete-function-partial-arn', { detector: DETECTOR }));

    expect(finding.resource).toEqual(FUNCTION);
    expect(finding.grants).toEqual([critical('detection function deleted', 'DeleteFunction20150331')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(DRIFT);
  });

  it('names the deleted version', () => {
    const byParameter = findingOf(evaluate(withParameters('detector-delete-function-partial-arn', { functionName: NAME, qualifier: '3' }), { detector: DETECTOR }));
    const byArn = findingOf(evaluate(withParameters('detector-delete-function-partial-arn', { functionName: `${ARN}:3` }), { detector: DETECTOR }));

    expect(byParameter.grants).toEqual([critical('detection function version 3 deleted', 'DeleteFunction20150331')]);
    expect(byArn.grants).toEqual([critical('detection function version 3 deleted', 'DeleteFunction20150331')]);
    expect(byArn.resource).toEqual({ ...FUNCTION, arn: `${ARN}:3` });
  });

  it('alerts critical on concurrency 0', () => {
    const finding = findingOf(evaluateFixture('lambda', 'detector-put-function-concurrency-zero', { detector: DETECTOR }));

    expect(finding.resource).toEqual(FUNCTION);
    expect(finding.grants).toEqual([critical('detection function reserved concurrency set to 0', 'PutFunctionConcurrency20171031')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(`aws lambda delete-function-concurrency --region ${REGION} --function-name ${NAME}`);
  });

  it.each([[1], [10], ['25']])('raises nothing on concurrency %p', (reservedConcurrentExecutions) => {
    const record = withParameters('detector-put-function-concurrency-zero', { functionName: NAME, reservedConcurrentExecutions });

    expect(evaluate(record, { detector: DETECTOR }).status).toBe('no-grant');
  });

  it('warns on unreadable concurrency', () => {
    const finding = findingOf(evaluate(withParameters('detector-put-function-concurrency-zero', { functionName: NAME, reservedConcurrentExecutions: 'none' }), { detector: DETECTOR }));

    expect(finding.warnings).toEqual(['requestParameters.reservedConcurrentExecutions is missing or not a whole number']);
    expect(finding.grants).toEqual([critical('detection function reserved concurrency changed', 'PutFunctionConcurrency20171031')]);
    expect(finding.remediation).toBe(DRIFT);
  });

  it('trusts a CloudFormation deployment', () => {
    const evaluation = evaluateFixture('lambda', 'detector-update-function-code-cloudformation', { detector: DETECTOR });

    expect(evaluation.status).toBe('trusted');
    expect(quietGrantsOf(evaluation)).toEqual([deployed('detection function code replaced', 'UpdateFunctionCode20150331v2')]);
  });

  it.each([[NAME], [`${NAME}:live`], [ARN], [`${ARN}:live`], [`${OWNER}:function:${NAME}`], [`${OWNER}:function:${NAME}:7`]])('matches reference %s', (functionName) => {
    const finding = findingOf(evaluate(withParameters('detector-update-function-code', { functionName }), { detector: DETECTOR }));

    expect(finding.ruleId).toBe('detector-function-changed');
    expect(finding.resource.id).toBe(NAME);
  });

  it.each([['report-builder'], [`evil-${NAME}`], [`${NAME}-copy`], [`arn:aws:lambda:${REGION}:${OWNER}:function:report-builder`], [`${OWNER}:function:x${NAME}`]])(
    'ignores function %s',
    (functionName) => {
      expect(evaluate(withParameters('detector-update-function-code', { functionName }), { detector: DETECTOR }).status).toBe('not-watched');
    },
  );

  it.each([['DeleteFunctionConcurrency20171031'], ['DeleteFunctionUrlConfig20211031'], ['UpdateFunctionUrlConfig20211031'], ['GetFunction20150331v2']])('ignores %s', (name) => {
    const record = loadFixture('lambda', 'detector-update-function-code');
    record.eventName = name;

    expect(evaluate(record, { detector: DETECTOR }).status).toBe('not-watched');
  });

  it.each([['UpdateFunctionCode'], ['UpdateFunctionConfiguration'], ['DeleteFunction'], ['UpdateFunctionCode20240101']])('reads event name %s', (name) => {
    const record = loadFixture('lambda', 'detector-update-function-code');
    record.eventName = name;

    expect(findingOf(evaluate(record, { detector: DETECTOR })).ruleId).toBe('detector-function-changed');
  });

  it('does not apply without the detector', () => {
    for (const scenario of ['detector-update-function-code', 'detector-update-function-configuration-arn', 'detector-delete-function-partial-arn', 'detector-put-function-concurrency-zero']) {
      expect(evaluateFixture('lambda', scenario).status).toBe('not-watched');
    }
  });

  it('quotes and bounds a hostile function name', () => {
    const detector = { ...DETECTOR, functionName: HOSTILE };
    const finding = findingOf(evaluate(withParameters('detector-put-function-concurrency-zero', { functionName: HOSTILE, reservedConcurrentExecutions: 0 }), { detector }));

    expect(finding.resource.id).toBe(HOSTILE);
    expect(finding.remediation).toBe(`aws lambda delete-function-concurrency --region ${REGION} --function-name ${HOSTILE_QUOTED}`);

    const long = `${HOSTILE}${'y'.repeat(400)}`;
    const bounded = findingOf(evaluate(withParameters('detector-put-function-concurrency-zero', { functionName: long, reservedConcurrentExecutions: 0 }), { detector: { ...DETECTOR, functionName: long } }));

    expect(bounded.resource.id).toBe(`${long.slice(0, 256)}…[${long.length - 256} more characters]`);
    expect(bounded.remediation).toMatch(/^aws lambda delete-function-concurrency --region us-east-1 --function-name \$'x\\'\$\(touch \/tmp\/owned\)\\x0a`id`y+…\[\d+ more characters\]'$/);
  });

  it('bounds a hostile qualifier and configuration keys', () => {
    const deleted = findingOf(evaluate(withParameters('detector-delete-function-partial-arn', { functionName: NAME, qualifier: 'q'.repeat(300) }), { detector: DETECTOR }));
    const configured = findingOf(evaluate(withParameters('detector-update-function-configuration-arn', { functionName: NAME, ['k'.repeat(100)]: 1 }), { detector: DETECTOR }));

    expect((deleted.grants[0] as { setting: string }).setting).toBe(`detection function version ${'q'.repeat(128)}…[172 more characters] deleted`);
    expect((configured.grants[0] as { setting: string }).setting).toBe(`detection function configuration changed: ${'k'.repeat(64)}…[36 more characters]`);
  });

  it('reports AccessDenied as attempt', () => {
    const record = loadFixture('lambda', 'detector-delete-function-partial-arn');
    record.errorCode = 'AccessDeniedException';

    expect(findingOf(evaluate(record, { detector: DETECTOR }))).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
  });
});

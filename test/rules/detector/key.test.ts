import { RULES } from '../../../lambda/catalog';
import { detectorKeyChanged } from '../../../lambda/rules/detector/key';
import { DETECTOR, evaluate, evaluateFixture, findingOf, loadFixture, quietGrantsOf } from '../../support/fixtures';
import { critical, deployed, DRIFT, REGION } from './support';

const KEY_ID = DETECTOR.keyId;
const KEY_ARN = DETECTOR.keyArn;

function withParameters(scenario: string, parameters: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('kms', scenario);
  record.requestParameters = parameters;
  return record;
}

describe('detector key rule', () => {
  it('is a catalog tamper rule before the key policy rule', () => {
    expect(detectorKeyChanged.category).toBe('tamper');
    expect(RULES.indexOf(detectorKeyChanged)).toBeGreaterThanOrEqual(0);
    expect(RULES.indexOf(detectorKeyChanged)).toBeLessThan(RULES.findIndex((rule) => rule.id === 'kms-key-policy'));
  });

  it('alerts critical on DisableKey', () => {
    const finding = findingOf(evaluateFixture('kms', 'detector-disable-key', { detector: DETECTOR }));

    expect(finding.resource).toEqual({ type: 'AWS::KMS::Key', id: KEY_ID, arn: KEY_ARN });
    expect(finding.grants).toEqual([critical('alert key disabled', 'DisableKey')]);
    expect(finding).toMatchObject({ severity: 'critical', public: false, outcome: 'succeeded', ruleId: 'detector-key-changed' });
    expect(finding.remediation).toBe(`aws kms enable-key --region ${REGION} --key-id ${KEY_ID}`);
  });

  it('alerts critical on ScheduleKeyDeletion by ARN', () => {
    const finding = findingOf(evaluateFixture('kms', 'detector-schedule-key-deletion-arn', { detector: DETECTOR }));

    expect(finding.resource).toEqual({ type: 'AWS::KMS::Key', id: KEY_ARN, arn: KEY_ARN });
    expect(finding.grants).toEqual([critical('alert key scheduled for deletion in 7 days', 'ScheduleKeyDeletion')]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(`aws kms cancel-key-deletion --region ${REGION} --key-id ${KEY_ARN} && aws kms enable-key --region ${REGION} --key-id ${KEY_ARN}`);
  });

  it('reads the default waiting period', () => {
    const finding = findingOf(evaluate(withParameters('detector-schedule-key-deletion-arn', { keyId: KEY_ID }), { detector: DETECTOR }));

    expect(finding.grants).toEqual([critical('alert key scheduled for deletion in 30 days', 'ScheduleKeyDeletion')]);
  });

  it('warns on an unreadable waiting period', () => {
    const finding = findingOf(evaluate(withParameters('detector-schedule-key-deletion-arn', { keyId: KEY_ID, pendingWindowInDays: '7 days' }), { detector: DETECTOR }));

    expect(finding.grants).toEqual([critical('alert key scheduled for deletion', 'ScheduleKeyDeletion')]);
    expect(finding.warnings).toEqual(['requestParameters.pendingWindowInDays is not a whole number of days']);
  });

  it('adds the policy grants of PutKeyPolicy', () => {
    const finding = findingOf(evaluateFixture('kms', 'detector-put-key-policy-public', { detector: DETECTOR }));

    expect(finding.resource).toEqual({ type: 'AWS::KMS::Key', id: KEY_ID, arn: KEY_ARN });
    expect(finding.grants[0]).toEqual(critical('alert key policy replaced', 'PutKeyPolicy'));
    expect(finding.grants).toContainEqual({ kind: 'public', principal: '*', via: 'OpenDecrypt', actions: ['kms:Decrypt'], trusted: false });
    expect(finding).toMatchObject({ severity: 'critical', public: true, ruleId: 'detector-key-changed' });
    expect(finding.remediation).toBe(
      [
        `aws kms get-key-policy --region ${REGION} --key-id ${KEY_ID} --policy-name default --query Policy --output text > policy.json  # delete statements: OpenDecrypt`,
        `aws kms put-key-policy --region ${REGION} --key-id ${KEY_ID} --policy-name default --policy file://policy.json`,
        DRIFT,
      ].join('\n'),
    );
  });

  it('trusts a CloudFormation deployment', () => {
    const evaluation = evaluateFixture('kms', 'detector-put-key-policy-cloudformation', { detector: DETECTOR });

    expect(evaluation.status).toBe('trusted');
    expect(quietGrantsOf(evaluation)[0]).toEqual(deployed('alert key policy replaced', 'PutKeyPolicy'));
  });

  it('leaves another key to the key policy rule', () => {
    expect(findingOf(evaluateFixture('kms', 'put-key-policy-public-decrypt', { detector: DETECTOR })).ruleId).toBe('kms-key-policy');
  });

  it('ignores other keys', () => {
    for (const keyId of ['1234abcd-12ab-34cd-56ef-1234567890ab', `${KEY_ARN.slice(0, -1)}0`, KEY_ID.toUpperCase(), 'alias/share-sentinel']) {
      expect(evaluate(withParameters('detector-disable-key', { keyId }), { detector: DETECTOR }).status).toBe('not-watched');
    }
  });

  it('does not apply without the detector', () => {
    expect(evaluateFixture('kms', 'detector-disable-key').status).toBe('not-watched');
    expect(evaluateFixture('kms', 'detector-schedule-key-deletion-arn').status).toBe('not-watched');
    expect(findingOf(evaluateFixture('kms', 'detector-put-key-policy-public')).ruleId).toBe('kms-key-policy');
  });

  it('matches a detector known by ARN only', () => {
    const { keyId: _keyId, ...byArn } = DETECTOR;

    expect(evaluateFixture('kms', 'detector-schedule-key-deletion-arn', { detector: byArn }).status).toBe('finding');
    expect(evaluateFixture('kms', 'detector-disable-key', { detector: byArn }).status).toBe('not-watched');
  });

  it('reports AccessDenied as attempt', () => {
    const record = loadFixture('kms', 'detector-disable-key');
    record.errorCode = 'AccessDeniedException';

    expect(findingOf(evaluate(record, { detector: DETECTOR }))).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
  });
});

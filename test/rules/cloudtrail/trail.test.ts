import { RULES } from '../../../lambda/catalog';
import { managementEventsExcluded, trailLoggingStopped, trailNarrowed } from '../../../lambda/rules/cloudtrail/trail';
import { evaluate, evaluateFixture, findingOf, loadFixture, OWNER } from '../../support/fixtures';

const NAME = 'org-audit-trail';
const ARN = `arn:aws:cloudtrail:eu-central-1:${OWNER}:trail/${NAME}`;
const TRAIL = { type: 'AWS::CloudTrail::Trail', id: NAME, arn: ARN };
const START_LOGGING = `aws cloudtrail start-logging --region eu-central-1 --name ${NAME}`;
const RECREATE =
  `aws cloudtrail create-trail --region eu-central-1 --name ${NAME} --s3-bucket-name BUCKET --is-multi-region-trail` +
  ` && aws cloudtrail start-logging --region eu-central-1 --name ${NAME}`;
const RESTORE_SELECTORS =
  `aws cloudtrail put-event-selectors --region eu-central-1 --trail-name ${NAME} --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`;

function critical(setting: string, via: string): Record<string, unknown> {
  return { kind: 'guard-lowered', setting, severity: 'critical', via, trusted: false };
}

function withParameters(scenario: string, parameters: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('cloudtrail', scenario);
  record.requestParameters = parameters;
  return record;
}

describe('CloudTrail tamper rules', () => {
  it.each([trailLoggingStopped, trailNarrowed, managementEventsExcluded].map((rule) => [rule.id, rule] as const))('%s is a catalog tamper rule', (_id, rule) => {
    expect(rule.category).toBe('tamper');
    expect(RULES).toContain(rule);
  });
});

describe('StopLogging and DeleteTrail rule', () => {
  it.each([['stop-logging-name'], ['stop-logging-arn']])('alerts critical on %s', (scenario) => {
    const finding = findingOf(evaluateFixture('cloudtrail', scenario));

    expect(finding.resource).toEqual(TRAIL);
    expect(finding.grants).toEqual([critical('IsLogging=false', 'StopLogging')]);
    expect(finding).toMatchObject({ severity: 'critical', public: false, outcome: 'succeeded', ruleId: 'cloudtrail-logging-stopped' });
    expect(finding.remediation).toBe(START_LOGGING);
  });

  it.each([['delete-trail-name'], ['delete-trail-arn']])('alerts critical on %s', (scenario) => {
    const finding = findingOf(evaluateFixture('cloudtrail', scenario));

    expect(finding.resource).toEqual(TRAIL);
    expect(finding.grants).toEqual([critical('Trail=deleted', 'DeleteTrail')]);
    expect(finding).toMatchObject({ severity: 'critical', ruleId: 'cloudtrail-logging-stopped' });
    expect(finding.remediation).toBe(RECREATE);
  });

  it('quotes a hostile trail name', () => {
    const finding = findingOf(evaluate(withParameters('stop-logging-name', { name: "audit'; rm -rf ~" })));

    expect(finding.resource.id).toBe("audit'; rm -rf ~");
    expect(finding.remediation).toBe(`aws cloudtrail start-logging --region eu-central-1 --name 'audit'\\''; rm -rf ~'`);
  });

  it('warns when the trail name is missing', () => {
    const finding = findingOf(evaluate(withParameters('stop-logging-name', null)));

    expect(finding.warnings).toEqual(['requestParameters.name is missing']);
    expect(finding.resource).toEqual({ type: 'AWS::CloudTrail::Trail', id: '' });
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe('aws cloudtrail start-logging --region eu-central-1 --name TRAIL');
  });

  it('reports AccessDenied as attempt', () => {
    const record = loadFixture('cloudtrail', 'delete-trail-arn');
    record.errorCode = 'AccessDenied';

    expect(findingOf(evaluate(record))).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
  });

  it('leaves the ARN out without an owner', () => {
    const record = loadFixture('cloudtrail', 'stop-logging-name');
    delete record.recipientAccountId;
    delete (record.userIdentity as Record<string, unknown>).accountId;

    expect(findingOf(evaluate(record)).resource).toEqual({ type: 'AWS::CloudTrail::Trail', id: NAME });
  });
});

describe('UpdateTrail rule', () => {
  it('alerts critical on single region', () => {
    const finding = findingOf(evaluateFixture('cloudtrail', 'update-trail-single-region'));

    expect(finding.resource).toEqual(TRAIL);
    expect(finding.grants).toEqual([critical('IsMultiRegionTrail=false', 'UpdateTrail')]);
    expect(finding).toMatchObject({ severity: 'critical', ruleId: 'cloudtrail-trail-narrowed' });
    expect(finding.remediation).toBe(`aws cloudtrail update-trail --region eu-central-1 --name ${NAME} --is-multi-region-trail`);
  });

  it('alerts critical on global events off', () => {
    const finding = findingOf(evaluateFixture('cloudtrail', 'update-trail-global-events-off-arn'));

    expect(finding.resource).toEqual(TRAIL);
    expect(finding.grants).toEqual([critical('IncludeGlobalServiceEvents=false', 'UpdateTrail')]);
    expect(finding.remediation).toBe(`aws cloudtrail update-trail --region eu-central-1 --name ${NAME} --include-global-service-events`);
  });

  it('stays quiet on other changes', () => {
    const record = loadFixture('cloudtrail', 'update-trail-bucket-changed');

    expect(trailNarrowed.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('reads both flags as strings', () => {
    const finding = findingOf(evaluate(withParameters('update-trail-single-region', { name: NAME, isMultiRegionTrail: 'FALSE', includeGlobalServiceEvents: 'false' })));

    expect(finding.grants).toEqual([critical('IsMultiRegionTrail=false, IncludeGlobalServiceEvents=false', 'UpdateTrail')]);
    expect(finding.remediation).toBe(
      `aws cloudtrail update-trail --region eu-central-1 --name ${NAME} --is-multi-region-trail --include-global-service-events`,
    );
  });

  it('warns on a flag that is not boolean', () => {
    const finding = findingOf(evaluate(withParameters('update-trail-single-region', { name: NAME, isMultiRegionTrail: 'sometimes' })));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['requestParameters.isMultiRegionTrail is not a boolean']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });
});

describe('PutEventSelectors rule', () => {
  it('alerts critical on excluded management events', () => {
    const finding = findingOf(evaluateFixture('cloudtrail', 'event-selectors-management-excluded'));

    expect(finding.resource).toEqual(TRAIL);
    expect(finding.grants).toEqual([critical('IncludeManagementEvents=false', 'PutEventSelectors')]);
    expect(finding).toMatchObject({ severity: 'critical', public: false, ruleId: 'cloudtrail-management-events-excluded' });
    expect(finding.remediation).toBe(RESTORE_SELECTORS);
  });

  it('alerts critical on read-only advanced selector', () => {
    const finding = findingOf(evaluateFixture('cloudtrail', 'event-selectors-read-only-advanced-arn'));

    expect(finding.resource).toEqual(TRAIL);
    expect(finding.grants).toEqual([critical('advanced selectors log read-only management events only', 'PutEventSelectors')]);
    expect(finding.severity).toBe('critical');
  });

  it.each([['event-selectors-all-management'], ['event-selectors-advanced-management-arn']])('stays quiet on %s', (scenario) => {
    const record = loadFixture('cloudtrail', scenario);

    expect(managementEventsExcluded.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it.each([
    ['ReadOnly management events', { eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: true }] }, 'ReadWriteType=ReadOnly'],
    ['an empty list', { eventSelectors: [] }, 'no event selectors'],
    ['data events only', { advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }] }] }, 'advanced selectors log no management events'],
    ['readOnly not false', { advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', notEquals: ['false'] }] }] }, 'advanced selectors log read-only management events only'],
  ])('alerts on %s', (_name, selectors, setting) => {
    const finding = findingOf(evaluate(withParameters('event-selectors-management-excluded', { trailName: NAME, ...selectors })));

    expect(finding.grants).toEqual([critical(setting, 'PutEventSelectors')]);
    expect(finding.warnings).toBeUndefined();
  });

  it.each([
    ['defaults', { eventSelectors: [{ dataResources: [] }] }],
    ['WriteOnly', { eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: 'true' }] }],
    ['one of several selectors', { eventSelectors: [{ includeManagementEvents: false }, { readWriteType: 'All' }] }],
    ['readOnly false', { advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['false'] }] }] }],
    ['readOnly not true', { advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', notEquals: ['true'] }] }] }],
  ])('stays quiet on %s', (_name, selectors) => {
    expect(managementEventsExcluded.extract(withParameters('event-selectors-all-management', { trailName: NAME, ...selectors }))).toBeUndefined();
  });

  it('warns when selectors are missing', () => {
    const finding = findingOf(evaluate(withParameters('event-selectors-all-management', { trailName: NAME })));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['requestParameters.eventSelectors and advancedEventSelectors are missing, so the new selectors are unknown']);
    expect(finding.severity).toBe('medium');
  });

  it('warns on an unknown readWriteType', () => {
    const finding = findingOf(evaluate(withParameters('event-selectors-all-management', { trailName: NAME, eventSelectors: [{ readWriteType: 'Everything' }] })));

    expect(finding.warnings).toEqual(['eventSelectors[0].readWriteType is not All, ReadOnly or WriteOnly']);
    expect(finding.grants).toEqual([critical('IncludeManagementEvents=false', 'PutEventSelectors')]);
  });
});

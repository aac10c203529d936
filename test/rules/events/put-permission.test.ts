import { putEventBusPermission } from '../../../lambda/rules/events/put-permission';
import type { GrantSpec } from '../../../lambda/core/types';
import {
  evaluate,
  evaluateFixture,
  findingOf,
  labelledTrustedList,
  loadFixture,
  ORGANIZATION,
  OUTSIDER,
  OWNER,
  PARTNER,
  quietGrantsOf,
  trustedList,
} from '../../support/fixtures';

function removePermission(bus: string, statementId: string, region = 'us-east-1'): string {
  return `aws events remove-permission --region ${region} --event-bus-name ${bus} --statement-id ${statementId}`;
}

function withRequest(changes: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('events', 'bus-permission-account');
  Object.assign(record.requestParameters as Record<string, unknown>, changes);
  return record;
}

const PUT_EVENTS = { via: 'vendor-webhook-relay', actions: ['events:PutEvents'] };

describe('EventBridge PutPermission rule', () => {
  it('reads the default bus and its ARN', () => {
    const result = putEventBusPermission.extract(loadFixture('events', 'bus-permission-account'));

    expect(result).toEqual({
      resource: { type: 'AWS::Events::EventBus', id: 'default', arn: `arn:aws:events:us-east-1:${OWNER}:event-bus/default` },
      grants: [{ kind: 'account', accountId: OUTSIDER, ...PUT_EVENTS }],
      warnings: [],
      details: { statementId: 'vendor-webhook-relay' },
    });
  });

  it('alerts on bus shared with account', () => {
    const finding = findingOf(evaluateFixture('events', 'bus-permission-account'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, ...PUT_EVENTS, trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'events-bus-policy' });
    expect(finding.remediation).toBe(removePermission('default', 'vendor-webhook-relay'));
  });

  it('alerts critical on star principal', () => {
    const finding = findingOf(evaluateFixture('events', 'bus-permission-public'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'open-ingest', actions: ['events:PutEvents'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
    expect(finding.resource.arn).toBe(`arn:aws:events:us-east-1:${OWNER}:event-bus/orders-bus`);
    expect(finding.remediation).toBe(removePermission('orders-bus', 'open-ingest'));
  });

  it('narrows star by structured condition', () => {
    const finding = findingOf(evaluateFixture('events', 'bus-permission-organization'));

    expect(finding.grants).toEqual([{ kind: 'organization', organizationId: ORGANIZATION, via: 'org-members', actions: ['events:PutEvents'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, reasons: [`shared with organization ${ORGANIZATION}: not on the trusted list`] });
    expect(finding.remediation).toBe(removePermission('default', 'org-members'));
  });

  it('trusts organization on the list', () => {
    const evaluation = evaluateFixture('events', 'bus-permission-organization', { trustedList: labelledTrustedList({ [ORGANIZATION]: 'our organization' }) });

    expect(quietGrantsOf(evaluation)).toEqual([
      { kind: 'organization', organizationId: ORGANIZATION, via: 'org-members', actions: ['events:PutEvents'], trusted: true, label: 'our organization' },
    ]);
  });

  it.each<[string, Record<string, unknown>, GrantSpec]>([
    ['own account', { principal: OWNER }, { kind: 'account', accountId: OWNER }],
    ['account with spaces', { principal: ` ${OUTSIDER} ` }, { kind: 'account', accountId: OUTSIDER }],
    ['role ARN', { principal: `arn:aws:iam::${PARTNER}:role/relay` }, { kind: 'account', accountId: PARTNER, principal: `arn:aws:iam::${PARTNER}:role/relay` }],
    ['star without condition', { principal: '*' }, { kind: 'public', principal: '*' }],
    [
      'star with lowercase condition key',
      { principal: '*', condition: { type: 'StringEquals', key: 'aws:principalorgid', value: ORGANIZATION } },
      { kind: 'organization', organizationId: ORGANIZATION },
    ],
    [
      'star with a negated condition',
      { principal: '*', condition: { type: 'StringNotEquals', key: 'aws:PrincipalOrgID', value: ORGANIZATION } },
      { kind: 'public', principal: '*' },
    ],
    ['unreadable principal', { principal: 'partner-team' }, { kind: 'unknown', principal: 'partner-team', label: 'unrecognised principal' }],
  ])('reads %s', (_name, changes, grant) => {
    const result = putEventBusPermission.extract(withRequest(changes));

    expect(result?.grants).toEqual([{ ...grant, ...PUT_EVENTS }]);
    expect(result?.warnings).toEqual([]);
  });

  it('stays quiet on own account', () => {
    expect(quietGrantsOf(evaluate(withRequest({ principal: OWNER })))).toEqual([
      { kind: 'account', accountId: OWNER, ...PUT_EVENTS, trusted: true, label: 'resource owner' },
    ]);
  });

  it.each([
    ['a string', 'aws:PrincipalOrgID=o-a1b2c3d4e5'],
    ['missing its value', { type: 'StringEquals', key: 'aws:PrincipalOrgID' }],
  ])('warns when condition is %s', (_name, condition) => {
    const finding = findingOf(evaluate(withRequest({ principal: '*', condition })));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', ...PUT_EVENTS, trusted: false }]);
    expect(finding.warnings).toEqual(['requestParameters.condition has no string type, key and value, so the grant was read without it']);
    expect(finding.severity).toBe('critical');
  });

  it('reads the policy form', () => {
    const finding = findingOf(evaluateFixture('events', 'bus-policy-document'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:root`,
        via: 'OwnAccount',
        actions: ['events:PutEvents'],
        trusted: true,
        label: 'resource owner',
      },
      {
        kind: 'account',
        accountId: PARTNER,
        principal: `arn:aws:iam::${PARTNER}:root`,
        via: 'SecurityToolingAccount',
        actions: ['events:PutEvents', 'events:PutRule'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, resource: { id: 'audit-bus', arn: `arn:aws:events:eu-west-1:${OWNER}:event-bus/audit-bus` } });
    expect(finding.remediation).toBe(
      'aws events describe-event-bus --region eu-west-1 --name audit-bus --query Policy --output text > policy.json  # delete statements: SecurityToolingAccount\n' +
        'aws events put-permission --region eu-west-1 --event-bus-name audit-bus --policy file://policy.json',
    );
  });

  it('trusts tooling account on the list', () => {
    const evaluation = evaluateFixture('events', 'bus-policy-document', { trustedList: trustedList(PARTNER) });

    expect(quietGrantsOf(evaluation).map((grant) => grant.trusted)).toEqual([true, true]);
  });

  it('keeps a bus ARN as given', () => {
    const arn = `arn:aws:events:us-east-1:${OWNER}:event-bus/partner-ingest`;

    expect(putEventBusPermission.extract(withRequest({ eventBusName: arn }))?.resource).toEqual({ type: 'AWS::Events::EventBus', id: arn, arn });
  });

  it.each([
    ['requestParameters is null', null, 'requestParameters is missing, so the grants of this call are unknown'],
    ['principal is absent', { action: 'events:PutEvents', statementId: 'x' }, 'requestParameters.principal is missing, so the grants of this call are unknown'],
  ])('warns when %s', (_name, params, warning) => {
    const record = loadFixture('events', 'bus-permission-account');
    record.requestParameters = params;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual([warning]);
    expect(finding).toMatchObject({ severity: 'medium', public: false, remediation: null });
  });

  it('does not route CloudWatch Logs calls', () => {
    const record = loadFixture('events', 'bus-permission-account');
    record.eventSource = 'logs.amazonaws.com';

    expect(evaluate(record).status).toBe('not-watched');
  });
});

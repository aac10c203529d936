import { RULES } from '../../lambda/catalog';
import { applyTrust } from '../../lambda/core/evaluate';
import { emptyTrustedList } from '../../lambda/core/trusted-list';
import type { GrantSpec } from '../../lambda/core/types';
import {
  DETECTOR,
  evaluate,
  evaluateFixture,
  findingOf,
  labelledTrustedList,
  listFixtures,
  loadFixture,
  ORGANIZATION,
  OUTSIDER,
  OWNER,
  PARTNER,
  quietGrantsOf,
  trustedList,
} from '../support/fixtures';

/** Fields every current CloudTrail record carries; eventVersion 1.05 records lack the last four. */
const RECORD_FIELDS = [
  'eventVersion',
  'eventID',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'userIdentity',
  'requestParameters',
  'responseElements',
  'requestID',
  'eventType',
  'readOnly',
  'managementEvent',
  'recipientAccountId',
  'eventCategory',
];

describe('fixtures', () => {
  const fixtures = listFixtures();

  it('cover at least 45 scenarios', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(45);
  });

  it.each(fixtures)('%s/%s is a routed CloudTrail record', (service, scenario) => {
    const record = loadFixture(service, scenario);
    const expectedFields = record.eventVersion === '1.05' ? RECORD_FIELDS.slice(0, -4) : RECORD_FIELDS;

    expect(Object.keys(record)).toEqual(expect.arrayContaining(expectedFields));
    expect(record.eventSource).toBe(`${service}.amazonaws.com`);
    expect(record.eventType).toBe('AwsApiCall');
    expect(evaluate(record, { detector: DETECTOR }).status).not.toBe('not-watched');
  });
});

describe('evaluateRecord routing', () => {
  it.each([
    ['an unwatched event', { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeSnapshots' }],
    ['SNS RemovePermission', { eventSource: 'sns.amazonaws.com', eventName: 'RemovePermission' }],
    ['Lambda name from another source', { eventSource: 's3.amazonaws.com', eventName: 'AddPermission20150331v2' }],
    ['lowercase event name', { eventSource: 'ec2.amazonaws.com', eventName: 'modifysnapshotattribute' }],
    ['an empty record', {}],
  ])('ignores %s', (_name, record) => {
    expect(evaluate(record).status).toBe('not-watched');
  });

  it('routes a future Lambda API version', () => {
    const record = loadFixture('lambda', 'function-shared-with-account');
    record.eventName = 'AddPermission20250101';

    expect(findingOf(evaluate(record)).ruleId).toBe('lambda-function-permission');
  });
});

describe('evaluateRecord finding', () => {
  it('builds the full JSON form', () => {
    const finding = findingOf(evaluateFixture('rds', 'snapshot-shared-with-account'));

    expect(finding).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      eventTime: '2026-03-14T21:48:10Z',
      eventSource: 'rds.amazonaws.com',
      eventName: 'ModifyDBSnapshotAttribute',
      region: 'eu-west-1',
      ownerAccountId: OWNER,
      actor: {
        arn: `arn:aws:sts::${OWNER}:assumed-role/AWSReservedSSO_PlatformAdmin_3f9a1c2e7b4d8051/ops-oncall`,
        type: 'AssumedRole',
        sourceIp: '198.51.100.140',
        userAgent: expect.stringContaining('md/command#rds.modify-db-snapshot-attribute'),
      },
      resource: { type: 'AWS::RDS::DBSnapshot', id: 'orders-db-2026-03-14', arn: `arn:aws:rds:eu-west-1:${OWNER}:snapshot:orders-db-2026-03-14` },
      grants: [{ kind: 'account', accountId: OUTSIDER, via: 'valuesToAdd', trusted: false }],
      public: false,
      severity: 'high',
      outcome: 'succeeded',
      errorCode: null,
      remediation: `aws rds modify-db-snapshot-attribute --region eu-west-1 --db-snapshot-identifier orders-db-2026-03-14 --attribute-name restore --values-to-remove ${OUTSIDER}`,
      ruleId: 'rds-snapshot-restore',
      reasons: [`shared with account ${OUTSIDER}: not on the trusted list`],
    });
  });

  it('takes the highest severity', () => {
    const record = loadFixture('s3', 'policy-account-arn-list-with-owner');
    const policy = (record.requestParameters as { bucketPolicy: { Statement: unknown[] } }).bucketPolicy;
    policy.Statement.push({ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject' });
    policy.Statement.push({ Sid: 'Vpce', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } });

    const finding = findingOf(evaluate(record));

    expect(finding.severity).toBe('critical');
    expect(finding.public).toBe(true);
    expect(finding.reasons).toHaveLength(4);
  });

  it('lowers a failed public share to medium', () => {
    const record = loadFixture('s3', 'policy-public-principal-star');
    record.errorCode = 'AccessDenied';

    expect(findingOf(evaluate(record))).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
  });

  it('marks a failed public share not public', () => {
    const record = loadFixture('s3', 'policy-public-principal-star');
    record.errorCode = 'AccessDenied';

    expect(findingOf(evaluate(record)).public).toBe(false);
  });

  it('builds resource ARNs with the envelope owner', () => {
    const record = loadFixture('rds', 'snapshot-shared-with-account');
    delete record.recipientAccountId;
    delete (record.userIdentity as Record<string, unknown>).accountId;

    const finding = findingOf(evaluate(record, { envelopeAccount: OWNER }));

    expect(finding.ownerAccountId).toBe(OWNER);
    expect(finding.resource.arn).toMatch(new RegExp(`^arn:aws:rds:[a-z0-9-]+:${OWNER}:snapshot:`));
  });

  it('treats an empty errorCode as success', () => {
    const record = loadFixture('s3', 'policy-public-principal-star');
    record.errorCode = '';

    expect(findingOf(evaluate(record))).toMatchObject({ severity: 'critical', outcome: 'succeeded', errorCode: null });
  });

  it('caps reasons at ten', () => {
    const record = loadFixture('rds', 'snapshot-shared-with-account');
    const accounts = Array.from({ length: 14 }, (_, index) => `4444555566${String(index).padStart(2, '0')}`);
    (record.requestParameters as { valuesToAdd: string[] }).valuesToAdd = accounts;

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toHaveLength(14);
    expect(finding.reasons).toHaveLength(11);
    expect(finding.reasons[10]).toBe('and 4 more untrusted grants');
  });

  it('labels grants from the trusted list', () => {
    const record = loadFixture('s3', 'policy-account-arn-list-with-owner');

    const finding = findingOf(evaluate(record, { trustedList: labelledTrustedList({ [PARTNER]: 'analytics partner' }) }));

    expect(finding.grants.map((grant) => [grant.trusted, grant.label])).toEqual([
      [true, 'resource owner'],
      [false, undefined],
      [true, 'analytics partner'],
    ]);
    expect(finding.reasons).toEqual([`shared with account ${OUTSIDER}: not on the trusted list`]);
  });

  it('says when the trusted list is unavailable', () => {
    const finding = findingOf(evaluateFixture('ec2', 'snapshot-shared-with-account', { trustedListUnavailable: true }));

    expect(finding.trustedListUnavailable).toBe(true);
    expect(finding.reasons).toEqual([`shared with account ${OUTSIDER}: the trusted list could not be read`]);
  });

  it('bounds long event strings', () => {
    const record = loadFixture('ec2', 'snapshot-shared-with-account');
    record.eventID = 'e'.repeat(500);
    record.userAgent = 'u'.repeat(2000);

    const finding = findingOf(evaluate(record));

    expect(finding.eventId).toBe(`${'e'.repeat(128)}…[372 more characters]`);
    expect(finding.actor.userAgent).toBe(`${'u'.repeat(512)}…[1488 more characters]`);
  });

  it('reads an AWS service identity without ARN', () => {
    const record = loadFixture('ec2', 'snapshot-shared-with-account');
    record.userIdentity = { type: 'AWSService', invokedBy: 'backup.amazonaws.com' };
    record.sourceIPAddress = 'backup.amazonaws.com';

    const finding = findingOf(evaluate(record));

    expect(finding.actor).toEqual({ arn: null, type: 'AWSService', sourceIp: 'backup.amazonaws.com', userAgent: record.userAgent, invokedBy: 'backup.amazonaws.com' });
    expect(finding.ownerAccountId).toBe(OWNER);
  });

  it('reports a rule that throws', () => {
    const rule = RULES.find((candidate) => candidate.id === 'ec2-snapshot-create-volume-permission');
    if (rule === undefined) {
      throw new Error('rule ec2-snapshot-create-volume-permission is missing from the catalog');
    }
    const spy = jest.spyOn(rule, 'extract').mockImplementation(() => {
      throw new TypeError('cannot read items');
    });

    try {
      const evaluation = evaluateFixture('ec2', 'snapshot-shared-with-account');

      expect(evaluation.status).toBe('finding');
      expect(evaluation.status === 'finding' && evaluation.error).toBeInstanceOf(TypeError);
      expect(findingOf(evaluation)).toMatchObject({
        severity: 'high',
        grants: [],
        resource: { type: 'unknown', id: '' },
        remediation: null,
        reasons: ['evaluation failed: the grants of this call could not be read'],
        warnings: ['rule ec2-snapshot-create-volume-permission failed: cannot read items'],
      });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('evaluateRecord quiet outcomes', () => {
  it('returns the trusted grants', () => {
    const evaluation = evaluateFixture('lambda', 'function-shared-with-account', { trustedList: trustedList(OUTSIDER) });

    expect(evaluation.status).toBe('trusted');
    expect(evaluation.status === 'trusted' && evaluation.result.resource.id).toBe('invoice-renderer');
    expect(quietGrantsOf(evaluation)).toHaveLength(1);
  });

  it('skips failed calls when asked', () => {
    const evaluation = evaluateFixture('s3', 'policy-access-denied', { alertOnFailedCalls: false });

    expect(evaluation.status).toBe('no-grant');
    expect(evaluation.status === 'no-grant' && evaluation.rule.id).toBe('s3-bucket-policy');
  });
});

describe('applyTrust', () => {
  const list = labelledTrustedList({
    [PARTNER]: 'partner',
    [ORGANIZATION]: 'our org',
    'vpce-0a1b2c3d': 'build endpoint',
    'vpc-0a1b2c3d': 'build VPC',
  });

  it.each<[string, GrantSpec, boolean, string | undefined]>([
    ['owner account', { kind: 'account', accountId: OWNER }, true, 'resource owner'],
    ['listed account', { kind: 'account', accountId: PARTNER }, true, 'partner'],
    ['unlisted account', { kind: 'account', accountId: OUTSIDER }, false, undefined],
    ['listed organization', { kind: 'organization', organizationId: ORGANIZATION }, true, 'our org'],
    ['OU of listed organization', { kind: 'organization', organizationId: ORGANIZATION, organizationalUnitId: 'ou-ab12-cd34ef56' }, true, 'our org'],
    ['unlisted organization', { kind: 'organization', organizationId: 'o-z9y8x7w6v5' }, false, undefined],
    ['listed endpoint', { kind: 'network', vpceId: ['vpce-0a1b2c3d'] }, true, 'build endpoint'],
    ['listed VPC', { kind: 'network', vpcId: ['vpc-0a1b2c3d'] }, true, 'build VPC'],
    ['one unlisted endpoint', { kind: 'network', vpceId: ['vpce-0a1b2c3d', 'vpce-9f8e7d6c'] }, false, undefined],
    ['source IP only', { kind: 'network', sourceIp: ['192.0.2.0/24'] }, false, undefined],
    ['service from owner and partner', { kind: 'service', service: 'sns.amazonaws.com', sourceAccount: `${OWNER},${PARTNER}` }, true, undefined],
    ['service from outsider too', { kind: 'service', service: 'sns.amazonaws.com', sourceAccount: `${OWNER},${OUTSIDER}` }, false, undefined],
    ['federated provider in owner account', { kind: 'federated', provider: `arn:aws:iam::${OWNER}:oidc-provider/x`, accountId: OWNER }, true, undefined],
    ['AWS-owned identity', { kind: 'aws-owned', principal: 'LogDelivery' }, true, undefined],
    ['deleted principal', { kind: 'deleted-principal', principalId: 'AROA4EXAMPLEDELETED7Z' }, true, undefined],
    ['public', { kind: 'public', principal: '*' }, false, undefined],
    ['unknown', { kind: 'unknown', principal: 'partner-team' }, false, undefined],
    ['rule-trusted canonical user', { kind: 'canonical-user', canonicalUserId: 'a1f4', trusted: true, label: 'bucket owner' }, true, 'bucket owner'],
  ])('marks %s', (_name, spec, trusted, label) => {
    const grant = applyTrust(spec, OWNER, list);

    expect(grant.trusted).toBe(trusted);
    expect(grant.label).toBe(label);
  });

  it('trusts nothing without an owner or list', () => {
    expect(applyTrust({ kind: 'account', accountId: OWNER }, undefined, emptyTrustedList()).trusted).toBe(false);
  });
});

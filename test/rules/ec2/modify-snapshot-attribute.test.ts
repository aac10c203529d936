import { modifySnapshotAttribute } from '../../../lambda/rules/ec2/modify-snapshot-attribute';
import {
  evaluate,
  evaluateFixture,
  findingOf,
  loadFixture,
  ORGANIZATION,
  OUTSIDER,
  OWNER,
  PARTNER,
  quietGrantsOf,
  trustedList,
} from '../../support/fixtures';

const SNAPSHOT = 'snap-0a9b8c7d6e5f43210';
const SNAPSHOT_TARGET = `--region us-west-2 --snapshot-id ${SNAPSHOT}`;

describe('ModifySnapshotAttribute rule', () => {
  it('reads the snapshot and its ARN', () => {
    const result = modifySnapshotAttribute.extract(loadFixture('ec2', 'snapshot-shared-with-account'));

    expect(result).toEqual({
      resource: { type: 'AWS::EC2::Snapshot', id: SNAPSHOT, arn: `arn:aws:ec2:us-west-2::snapshot/${SNAPSHOT}` },
      grants: [{ kind: 'account', accountId: OUTSIDER, via: 'createVolumePermission.add' }],
      warnings: [],
    });
  });

  it('alerts on snapshot shared with account', () => {
    const finding = findingOf(evaluateFixture('ec2', 'snapshot-shared-with-account'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'createVolumePermission.add', trusted: false }]);
    expect(finding).toMatchObject({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'ModifySnapshotAttribute',
      region: 'us-west-2',
      severity: 'high',
      public: false,
      outcome: 'succeeded',
      errorCode: null,
      ruleId: 'ec2-snapshot-create-volume-permission',
    });
    expect(finding.remediation).toBe(
      `aws ec2 modify-snapshot-attribute ${SNAPSHOT_TARGET} --attribute createVolumePermission --operation-type remove --user-ids ${OUTSIDER}`,
    );
  });

  it('alerts critical on public snapshot', () => {
    const finding = findingOf(evaluateFixture('ec2', 'snapshot-made-public'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: 'group:all', via: 'createVolumePermission.add', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded', reasons: ['shared with everyone (group:all)'] });
    expect(finding.remediation).toBe(
      `aws ec2 modify-snapshot-attribute ${SNAPSHOT_TARGET} --attribute createVolumePermission --operation-type remove --group-names all`,
    );
  });

  it('stays quiet on removal', () => {
    const record = loadFixture('ec2', 'snapshot-permission-removed');

    expect(modifySnapshotAttribute.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('alerts medium on unauthorized attempt', () => {
    const finding = findingOf(evaluateFixture('ec2', 'snapshot-share-unauthorized'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'createVolumePermission.add', trusted: false }]);
    expect(finding).toMatchObject({
      severity: 'medium',
      public: false,
      outcome: 'failed',
      errorCode: 'Client.UnauthorizedOperation',
      remediation: null,
      reasons: ['the call failed (Client.UnauthorizedOperation): an attempted share', `shared with account ${OUTSIDER}: not on the trusted list`],
    });
  });

  it('skips failed attempts when asked', () => {
    expect(evaluateFixture('ec2', 'snapshot-share-unauthorized', { alertOnFailedCalls: false }).status).toBe('no-grant');
  });

  it('stays quiet for trusted account', () => {
    const evaluation = evaluateFixture('ec2', 'snapshot-shared-with-account', { trustedList: trustedList(PARTNER, OUTSIDER) });

    expect(quietGrantsOf(evaluation)).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'createVolumePermission.add', trusted: true }]);
  });

  it("stays quiet for owner's own account", () => {
    const record = loadFixture('ec2', 'snapshot-shared-with-account');
    (record.requestParameters as { createVolumePermission: unknown }).createVolumePermission = { add: { items: [{ userId: OWNER }] } };

    expect(quietGrantsOf(evaluate(record))).toEqual([
      { kind: 'account', accountId: OWNER, via: 'createVolumePermission.add', trusted: true, label: 'resource owner' },
    ]);
  });

  it('reads owner from recipientAccountId', () => {
    // A caller from another account (a delegated administrator) shares the owner's snapshot back to itself.
    const record = loadFixture('ec2', 'snapshot-shared-with-account');
    const identity = record.userIdentity as { accountId: string; arn: string };
    identity.accountId = OUTSIDER;
    identity.arn = `arn:aws:iam::${OUTSIDER}:user/backup-operator`;

    const finding = findingOf(evaluate(record));

    expect(finding.ownerAccountId).toBe(OWNER);
    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'createVolumePermission.add', trusted: false }]);
  });

  it('reads eventVersion 1.05 record', () => {
    const record = loadFixture('ec2', 'snapshot-shared-event-version-1-05');
    expect(record).not.toHaveProperty('recipientAccountId');

    const finding = findingOf(evaluate(record));

    expect(finding.ownerAccountId).toBe(OWNER);
    expect(finding.grants).toEqual([{ kind: 'account', accountId: PARTNER, via: 'createVolumePermission.add', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', eventTime: '2018-06-04T16:22:09Z' });
    expect(finding.remediation).toBe(
      'aws ec2 modify-snapshot-attribute --region eu-west-1 --snapshot-id snap-5e4d3c2b1a0f9e8d7 --attribute createVolumePermission --operation-type remove --user-ids 777788889999',
    );
  });

  it('trusts own account in eventVersion 1.05 record', () => {
    const record = loadFixture('ec2', 'snapshot-shared-event-version-1-05');
    (record.requestParameters as { createVolumePermission: unknown }).createVolumePermission = { add: { items: [{ userId: OWNER }] } };

    expect(quietGrantsOf(evaluate(record))).toEqual([
      { kind: 'account', accountId: OWNER, via: 'createVolumePermission.add', trusted: true, label: 'resource owner' },
    ]);
  });

  it('takes owner from envelope as last resort', () => {
    const record = loadFixture('ec2', 'snapshot-shared-event-version-1-05');
    delete (record.userIdentity as { accountId?: string }).accountId;
    (record.requestParameters as { createVolumePermission: unknown }).createVolumePermission = { add: { items: [{ userId: OWNER }] } };

    expect(findingOf(evaluate(record)).ownerAccountId).toBeNull();
    expect(quietGrantsOf(evaluate(record, { envelopeAccount: OWNER }))).toEqual([
      { kind: 'account', accountId: OWNER, via: 'createVolumePermission.add', trusted: true, label: 'resource owner' },
    ]);
  });

  it('lists accounts and group in one remediation', () => {
    const record = loadFixture('ec2', 'snapshot-shared-with-account');
    (record.requestParameters as { createVolumePermission: unknown }).createVolumePermission = {
      add: { items: [{ userId: OUTSIDER }, { userId: PARTNER }, { group: 'all' }] },
    };

    const finding = findingOf(evaluate(record));

    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(
      `aws ec2 modify-snapshot-attribute ${SNAPSHOT_TARGET} --attribute createVolumePermission --operation-type remove --user-ids ${OUTSIDER} ${PARTNER} --group-names all`,
    );
  });

  it('describes instead of removing organizations', () => {
    // Snapshots take account ids and the group all only; an organization item is read but cannot be removed by this command.
    const record = loadFixture('ec2', 'snapshot-shared-with-account');
    (record.requestParameters as { createVolumePermission: unknown }).createVolumePermission = {
      add: { items: [{ organizationArn: `arn:aws:organizations::${OWNER}:organization/${ORGANIZATION}` }] },
    };

    const finding = findingOf(evaluate(record));

    expect(finding.grants.map((grant) => grant.kind)).toEqual(['organization']);
    expect(finding.remediation).toBe(`aws ec2 describe-snapshot-attribute ${SNAPSHOT_TARGET} --attribute createVolumePermission`);
  });

  it('flags a userId that is no account', () => {
    const record = loadFixture('ec2', 'snapshot-shared-with-account');
    (record.requestParameters as { createVolumePermission: unknown }).createVolumePermission = { add: { items: [{ userId: 'all' }] } };

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([
      { kind: 'unknown', principal: 'all', label: 'userId that is not an account id', via: 'createVolumePermission.add', trusted: false },
    ]);
    expect(finding.severity).toBe('high');
  });
});

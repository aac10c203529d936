import { disableImageBlockPublicAccess, disableSnapshotBlockPublicAccess } from '../../../lambda/rules/ec2/disable-block-public-access';
import { evaluate, evaluateFixture, findingOf, loadFixture, OWNER } from '../../support/fixtures';

describe('DisableImageBlockPublicAccess rule', () => {
  it('names the account as the resource', () => {
    expect(disableImageBlockPublicAccess.extract(loadFixture('ec2', 'image-block-public-access-disabled'))).toEqual({
      resource: { type: 'AWS::EC2::ImageBlockPublicAccess', id: OWNER },
      grants: [{ kind: 'guard-lowered', setting: 'ImageBlockPublicAccessState=unblocked', via: 'DisableImageBlockPublicAccess' }],
      warnings: [],
    });
  });

  it('alerts high though nothing is public', () => {
    const finding = findingOf(evaluateFixture('ec2', 'image-block-public-access-disabled'));

    expect(finding.grants).toEqual([
      { kind: 'guard-lowered', setting: 'ImageBlockPublicAccessState=unblocked', via: 'DisableImageBlockPublicAccess', trusted: false },
    ]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      outcome: 'succeeded',
      ruleId: 'ec2-image-block-public-access',
      reasons: ['a guard against public sharing was lowered: ImageBlockPublicAccessState=unblocked'],
    });
    expect(finding.remediation).toBe('aws ec2 enable-image-block-public-access --region eu-west-1 --image-block-public-access-state block-new-sharing');
  });

  it('reports dry run as attempt', () => {
    const finding = findingOf(evaluateFixture('ec2', 'image-block-public-access-disable-dry-run'));

    expect(finding).toMatchObject({ severity: 'medium', public: false, outcome: 'failed', errorCode: 'Client.DryRunOperation', remediation: null });
  });

  it('stays quiet on dry run when failures are off', () => {
    expect(evaluateFixture('ec2', 'image-block-public-access-disable-dry-run', { alertOnFailedCalls: false }).status).toBe('no-grant');
  });

  it('warns when no account is named', () => {
    const record = loadFixture('ec2', 'image-block-public-access-disabled');
    delete record.recipientAccountId;
    delete (record.userIdentity as Record<string, unknown>).accountId;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['the account whose setting changed is missing from the record']);
    expect(finding.severity).toBe('high');
  });

  it('quotes a hostile region in the fix', () => {
    const record = loadFixture('ec2', 'image-block-public-access-disabled');
    record.awsRegion = "eu-west-1'; rm -rf /";

    expect(findingOf(evaluate(record)).remediation).toBe(
      "aws ec2 enable-image-block-public-access --region 'eu-west-1'\\''; rm -rf /' --image-block-public-access-state block-new-sharing",
    );
  });
});

describe('DisableSnapshotBlockPublicAccess rule', () => {
  it('alerts high with snapshot setting', () => {
    const finding = findingOf(evaluateFixture('ec2', 'snapshot-block-public-access-disabled'));

    expect(finding.resource).toEqual({ type: 'AWS::EC2::SnapshotBlockPublicAccess', id: OWNER });
    expect(finding.grants).toEqual([
      { kind: 'guard-lowered', setting: 'SnapshotBlockPublicAccessState=unblocked', via: 'DisableSnapshotBlockPublicAccess', trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 'ec2-snapshot-block-public-access' });
    expect(finding.remediation).toBe(
      'aws ec2 enable-snapshot-block-public-access --region us-east-1 --state block-all-sharing  # or block-new-sharing, which keeps snapshots that are public on purpose reachable',
    );
  });

  it('ignores the image event name', () => {
    const record = loadFixture('ec2', 'image-block-public-access-disabled');

    expect(disableSnapshotBlockPublicAccess.eventNames).not.toContain(record.eventName);
  });
});

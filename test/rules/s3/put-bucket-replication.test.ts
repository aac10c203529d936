import { putBucketReplication } from '../../../lambda/rules/s3/put-bucket-replication';
import type { GrantSpec } from '../../../lambda/core/types';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

type ReplicationParams = { ReplicationConfiguration: { Rule: unknown } };

/** Builds the two-line fix for a replication configuration: fetch it, delete the named rules by hand, and put it back. */
function replicationFix(bucket: string, rules: string, region = 'eu-west-1'): string {
  const target = `--region ${region} --bucket ${bucket}`;
  return [
    `aws s3api get-bucket-replication ${target} --query ReplicationConfiguration > replication.json  # delete rules: ${rules}`,
    `aws s3api put-bucket-replication ${target} --replication-configuration file://replication.json`,
  ].join('\n');
}

function withRules(rule: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('s3', 'replication-cross-account');
  (record.requestParameters as ReplicationParams).ReplicationConfiguration.Rule = rule;
  return record;
}

describe('PutBucketReplication rule', () => {
  it('reads the source bucket', () => {
    const result = putBucketReplication.extract(loadFixture('s3', 'replication-cross-account'));

    expect(result?.resource).toEqual({ type: 'AWS::S3::Bucket', id: 'customer-exports-111122223333', arn: 'arn:aws:s3:::customer-exports-111122223333' });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts on destination in another account', () => {
    const finding = findingOf(evaluateFixture('s3', 'replication-cross-account'));

    expect(finding.grants).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'copy-to-offsite', label: 'replication destination arn:aws:s3:::offsite-copies-444455556666', trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 's3-bucket-replication' });
    expect(finding.reasons).toEqual([`shared with account ${OUTSIDER}: not on the trusted list`]);
    expect(finding.remediation).toBe(replicationFix('customer-exports-111122223333', 'copy-to-offsite'));
  });

  it('trusts destination account on the list', () => {
    const evaluation = evaluateFixture('s3', 'replication-cross-account', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation)).toEqual([expect.objectContaining({ accountId: OUTSIDER, trusted: true })]);
  });

  it('grants nothing without Destination.Account', () => {
    const record = loadFixture('s3', 'replication-same-account');

    expect(putBucketReplication.extract(record)).toMatchObject({ grants: [], warnings: [] });
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('reads enabled rules of a list', () => {
    const finding = findingOf(evaluateFixture('s3', 'replication-several-rules'));

    // old-vendor-copy is disabled and same-account-dr names no account.
    expect(finding.grants).toEqual([
      { kind: 'account', accountId: PARTNER, via: 'auditor-copy', label: 'replication destination arn:aws:s3:::audit-intake-777788889999', trusted: false },
    ]);
    expect(finding.remediation).toBe(replicationFix('ledger-archive', 'auditor-copy'));
  });

  it.each<[string, unknown, GrantSpec[]]>([
    ['destination in own account', { ID: 'r', Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::b', Account: OWNER } }, [{ kind: 'account', accountId: OWNER, label: 'replication destination arn:aws:s3:::b' }]],
    ['lowercase status', { ID: 'r', Status: 'disabled', Destination: { Bucket: 'arn:aws:s3:::b', Account: OUTSIDER } }, []],
    ['no status', { ID: 'r', Destination: { Account: OUTSIDER } }, [{ kind: 'account', accountId: OUTSIDER, label: 'replication destination' }]],
    ['account with spaces', { ID: 'r', Destination: { Account: ` ${OUTSIDER} ` } }, [{ kind: 'account', accountId: OUTSIDER, label: 'replication destination' }]],
    ['unreadable account', { ID: 'r', Destination: { Account: 'partner-prod' } }, [{ kind: 'unknown', principal: 'partner-prod', label: 'unrecognised replication destination account' }]],
  ])('reads %s', (_name, rule, grants) => {
    const result = putBucketReplication.extract(withRules(rule));

    expect(result?.grants).toEqual(grants.map((grant) => ({ ...grant, via: 'r' })));
  });

  it('names rules without ID by position', () => {
    const result = putBucketReplication.extract(withRules([{ Destination: { Account: OWNER } }, { Destination: { Account: OUTSIDER } }]));

    expect(result?.grants.map((grant) => grant.via)).toEqual(['Rule[0]', 'Rule[1]']);
  });

  it('stays quiet on own-account destination', () => {
    const evaluation = evaluate(withRules({ ID: 'mirror', Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::mirror', Account: OWNER } }));

    expect(quietGrantsOf(evaluation)).toEqual([
      { kind: 'account', accountId: OWNER, via: 'mirror', label: 'replication destination arn:aws:s3:::mirror', trusted: true },
    ]);
  });

  it.each([
    ['configuration is missing', (params: Record<string, unknown>) => delete params.ReplicationConfiguration, 'requestParameters.ReplicationConfiguration is missing, so the replication destinations are unknown'],
    ['Rule is missing', (params: Record<string, unknown>) => ((params.ReplicationConfiguration as Record<string, unknown>).Rule = undefined), 'the replication configuration has no Rule'],
    ['a rule is a string', (params: Record<string, unknown>) => ((params.ReplicationConfiguration as Record<string, unknown>).Rule = 'copy'), 'Rule[0]: the rule is not an object'],
  ])('warns when %s', (_name, change, warning) => {
    const record = loadFixture('s3', 'replication-cross-account');
    change(record.requestParameters as Record<string, unknown>);

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual([warning]);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });
});

import { authorizeSnapshotAccess } from '../../../lambda/rules/redshift/authorize-snapshot-access';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

function withParameters(parameters: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('redshift', 'snapshot-access-granted-to-account');
  record.requestParameters = parameters;
  return record;
}

describe('AuthorizeSnapshotAccess rule', () => {
  it('alerts on an outside account', () => {
    const finding = findingOf(evaluateFixture('redshift', 'snapshot-access-granted-to-account'));

    expect(finding.resource).toEqual({
      type: 'AWS::Redshift::ClusterSnapshot',
      id: 'ledger-2026-03-15',
      arn: `arn:aws:redshift:eu-west-1:${OWNER}:snapshot:ledger-prod/ledger-2026-03-15`,
    });
    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'accountWithRestoreAccess', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 'redshift-snapshot-access' });
    expect(finding.remediation).toBe(
      `aws redshift revoke-snapshot-access --region eu-west-1 --snapshot-identifier ledger-2026-03-15 --snapshot-cluster-identifier ledger-prod --account-with-restore-access ${OUTSIDER}`,
    );
  });

  it('names AWS Support as AWS-owned', () => {
    expect(quietGrantsOf(evaluateFixture('redshift', 'snapshot-access-granted-to-support'))).toEqual([
      { kind: 'aws-owned', principal: 'amazon-redshift-support', label: 'AWS Support', via: 'accountWithRestoreAccess', trusted: true },
    ]);
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('redshift', 'snapshot-access-granted-to-account', { trustedList: trustedList(OUTSIDER) })).map((grant) => grant.trusted)).toEqual([true]);
  });

  it("stays quiet for owner's own account", () => {
    const record = withParameters({ snapshotIdentifier: 'ledger-2026-03-15', accountWithRestoreAccess: OWNER });

    expect(quietGrantsOf(evaluate(record))).toEqual([{ kind: 'account', accountId: OWNER, via: 'accountWithRestoreAccess', trusted: true, label: 'resource owner' }]);
  });

  it('revokes by snapshot ARN', () => {
    const arn = `arn:aws:redshift:eu-west-1:${OWNER}:snapshot:ledger-prod/ledger-2026-03-15`;
    const finding = findingOf(evaluate(withParameters({ snapshotArn: arn, accountWithRestoreAccess: OUTSIDER })));

    expect(finding.resource).toEqual({ type: 'AWS::Redshift::ClusterSnapshot', id: arn, arn });
    expect(finding.remediation).toBe(`aws redshift revoke-snapshot-access --region eu-west-1 --snapshot-arn ${arn} --account-with-restore-access ${OUTSIDER}`);
  });

  it('leaves the ARN out without a cluster', () => {
    const result = authorizeSnapshotAccess.extract(withParameters({ snapshotIdentifier: 'ledger-2026-03-15', accountWithRestoreAccess: OUTSIDER }));

    expect(result?.resource).toEqual({ type: 'AWS::Redshift::ClusterSnapshot', id: 'ledger-2026-03-15' });
  });

  it('reads a name that is not an account', () => {
    const finding = findingOf(evaluate(withParameters({ snapshotIdentifier: 'ledger-2026-03-15', accountWithRestoreAccess: 'finance team' })));

    expect(finding.grants).toEqual([{ kind: 'unknown', principal: 'finance team', label: 'value that is not an account id', via: 'accountWithRestoreAccess', trusted: false }]);
    expect(finding.remediation).toBe("aws redshift revoke-snapshot-access --region eu-west-1 --snapshot-identifier ledger-2026-03-15 --account-with-restore-access 'finance team'");
  });

  it('warns when the account is missing', () => {
    const finding = findingOf(evaluate(withParameters({ snapshotIdentifier: 'ledger-2026-03-15' })));

    expect(finding.warnings).toEqual(['requestParameters.accountWithRestoreAccess is missing, so the account granted restore access is unknown']);
    expect(finding.severity).toBe('medium');
  });
});

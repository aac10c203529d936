import { modifyDbClusterSnapshotAttribute, modifyDbSnapshotAttribute } from '../../../lambda/rules/rds/modify-snapshot-attribute';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const SNAPSHOT_TARGET = '--region eu-west-1 --db-snapshot-identifier orders-db-2026-03-14';
const CLUSTER_TARGET = '--region us-east-1 --db-cluster-snapshot-identifier ledger-aurora-final';

function withValuesToAdd(scenario: string, values: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('rds', scenario);
  (record.requestParameters as { valuesToAdd: unknown }).valuesToAdd = values;
  return record;
}

describe('ModifyDBSnapshotAttribute rule', () => {
  it('reads the snapshot and its ARN', () => {
    const result = modifyDbSnapshotAttribute.extract(loadFixture('rds', 'snapshot-shared-with-account'));

    expect(result).toEqual({
      resource: { type: 'AWS::RDS::DBSnapshot', id: 'orders-db-2026-03-14', arn: `arn:aws:rds:eu-west-1:${OWNER}:snapshot:orders-db-2026-03-14` },
      grants: [{ kind: 'account', accountId: OUTSIDER, via: 'valuesToAdd' }],
      warnings: [],
    });
  });

  it('alerts on restore by account', () => {
    const finding = findingOf(evaluateFixture('rds', 'snapshot-shared-with-account'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'valuesToAdd', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', errorCode: null, ruleId: 'rds-snapshot-restore' });
    expect(finding.remediation).toBe(`aws rds modify-db-snapshot-attribute ${SNAPSHOT_TARGET} --attribute-name restore --values-to-remove ${OUTSIDER}`);
  });

  it('alerts critical on value all', () => {
    const finding = findingOf(evaluateFixture('rds', 'snapshot-made-public'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: 'all', via: 'valuesToAdd', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded', reasons: ['shared with everyone (all)'] });
    expect(finding.remediation).toBe(`aws rds modify-db-snapshot-attribute ${SNAPSHOT_TARGET} --attribute-name restore --values-to-remove all`);
  });

  it('stays quiet on removal', () => {
    const record = loadFixture('rds', 'snapshot-restore-removed');

    expect(modifyDbSnapshotAttribute.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('stays quiet on empty valuesToAdd', () => {
    // The response still lists an account shared earlier: only the request says what this call added.
    const record = loadFixture('rds', 'snapshot-empty-values-to-add');

    expect(modifyDbSnapshotAttribute.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('stays quiet for trusted account', () => {
    const evaluation = evaluateFixture('rds', 'snapshot-shared-with-account', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation)).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'valuesToAdd', trusted: true }]);
  });

  it("stays quiet for owner's own account", () => {
    expect(quietGrantsOf(evaluate(withValuesToAdd('snapshot-shared-with-account', [OWNER])))).toEqual([
      { kind: 'account', accountId: OWNER, via: 'valuesToAdd', trusted: true, label: 'resource owner' },
    ]);
  });

  it.each([
    ['uppercase ALL', ['ALL'], [{ kind: 'public', principal: 'all', via: 'valuesToAdd', trusted: false }]],
    ['single string', OUTSIDER, [{ kind: 'account', accountId: OUTSIDER, via: 'valuesToAdd', trusted: false }]],
    [
      'account ARN',
      [`arn:aws:iam::${OUTSIDER}:root`],
      [{ kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root`, via: 'valuesToAdd', trusted: false }],
    ],
    ['number', [444455556666], [{ kind: 'unknown', principal: '444455556666', label: 'value that is not a string', via: 'valuesToAdd', trusted: false }]],
    [
      'role name',
      ['etl-reader'],
      [{ kind: 'unknown', principal: 'etl-reader', label: 'value that is not an account id', via: 'valuesToAdd', trusted: false }],
    ],
    ['null item', [null], [{ kind: 'unknown', principal: 'null', label: 'value that is not a string', via: 'valuesToAdd', trusted: false }]],
  ])('reads %s in valuesToAdd', (_name, values, grants) => {
    expect(findingOf(evaluate(withValuesToAdd('snapshot-shared-with-account', values))).grants).toEqual(grants);
  });

  it('reads an item too deep to print', () => {
    let nested: unknown = OUTSIDER;
    for (let depth = 0; depth < 50_000; depth += 1) {
      nested = [nested];
    }

    const evaluation = evaluate(withValuesToAdd('snapshot-shared-with-account', [nested]));

    expect(evaluation).not.toHaveProperty('error');
    expect(findingOf(evaluation).grants).toEqual([
      { kind: 'unknown', principal: 'a value that cannot be shown', label: 'value that is not a string', via: 'valuesToAdd', trusted: false },
    ]);
  });

  it('skips other attributes', () => {
    const record = loadFixture('rds', 'snapshot-shared-with-account');
    (record.requestParameters as { attributeName: string }).attributeName = 'copy';

    expect(modifyDbSnapshotAttribute.extract(record)).toBeUndefined();
  });

  it('warns when attributeName is missing', () => {
    const record = loadFixture('rds', 'snapshot-shared-with-account');
    delete (record.requestParameters as { attributeName?: string }).attributeName;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.attributeName is missing; valuesToAdd was read as restore permissions']);
    expect(finding.severity).toBe('high');
  });

  it('keeps a snapshot ARN as given', () => {
    const arn = `arn:aws:rds:eu-west-1:${OWNER}:snapshot:orders-db-2026-03-14`;
    const record = loadFixture('rds', 'snapshot-shared-with-account');
    (record.requestParameters as { dBSnapshotIdentifier: string }).dBSnapshotIdentifier = arn;

    const finding = findingOf(evaluate(record));

    expect(finding.resource).toEqual({ type: 'AWS::RDS::DBSnapshot', id: arn, arn });
    expect(finding.remediation).toBe(
      `aws rds modify-db-snapshot-attribute --region eu-west-1 --db-snapshot-identifier ${arn} --attribute-name restore --values-to-remove ${OUTSIDER}`,
    );
  });

  it('describes when nothing can be removed', () => {
    const finding = findingOf(evaluate(withValuesToAdd('snapshot-shared-with-account', ['not-an-account'])));

    expect(finding.remediation).toBe(`aws rds describe-db-snapshot-attributes ${SNAPSHOT_TARGET}`);
  });
});

describe('ModifyDBClusterSnapshotAttribute rule', () => {
  it('alerts on cluster snapshot restore by accounts', () => {
    const finding = findingOf(evaluateFixture('rds', 'cluster-snapshot-shared-with-account'));

    expect(finding.resource).toEqual({
      type: 'AWS::RDS::DBClusterSnapshot',
      id: 'ledger-aurora-final',
      arn: `arn:aws:rds:us-east-1:${OWNER}:cluster-snapshot:ledger-aurora-final`,
    });
    expect(finding.grants).toEqual([
      { kind: 'account', accountId: PARTNER, via: 'valuesToAdd', trusted: false },
      { kind: 'account', accountId: OUTSIDER, via: 'valuesToAdd', trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'rds-cluster-snapshot-restore' });
    expect(finding.remediation).toBe(
      `aws rds modify-db-cluster-snapshot-attribute ${CLUSTER_TARGET} --attribute-name restore --values-to-remove ${PARTNER} ${OUTSIDER}`,
    );
  });

  it('alerts only on the untrusted account', () => {
    const finding = findingOf(evaluateFixture('rds', 'cluster-snapshot-shared-with-account', { trustedList: trustedList(PARTNER) }));

    expect(finding.grants).toEqual([
      { kind: 'account', accountId: PARTNER, via: 'valuesToAdd', trusted: true },
      { kind: 'account', accountId: OUTSIDER, via: 'valuesToAdd', trusted: false },
    ]);
    expect(finding.remediation).toBe(`aws rds modify-db-cluster-snapshot-attribute ${CLUSTER_TARGET} --attribute-name restore --values-to-remove ${OUTSIDER}`);
  });

  it('alerts critical on public cluster snapshot', () => {
    const finding = findingOf(evaluateFixture('rds', 'cluster-snapshot-made-public'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: 'all', via: 'valuesToAdd', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded' });
    expect(finding.actor.type).toBe('Root');
    expect(finding.remediation).toBe(`aws rds modify-db-cluster-snapshot-attribute ${CLUSTER_TARGET} --attribute-name restore --values-to-remove all`);
  });

  it('stays quiet for trusted accounts', () => {
    const evaluation = evaluateFixture('rds', 'cluster-snapshot-shared-with-account', { trustedList: trustedList(PARTNER, OUTSIDER) });

    expect(quietGrantsOf(evaluation).map((grant) => grant.trusted)).toEqual([true, true]);
  });

  it('ignores DB snapshot identifier key', () => {
    const record = loadFixture('rds', 'cluster-snapshot-shared-with-account');
    const params = record.requestParameters as Record<string, unknown>;
    params.dBSnapshotIdentifier = params.dBClusterSnapshotIdentifier;
    delete params.dBClusterSnapshotIdentifier;

    const result = modifyDbClusterSnapshotAttribute.extract(record);

    expect(result?.warnings).toEqual(['requestParameters.dBClusterSnapshotIdentifier is missing']);
    expect(result?.resource.id).toBe('');
  });

  it('describes when nothing can be removed', () => {
    const record = loadFixture('rds', 'cluster-snapshot-shared-with-account');
    (record.requestParameters as { valuesToAdd: unknown }).valuesToAdd = ['partner'];

    expect(findingOf(evaluate(record)).remediation).toBe(`aws rds describe-db-cluster-snapshot-attributes ${CLUSTER_TARGET}`);
  });
});

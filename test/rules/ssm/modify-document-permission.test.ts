import { modifyDocumentPermission } from '../../../lambda/rules/ssm/modify-document-permission';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const TARGET = '--region us-east-2 --name Patch-LegacyFleet --permission-type Share';

function withParameters(parameters: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('ssm', 'document-shared-with-account');
  record.requestParameters = { name: 'Patch-LegacyFleet', permissionType: 'Share', ...parameters };
  return record;
}

describe('ModifyDocumentPermission rule', () => {
  it('reads the document and its ARN', () => {
    expect(modifyDocumentPermission.extract(loadFixture('ssm', 'document-shared-with-account'))).toEqual({
      resource: { type: 'AWS::SSM::Document', id: 'Patch-LegacyFleet', arn: `arn:aws:ssm:us-east-2:${OWNER}:document/Patch-LegacyFleet` },
      grants: [{ kind: 'account', accountId: OUTSIDER, via: 'accountIdsToAdd' }],
      warnings: [],
    });
  });

  it('alerts on an outside account', () => {
    const finding = findingOf(evaluateFixture('ssm', 'document-shared-with-account'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'accountIdsToAdd', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'ssm-document-permission' });
    expect(finding.remediation).toBe(`aws ssm modify-document-permission ${TARGET} --account-ids-to-remove ${OUTSIDER}`);
  });

  it('alerts critical on All', () => {
    const finding = findingOf(evaluateFixture('ssm', 'document-made-public'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: 'All', via: 'accountIdsToAdd', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, reasons: ['shared with everyone (All)'] });
    expect(finding.remediation).toBe('aws ssm modify-document-permission --region us-east-2 --name Collect-DiagnosticBundle --permission-type Share --account-ids-to-remove All');
  });

  it('stays quiet on removal', () => {
    const record = loadFixture('ssm', 'document-permission-removed');

    expect(modifyDocumentPermission.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('ssm', 'document-shared-with-account', { trustedList: trustedList(OUTSIDER) }))).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'accountIdsToAdd', trusted: true },
    ]);
  });

  it('lets removal win over addition', () => {
    const record = withParameters({ accountIdsToAdd: [OUTSIDER, PARTNER, 'all'], accountIdsToRemove: [OUTSIDER, 'ALL'] });

    expect(findingOf(evaluate(record)).grants).toEqual([{ kind: 'account', accountId: PARTNER, via: 'accountIdsToAdd', trusted: false }]);
  });

  it.each([
    ['lowercase all', ['all'], [{ kind: 'public', principal: 'All', via: 'accountIdsToAdd', trusted: false }]],
    ['single string', OUTSIDER, [{ kind: 'account', accountId: OUTSIDER, via: 'accountIdsToAdd', trusted: false }]],
    [
      'account ARN',
      [`arn:aws:iam::${OUTSIDER}:root`],
      [{ kind: 'unknown', principal: `arn:aws:iam::${OUTSIDER}:root`, label: 'value that is not an account id', via: 'accountIdsToAdd', trusted: false }],
    ],
    ['number', [444455556666], [{ kind: 'unknown', principal: '444455556666', label: 'account id that is not a string', via: 'accountIdsToAdd', trusted: false }]],
  ])('reads %s', (_name, accountIdsToAdd, grants) => {
    expect(findingOf(evaluate(withParameters({ accountIdsToAdd }))).grants).toEqual(grants);
  });

  it('ignores another permission type', () => {
    expect(modifyDocumentPermission.extract(withParameters({ permissionType: 'Read', accountIdsToAdd: [OUTSIDER] }))).toBeUndefined();
  });

  it('keeps a document ARN as it is', () => {
    const arn = `arn:aws:ssm:us-east-2:${OWNER}:document/Patch-LegacyFleet`;
    const result = modifyDocumentPermission.extract(withParameters({ name: arn, accountIdsToAdd: [OUTSIDER] }));

    expect(result?.resource).toEqual({ type: 'AWS::SSM::Document', id: arn, arn });
  });

  it('warns when requestParameters is null', () => {
    const record = loadFixture('ssm', 'document-shared-with-account');
    record.requestParameters = null;
    record.errorCode = 'AccessDeniedException';

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters is missing, so the accounts the document is shared with are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', outcome: 'failed' });
  });

  it('lists the first 1000 accounts only', () => {
    const accounts = Array.from({ length: 1001 }, (_, index) => String(444455550000 + index));
    const result = modifyDocumentPermission.extract(withParameters({ accountIdsToAdd: accounts }));

    expect(result?.grants).toHaveLength(1000);
    expect(result?.warnings).toEqual(['only the first 1000 of 1001 accountIdsToAdd were read']);
  });
});

import { modifyFpgaImageAttribute } from '../../../lambda/rules/ec2/modify-fpga-image-attribute';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const IMAGE = 'afi-0b1c2d3e4f5a69788';
const TARGET = `--region us-east-1 --fpga-image-id ${IMAGE} --attribute loadPermission --operation-type remove`;

function withRequest(request: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('ec2', 'fpga-image-made-public');
  record.requestParameters = { ModifyFpgaImageAttributeRequest: { FpgaImageId: IMAGE, Attribute: 'loadPermission', ...request } };
  return record;
}

describe('ModifyFpgaImageAttribute rule', () => {
  it('reads the image and its ARN', () => {
    expect(modifyFpgaImageAttribute.extract(loadFixture('ec2', 'fpga-image-shared-with-account'))).toEqual({
      resource: { type: 'AWS::EC2::FpgaImage', id: IMAGE, arn: `arn:aws:ec2:us-east-1::fpga-image/${IMAGE}` },
      grants: [{ kind: 'account', accountId: OUTSIDER, via: 'loadPermission.add' }],
      warnings: [],
    });
  });

  it('alerts on an outside account', () => {
    const finding = findingOf(evaluateFixture('ec2', 'fpga-image-shared-with-account'));

    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 'ec2-fpga-image-load-permission' });
    expect(finding.remediation).toBe(`aws ec2 modify-fpga-image-attribute ${TARGET} --user-ids ${OUTSIDER}`);
  });

  it('alerts critical on group all', () => {
    const finding = findingOf(evaluateFixture('ec2', 'fpga-image-made-public'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: 'group:all', via: 'loadPermission.add', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
    expect(finding.remediation).toBe(`aws ec2 modify-fpga-image-attribute ${TARGET} --user-groups all`);
  });

  it('stays quiet on description change', () => {
    const record = loadFixture('ec2', 'fpga-image-description-changed');

    expect(modifyFpgaImageAttribute.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('ec2', 'fpga-image-shared-with-account', { trustedList: trustedList(OUTSIDER) })).map((grant) => grant.trusted)).toEqual([true]);
  });

  it('stays quiet on remove operation', () => {
    expect(modifyFpgaImageAttribute.extract(withRequest({ OperationType: 'remove', UserId: { tag: 1, content: OUTSIDER } }))).toBeUndefined();
  });

  it('reads users and groups together', () => {
    const finding = findingOf(
      evaluate(withRequest({ OperationType: 'add', UserId: [{ tag: 1, content: OUTSIDER }, { tag: 2, content: PARTNER }], UserGroup: { tag: 1, content: 'all' } })),
    );

    expect(finding.grants.map((grant) => grant.kind)).toEqual(['account', 'account', 'public']);
    expect(finding.remediation).toBe(`aws ec2 modify-fpga-image-attribute ${TARGET} --user-ids ${OUTSIDER} ${PARTNER} --user-groups all`);
  });

  it('reads LoadPermission.Add items', () => {
    const finding = findingOf(evaluate(withRequest({ LoadPermission: { Add: [{ UserId: OUTSIDER }, { UserId: OWNER }] } })));

    expect(finding.grants).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'loadPermission.add', trusted: false },
      { kind: 'account', accountId: OWNER, via: 'loadPermission.add', trusted: true, label: 'resource owner' },
    ]);
  });

  it('reads an unknown group as unreadable', () => {
    const finding = findingOf(evaluate(withRequest({ OperationType: 'add', UserGroup: 'partners' })));

    expect(finding.grants).toEqual([{ kind: 'unknown', principal: 'group:partners', label: 'unrecognised group', via: 'loadPermission.add', trusted: false }]);
    expect(finding.remediation).toBe(`aws ec2 describe-fpga-image-attribute --region us-east-1 --fpga-image-id ${IMAGE} --attribute loadPermission`);
  });

  it('warns when requestParameters is null', () => {
    const record = loadFixture('ec2', 'fpga-image-shared-with-account');
    record.requestParameters = null;
    record.errorCode = 'Client.UnauthorizedOperation';

    expect(findingOf(evaluate(record)).warnings).toEqual(['requestParameters is missing, so the load permissions are unknown']);
  });
});

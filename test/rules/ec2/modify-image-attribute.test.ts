import { modifyImageAttribute } from '../../../lambda/rules/ec2/modify-image-attribute';
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

const IMAGE = 'ami-0c3f1e9a7b5d24680';
const ORGANIZATION_ARN = `arn:aws:organizations::${OWNER}:organization/${ORGANIZATION}`;
const UNIT_ARN = `arn:aws:organizations::${OWNER}:ou/${ORGANIZATION}/ou-ab12-cd34ef56`;

describe('ModifyImageAttribute rule', () => {
  it('reads the image and its ARN', () => {
    const result = modifyImageAttribute.extract(loadFixture('ec2', 'ami-shared-with-account'));

    expect(result).toEqual({
      resource: { type: 'AWS::EC2::Image', id: IMAGE, arn: `arn:aws:ec2:eu-west-1::image/${IMAGE}` },
      grants: [{ kind: 'account', accountId: OUTSIDER, via: 'launchPermission.add' }],
      warnings: [],
    });
  });

  it('alerts on AMI shared with account', () => {
    const finding = findingOf(evaluateFixture('ec2', 'ami-shared-with-account'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'launchPermission.add', trusted: false }]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      outcome: 'succeeded',
      errorCode: null,
      ownerAccountId: OWNER,
      ruleId: 'ec2-image-launch-permission',
      reasons: [`shared with account ${OUTSIDER}: not on the trusted list`],
    });
    expect(finding.remediation).toBe(`aws ec2 modify-image-attribute --region eu-west-1 --image-id ${IMAGE} --launch-permission 'Remove=[{UserId=${OUTSIDER}}]'`);
  });

  it('alerts critical on group all', () => {
    const finding = findingOf(evaluateFixture('ec2', 'ami-made-public'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: 'group:all', via: 'launchPermission.add', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded', errorCode: null });
    expect(finding.remediation).toBe("aws ec2 modify-image-attribute --region us-east-1 --image-id ami-07a2b4c6d8e0f1357 --launch-permission 'Remove=[{Group=all}]'");
    expect(finding.actor).toEqual({ arn: `arn:aws:iam::${OWNER}:user/maria.santos`, type: 'IAMUser', sourceIp: '192.0.2.41', userAgent: 'AWS Internal' });
  });

  it('alerts on organization ARN', () => {
    const finding = findingOf(evaluateFixture('ec2', 'ami-shared-with-organization'));

    expect(finding.grants).toEqual([
      { kind: 'organization', organizationId: ORGANIZATION, principal: ORGANIZATION_ARN, via: 'launchPermission.add', trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded' });
    expect(finding.remediation).toBe(`aws ec2 modify-image-attribute --region eu-west-1 --image-id ${IMAGE} --launch-permission 'Remove=[{OrganizationArn=${ORGANIZATION_ARN}}]'`);
  });

  it('alerts on OU ARN', () => {
    const finding = findingOf(evaluateFixture('ec2', 'ami-shared-with-organizational-unit'));

    expect(finding.grants).toEqual([
      {
        kind: 'organization',
        organizationId: ORGANIZATION,
        organizationalUnitId: 'ou-ab12-cd34ef56',
        principal: UNIT_ARN,
        via: 'launchPermission.add',
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, reasons: [`shared with OU ou-ab12-cd34ef56 of ${ORGANIZATION}: not on the trusted list`] });
    expect(finding.remediation).toBe(`aws ec2 modify-image-attribute --region eu-west-1 --image-id ${IMAGE} --launch-permission 'Remove=[{OrganizationalUnitArn=${UNIT_ARN}}]'`);
  });

  it.each([
    ['organization id', ORGANIZATION, 'production org'],
    ['OU id', 'ou-ab12-cd34ef56', 'workloads OU'],
  ])('trusts OU when its %s is listed', (_name, id, label) => {
    const evaluation = evaluateFixture('ec2', 'ami-shared-with-organizational-unit', { trustedList: labelledTrustedList({ [id]: label }) });

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'organization',
        organizationId: ORGANIZATION,
        organizationalUnitId: 'ou-ab12-cd34ef56',
        principal: UNIT_ARN,
        via: 'launchPermission.add',
        trusted: true,
        label,
      },
    ]);
  });

  it('stays quiet on removal', () => {
    expect(evaluateFixture('ec2', 'ami-launch-permission-removed').status).toBe('no-grant');
  });

  it('stays quiet on description change', () => {
    const record = loadFixture('ec2', 'ami-description-changed');

    expect(modifyImageAttribute.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('stays quiet for trusted account', () => {
    const evaluation = evaluateFixture('ec2', 'ami-shared-with-account', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation)).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'launchPermission.add', trusted: true },
    ]);
  });

  it("stays quiet for owner's own account", () => {
    const record = loadFixture('ec2', 'ami-shared-with-account');
    const params = record.requestParameters as { launchPermission: { add: { items: { userId: string }[] } } };
    params.launchPermission.add.items[0].userId = OWNER;

    const evaluation = evaluate(record);

    expect(quietGrantsOf(evaluation)).toEqual([
      { kind: 'account', accountId: OWNER, via: 'launchPermission.add', trusted: true, label: 'resource owner' },
    ]);
  });

  it('records Marketplace as invoking service', () => {
    const finding = findingOf(evaluateFixture('ec2', 'ami-shared-by-marketplace'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: PARTNER, via: 'launchPermission.add', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded' });
    expect(finding.actor).toEqual({
      arn: `arn:aws:sts::${OWNER}:assumed-role/AwsMarketplaceAmiIngestion/AWS-Marketplace-Ami-Ingestion`,
      type: 'AssumedRole',
      sourceIp: 'aws-marketplace.amazonaws.com',
      userAgent: 'aws-marketplace.amazonaws.com',
      invokedBy: 'aws-marketplace.amazonaws.com',
    });
    expect(finding.remediation).toBe(`aws ec2 modify-image-attribute --region us-east-1 --image-id ami-0f9e8d7c6b5a43210 --launch-permission 'Remove=[{UserId=${PARTNER}}]'`);
  });

  it('removes every untrusted item at once', () => {
    const record = loadFixture('ec2', 'ami-shared-with-account');
    const params = record.requestParameters as { launchPermission: unknown };
    params.launchPermission = {
      add: { items: [{ userId: OUTSIDER }, { userId: PARTNER }, { group: 'all' }, { organizationArn: ORGANIZATION_ARN }, { userId: OWNER }] },
    };

    const finding = findingOf(evaluate(record, { trustedList: trustedList(PARTNER) }));

    expect(finding.grants.map((grant) => [grant.kind, grant.trusted])).toEqual([
      ['account', false],
      ['account', true],
      ['public', false],
      ['organization', false],
      ['account', true],
    ]);
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe(
      `aws ec2 modify-image-attribute --region eu-west-1 --image-id ${IMAGE} --launch-permission 'Remove=[{UserId=${OUTSIDER}},{Group=all},{OrganizationArn=${ORGANIZATION_ARN}}]'`,
    );
  });

  it('falls back to describe for unknown items', () => {
    const record = loadFixture('ec2', 'ami-shared-with-account');
    (record.requestParameters as { launchPermission: unknown }).launchPermission = { add: { items: [{ group: 'partners' }] } };

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([
      { kind: 'unknown', principal: 'group:partners', label: 'unrecognised group', via: 'launchPermission.add', trusted: false },
    ]);
    expect(finding.severity).toBe('high');
    expect(finding.remediation).toBe(`aws ec2 describe-image-attribute --region eu-west-1 --image-id ${IMAGE} --attribute launchPermission`);
  });

  it('shell-quotes a hostile image id', () => {
    const record = loadFixture('ec2', 'ami-shared-with-account');
    (record.requestParameters as { imageId: string }).imageId = "ami-1'; rm -rf ~ #";

    const finding = findingOf(evaluate(record));

    expect(finding.resource.id).toBe("ami-1'; rm -rf ~ #");
    expect(finding.remediation).toBe(
      `aws ec2 modify-image-attribute --region eu-west-1 --image-id 'ami-1'\\''; rm -rf ~ #' --launch-permission 'Remove=[{UserId=${OUTSIDER}}]'`,
    );
  });

  it('warns when imageId is missing', () => {
    const record = loadFixture('ec2', 'ami-shared-with-account');
    delete (record.requestParameters as { imageId?: string }).imageId;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.imageId is missing']);
    expect(finding.reasons).toEqual([`shared with account ${OUTSIDER}: not on the trusted list`, 'the grants of this call could not all be read']);
  });
});

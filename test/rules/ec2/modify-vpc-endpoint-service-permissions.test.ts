import { ec2ListValues, modifyVpcEndpointServicePermissions } from '../../../lambda/rules/ec2/modify-vpc-endpoint-service-permissions';
import { evaluate, evaluateFixture, findingOf, loadFixture, ORGANIZATION, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const SERVICE = 'vpce-svc-0a1b2c3d4e5f67890';
const TARGET = `--region eu-central-1 --service-id ${SERVICE}`;

function withPrincipals(principals: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('ec2', 'vpc-endpoint-service-allowed-account');
  record.requestParameters = { ModifyVpcEndpointServicePermissionsRequest: { ServiceId: SERVICE, AddAllowedPrincipals: principals } };
  return record;
}

describe('ModifyVpcEndpointServicePermissions rule', () => {
  it('reads the service and its ARN', () => {
    expect(modifyVpcEndpointServicePermissions.extract(loadFixture('ec2', 'vpc-endpoint-service-allowed-account'))).toEqual({
      resource: { type: 'AWS::EC2::VPCEndpointService', id: SERVICE, arn: `arn:aws:ec2:eu-central-1:${OWNER}:vpc-endpoint-service/${SERVICE}` },
      grants: [{ kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root`, via: 'AddAllowedPrincipals' }],
      warnings: [],
    });
  });

  it('alerts on an outside account', () => {
    const finding = findingOf(evaluateFixture('ec2', 'vpc-endpoint-service-allowed-account'));

    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 'ec2-vpc-endpoint-service-permission' });
    expect(finding.remediation).toBe(`aws ec2 modify-vpc-endpoint-service-permissions ${TARGET} --remove-allowed-principals arn:aws:iam::${OUTSIDER}:root`);
  });

  it('alerts critical on star', () => {
    const finding = findingOf(evaluateFixture('ec2', 'vpc-endpoint-service-allowed-everyone'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'AddAllowedPrincipals', trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, reasons: ['shared with everyone (*)'] });
    expect(finding.remediation).toBe(`aws ec2 modify-vpc-endpoint-service-permissions ${TARGET} --remove-allowed-principals '*'`);
  });

  it('stays quiet on removal', () => {
    const record = loadFixture('ec2', 'vpc-endpoint-service-permission-removed');

    expect(modifyVpcEndpointServicePermissions.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('ec2', 'vpc-endpoint-service-allowed-account', { trustedList: trustedList(OUTSIDER) })).map((grant) => grant.trusted)).toEqual([true]);
  });

  it.each([
    [
      'several tagged items',
      [
        { tag: 1, content: `arn:aws:iam::${OUTSIDER}:role/consumer` },
        { tag: 2, content: `arn:aws:iam::${OWNER}:root` },
      ],
      [
        { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:role/consumer`, via: 'AddAllowedPrincipals', trusted: false },
        { kind: 'account', accountId: OWNER, principal: `arn:aws:iam::${OWNER}:root`, via: 'AddAllowedPrincipals', trusted: true, label: 'resource owner' },
      ],
    ],
    [
      'an OU ARN',
      `arn:aws:organizations::${OWNER}:ou/${ORGANIZATION}/ou-ab12-cd34ef56`,
      [
        {
          kind: 'organization',
          organizationId: ORGANIZATION,
          organizationalUnitId: 'ou-ab12-cd34ef56',
          principal: `arn:aws:organizations::${OWNER}:ou/${ORGANIZATION}/ou-ab12-cd34ef56`,
          via: 'AddAllowedPrincipals',
          trusted: false,
        },
      ],
    ],
    ['an item that is not a string', [{ tag: 1 }], [{ kind: 'unknown', principal: '{"tag":1}', label: 'principal that is not a string', via: 'AddAllowedPrincipals', trusted: false }]],
  ])('reads %s', (_name, principals, grants) => {
    expect(findingOf(evaluate(withPrincipals(principals))).grants).toEqual(grants);
  });

  it('reads the flat lower-camel form', () => {
    const record = loadFixture('ec2', 'vpc-endpoint-service-allowed-account');
    record.requestParameters = { serviceId: SERVICE, addAllowedPrincipals: { items: [{ value: '*' }] } };

    expect(findingOf(evaluate(record)).grants).toEqual([{ kind: 'public', principal: '*', via: 'AddAllowedPrincipals', trusted: false }]);
  });

  it('warns when requestParameters is null', () => {
    const record = loadFixture('ec2', 'vpc-endpoint-service-allowed-account');
    record.requestParameters = null;
    record.errorCode = 'Client.UnauthorizedOperation';

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters is missing, so the allowed principals are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', outcome: 'failed' });
  });
});

describe('ec2ListValues', () => {
  it.each([
    ['a string', 'a', ['a']],
    ['an array', ['a', 'b'], ['a', 'b']],
    ['a tagged item', { tag: 1, content: 'a' }, ['a']],
    ['items of values', { items: [{ value: 'a' }, 'b'] }, ['a', 'b']],
    ['nothing', undefined, []],
  ])('flattens %s', (_name, value, values) => {
    expect(ec2ListValues(value, 10).values).toEqual(values);
  });

  it('counts the whole list', () => {
    expect(ec2ListValues(['a', 'b', 'c'], 2)).toEqual({ values: ['a', 'b'], total: 3 });
  });
});

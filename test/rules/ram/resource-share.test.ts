import { associateResourceShare, createResourceShare } from '../../../lambda/rules/ram/resource-share';
import { evaluate, evaluateFixture, findingOf, labelledTrustedList, loadFixture, ORGANIZATION, OUTSIDER, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const SHARE_ARN = `arn:aws:ram:eu-west-1:${OWNER}:resource-share/2f6c9a1e-4b8d-4e37-a5f0-c3d7e1b9a642`;
const SUBNETS = `shares arn:aws:ec2:eu-west-1:${OWNER}:subnet/subnet-0a1b2c3d4e5f60718, arn:aws:ec2:eu-west-1:${OWNER}:subnet/subnet-0f9e8d7c6b5a40312`;
const ORGANIZATION_ARN = `arn:aws:organizations::${PARTNER}:organization/${ORGANIZATION}`;
const UNIT_ARN = `arn:aws:organizations::${PARTNER}:ou/${ORGANIZATION}/ou-ab12-cd34ef56`;
const ORG_ONLY = "allowExternalPrincipals is false, so only accounts in the owner's organization can be associated";

function withPrincipals(scenario: string, principals: unknown): ReturnType<typeof loadFixture> {
  const record = loadFixture('ram', scenario);
  (record.requestParameters as { principals: unknown }).principals = principals;
  return record;
}

function disassociate(arn: string, principals: string): string {
  return `aws ram disassociate-resource-share --region eu-west-1 --resource-share-arn ${arn} --principals ${principals}`;
}

describe('CreateResourceShare rule', () => {
  it('reads the share and its ARN', () => {
    const result = createResourceShare.extract(loadFixture('ram', 'share-with-account'));

    expect(result).toEqual({
      resource: { type: 'AWS::RAM::ResourceShare', id: 'build-subnets', arn: SHARE_ARN },
      grants: [{ kind: 'account', accountId: OUTSIDER, via: 'principals', label: SUBNETS }],
      warnings: [],
      details: { shareName: 'build-subnets' },
    });
  });

  it('alerts on an outside account', () => {
    const finding = findingOf(evaluateFixture('ram', 'share-with-account'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'principals', label: SUBNETS, trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'ram-resource-share' });
    expect(finding.remediation).toBe(disassociate(SHARE_ARN, OUTSIDER));
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('ram', 'share-with-account', { trustedList: trustedList(OUTSIDER) }))).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'principals', label: SUBNETS, trusted: true },
    ]);
  });

  it('reads organization, not its management account', () => {
    const finding = findingOf(evaluateFixture('ram', 'share-with-organization'));
    const shareArn = `arn:aws:ram:eu-west-1:${OWNER}:resource-share/9b1e5d3a-7c2f-4a68-b4e0-1d8f6c3a9e25`;

    expect(finding.grants).toEqual([
      {
        kind: 'organization',
        organizationId: ORGANIZATION,
        principal: ORGANIZATION_ARN,
        via: 'principals',
        label: `shares arn:aws:ec2:eu-west-1:${OWNER}:transit-gateway/tgw-0c1d2e3f4a5b69780`,
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, reasons: [`shared with organization ${ORGANIZATION}: not on the trusted list`] });
    expect(finding.remediation).toBe(disassociate(shareArn, ORGANIZATION_ARN));
  });

  it('trusts organization on the list', () => {
    const grants = quietGrantsOf(evaluateFixture('ram', 'share-with-organization', { trustedList: trustedList(ORGANIZATION) }));

    expect(grants.map((grant) => [grant.kind, grant.trusted])).toEqual([['organization', true]]);
  });

  it('reads an OU', () => {
    const finding = findingOf(evaluateFixture('ram', 'share-with-organizational-unit'));

    expect(finding.grants).toEqual([
      {
        kind: 'organization',
        organizationId: ORGANIZATION,
        organizationalUnitId: 'ou-ab12-cd34ef56',
        principal: UNIT_ARN,
        via: 'principals',
        label: `shares arn:aws:route53resolver:eu-west-1:${OWNER}:resolver-rule/rslvr-rr-0a1b2c3d4e5f60718`,
        trusted: false,
      },
    ]);
    expect(finding.severity).toBe('high');
  });

  it('trusts an OU on the list', () => {
    const grants = quietGrantsOf(evaluateFixture('ram', 'share-with-organizational-unit', { trustedList: labelledTrustedList({ 'ou-ab12-cd34ef56': 'analytics OU' }) }));

    expect(grants.map((grant) => grant.trusted)).toEqual([true]);
  });

  it('stays quiet on share without principals', () => {
    const record = loadFixture('ram', 'share-without-principals');

    expect(createResourceShare.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it("stays quiet for owner's own account", () => {
    expect(quietGrantsOf(evaluate(withPrincipals('share-with-account', [OWNER])))).toEqual([
      { kind: 'account', accountId: OWNER, via: 'principals', label: SUBNETS, trusted: true },
    ]);
  });

  it('notes allowExternalPrincipals from the response', () => {
    // The flag is false only in responseElements.resourceShare here.
    const record = withPrincipals('share-with-organization', [OUTSIDER]);

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        via: 'principals',
        label: `shares arn:aws:ec2:eu-west-1:${OWNER}:transit-gateway/tgw-0c1d2e3f4a5b69780; ${ORG_ONLY}`,
        trusted: false,
      },
    ]);
    expect(finding.severity).toBe('high');
  });

  it.each([
    ['role ARN', `arn:aws:iam::${OUTSIDER}:role/build-runner`, { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:role/build-runner` }],
    [
      'organization member ARN',
      `arn:aws:organizations::${PARTNER}:account/${ORGANIZATION}/${OUTSIDER}`,
      {
        kind: 'unknown',
        principal: `arn:aws:organizations::${PARTNER}:account/${ORGANIZATION}/${OUTSIDER}`,
        label: `AWS Organizations ARN that is not an organization or OU; ${SUBNETS}`,
      },
    ],
  ])('reads %s', (_name, principal, grant) => {
    const finding = findingOf(evaluate(withPrincipals('share-with-account', [principal])));

    expect(finding.grants).toEqual([{ label: SUBNETS, ...grant, via: 'principals', trusted: false }]);
    expect(finding.severity).toBe('high');
    expect(finding.remediation).toBe(disassociate(SHARE_ARN, principal));
  });

  it('reads a principal that is not a string', () => {
    const finding = findingOf(evaluate(withPrincipals('share-with-account', [444455556666])));

    expect(finding.grants).toEqual([{ kind: 'unknown', principal: '444455556666', label: 'principal that is not a string', via: 'principals', trusted: false }]);
    expect(finding.remediation).toBe(disassociate(SHARE_ARN, '444455556666'));
  });

  it('keeps a service principal quiet by default', () => {
    expect(quietGrantsOf(evaluate(withPrincipals('share-with-account', ['pca-connector-ad.amazonaws.com'])))).toEqual([
      { kind: 'service', service: 'pca-connector-ad.amazonaws.com', via: 'principals', label: SUBNETS, trusted: false },
    ]);
  });

  it('names the first three resources and counts the rest', () => {
    const record = loadFixture('ram', 'share-with-account');
    (record.requestParameters as { resourceArns: string[] }).resourceArns = ['arn:1', 'arn:2', 'arn:3', 'arn:4', 'arn:5'];

    expect(findingOf(evaluate(record)).grants[0].label).toBe('shares arn:1, arn:2, arn:3 and 2 more');
  });

  it('lists the share when its ARN is unknown', () => {
    const record = loadFixture('ram', 'share-with-account');
    record.responseElements = null;

    expect(findingOf(evaluate(record)).remediation).toBe('aws ram get-resource-shares --region eu-west-1 --resource-owner SELF --name build-subnets');
  });

  it('warns when requestParameters is null', () => {
    const record = loadFixture('ram', 'share-with-account');
    record.requestParameters = null;
    record.responseElements = null;
    record.errorCode = 'AccessDeniedException';

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['requestParameters is missing, so the principals of the share are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', outcome: 'failed' });
  });

  it('quotes hostile principals in the fix', () => {
    const finding = findingOf(evaluate(withPrincipals('share-with-account', ["$(touch /tmp/x)'"])));

    expect(finding.remediation).toBe(disassociate(SHARE_ARN, "'$(touch /tmp/x)'\\'''"));
  });
});

describe('AssociateResourceShare rule', () => {
  it('alerts on an external principal', () => {
    const finding = findingOf(evaluateFixture('ram', 'association-principal-external'));

    expect(finding.resource).toEqual({ type: 'AWS::RAM::ResourceShare', id: SHARE_ARN, arn: SHARE_ARN });
    expect(finding.grants).toEqual([
      { kind: 'account', accountId: PARTNER, via: 'principals', label: "gains the resources already in the share; outside the owner's organization", trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 'ram-resource-share-association' });
    expect(finding.remediation).toBe(disassociate(SHARE_ARN, PARTNER));
  });

  it('stays quiet for trusted principal', () => {
    expect(quietGrantsOf(evaluateFixture('ram', 'association-principal-external', { trustedList: trustedList(PARTNER) })).map((grant) => grant.trusted)).toEqual([true]);
  });

  it('warns on resources added without principals', () => {
    const finding = findingOf(evaluateFixture('ram', 'association-resource-only'));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['resources were added to an existing share whose principals are not in the event, so who gains access is unknown']);
    expect(finding).toMatchObject({ severity: 'medium', public: false, reasons: ['the grants of this call could not all be read'], remediation: null });
  });

  it('stays quiet on an empty association', () => {
    const record = loadFixture('ram', 'association-resource-only');
    record.requestParameters = { resourceShareArn: SHARE_ARN };

    expect(associateResourceShare.extract(record)).toBeUndefined();
  });

  it('names resources added with principals', () => {
    const record = loadFixture('ram', 'association-principal-external');
    (record.requestParameters as Record<string, unknown>).resourceArns = ['arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-07a6b5c4d3e2f1098'];

    expect(findingOf(evaluate(record)).grants[0].label).toBe(
      "shares arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-07a6b5c4d3e2f1098 and the resources already in the share; outside the owner's organization",
    );
  });
});

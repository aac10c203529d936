import { domainAccessPolicy } from '../../../lambda/rules/es/domain-access-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

function policyFix(statements: string): string {
  const target = '--region eu-west-1 --domain-name search-logs';
  return [
    `aws opensearch describe-domain-config ${target} --query DomainConfig.AccessPolicies.Options --output text > policy.json  # delete statements: ${statements}`,
    `aws opensearch update-domain-config ${target} --access-policies file://policy.json`,
  ].join('\n');
}

describe('OpenSearch domain access policy rule', () => {
  it('alerts critical on open policy', () => {
    const finding = findingOf(evaluateFixture('es', 'domain-created-with-open-policy'));

    expect(finding.resource).toEqual({ type: 'AWS::OpenSearchService::Domain', id: 'search-logs', arn: `arn:aws:es:eu-west-1:${OWNER}:domain/search-logs` });
    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'Statement[0]', actions: ['es:*'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, ruleId: 'opensearch-domain-access-policy' });
    expect(finding.remediation).toBe(policyFix("'Statement[0]'"));
  });

  it('alerts medium on source IP ranges', () => {
    const finding = findingOf(evaluateFixture('es', 'domain-policy-ip-restricted'));

    expect(finding.grants).toEqual([
      { kind: 'network', sourceIp: ['192.0.2.0/24', '198.51.100.17/32'], via: 'OfficeRanges', actions: ['es:ESHttp*'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'medium', public: false });
    expect(finding.remediation).toBe(policyFix('OfficeRanges'));
  });

  it('stays quiet when the policy is unchanged', () => {
    const record = loadFixture('es', 'domain-config-updated-without-policy');

    expect(domainAccessPolicy.extract(record)).toBeUndefined();
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('stays quiet for trusted account', () => {
    const record = loadFixture('es', 'domain-policy-ip-restricted');
    (record.requestParameters as Record<string, unknown>).accessPolicies = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDER}:role/log-shipper` }, Action: 'es:ESHttpPost' }],
    });

    expect(quietGrantsOf(evaluate(record, { trustedList: trustedList(OUTSIDER) })).map((grant) => grant.trusted)).toEqual([true]);
  });

  it('labels star in a VPC domain', () => {
    const record = loadFixture('es', 'domain-created-with-open-policy');
    (record.requestParameters as Record<string, unknown>).vPCOptions = { subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'], securityGroupIds: ['sg-0c1d2e3f'] };

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([
      {
        kind: 'public',
        principal: '*',
        via: 'Statement[0]',
        actions: ['es:*'],
        label: 'the domain is in a VPC (subnets subnet-0a1b2c3d, subnet-4e5f6a7b), so only that network reaches it',
        trusted: false,
      },
    ]);
    expect(finding.severity).toBe('critical');
  });

  it.each(['CreateElasticsearchDomain', 'UpdateElasticsearchDomainConfig'])('routes the older %s', (name) => {
    const record = loadFixture('es', 'domain-created-with-open-policy');
    record.eventName = name;

    expect(findingOf(evaluate(record)).ruleId).toBe('opensearch-domain-access-policy');
  });

  it('warns when requestParameters is null', () => {
    const record = loadFixture('es', 'domain-policy-ip-restricted');
    record.requestParameters = null;
    record.errorCode = 'AccessDeniedException';

    expect(findingOf(evaluate(record)).warnings).toEqual(['requestParameters is missing, so the access policy of the domain is unknown']);
  });
});

import { putCatalogPolicy } from '../../../lambda/rules/glue/put-resource-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const CATALOG = `arn:aws:glue:us-east-1:${OWNER}:catalog`;

describe('Glue PutResourcePolicy rule', () => {
  it('alerts on another account', () => {
    const finding = findingOf(evaluateFixture('glue', 'catalog-policy-cross-account'));

    expect(finding.resource).toEqual({ type: 'AWS::Glue::Catalog', id: CATALOG, arn: CATALOG });
    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:root`,
        via: 'PartnerCatalogRead',
        actions: ['glue:GetDatabase', 'glue:GetTables'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 'glue-catalog-policy' });
    expect(finding.remediation).toBe(
      [
        'aws glue get-resource-policy --region us-east-1 --query PolicyInJson --output text > policy.json  # delete statements: PartnerCatalogRead',
        'aws glue put-resource-policy --region us-east-1 --policy-in-json file://policy.json',
      ].join('\n'),
    );
  });

  it('stays quiet on owner-only policy', () => {
    expect(quietGrantsOf(evaluateFixture('glue', 'catalog-policy-owner-only')).map((grant) => grant.trusted)).toEqual([true]);
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('glue', 'catalog-policy-cross-account', { trustedList: trustedList(OUTSIDER) })).map((grant) => grant.trusted)).toEqual([true]);
  });

  it('repeats a requested resource ARN in the fix', () => {
    const record = loadFixture('glue', 'catalog-policy-cross-account');
    const arn = `arn:aws:glue:us-east-1:${OWNER}:catalog/s3tablescatalog`;
    (record.requestParameters as Record<string, unknown>).resourceArn = arn;

    const finding = findingOf(evaluate(record));

    expect(finding.resource).toEqual({ type: 'AWS::Glue::Catalog', id: arn, arn });
    expect(finding.remediation?.split('\n')[1]).toBe(`aws glue put-resource-policy --region us-east-1 --resource-arn ${arn} --policy-in-json file://policy.json`);
  });

  it('warns when the policy is missing', () => {
    const record = loadFixture('glue', 'catalog-policy-cross-account');
    record.requestParameters = {};

    expect(putCatalogPolicy.extract(record)?.warnings).toEqual(['requestParameters.policyInJson is missing, so the grants of the new policy are unknown']);
    expect(findingOf(evaluate(record)).severity).toBe('medium');
  });
});

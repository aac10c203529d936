import { putRegistryPolicy } from '../../../lambda/rules/ecr/put-registry-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const REPLICATION_FIX = [
  'aws ecr get-registry-policy --region us-east-1 --query policyText --output text > policy.json  # delete statements: ReplicateFromBuildAccount',
  'aws ecr put-registry-policy --region us-east-1 --policy-text file://policy.json',
].join('\n');

describe('PutRegistryPolicy rule', () => {
  it('names the registry by its account', () => {
    const result = putRegistryPolicy.extract(loadFixture('ecr', 'registry-policy-replication-account'));

    expect(result?.resource).toEqual({ type: 'AWS::ECR::RegistryPolicy', id: OWNER });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts on replication from another account', () => {
    const finding = findingOf(evaluateFixture('ecr', 'registry-policy-replication-account'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: PARTNER,
        principal: `arn:aws:iam::${PARTNER}:root`,
        via: 'ReplicateFromBuildAccount',
        actions: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'ecr-registry-policy' });
    expect(finding.remediation).toBe(REPLICATION_FIX);
  });

  it('trusts build account on the list', () => {
    const evaluation = evaluateFixture('ecr', 'registry-policy-replication-account', { trustedList: trustedList(PARTNER) });

    expect(quietGrantsOf(evaluation)).toEqual([
      expect.objectContaining({ kind: 'account', accountId: PARTNER, trusted: true }),
    ]);
  });

  it('stays quiet on own account', () => {
    const evaluation = evaluateFixture('ecr', 'registry-policy-own-account');

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:root`,
        via: 'PullThroughCacheForAccount',
        actions: ['ecr:CreateRepository', 'ecr:BatchImportUpstreamImage'],
        trusted: true,
        label: 'resource owner',
      },
    ]);
  });

  it('falls back to the owner without response', () => {
    const record = loadFixture('ecr', 'registry-policy-replication-account');
    record.responseElements = null;

    expect(putRegistryPolicy.extract(record, { ownerAccountId: OWNER })?.resource).toEqual({ type: 'AWS::ECR::RegistryPolicy', id: OWNER });
  });

  it('warns when policyText is missing', () => {
    const record = loadFixture('ecr', 'registry-policy-replication-account');
    record.requestParameters = null;
    record.responseElements = null;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.policyText is missing, so the grants of the new policy are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });
});

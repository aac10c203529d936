import { findRule } from '../../../lambda/catalog';
import { HIDDEN_VALUE } from '../../../lambda/rules/policy-document';
import { putSecretPolicy } from '../../../lambda/rules/secretsmanager/put-resource-policy';
import { evaluate, evaluateFixture, findingOf, labelledTrustedList, loadFixture, ORGANIZATION, OUTSIDER, OWNER, quietGrantsOf } from '../../support/fixtures';

const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${OWNER}:secret:prod/reporting/db-7Qm2xA`;

/** Builds the two-line fix for a secret policy: fetch it, delete the named statements by hand, and put it back with public policies blocked. */
function secretFix(secret: string, statements: string): string {
  return [
    `aws secretsmanager get-resource-policy --region eu-west-1 --secret-id ${secret} --query ResourcePolicy --output text > policy.json  # delete statements: ${statements}`,
    `aws secretsmanager put-resource-policy --region eu-west-1 --secret-id ${secret} --resource-policy file://policy.json --block-public-policy`,
  ].join('\n');
}

describe('Secrets Manager PutResourcePolicy rule', () => {
  it('routes on the Secrets Manager event source', () => {
    const record = loadFixture('secretsmanager', 'put-policy-external-role');

    expect(findRule(record)?.id).toBe('secretsmanager-secret-policy');
    record.eventSource = 'logs.amazonaws.com';
    expect(findRule(record)?.id).not.toBe('secretsmanager-secret-policy');
  });

  it('alerts high on external role', () => {
    const finding = findingOf(evaluateFixture('secretsmanager', 'put-policy-external-role'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:role/reporting-etl`,
        via: 'PartnerRead',
        actions: ['secretsmanager:GetSecretValue'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      ruleId: 'secretsmanager-secret-policy',
      resource: { type: 'AWS::SecretsManager::Secret', id: 'prod/reporting/db', arn: SECRET_ARN },
    });
    expect(finding.remediation).toBe(secretFix('prod/reporting/db', 'PartnerRead'));
  });

  it('stays quiet on own role', () => {
    const grants = quietGrantsOf(evaluateFixture('secretsmanager', 'put-policy-own-role'));

    expect(grants).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:role/reporting-app`,
        via: 'AppRead',
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        trusted: true,
        label: 'resource owner',
      },
    ]);
  });

  it('alerts high on organization', () => {
    const finding = findingOf(evaluateFixture('secretsmanager', 'put-policy-organization'));

    expect(finding.grants).toEqual([
      { kind: 'organization', organizationId: ORGANIZATION, via: 'OrganizationRead', actions: ['secretsmanager:GetSecretValue'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(secretFix('prod/reporting/db', 'OrganizationRead'));
  });

  it('trusts organization on the list', () => {
    const grants = quietGrantsOf(evaluateFixture('secretsmanager', 'put-policy-organization', { trustedList: labelledTrustedList({ [ORGANIZATION]: 'our organization' }) }));

    expect(grants[0]).toMatchObject({ kind: 'organization', trusted: true, label: 'our organization' });
  });

  it('alerts critical without the organization condition', () => {
    const record = loadFixture('secretsmanager', 'put-policy-organization');
    const params = record.requestParameters as { resourcePolicy: string };
    const policy = JSON.parse(params.resourcePolicy) as { Statement: Record<string, unknown>[] };
    delete policy.Statement[0].Condition;
    params.resourcePolicy = JSON.stringify(policy);

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'OrganizationRead', actions: ['secretsmanager:GetSecretValue'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
  });

  it.each([
    ['missing', undefined, 'requestParameters.resourcePolicy is missing, so the grants of the new policy are unknown'],
    ['hidden', HIDDEN_VALUE, 'CloudTrail hid requestParameters.resourcePolicy, so the grants of the new policy are unknown'],
  ])('warns when the policy is %s', (_name, policy, warning) => {
    const record = loadFixture('secretsmanager', 'put-policy-external-role');
    (record.requestParameters as Record<string, unknown>).resourcePolicy = policy;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual([warning]);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });

  it('leaves out the ARN when only a name is known', () => {
    const record = loadFixture('secretsmanager', 'put-policy-external-role');
    record.responseElements = null;

    expect(putSecretPolicy.extract(record)?.resource).toEqual({ type: 'AWS::SecretsManager::Secret', id: 'prod/reporting/db' });
  });
});

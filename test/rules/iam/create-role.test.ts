import { createRole } from '../../../lambda/rules/iam/create-role';
import { evaluate, evaluateFixture, findingOf, loadFixture, ORGANIZATION, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

/** Builds the two-line fix for a trust policy: fetch it, delete the named statements by hand, and put it back. */
function trustFix(role: string, statements: string): string {
  return [
    `aws iam get-role --role-name ${role} --query Role.AssumeRolePolicyDocument --output json > trust-policy.json  # delete statements: ${statements}`,
    `aws iam update-assume-role-policy --role-name ${role} --policy-document file://trust-policy.json`,
  ].join('\n');
}

/** Returns the external-account CreateRole with its trust policy replaced, in the request only. */
function withTrustPolicy(statement: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('iam', 'create-role-external-account');
  (record.requestParameters as Record<string, unknown>).assumeRolePolicyDocument = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Trust', Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }],
  });
  return record;
}

const assume = { via: 'Trust', actions: ['sts:AssumeRole'] };

describe('CreateRole rule', () => {
  it('reads the role and its ARN', () => {
    const result = createRole.extract(loadFixture('iam', 'create-role-external-account'));

    expect(result?.resource).toEqual({ type: 'AWS::IAM::Role', id: 'partner-audit-readonly', arn: `arn:aws:iam::${OWNER}:role/partner-audit-readonly` });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts high on external account', () => {
    const finding = findingOf(evaluateFixture('iam', 'create-role-external-account'));

    expect(finding.grants).toEqual([
      { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root`, via: 'PartnerAuditAccess', actions: ['sts:AssumeRole'], trusted: false },
    ]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      outcome: 'succeeded',
      ruleId: 'iam-new-role-trust-policy',
      region: 'us-east-1',
      reasons: [`shared with account ${OUTSIDER}: not on the trusted list`],
    });
    expect(finding.remediation).toBe(trustFix('partner-audit-readonly', 'PartnerAuditAccess'));
  });

  it('trusts external account on the list', () => {
    const evaluation = evaluateFixture('iam', 'create-role-external-account', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation).map((grant) => [grant.kind, grant.trusted])).toEqual([['account', true]]);
  });

  it('keeps star with only an external id public', () => {
    const finding = findingOf(evaluateFixture('iam', 'create-role-star-with-external-id'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'AnyoneWithTheExternalId', actions: ['sts:AssumeRole'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, reasons: ['shared with everyone (*)'] });
    expect(finding.remediation).toBe(trustFix('vendor-onboarding', 'AnyoneWithTheExternalId'));
  });

  it('keeps a Lambda execution role quiet', () => {
    const evaluation = evaluateFixture('iam', 'create-role-lambda-service');

    expect(quietGrantsOf(evaluation)).toEqual([{ kind: 'service', service: 'lambda.amazonaws.com', via: 'Statement[0]', actions: ['sts:AssumeRole'], trusted: false }]);
  });

  it('alerts low on service principal when asked', () => {
    const finding = findingOf(evaluateFixture('iam', 'create-role-lambda-service', { alertOnUnrestrictedServices: true }));

    expect(finding).toMatchObject({ severity: 'low', public: false });
    expect(finding.remediation).toBe(trustFix('invoice-renderer-execution', "'Statement[0]'"));
  });

  it.each([
    ['OIDC provider of the owner', { Principal: { Federated: `arn:aws:iam::${OWNER}:oidc-provider/token.actions.githubusercontent.com` } }, 'trusted', [
      { ...assume, kind: 'federated', provider: `arn:aws:iam::${OWNER}:oidc-provider/token.actions.githubusercontent.com`, accountId: OWNER, trusted: true },
    ]],
    ['SAML provider of an outsider', { Principal: { Federated: `arn:aws:iam::${OUTSIDER}:saml-provider/corp-idp` } }, 'finding', [
      { ...assume, kind: 'federated', provider: `arn:aws:iam::${OUTSIDER}:saml-provider/corp-idp`, accountId: OUTSIDER, trusted: false },
    ]],
    ['star in the organization', { Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } } }, 'finding', [
      { ...assume, kind: 'organization', organizationId: ORGANIZATION, trusted: false },
    ]],
    ['bare owner account', { Principal: { AWS: OWNER } }, 'trusted', [{ ...assume, kind: 'account', accountId: OWNER, trusted: true, label: 'resource owner' }]],
    ['deleted role', { Principal: { AWS: 'AROA4EXAMPLEDELETED7Z' } }, 'trusted', [
      { ...assume, kind: 'deleted-principal', principalId: 'AROA4EXAMPLEDELETED7Z', label: 'unique id of a deleted IAM principal', trusted: true },
    ]],
  ])('reads trust in %s', (_name, statement, status, grants) => {
    const evaluation = evaluate(withTrustPolicy(statement));

    expect(evaluation.status).toBe(status);
    const read = evaluation.status === 'finding' ? evaluation.finding.grants : quietGrantsOf(evaluation);
    expect(read).toEqual(grants);
  });

  it('reads the URL-encoded response copy', () => {
    const record = loadFixture('iam', 'create-role-external-account');
    delete (record.requestParameters as Record<string, unknown>).assumeRolePolicyDocument;

    const result = createRole.extract(record);

    expect(result?.grants).toEqual([
      { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root`, via: 'PartnerAuditAccess', actions: ['sts:AssumeRole'] },
    ]);
    expect(result?.warnings).toEqual([]);
  });

  it.each([
    ['missing everywhere', undefined],
    ['badly encoded', '%7B%22Statement%22%3A%E0%A4%A'],
  ])('warns when trust policy is %s', (_name, encoded) => {
    const record = loadFixture('iam', 'create-role-external-account');
    delete (record.requestParameters as Record<string, unknown>).assumeRolePolicyDocument;
    (record.responseElements as { role: Record<string, unknown> }).role.assumeRolePolicyDocument = encoded;

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['requestParameters.assumeRolePolicyDocument is missing, so the grants of the new policy are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null, reasons: ['the grants of this call could not all be read'] });
  });

  it('builds the ARN from path without response', () => {
    const record = loadFixture('iam', 'create-role-lambda-service');
    record.responseElements = null;

    expect(createRole.extract(record)?.resource).toEqual({
      type: 'AWS::IAM::Role',
      id: 'invoice-renderer-execution',
      arn: `arn:aws:iam::${OWNER}:role/service-role/invoice-renderer-execution`,
    });
  });
});

import { addPermission } from '../../../lambda/rules/lambda/add-permission';
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

function removePermission(functionName: string, statementId: string, region = 'us-east-1'): string {
  return `aws lambda remove-permission --region ${region} --function-name ${functionName} --statement-id ${statementId}`;
}

function withRequest(changes: Record<string, unknown>): ReturnType<typeof loadFixture> {
  const record = loadFixture('lambda', 'function-shared-with-account');
  Object.assign(record.requestParameters as Record<string, unknown>, changes);
  return record;
}

describe('AddPermission rule', () => {
  it('reads the function and its ARN', () => {
    const result = addPermission.extract(loadFixture('lambda', 'function-shared-with-account'));

    expect(result).toEqual({
      resource: { type: 'AWS::Lambda::Function', id: 'invoice-renderer', arn: `arn:aws:lambda:us-east-1:${OWNER}:function:invoice-renderer` },
      grants: [{ kind: 'account', accountId: OUTSIDER, via: 'partner-invoke', actions: ['lambda:InvokeFunction'] }],
      warnings: [],
      details: { statementId: 'partner-invoke' },
    });
  });

  it('alerts on function shared with account', () => {
    const finding = findingOf(evaluateFixture('lambda', 'function-shared-with-account'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'partner-invoke', actions: ['lambda:InvokeFunction'], trusted: false }]);
    expect(finding).toMatchObject({
      eventName: 'AddPermission20150331v2',
      severity: 'high',
      public: false,
      outcome: 'succeeded',
      errorCode: null,
      ruleId: 'lambda-function-permission',
    });
    expect(finding.remediation).toBe('aws lambda remove-permission --region us-east-1 --function-name invoice-renderer --statement-id partner-invoke');
  });

  it('alerts on account ARN principal', () => {
    const finding = findingOf(evaluateFixture('lambda', 'function-shared-with-account-arn'));
    const functionArn = `arn:aws:lambda:eu-west-1:${OWNER}:function:ledger-sync`;

    expect(finding.resource).toEqual({ type: 'AWS::Lambda::Function', id: functionArn, arn: functionArn });
    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:role/ledger-caller`,
        via: 'ledger-sync-from-partner-role',
        actions: ['lambda:InvokeFunction'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(removePermission(functionArn, 'ledger-sync-from-partner-role', 'eu-west-1'));
  });

  it('alerts critical on public function URL', () => {
    const finding = findingOf(evaluateFixture('lambda', 'function-url-public'));

    expect(finding.grants).toEqual([
      {
        kind: 'public',
        principal: '* (function URL without authentication)',
        via: 'FunctionURLAllowPublicAccess',
        actions: ['lambda:InvokeFunctionUrl'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded' });
    expect(finding.remediation).toBe(removePermission('orders-webhook', 'FunctionURLAllowPublicAccess'));
  });

  it('alerts critical on star invoked via URL', () => {
    const finding = findingOf(evaluateFixture('lambda', 'function-url-invoke-function-public'));

    expect(finding.grants).toEqual([
      { kind: 'public', principal: '*', via: 'FunctionURLInvokeAllowPublicAccess', actions: ['lambda:InvokeFunction'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
    expect(finding.remediation).toBe(removePermission('orders-webhook', 'FunctionURLInvokeAllowPublicAccess'));
  });

  it('narrows star to principalOrgID', () => {
    const finding = findingOf(evaluateFixture('lambda', 'function-shared-with-organization'));

    expect(finding.grants).toEqual([
      { kind: 'organization', organizationId: ORGANIZATION, via: 'org-wide-invoke', actions: ['lambda:InvokeFunction'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, reasons: [`shared with organization ${ORGANIZATION}: not on the trusted list`] });
    expect(finding.remediation).toBe(removePermission('shared-audit-hook', 'org-wide-invoke'));
  });

  it('trusts organization on the list', () => {
    const evaluation = evaluateFixture('lambda', 'function-shared-with-organization', { trustedList: labelledTrustedList({ [ORGANIZATION]: 'our org' }) });

    expect(quietGrantsOf(evaluation)).toEqual([
      { kind: 'organization', organizationId: ORGANIZATION, via: 'org-wide-invoke', actions: ['lambda:InvokeFunction'], trusted: true, label: 'our org' },
    ]);
  });

  it('trusts S3 scoped to own account', () => {
    const evaluation = evaluateFixture('lambda', 'function-s3-service-source-account', { alertOnUnrestrictedServices: true });

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'service',
        service: 's3.amazonaws.com',
        sourceAccount: OWNER,
        sourceArn: 'arn:aws:s3:::customer-uploads-111122223333',
        via: 's3-invoke-uploads',
        actions: ['lambda:InvokeFunction'],
        trusted: true,
      },
      { kind: 'account', accountId: OWNER, label: 'source account of s3.amazonaws.com', via: 's3-invoke-uploads', actions: ['lambda:InvokeFunction'], trusted: true },
    ]);
  });

  it('alerts on S3 scoped to outsider', () => {
    const record = loadFixture('lambda', 'function-s3-service-source-account');
    (record.requestParameters as { sourceAccount: string }).sourceAccount = OUTSIDER;

    const finding = findingOf(evaluate(record));

    expect(finding.grants.map((grant) => [grant.kind, grant.trusted])).toEqual([
      ['service', false],
      ['account', false],
    ]);
    expect(finding.grants[1]).toMatchObject({ accountId: OUTSIDER, label: 'source account of s3.amazonaws.com' });
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(removePermission('thumbnailer', 's3-invoke-uploads'));
  });

  it('keeps Alexa service quiet by default', () => {
    expect(quietGrantsOf(evaluateFixture('lambda', 'function-alexa-service-unrestricted'))).toEqual([
      { kind: 'service', service: 'alexa-appkit.amazon.com', via: 'alexa-skill-invoke', actions: ['lambda:InvokeFunction'], trusted: false },
    ]);
  });

  it('alerts low on Alexa service when asked', () => {
    const finding = findingOf(evaluateFixture('lambda', 'function-alexa-service-unrestricted', { alertOnUnrestrictedServices: true }));

    expect(finding).toMatchObject({
      severity: 'low',
      public: false,
      reasons: ['shared with any alexa-appkit.amazon.com resource in any account: no source account, and no source ARN that names an account, restricts it'],
    });
    expect(finding.remediation).toBe(removePermission('kitchen-timer-skill', 'alexa-skill-invoke'));
  });

  it('keeps API Gateway wildcard ARN quiet by default', () => {
    expect(quietGrantsOf(evaluateFixture('lambda', 'function-apigateway-wildcard-source-arn'))).toEqual([
      {
        kind: 'service',
        service: 'apigateway.amazonaws.com',
        sourceArn: 'arn:aws:execute-api:us-east-1::*',
        via: 'apigateway-any-api',
        actions: ['lambda:InvokeFunction'],
        trusted: false,
      },
    ]);
  });

  it('alerts low on accountless source ARN', () => {
    // The source ARN has an empty account field, so any account's API can invoke the function.
    const finding = findingOf(evaluateFixture('lambda', 'function-apigateway-wildcard-source-arn', { alertOnUnrestrictedServices: true }));

    expect(finding).toMatchObject({ severity: 'low', public: false, outcome: 'succeeded' });
    expect(finding.remediation).toBe(removePermission('quote-api', 'apigateway-any-api'));
  });

  it('trusts API ARN naming owner', () => {
    const record = loadFixture('lambda', 'function-apigateway-wildcard-source-arn');
    (record.requestParameters as { sourceArn: string }).sourceArn = `arn:aws:execute-api:us-east-1:${OWNER}:a1b2c3d4e5/*/GET/quotes`;

    const grants = quietGrantsOf(evaluate(record, { alertOnUnrestrictedServices: true }));

    expect(grants.map((grant) => [grant.kind, grant.trusted])).toEqual([
      ['service', false],
      ['account', true],
    ]);
  });

  it('alerts on API ARN naming outsider', () => {
    const record = loadFixture('lambda', 'function-apigateway-wildcard-source-arn');
    (record.requestParameters as { sourceArn: string }).sourceArn = `arn:aws:execute-api:us-east-1:${OUTSIDER}:a1b2c3d4e5/*/GET/quotes`;

    const finding = findingOf(evaluate(record));

    expect(finding.severity).toBe('high');
    expect(finding.grants[1]).toEqual({
      kind: 'account',
      accountId: OUTSIDER,
      label: 'source account of apigateway.amazonaws.com',
      via: 'apigateway-any-api',
      actions: ['lambda:InvokeFunction'],
      trusted: false,
    });
  });

  it('alerts on lambda:* action', () => {
    const finding = findingOf(evaluateFixture('lambda', 'function-all-lambda-actions'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: PARTNER, via: 'partner-full-access', actions: ['lambda:*'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(removePermission('billing-reconciler', 'partner-full-access'));
  });

  it('reads AddPermission20150331 event name', () => {
    const finding = findingOf(evaluateFixture('lambda', 'function-shared-old-event-name'));

    expect(finding.eventName).toBe('AddPermission20150331');
    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'legacy-cross-account', actions: ['lambda:InvokeFunction'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, ruleId: 'lambda-function-permission' });
    expect(finding.remediation).toBe(removePermission('legacy-report-mailer', 'legacy-cross-account'));
  });

  it('alerts medium on denied call without parameters', () => {
    const record = loadFixture('lambda', 'function-permission-access-denied');
    expect(record.requestParameters).toBeNull();

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([]);
    expect(finding).toMatchObject({
      severity: 'medium',
      public: false,
      outcome: 'failed',
      errorCode: 'AccessDenied',
      remediation: null,
      reasons: ['the call failed (AccessDenied): an attempted share', 'the grants of this call could not all be read'],
      warnings: ['requestParameters.principal is missing', 'requestParameters.functionName is missing'],
    });
  });

  it('skips denied call when failures are off', () => {
    expect(evaluateFixture('lambda', 'function-permission-access-denied', { alertOnFailedCalls: false }).status).toBe('no-grant');
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('lambda', 'function-shared-with-account', { trustedList: trustedList(OUTSIDER) }))).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'partner-invoke', actions: ['lambda:InvokeFunction'], trusted: true },
    ]);
  });

  it("stays quiet for owner's own account", () => {
    expect(quietGrantsOf(evaluate(withRequest({ principal: `arn:aws:iam::${OWNER}:role/invoker` })))).toEqual([
      {
        kind: 'account',
        accountId: OWNER,
        principal: `arn:aws:iam::${OWNER}:role/invoker`,
        label: 'resource owner',
        via: 'partner-invoke',
        actions: ['lambda:InvokeFunction'],
        trusted: true,
      },
    ]);
  });

  it.each([
    ['sourceAccount', { principal: '*', sourceAccount: PARTNER }, { kind: 'account', accountId: PARTNER }],
    ['sourceArn with account', { principal: '*', sourceArn: `arn:aws:sns:us-east-1:${PARTNER}:alerts` }, { kind: 'account', accountId: PARTNER }],
    ['invalid principalOrgID', { principal: '*', principalOrgID: 'o-x' }, { kind: 'public', principal: '*' }],
    ['IAM-authenticated URL', { principal: '*', functionUrlAuthType: 'AWS_IAM' }, { kind: 'public', principal: '*' }],
    ['unrecognised principal', { principal: 'partner-team' }, { kind: 'unknown', principal: 'partner-team', label: 'unrecognised principal' }],
  ])('reads principal with %s', (_name, changes, grant) => {
    const finding = findingOf(evaluate(withRequest(changes)));

    expect(finding.grants).toEqual([{ ...grant, via: 'partner-invoke', actions: ['lambda:InvokeFunction'], trusted: false }]);
  });

  it('keeps the qualifier in the fix', () => {
    const finding = findingOf(evaluate(withRequest({ qualifier: 'live' })));

    expect(finding.remediation).toBe('aws lambda remove-permission --region us-east-1 --function-name invoice-renderer --qualifier live --statement-id partner-invoke');
  });

  it('falls back to get-policy without statement id', () => {
    const record = withRequest({});
    delete (record.requestParameters as { statementId?: string }).statementId;

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'statement', actions: ['lambda:InvokeFunction'], trusted: false }]);
    expect(finding.remediation).toBe('aws lambda get-policy --region us-east-1 --function-name invoice-renderer');
  });

  it('reads the response statement without principal', () => {
    const record = withRequest({});
    delete (record.requestParameters as { principal?: string }).principal;

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:root`,
        via: 'partner-invoke',
        actions: ['lambda:InvokeFunction'],
        trusted: false,
      },
    ]);
    expect(finding.warnings).toBeUndefined();
  });

  it('reads a response statement given as object', () => {
    const record = withRequest({});
    delete (record.requestParameters as { principal?: string }).principal;
    record.responseElements = { statement: { Sid: 'partner-invoke', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction' } };

    expect(findingOf(evaluate(record)).grants).toEqual([
      { kind: 'public', principal: '*', via: 'partner-invoke', actions: ['lambda:InvokeFunction'], trusted: false },
    ]);
  });

  it('warns on unreadable response statement', () => {
    const record = withRequest({});
    delete (record.requestParameters as { principal?: string }).principal;
    record.responseElements = { statement: '{"Sid":"a"},{"Sid":"b"}' };

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['Statement[0]: the statement is not an object']);
  });

  it('builds ARN from partial function ARN', () => {
    const record = withRequest({ functionName: `${OWNER}:function:invoice-renderer` });

    expect(addPermission.extract(record)?.resource.arn).toBe(`arn:aws:lambda:us-east-1:${OWNER}:function:invoice-renderer`);
  });
});

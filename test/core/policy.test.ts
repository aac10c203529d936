import { narrowedAccounts, readConditions, readPolicy } from '../../lambda/core/policy';
import type { GrantSpec } from '../../lambda/core/types';
import { ORGANIZATION, OUTSIDER, OWNER, PARTNER } from '../support/fixtures';

/** Reads one Allow statement for s3:GetObject with the given principal and condition. */
function readStatement(principal: unknown, condition?: unknown): { grants: GrantSpec[]; warnings: string[] } {
  const warnings: string[] = [];
  const statement: Record<string, unknown> = { Sid: 'S1', Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
  if (condition !== undefined) {
    statement.Condition = condition;
  }
  const grants = readPolicy({ Version: '2012-10-17', Statement: [statement] }, warnings);
  return { grants, warnings };
}

const base = { via: 'S1', actions: ['s3:GetObject'] };

describe('readPolicy conditions on star', () => {
  it.each([
    ['no condition', undefined, [{ ...base, kind: 'public', principal: '*' }]],
    ['aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': OUTSIDER } }, [{ ...base, kind: 'account', accountId: OUTSIDER }]],
    ['AWS:SourceAccount', { StringEquals: { 'AWS:SourceAccount': [OUTSIDER, PARTNER] } }, [
      { ...base, kind: 'account', accountId: OUTSIDER },
      { ...base, kind: 'account', accountId: PARTNER },
    ]],
    ['aws:SourceOwner as number', { StringEquals: { 'aws:SourceOwner': 444455556666 } }, [{ ...base, kind: 'account', accountId: OUTSIDER }]],
    ['lowercase operator', { stringequals: { 'aws:sourceaccount': OUTSIDER } }, [{ ...base, kind: 'account', accountId: OUTSIDER }]],
    ['aws:PrincipalArn', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${OUTSIDER}:role/*` } }, [{ ...base, kind: 'account', accountId: OUTSIDER }]],
    ['aws:SourceArn with account', { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${PARTNER}:t` } }, [{ ...base, kind: 'account', accountId: PARTNER }]],
    ['aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } }, [{ ...base, kind: 'organization', organizationId: ORGANIZATION }]],
    ['ForAnyValue org id', { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgID': [ORGANIZATION] } }, [{ ...base, kind: 'organization', organizationId: ORGANIZATION }]],
    ['org path with wildcard tail', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORGANIZATION}/r-ab12/ou-ab12-cd34ef56/*` } }, [
      { ...base, kind: 'organization', organizationId: ORGANIZATION, organizationalUnitId: 'ou-ab12-cd34ef56' },
    ]],
    ['org path to root only', { StringLike: { 'aws:PrincipalOrgPaths': `${ORGANIZATION}/*` } }, [{ ...base, kind: 'organization', organizationId: ORGANIZATION }]],
    ['aws:SourceVpc', { StringEquals: { 'aws:SourceVpc': 'vpc-0a1b2c3d' } }, [{ ...base, kind: 'network', vpcId: ['vpc-0a1b2c3d'] }]],
    ['aws:SourceIp', { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '198.51.100.7/32'] } }, [
      { ...base, kind: 'network', sourceIp: ['192.0.2.0/24', '198.51.100.7/32'] },
    ]],
    ['IfExists on PrincipalAccount', { StringEqualsIfExists: { 'aws:PrincipalAccount': OUTSIDER } }, [{ ...base, kind: 'account', accountId: OUTSIDER }]],
    ['kms:CallerAccount with kms:ViaService', { StringEquals: { 'kms:CallerAccount': OUTSIDER, 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } }, [
      { ...base, kind: 'account', accountId: OUTSIDER },
    ]],
  ])('narrows star by %s', (_name, condition, grants) => {
    const result = readStatement('*', condition);

    expect(result.grants).toEqual(grants);
    expect(result.warnings).toEqual([]);
  });

  it.each([
    ['IfExists on SourceAccount', { StringEqualsIfExists: { 'aws:SourceAccount': OUTSIDER } }],
    ['ForAllValues org id', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': [ORGANIZATION] } }],
    ['negated operator', { StringNotEquals: { 'aws:PrincipalAccount': OWNER } }],
    ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }],
    ['Null operator', { Null: { 'aws:PrincipalOrgID': 'false' } }],
    ['star value', { StringLike: { 'aws:PrincipalAccount': '*' } }],
    ['empty value list', { StringEquals: { 'aws:PrincipalAccount': [] } }],
    ['wildcard account', { StringLike: { 'aws:PrincipalAccount': '4444*' } }],
    ['accountless source ARN', { ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:us-east-1::*' } }],
    ['wildcard org path', { StringLike: { 'aws:PrincipalOrgPaths': 'o-*/r-ab12/*' } }],
    ['unknown key', { StringEquals: { 's3:prefix': 'home/' } }],
    ['sts:ExternalId', { StringEquals: { 'sts:ExternalId': 'shared-secret' } }],
    ['kms:ViaService alone', { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } }],
    ['condition that is not an object', 'aws:PrincipalAccount=444455556666'],
  ])('keeps star public under %s', (_name, condition) => {
    expect(readStatement('*', condition).grants).toEqual([{ ...base, kind: 'public', principal: '*' }]);
  });

  it('prefers accounts over network', () => {
    const grants = readStatement({ AWS: '*' }, { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d', 'aws:PrincipalAccount': OUTSIDER } }).grants;

    expect(grants).toEqual([{ ...base, kind: 'account', accountId: OUTSIDER }]);
  });

  it('narrows ARN with star account', () => {
    expect(readStatement({ AWS: 'arn:aws:iam::*:root' }, { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } }).grants).toEqual([
      { ...base, kind: 'organization', organizationId: ORGANIZATION },
    ]);
  });
});

describe('readPolicy principals', () => {
  it.each([
    ['bare account id string', OUTSIDER, [{ ...base, kind: 'account', accountId: OUTSIDER }]],
    ['AWS list', { AWS: [OUTSIDER, `arn:aws:iam::${PARTNER}:root`] }, [
      { ...base, kind: 'account', accountId: OUTSIDER },
      { ...base, kind: 'account', accountId: PARTNER, principal: `arn:aws:iam::${PARTNER}:root` },
    ]],
    ['lowercase aws key', { aws: OUTSIDER }, [{ ...base, kind: 'account', accountId: OUTSIDER }]],
    ['CanonicalUser', { CanonicalUser: ' c7e3a9f5b1d7 ' }, [{ ...base, kind: 'canonical-user', canonicalUserId: 'c7e3a9f5b1d7' }]],
    ['Federated', { Federated: 'accounts.google.com' }, [{ ...base, kind: 'federated', provider: 'accounts.google.com' }]],
    ['Service star', { Service: '*' }, [{ ...base, kind: 'public', principal: '*' }]],
    ['unknown type', { Partner: 'acme' }, [{ ...base, kind: 'unknown', principal: 'Partner:acme', label: 'unrecognised principal type' }]],
    ['non-string members', { AWS: [7, null, OUTSIDER] }, [{ ...base, kind: 'account', accountId: OUTSIDER }]],
  ])('reads %s', (_name, principal, grants) => {
    expect(readStatement(principal).grants).toEqual(grants);
  });

  it('restricts service by source account and ARN', () => {
    const grants = readStatement(
      { Service: 'logging.s3.amazonaws.com' },
      { StringEquals: { 'aws:SourceAccount': OWNER }, ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::source-bucket' } },
    ).grants;

    expect(grants).toEqual([
      { ...base, kind: 'service', service: 'logging.s3.amazonaws.com', sourceAccount: OWNER, sourceArn: 'arn:aws:s3:::source-bucket' },
      { ...base, kind: 'account', accountId: OWNER, label: 'source account of logging.s3.amazonaws.com' },
    ]);
  });

  it('ignores principal keys when restricting service', () => {
    // aws:PrincipalAccount describes the caller, which for a service principal is the service itself.
    const grants = readStatement({ Service: 'sns.amazonaws.com' }, { StringEquals: { 'aws:PrincipalAccount': OUTSIDER } }).grants;

    expect(grants).toEqual([{ ...base, kind: 'service', service: 'sns.amazonaws.com' }]);
  });

  it('ignores kms:CallerAccount when restricting service', () => {
    const grants = readStatement({ Service: 'cloudtrail.amazonaws.com' }, { StringEquals: { 'kms:CallerAccount': OWNER } }).grants;

    expect(grants).toEqual([{ ...base, kind: 'service', service: 'cloudtrail.amazonaws.com' }]);
  });

  it('joins several source accounts', () => {
    const grants = readStatement({ Service: 'sns.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': [OWNER, PARTNER] } }).grants;

    expect(grants[0]).toEqual({ ...base, kind: 'service', service: 'sns.amazonaws.com', sourceAccount: `${OWNER},${PARTNER}` });
    expect(grants.slice(1).map((grant) => grant.kind === 'account' && grant.accountId)).toEqual([OWNER, PARTNER]);
  });

  it('warns on principal of wrong type', () => {
    const result = readStatement(42);

    expect(result.grants).toEqual([]);
    expect(result.warnings).toEqual(['S1: Principal is not a string or an object']);
  });

  it('reads at most 1000 principals per type', () => {
    const result = readStatement({ AWS: Array.from({ length: 1200 }, () => OUTSIDER) });

    expect(result.grants).toHaveLength(1000);
    expect(result.warnings).toEqual(['S1: only the first 1000 AWS principals were read']);
  });
});

describe('readPolicy statements', () => {
  it('reads Effect case-insensitively', () => {
    const warnings: string[] = [];

    const grants = readPolicy({ Statement: [{ Effect: 'allow', Principal: '*', Action: 's3:GetObject' }] }, warnings);

    expect(grants).toEqual([{ kind: 'public', principal: '*', via: 'Statement[0]', actions: ['s3:GetObject'] }]);
    expect(warnings).toEqual([]);
  });

  it('reads missing Effect as Allow and warns', () => {
    const warnings: string[] = [];

    const grants = readPolicy({ Statement: [{ Sid: 'NoEffect', Principal: '*' }] }, warnings);

    expect(grants).toEqual([{ kind: 'public', principal: '*', via: 'NoEffect' }]);
    expect(warnings).toEqual(['NoEffect: the statement has no Effect and was read as Allow']);
  });

  it('skips Deny statements', () => {
    const warnings: string[] = [];

    expect(readPolicy({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*' }] }, warnings)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('reads NotPrincipal under its conditions', () => {
    const grants = readPolicy(
      { Statement: [{ Sid: 'N', Effect: 'Allow', NotPrincipal: { AWS: OWNER }, Action: 's3:GetObject', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } } }] },
      [],
    );

    expect(grants).toEqual([{ kind: 'organization', organizationId: ORGANIZATION, via: 'N', actions: ['s3:GetObject'] }]);
  });

  it('records NotAction as actions', () => {
    const grants = readPolicy({ Statement: [{ Sid: 'N', Effect: 'Allow', Principal: '*', NotAction: ['s3:DeleteObject'] }] }, []);

    expect(grants).toEqual([{ kind: 'public', principal: '*', via: 'N', actions: ['NotAction s3:DeleteObject'] }]);
  });

  it('keeps at most 20 actions', () => {
    const actions = Array.from({ length: 30 }, (_, index) => `s3:Action${index}`);

    const grants = readPolicy({ Statement: [{ Effect: 'Allow', Principal: '*', Action: actions }] }, []);

    expect(grants[0].actions).toEqual(actions.slice(0, 20));
  });

  it.each([
    ['missing Principal', { Sid: 'P', Effect: 'Allow' }, 'P: the statement has no Principal'],
    ['statement that is a string', 'Allow everyone', 'Statement[0]: the statement is not an object'],
  ])('warns on %s', (_name, statement, warning) => {
    const warnings: string[] = [];

    expect(readPolicy({ Statement: [statement] }, warnings)).toEqual([]);
    expect(warnings).toEqual([warning]);
  });

  it('warns on policy without statements', () => {
    const warnings: string[] = [];

    expect(readPolicy({ Version: '2012-10-17' }, warnings)).toEqual([]);
    expect(warnings).toEqual(['the policy has no Statement']);
  });

  it('reads at most 1000 statements', () => {
    const warnings: string[] = [];
    const statements = Array.from({ length: 1001 }, () => ({ Effect: 'Allow', Principal: { AWS: OUTSIDER } }));

    expect(readPolicy({ Statement: statements }, warnings)).toHaveLength(1000);
    expect(warnings).toEqual(['only the first 1000 of 1001 statements were read']);
  });

  it('keeps at most 1000 grants per policy', () => {
    const warnings: string[] = [];
    const principals = Array.from({ length: 600 }, () => OUTSIDER);
    const statements = Array.from({ length: 5 }, () => ({ Effect: 'Allow', Principal: { AWS: principals } }));

    expect(readPolicy({ Statement: statements }, warnings)).toHaveLength(1000);
    expect(warnings).toEqual(['only the first 1000 grants of the policy were read']);
  });

  it('parses a pretty-printed JSON string', () => {
    const text = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: OUTSIDER } }] }, null, 4);

    expect(readPolicy(`\n  ${text}`, [])).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'Statement[0]' }]);
  });
});

describe('readConditions', () => {
  it('flattens operators and lowercases keys', () => {
    expect(
      readConditions({
        StringEquals: { 'AWS:SourceAccount': OWNER, 'aws:SourceVpce': ['vpce-0a1b2c3d', 5, true, { nested: 1 }] },
        Bool: { 'aws:SecureTransport': false },
        Ignored: 'not an object',
      }),
    ).toEqual([
      { operator: 'StringEquals', key: 'aws:sourceaccount', values: [OWNER] },
      { operator: 'StringEquals', key: 'aws:sourcevpce', values: ['vpce-0a1b2c3d', '5', 'true'] },
      { operator: 'Bool', key: 'aws:securetransport', values: ['false'] },
    ]);
  });

  it('returns nothing for a non-object', () => {
    expect(readConditions(['StringEquals'])).toEqual([]);
  });
});

describe('narrowedAccounts', () => {
  it('returns the first narrowing key with accounts', () => {
    const conditions = readConditions({ StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d', 'aws:SourceAccount': OUTSIDER } });

    expect(narrowedAccounts(conditions)).toEqual([OUTSIDER]);
  });

  it('deduplicates ARN accounts', () => {
    const conditions = readConditions({ ArnLike: { 'aws:SourceArn': [`arn:aws:sns:us-east-1:${OUTSIDER}:a`, `arn:aws:sns:eu-west-1:${OUTSIDER}:b`] } });

    expect(narrowedAccounts(conditions)).toEqual([OUTSIDER]);
  });

  it('returns undefined when any value is no account', () => {
    expect(narrowedAccounts(readConditions({ StringEquals: { 'aws:SourceAccount': [OUTSIDER, 'partner'] } }))).toBeUndefined();
  });
});

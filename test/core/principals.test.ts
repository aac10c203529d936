import {
  arnAccount,
  awsOwnedAccountLabel,
  isAccountId,
  isOrganizationalUnitId,
  isOrganizationId,
  isServicePrincipal,
  parseArn,
  parseAwsPrincipal,
  parseFederatedPrincipal,
  parseListedPrincipal,
  parseOrganizationArn,
  parsePlainPrincipal,
  parseServicePrincipal,
} from '../../lambda/core/principals';
import { ORGANIZATION, OUTSIDER, OWNER } from '../support/fixtures';

describe('parseAwsPrincipal', () => {
  it.each([
    ['star', '*', { kind: 'public', principal: '*' }],
    ['star with spaces', ' * ', { kind: 'public', principal: '*' }],
    ['account id', OUTSIDER, { kind: 'account', accountId: OUTSIDER }],
    ['root ARN', `arn:aws:iam::${OUTSIDER}:root`, { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root` }],
    ['role ARN', `arn:aws:iam::${OUTSIDER}:role/etl`, { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:role/etl` }],
    [
      'assumed-role ARN',
      `arn:aws:sts::${OUTSIDER}:assumed-role/etl/session`,
      { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:sts::${OUTSIDER}:assumed-role/etl/session` },
    ],
    ['GovCloud ARN', `arn:aws-us-gov:iam::${OUTSIDER}:root`, { kind: 'account', accountId: OUTSIDER, principal: `arn:aws-us-gov:iam::${OUTSIDER}:root` }],
    ['ARN with star account', 'arn:aws:iam::*:root', { kind: 'public', principal: 'arn:aws:iam::*:root' }],
    [
      'CloudFront OAI',
      'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E3EXAMPLEOAI7Q',
      { kind: 'aws-owned', principal: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E3EXAMPLEOAI7Q', label: 'CloudFront origin access identity' },
    ],
    ['role unique id', 'AROA4EXAMPLEDELETED7Z', { kind: 'deleted-principal', principalId: 'AROA4EXAMPLEDELETED7Z', label: 'unique id of a deleted IAM principal' }],
    ['user unique id', 'AIDA4EXAMPLEUSER3HJ8P', { kind: 'deleted-principal', principalId: 'AIDA4EXAMPLEUSER3HJ8P', label: 'unique id of a deleted IAM principal' }],
    ['access key id', 'AKIA4EXAMPLEW2N6VX0C', { kind: 'unknown', principal: 'AKIA4EXAMPLEW2N6VX0C', label: 'unrecognised principal' }],
    ['ELB log delivery id', '127311923021', { kind: 'aws-owned', principal: '127311923021', label: 'Elastic Load Balancing log delivery (us-east-1)' }],
    [
      'ELB log delivery ARN',
      'arn:aws:iam::054676820928:root',
      { kind: 'aws-owned', principal: 'arn:aws:iam::054676820928:root', label: 'Elastic Load Balancing log delivery (eu-central-1)' },
    ],
    ['11 digits', '44445555666', { kind: 'unknown', principal: '44445555666', label: 'unrecognised principal' }],
    ['ARN without account', 'arn:aws:s3:::bucket', { kind: 'unknown', principal: 'arn:aws:s3:::bucket', label: 'unrecognised principal' }],
    ['empty string', '', { kind: 'unknown', principal: '', label: 'unrecognised principal' }],
  ])('reads %s', (_name, value, grant) => {
    expect(parseAwsPrincipal(value)).toEqual(grant);
  });

  it('bounds a very long principal', () => {
    const grant = parseAwsPrincipal(`arn:aws:iam::${OUTSIDER}:role/${'x'.repeat(5000)}`);

    expect(grant).toMatchObject({ kind: 'account', accountId: OUTSIDER });
    expect(grant.kind === 'account' && grant.principal).toMatch(/…\[\d+ more characters\]$/);
  });
});

describe('parsePlainPrincipal', () => {
  it.each([
    ['S3 service', 's3.amazonaws.com', { kind: 'service', service: 's3.amazonaws.com' }],
    ['Alexa service', 'alexa-appkit.amazon.com', { kind: 'service', service: 'alexa-appkit.amazon.com' }],
    ['regional service', 'logs.eu-west-1.amazonaws.com', { kind: 'service', service: 'logs.eu-west-1.amazonaws.com' }],
    ['China partition service', 'lambda.amazonaws.com.cn', { kind: 'service', service: 'lambda.amazonaws.com.cn' }],
    ['account id', OUTSIDER, { kind: 'account', accountId: OUTSIDER }],
    ['star', '*', { kind: 'public', principal: '*' }],
    ['host of another domain', 'evil.example.com', { kind: 'unknown', principal: 'evil.example.com', label: 'unrecognised principal' }],
  ])('reads %s', (_name, value, grant) => {
    expect(parsePlainPrincipal(value)).toEqual(grant);
  });
});

describe('parseListedPrincipal', () => {
  const organizationArn = `arn:aws:organizations::${OWNER}:organization/${ORGANIZATION}`;
  const unitArn = `arn:aws:organizations::${OWNER}:ou/${ORGANIZATION}/ou-ab12-cd34ef56`;

  it.each([
    ['organization ARN', organizationArn, { kind: 'organization', organizationId: ORGANIZATION, principal: organizationArn }],
    ['OU ARN', unitArn, { kind: 'organization', organizationId: ORGANIZATION, organizationalUnitId: 'ou-ab12-cd34ef56', principal: unitArn }],
    [
      'account ARN of Organizations',
      `arn:aws:organizations::${OWNER}:account/${ORGANIZATION}/${OUTSIDER}`,
      {
        kind: 'unknown',
        principal: `arn:aws:organizations::${OWNER}:account/${ORGANIZATION}/${OUTSIDER}`,
        label: 'AWS Organizations ARN that is not an organization or OU',
      },
    ],
    ['role ARN', `arn:aws:iam::${OUTSIDER}:role/reader`, { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:role/reader` }],
    ['account id with spaces', ` ${OUTSIDER} `, { kind: 'account', accountId: OUTSIDER }],
    ['service principal', 'ec2.amazonaws.com', { kind: 'service', service: 'ec2.amazonaws.com' }],
    ['star', '*', { kind: 'public', principal: '*' }],
  ])('reads %s', (_name, value, grant) => {
    expect(parseListedPrincipal(value)).toEqual(grant);
  });
});

describe('parseServicePrincipal', () => {
  it('reads a service name', () => {
    expect(parseServicePrincipal(' cloudtrail.amazonaws.com ')).toEqual({ kind: 'service', service: 'cloudtrail.amazonaws.com' });
  });

  it('reads star as public', () => {
    expect(parseServicePrincipal('*')).toEqual({ kind: 'public', principal: '*' });
  });
});

describe('parseFederatedPrincipal', () => {
  it('reads account of a SAML provider', () => {
    expect(parseFederatedPrincipal(`arn:aws:iam::${OUTSIDER}:saml-provider/corp-idp`)).toEqual({
      kind: 'federated',
      provider: `arn:aws:iam::${OUTSIDER}:saml-provider/corp-idp`,
      accountId: OUTSIDER,
    });
  });

  it('reads a web identity provider name', () => {
    expect(parseFederatedPrincipal('cognito-identity.amazonaws.com')).toEqual({ kind: 'federated', provider: 'cognito-identity.amazonaws.com' });
  });
});

describe('parseArn', () => {
  it('splits every field', () => {
    expect(parseArn('arn:aws:lambda:us-east-1:111122223333:function:orders:live')).toEqual({
      partition: 'aws',
      service: 'lambda',
      region: 'us-east-1',
      account: OWNER,
      resource: 'function:orders:live',
    });
  });

  it('keeps empty fields empty', () => {
    expect(parseArn('arn:aws:execute-api:us-east-1::*')).toEqual({ partition: 'aws', service: 'execute-api', region: 'us-east-1', account: '', resource: '*' });
  });

  it.each([['not-an-arn'], ['arn:aws:s3'], ['']])('rejects %j', (value) => {
    expect(parseArn(value)).toBeUndefined();
  });
});

describe('arnAccount', () => {
  it.each([
    [`arn:aws:iam::${OUTSIDER}:root`, OUTSIDER],
    ['arn:aws:execute-api:us-east-1::*', undefined],
    ['arn:aws:sns:us-east-1:*:topic', undefined],
    ['arn:aws:iam::cloudfront:user/x', undefined],
    ['arn:aws:s3:::bucket', undefined],
  ])('reads %s', (value, account) => {
    expect(arnAccount(value)).toBe(account);
  });
});

describe('parseOrganizationArn', () => {
  it('reads organization ARN', () => {
    expect(parseOrganizationArn(`arn:aws:organizations::${OWNER}:organization/${ORGANIZATION}`)).toEqual({ organizationId: ORGANIZATION });
  });

  it('reads OU ARN', () => {
    expect(parseOrganizationArn(`arn:aws:organizations::${OWNER}:ou/${ORGANIZATION}/ou-ab12-cd34ef56`)).toEqual({
      organizationId: ORGANIZATION,
      organizationalUnitId: 'ou-ab12-cd34ef56',
    });
  });

  it.each([
    ['bare organization id', ORGANIZATION],
    ['account ARN', `arn:aws:iam::${OWNER}:root`],
    ['OU ARN with trailing path', `arn:aws:organizations::${OWNER}:ou/${ORGANIZATION}/ou-ab12-cd34ef56/extra`],
  ])('rejects %s', (_name, value) => {
    expect(parseOrganizationArn(value)).toBeUndefined();
  });
});

describe('id formats', () => {
  it.each([
    [OUTSIDER, true],
    ['044455556666', true],
    ['4444555566667', false],
    ['4444-5555-6666', false],
  ])('isAccountId(%s) is %s', (value, expected) => {
    expect(isAccountId(value)).toBe(expected);
  });

  it.each([
    [ORGANIZATION, true],
    ['o-abc', false],
    ['o-A1B2C3D4E5', false],
  ])('isOrganizationId(%s) is %s', (value, expected) => {
    expect(isOrganizationId(value)).toBe(expected);
  });

  it.each([
    ['ou-ab12-cd34ef56', true],
    ['ou-ab12-cd34', false],
    ['r-ab12', false],
  ])('isOrganizationalUnitId(%s) is %s', (value, expected) => {
    expect(isOrganizationalUnitId(value)).toBe(expected);
  });

  it.each([
    ['s3.amazonaws.com', true],
    ['S3.AMAZONAWS.COM', true],
    ['alexa-appkit.amazon.com', true],
    ['amazonaws.com', false],
    ['s3.amazonaws.com.evil.example', false],
    [OUTSIDER, false],
  ])('isServicePrincipal(%s) is %s', (value, expected) => {
    expect(isServicePrincipal(value)).toBe(expected);
  });
});

describe('awsOwnedAccountLabel', () => {
  it('names an ELB log delivery account', () => {
    expect(awsOwnedAccountLabel('797873946194')).toBe('Elastic Load Balancing log delivery (us-west-2)');
  });

  it('returns nothing for a customer account', () => {
    expect(awsOwnedAccountLabel(OUTSIDER)).toBeUndefined();
  });
});

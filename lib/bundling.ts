/**
 * Modules left out of the Lambda bundle. They are the AWS SDK's credential providers for profiles,
 * SSO and web identity, which the default provider chain loads only when no credentials are in the
 * environment; Lambda always sets them there. If one were needed, the Node.js runtime's own copy of
 * the SDK would be loaded. Leaving them out takes about 90 KB off the bundle.
 */
export const LAMBDA_EXTERNAL_MODULES: readonly string[] = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
];

// Every test runs with fake credentials, no instance metadata lookups, and quiet function logs.
// A test that talks to the emulator sets AWS_ENDPOINT_URL itself; without it no AWS client should be reached.
// Settings from the developer's shell that could send requests elsewhere are removed first.
for (const name of Object.keys(process.env)) {
  if (name.startsWith('AWS_ENDPOINT_URL') || name === 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS' || name === 'AWS_PROFILE' || name === 'AWS_DEFAULT_PROFILE') {
    delete process.env[name];
  }
}
process.env.AWS_CONFIG_FILE = '/nonexistent/share-sentinel-test/config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/share-sentinel-test/credentials';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_SESSION_TOKEN = 'testing';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_DEFAULT_REGION = 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

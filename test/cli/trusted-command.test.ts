/**
 * `share-sentinel trusted` against a mocked SSM client: output, the rules for edits, error
 * messages and exit status. The integration tests run the same command against moto_server.
 */
import { GetParameterCommand, ParameterAlreadyExists, ParameterNotFound, PutParameterCommand, SSMClient, type PutParameterCommandInput } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { createSsmClient, DEFAULT_TRUSTED_PARAMETER } from '../../bin/cli/trusted-command';
import { MAIN_USAGE, TRUSTED_USAGE } from '../../bin/cli/usage';
import { freePort } from '../support/moto';
import { runMain } from './harness';

const ssm = mockClient(SSMClient);
const PARAMETER = DEFAULT_TRUSTED_PARAMETER;
const OWNER = '111122223333';
const OTHER = '444455556666';
const THIRD = '777788889999';
const ORGANIZATION = 'o-a1b2c3d4e5';
const OU = 'ou-ab12-cdef3456';
const VPC_ENDPOINT = 'vpce-0a1b2c3d4e5f60718';
const VPC = 'vpc-0a1b2c3d';

const savedEnv = { ...process.env };

beforeAll(async () => {
  // No request should leave the mock, but if one did it would go to a closed loopback port. An
  // SSM-specific endpoint, or the setting that ignores endpoint variables, would send it elsewhere.
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${await freePort()}`;
  delete process.env.AWS_ENDPOINT_URL_SSM;
  delete process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
});

afterAll(() => {
  for (const name of Object.keys(process.env)) {
    if (!(name in savedEnv)) {
      delete process.env[name];
    }
  }
  Object.assign(process.env, savedEnv);
  ssm.restore();
});

beforeEach(() => {
  ssm.reset();
});

function storeParameter(value: string, type: 'String' | 'StringList' | 'SecureString' = 'StringList', version = 3): void {
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: type, Value: value, Version: version } });
}

function storeNoParameter(): void {
  ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: `Parameter ${PARAMETER} not found.`, $metadata: {} }));
}

function acceptWrites(version = 4): void {
  ssm.on(PutParameterCommand).resolves({ Version: version });
}

function writes(): PutParameterCommandInput[] {
  return ssm.commandCalls(PutParameterCommand).map((call) => call.args[0].input);
}

function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('trusted list', () => {
  test('prints ids, kinds and parameter details', async () => {
    storeParameter(`${OWNER},${ORGANIZATION},${OU},${VPC_ENDPOINT},${VPC}`);

    const result = await runMain(['trusted', 'list']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${PARAMETER}: StringList, list format, version 3, 5 ids`);
    // Ids are padded to the longest, the VPC endpoint id with 22 characters.
    expect(lines.slice(1)).toEqual([
      `${OWNER.padEnd(22)}  account`,
      `${ORGANIZATION.padEnd(22)}  organization`,
      `${OU.padEnd(22)}  organizational-unit`,
      `${VPC_ENDPOINT}  vpc-endpoint`,
      `${VPC.padEnd(22)}  vpc`,
    ]);
  });

  test('prints labels of the JSON format', async () => {
    storeParameter(JSON.stringify({ [OWNER]: 'Security tooling', [OTHER]: '' }), 'String', 7);

    const result = await runMain(['trusted', 'list']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${PARAMETER}: String, json format, version 7, 2 ids\n`);
    expect(result.stdout).toContain(`${OWNER}  account  "Security tooling"\n`);
    expect(result.stdout).toContain(`${OTHER}  account\n`);
  });

  test('quotes labels with control characters', async () => {
    storeParameter(JSON.stringify({ [OWNER]: 'red \u001b[31m text' }), 'String');

    const result = await runMain(['trusted', 'list']);

    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain('"red \\u001b[31m text"');
  });

  test('reports malformed entries by value', async () => {
    storeParameter(`${OWNER},12345,not-an-id`, 'String');

    const result = await runMain(['trusted', 'list']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${PARAMETER}: String, list format, version 3, 1 id, 2 malformed entries\n`);
    expect(result.stdout).toContain(`${OWNER}  account\n`);
    expect(result.stderr).toContain('malformed entry "12345"');
    expect(result.stderr).toContain('malformed entry "not-an-id"');
    expect(result.stderr).toContain('expected one of: account (12 digits)');
  });

  test('reports invalid JSON', async () => {
    storeParameter(`{"${OWNER}": "Security tooling",}`, 'String');

    const result = await runMain(['trusted', 'list']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('json format, version 3, 0 ids, 1 malformed entry');
    expect(result.stderr).toContain('not valid JSON');
  });

  test('missing parameter names it', async () => {
    storeNoParameter();

    const result = await runMain(['trusted', 'list', '--parameter', '/team/trusted']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('parameter /team/trusted not found in region us-east-1');
    expect(result.stderr).toContain('share-sentinel trusted add ID');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('SecureString parameter is rejected', async () => {
    storeParameter('kms:alias/aws/ssm:111122223333', 'SecureString');

    const result = await runMain(['trusted', 'list']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`parameter ${PARAMETER} is a SecureString`);
    expect(result.stderr).toContain('StringList or String');
  });

  test('accepts a parameter ARN', async () => {
    storeParameter(OWNER);
    const arn = `arn:aws:ssm:us-east-1:${OTHER}:parameter/share-sentinel/trusted-accounts`;

    const result = await runMain(['trusted', 'list', '--parameter', arn]);

    expect(result.code).toBe(0);
    expect(ssm.commandCalls(GetParameterCommand)[0].args[0].input.Name).toBe(arn);
  });
});

describe('trusted check', () => {
  test('trusted id prints its label', async () => {
    storeParameter(JSON.stringify({ [ORGANIZATION]: 'Example organization' }), 'String');

    const result = await runMain(['trusted', 'check', ORGANIZATION]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`trusted: ${ORGANIZATION} (organization, label "Example organization") is on the list in ${PARAMETER} (version 3)\n`);
  });

  test('absent id is not trusted', async () => {
    storeParameter(OWNER);

    const result = await runMain(['trusted', 'check', OTHER]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`not trusted: ${OTHER} is not on the list in ${PARAMETER} (version 3)\n`);
  });

  test('organization on the list does not cover an OU', async () => {
    storeParameter(ORGANIZATION);

    const result = await runMain(['trusted', 'check', OU]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`not trusted: ${OU}`);
  });

  test('warns about malformed entries', async () => {
    storeParameter(`${OWNER},bad-entry`, 'String');

    const result = await runMain(['trusted', 'check', OWNER]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('malformed entry "bad-entry"');
  });

  test('invalid id is a usage error', async () => {
    const result = await runMain(['trusted', 'check', '1111-2222-3333']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid id "1111-2222-3333"');
    expect(ssm.calls()).toHaveLength(0);
  });

  test('missing parameter is exit 1', async () => {
    storeNoParameter();

    const result = await runMain(['trusted', 'check', OWNER]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`parameter ${PARAMETER} not found`);
  });
});

describe('trusted add', () => {
  test('adds to a StringList', async () => {
    storeParameter(`${OWNER},${OTHER}`);
    acceptWrites(4);

    const result = await runMain(['trusted', 'add', THIRD]);

    expect(result.code).toBe(0);
    expect(writes()).toEqual([{ Name: PARAMETER, Value: `${OWNER},${OTHER},${THIRD}`, Type: 'StringList', Overwrite: true }]);
    expect(result.stdout).toBe(
      `Added ${THIRD} (account) to ${PARAMETER}.\n` +
        '  before: 2 ids, version 3 (StringList, list format)\n' +
        '  after:  3 ids, version 4 (StringList, list format)\n',
    );
    expect(result.stderr).toBe('');
  });

  test('comma-separated String stays String', async () => {
    storeParameter(`${OWNER}, ${OTHER}`, 'String');
    acceptWrites(4);

    const result = await runMain(['trusted', 'add', VPC]);

    expect(result.code).toBe(0);
    expect(writes()[0].Type).toBe('String');
    expect(writes()[0].Value).toBe(`${OWNER},${OTHER},${VPC}`);
  });

  test('one id per line stays one per line', async () => {
    storeParameter(`${OWNER}\n${OTHER}\n`, 'String');
    acceptWrites(4);

    const result = await runMain(['trusted', 'add', THIRD]);

    expect(result.code).toBe(0);
    expect(writes()[0].Value).toBe(`${OWNER}\n${OTHER}\n${THIRD}`);
  });

  test('JSON keeps labels and adds one', async () => {
    storeParameter(JSON.stringify({ [OWNER]: 'Security tooling', [OTHER]: '' }), 'String');
    acceptWrites(4);

    const result = await runMain(['trusted', 'add', ORGANIZATION, '--label', 'Example organization']);

    expect(result.code).toBe(0);
    expect(writes()[0].Type).toBe('String');
    expect(JSON.parse(writes()[0].Value ?? '')).toEqual({ [OWNER]: 'Security tooling', [OTHER]: '', [ORGANIZATION]: 'Example organization' });
    expect(result.stdout).toContain(`Added ${ORGANIZATION} (organization, label "Example organization") to ${PARAMETER}.`);
    expect(result.stdout).toContain('before: 2 ids, version 3 (String, json format)');
    expect(result.stdout).toContain('after:  3 ids, version 4 (String, json format)');
  });

  test('JSON keeps labels longer than the display limit', async () => {
    const longLabel = 'x'.repeat(200);
    storeParameter(JSON.stringify({ [OWNER]: longLabel }), 'String');
    acceptWrites(4);

    const result = await runMain(['trusted', 'add', OTHER]);

    expect(result.code).toBe(0);
    expect(JSON.parse(writes()[0].Value ?? '')).toEqual({ [OWNER]: longLabel, [OTHER]: '' });
  });

  test('JSON in a StringList keeps its type', async () => {
    storeParameter(JSON.stringify({ [OWNER]: 'Security tooling' }), 'StringList');
    acceptWrites(4);

    const result = await runMain(['trusted', 'add', OTHER]);

    expect(result.code).toBe(0);
    expect(writes()[0].Type).toBe('StringList');
  });

  test('duplicate id writes nothing', async () => {
    storeParameter(JSON.stringify({ [OWNER]: 'Security tooling' }), 'String');

    const result = await runMain(['trusted', 'add', OWNER]);

    expect(result.code).toBe(0);
    expect(writes()).toHaveLength(0);
    expect(result.stdout).toBe(`${OWNER} (account, label "Security tooling") is already on the list in ${PARAMETER} (version 3); nothing changed\n`);
  });

  test('duplicate id with the same label writes nothing', async () => {
    storeParameter(JSON.stringify({ [OWNER]: 'Security tooling' }), 'String');

    const result = await runMain(['trusted', 'add', OWNER, '--label', 'Security tooling']);

    expect(result.code).toBe(0);
    expect(writes()).toHaveLength(0);
    expect(result.stdout).toContain('nothing changed');
  });

  test('new label for a present id', async () => {
    storeParameter(JSON.stringify({ [OWNER]: 'Old name', [OTHER]: 'Partner' }), 'String');
    acceptWrites(4);

    const result = await runMain(['trusted', 'add', OWNER, '--label', 'Security tooling']);

    expect(result.code).toBe(0);
    expect(JSON.parse(writes()[0].Value ?? '')).toEqual({ [OWNER]: 'Security tooling', [OTHER]: 'Partner' });
    expect(result.stdout).toContain(`Changed the label of ${OWNER} in ${PARAMETER} from "Old name" to "Security tooling".`);
    expect(result.stdout).toContain('after:  2 ids, version 4');
  });

  test('label on list format needs --json', async () => {
    storeParameter(OWNER);

    const result = await runMain(['trusted', 'add', OTHER, '--label', 'Partner']);

    expect(result.code).toBe(2);
    expect(writes()).toHaveLength(0);
    expect(result.stderr).toContain('labels need the JSON format');
    expect(result.stderr).toContain('add --json');
  });

  test('--json converts a StringList to JSON', async () => {
    storeParameter(`${OWNER},${OTHER}`);
    acceptWrites(4);

    const result = await runMain(['trusted', 'add', THIRD, '--label', 'Partner', '--json']);

    expect(result.code).toBe(0);
    expect(writes()[0].Type).toBe('String');
    expect(JSON.parse(writes()[0].Value ?? '')).toEqual({ [OWNER]: '', [OTHER]: '', [THIRD]: 'Partner' });
    expect(result.stdout).toContain('Converted the parameter from StringList in the list format to String in the JSON format.');
    expect(result.stdout).toContain('before: 2 ids, version 3 (StringList, list format)');
    expect(result.stdout).toContain('after:  3 ids, version 4 (String, json format)');
  });

  test('--json converts with a present id', async () => {
    storeParameter(OWNER);
    acceptWrites(4);

    const result = await runMain(['trusted', 'add', OWNER, '--json']);

    expect(result.code).toBe(0);
    expect(writes()[0]).toEqual({ Name: PARAMETER, Value: JSON.stringify({ [OWNER]: '' }, null, 2), Type: 'String', Overwrite: true });
  });

  test('invalid id touches nothing', async () => {
    const result = await runMain(['trusted', 'add', '11112222333']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid id "11112222333": expected one of: account (12 digits)');
    expect(result.stderr).toContain('vpc (vpc- followed by 8 or 17 hex digits)');
    expect(ssm.calls()).toHaveLength(0);
  });

  test('two ids in one argument are invalid', async () => {
    const result = await runMain(['trusted', 'add', `${OWNER},${OTHER}`]);

    expect(result.code).toBe(2);
    expect(ssm.calls()).toHaveLength(0);
  });

  test.each([
    ['too long', 'x'.repeat(129), 'has 129 characters, and the maximum is 128'],
    ['line break', 'two\nlines', 'contains control characters or line breaks'],
  ])('label %s is rejected', async (_case, label, message) => {
    const result = await runMain(['trusted', 'add', OWNER, '--label', label]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(ssm.calls()).toHaveLength(0);
  });

  test('malformed entries block the write', async () => {
    storeParameter(`${OWNER},12345,${OTHER}`, 'String');

    const result = await runMain(['trusted', 'add', THIRD]);

    expect(result.code).toBe(1);
    expect(writes()).toHaveLength(0);
    expect(result.stderr).toContain('contains 1 malformed entry, so it was not changed');
    expect(result.stderr).toContain('"12345": not a valid id');
    expect(result.stdout).toBe('');
  });

  test('invalid JSON blocks the write', async () => {
    storeParameter(`{"${OWNER}": "Security tooling"`, 'String');

    const result = await runMain(['trusted', 'add', THIRD]);

    expect(result.code).toBe(1);
    expect(writes()).toHaveLength(0);
    expect(result.stderr).toContain('not valid JSON');
  });

  test('non-string JSON label blocks the write', async () => {
    storeParameter(`{"${OWNER}": 42}`, 'String');

    const result = await runMain(['trusted', 'add', THIRD]);

    expect(result.code).toBe(1);
    expect(writes()).toHaveLength(0);
    expect(result.stderr).toContain(`"${OWNER}": the label is not a string`);
  });

  test('comments block the write', async () => {
    storeParameter(`# security tooling\n${OWNER}\n${OTHER} # partner\n`, 'String');

    const result = await runMain(['trusted', 'add', THIRD]);

    expect(result.code).toBe(1);
    expect(writes()).toHaveLength(0);
    expect(result.stderr).toContain('contains # comments, which a rewrite would drop');
  });

  test('missing parameter is created as a StringList', async () => {
    storeNoParameter();
    acceptWrites(1);

    const result = await runMain(['trusted', 'add', OWNER]);

    expect(result.code).toBe(0);
    expect(writes()).toEqual([{ Name: PARAMETER, Value: OWNER, Type: 'StringList', Overwrite: false }]);
    expect(result.stdout).toBe(`Created parameter ${PARAMETER} with ${OWNER} (account).\n  after: 1 id, version 1 (StringList, list format)\n`);
  });

  test('missing parameter with a label is created as JSON', async () => {
    storeNoParameter();
    acceptWrites(1);

    const result = await runMain(['trusted', 'add', OWNER, '--label', 'Security tooling']);

    expect(result.code).toBe(0);
    expect(writes()[0].Type).toBe('String');
    expect(JSON.parse(writes()[0].Value ?? '')).toEqual({ [OWNER]: 'Security tooling' });
  });

  test('parameter created by another writer', async () => {
    storeNoParameter();
    ssm.on(PutParameterCommand).rejects(new ParameterAlreadyExists({ message: 'The parameter already exists.', $metadata: {} }));

    const result = await runMain(['trusted', 'add', OWNER]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`parameter ${PARAMETER} was created by another writer while this command ran, so nothing was written`);
  });

  test('concurrent write is reported', async () => {
    storeParameter(OWNER);
    acceptWrites(5);

    const result = await runMain(['trusted', 'add', OTHER]);

    expect(result.code).toBe(1);
    expect(writes()).toHaveLength(1);
    expect(result.stdout).toContain('after:  2 ids, version 5');
    expect(result.stderr).toContain(`parameter ${PARAMETER} went from version 3 to 5, not 4, so another writer changed it at the same time`);
  });

  test('write without a version is reported', async () => {
    storeParameter(OWNER);
    ssm.on(PutParameterCommand).resolves({});

    const result = await runMain(['trusted', 'add', OTHER]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('went from version 3 to an unknown version');
  });

  test('access denied on write names the permission', async () => {
    storeParameter(OWNER);
    ssm.on(PutParameterCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform: ssm:PutParameter'));

    const result = await runMain(['trusted', 'add', OTHER]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `share-sentinel trusted: access denied writing parameter ${PARAMETER}: the caller needs ssm:PutParameter on it; use a profile or role that has it (AWS_PROFILE)\n`,
    );
  });

  test('parameter ARN is rejected for writes', async () => {
    const result = await runMain(['trusted', 'add', OWNER, '--parameter', `arn:aws:ssm:us-east-1:${OTHER}:parameter/trusted`]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PutParameter takes a parameter name, not an ARN');
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('trusted remove', () => {
  test('removes from a StringList', async () => {
    storeParameter(`${OWNER},${OTHER},${THIRD}`);
    acceptWrites(4);

    const result = await runMain(['trusted', 'remove', OTHER]);

    expect(result.code).toBe(0);
    expect(writes()).toEqual([{ Name: PARAMETER, Value: `${OWNER},${THIRD}`, Type: 'StringList', Overwrite: true }]);
    expect(result.stdout).toBe(
      `Removed ${OTHER} (account) from ${PARAMETER}.\n` +
        '  before: 3 ids, version 3 (StringList, list format)\n' +
        '  after:  2 ids, version 4 (StringList, list format)\n',
    );
  });

  test('JSON keeps the other labels', async () => {
    storeParameter(JSON.stringify({ [OWNER]: 'Security tooling', [OTHER]: 'Partner' }), 'String');
    acceptWrites(4);

    const result = await runMain(['trusted', 'remove', OTHER]);

    expect(result.code).toBe(0);
    expect(writes()[0].Type).toBe('String');
    expect(JSON.parse(writes()[0].Value ?? '')).toEqual({ [OWNER]: 'Security tooling' });
    expect(result.stdout).toContain(`Removed ${OTHER} (account, label "Partner") from ${PARAMETER}.`);
  });

  test('absent id writes nothing', async () => {
    storeParameter(OWNER);

    const result = await runMain(['trusted', 'remove', OTHER]);

    expect(result.code).toBe(0);
    expect(writes()).toHaveLength(0);
    expect(result.stdout).toBe(`${OTHER} is not on the list in ${PARAMETER} (version 3); nothing changed\n`);
  });

  test('last id of a list is kept', async () => {
    storeParameter(OWNER);

    const result = await runMain(['trusted', 'remove', OWNER]);

    expect(result.code).toBe(1);
    expect(writes()).toHaveLength(0);
    expect(result.stderr).toContain('SSM cannot store an empty value, so nothing changed');
    expect(result.stderr).toContain(`share-sentinel trusted add ${OWNER} --json`);
  });

  test('last id of a JSON list leaves {}', async () => {
    storeParameter(JSON.stringify({ [OWNER]: 'Security tooling' }), 'String');
    acceptWrites(4);

    const result = await runMain(['trusted', 'remove', OWNER]);

    expect(result.code).toBe(0);
    expect(writes()[0].Value).toBe('{}');
    expect(result.stdout).toContain('after:  0 ids, version 4');
  });

  test('malformed entries block the write', async () => {
    storeParameter(`${OWNER},${OTHER},vpc-xyz`, 'String');

    const result = await runMain(['trusted', 'remove', OTHER]);

    expect(result.code).toBe(1);
    expect(writes()).toHaveLength(0);
    expect(result.stderr).toContain('"vpc-xyz": not a valid id');
  });

  test('missing parameter is exit 1', async () => {
    storeNoParameter();

    const result = await runMain(['trusted', 'remove', OWNER]);

    expect(result.code).toBe(1);
    expect(writes()).toHaveLength(0);
    expect(result.stderr).toContain(`parameter ${PARAMETER} not found`);
  });
});

describe('trusted AWS errors', () => {
  test.each([
    ['access denied', awsError('AccessDeniedException', 'User is not authorized to perform: ssm:GetParameter'), `access denied reading parameter ${PARAMETER}: the caller needs ssm:GetParameter on it`],
    ['no credentials', awsError('CredentialsProviderError', 'Could not load credentials from any providers'), `no AWS credentials found for reading parameter ${PARAMETER}: set AWS_PROFILE`],
    ['invalid token', awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'), `AWS rejected the credentials for reading parameter ${PARAMETER} (UnrecognizedClientException)`],
    ['expired token', awsError('ExpiredTokenException', 'The security token included in the request is expired'), 'AWS rejected the credentials'],
    ['no region', awsError('Error', 'Region is missing'), `no AWS region is set for reading parameter ${PARAMETER}: set AWS_REGION`],
    ['other error', awsError('ThrottlingException', 'Rate exceeded'), `GetParameter on parameter ${PARAMETER} failed: ThrottlingException: Rate exceeded`],
  ])('%s is one line naming the fix', async (_case, error, message) => {
    ssm.on(GetParameterCommand).rejects(error);

    const result = await runMain(['trusted', 'list']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('unreachable endpoint names it without its password', async () => {
    const savedEndpoint = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = 'http://operator:endpoint-password@127.0.0.1:1';
    const connectionRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    ssm.on(GetParameterCommand).rejects(connectionRefused);
    try {
      const result = await runMain(['trusted', 'check', OWNER]);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`could not reach http://127.0.0.1:1 for reading parameter ${PARAMETER} (ECONNREFUSED): check AWS_ENDPOINT_URL`);
      expect(result.stderr).not.toContain('endpoint-password');
      expect(result.stderr).not.toContain('operator');
    } finally {
      process.env.AWS_ENDPOINT_URL = savedEndpoint;
    }
  });

  test('unreachable endpoint on write', async () => {
    storeParameter(OWNER);
    ssm.on(PutParameterCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

    const result = await runMain(['trusted', 'add', OTHER]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(ECONNRESET)');
    expect(result.stderr).toContain('to see whether the change was saved');
  });

  test('output never contains the credentials', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret-for-output-check';
    process.env.AWS_SESSION_TOKEN = 'fake-token-for-output-check';
    try {
      for (const error of [awsError('AccessDeniedException', 'denied'), awsError('UnrecognizedClientException', 'invalid token')]) {
        ssm.reset();
        ssm.on(GetParameterCommand).rejects(error);
        const result = await runMain(['trusted', 'list']);
        expect(result.stderr).not.toContain('fake-secret-for-output-check');
        expect(result.stderr).not.toContain('fake-token-for-output-check');
      }
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = savedEnv.AWS_SECRET_ACCESS_KEY;
      process.env.AWS_SESSION_TOKEN = savedEnv.AWS_SESSION_TOKEN;
    }
  });
});

describe('trusted usage', () => {
  test('--help prints the usage', async () => {
    const result = await runMain(['trusted', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(TRUSTED_USAGE);
  });

  test('help trusted prints the usage', async () => {
    const result = await runMain(['help', 'trusted']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(TRUSTED_USAGE);
  });

  test('main usage lists the command', () => {
    expect(MAIN_USAGE).toContain('  trusted SUBCOMMAND\n');
  });

  test.each([
    [[], 'missing subcommand: expected list, add, remove or check'],
    [['show'], 'unknown subcommand "show"'],
    [['add'], 'add takes exactly one id, but got 0'],
    [['remove', OWNER, OTHER], 'remove takes exactly one id, but got 2'],
    [['list', OWNER], `list takes no id, but got "${OWNER}"`],
    [['remove', OWNER, '--label', 'Partner'], '--label applies to add only, not to remove'],
    [['check', OWNER, '--json'], '--json applies to add only, not to check'],
    [['list', '--parameter', 'has space'], 'invalid --parameter "has space"'],
    [['list', '--region', 'us-east-1'], "Unknown option '--region'"],
  ])('%j is a usage error', async (args, message) => {
    const result = await runMain(['trusted', ...args]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Run "share-sentinel help trusted" for the options.');
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('createSsmClient', () => {
  test('makes at most 3 attempts', async () => {
    const client = createSsmClient();

    expect(await client.config.maxAttempts()).toBe(3);
    client.destroy();
  });
});

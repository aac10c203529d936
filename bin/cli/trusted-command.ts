/**
 * `share-sentinel trusted`: lists, checks and edits the trusted list in its SSM Parameter Store
 * parameter. An edit keeps the parameter's type, format and labels, changes nothing when the
 * stored list did not parse cleanly, and compares parameter versions to detect a concurrent writer.
 */
import { parseArgs } from 'node:util';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { bound } from '../../lambda/core/text';
import { formatTrustedList, MAX_LABEL_LENGTH, parseTrustedList, TRUSTED_ID_FORMATS, trustedIdKind, type TrustedList } from '../../lambda/core/trusted-list';
import type { CommandIo } from './scan-command';
import { TRUSTED_USAGE, UsageError } from './usage';

export const DEFAULT_TRUSTED_PARAMETER = '/share-sentinel/trusted-accounts';


/** Parameter names as PutParameter accepts them: letters, digits and `_.-/`, up to 1011 characters. */
const PARAMETER_NAME = /^[A-Za-z0-9_./-]{1,1011}$/;
/** GetParameter also accepts the ARN of a parameter, including one shared from another account. */
const PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_./-]{1,1011}$/;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Socket errors that mean the SSM endpoint could not be reached. */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** Error names that AWS returns for missing, expired or wrong credentials. */
const REJECTED_CREDENTIAL_ERRORS = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'ExpiredToken', 'InvalidClientTokenId']);

/** A failure that ends the command with exit status 1: an AWS error, or an edit that was rejected. */
class TrustedCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustedCommandError';
  }
}

type StoredType = 'String' | 'StringList';

/** The parameter as GetParameter returned it. */
interface StoredParameter {
  type: StoredType;
  value: string;
  version: number;
}

interface TrustedOptions {
  parameterName: string;
  label: string | undefined;
  convertToJson: boolean;
}

/**
 * Creates the SSM client. Region, credentials and AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_SSM) come
 * from the environment and the AWS profile, as in the AWS CLI. A refused connection fails in under
 * a second. An endpoint that does not respond fails after 3 attempts of at most 3 s to connect
 * and 10 s to respond, plus the SDK's short backoff between them.
 */
export function createSsmClient(): SSMClient {
  return new SSMClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000 } });
}

/** Runs `trusted` with the given arguments and returns the exit status. */
export async function runTrusted(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      parameter: { type: 'string', default: DEFAULT_TRUSTED_PARAMETER },
      label: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(TRUSTED_USAGE);
    return 0;
  }

  const [subcommand, ...operands] = positionals;
  if (subcommand === undefined) {
    throw new UsageError('missing subcommand: expected list, add, remove or check');
  }
  if (subcommand !== 'list' && subcommand !== 'add' && subcommand !== 'remove' && subcommand !== 'check') {
    throw new UsageError(`unknown subcommand ${JSON.stringify(subcommand)}: expected list, add, remove or check`);
  }
  if (subcommand !== 'add' && values.label !== undefined) {
    throw new UsageError(`--label applies to add only, not to ${subcommand}`);
  }
  if (subcommand !== 'add' && values.json) {
    throw new UsageError(`--json applies to add only, not to ${subcommand}`);
  }
  const options: TrustedOptions = {
    parameterName: validateParameterName(values.parameter, subcommand === 'add' || subcommand === 'remove'),
    label: validateLabel(values.label),
    convertToJson: values.json,
  };

  if (subcommand === 'list') {
    if (operands.length > 0) {
      throw new UsageError(`list takes no id, but got ${operands.map((operand) => JSON.stringify(operand)).join(' ')}`);
    }
  } else if (operands.length !== 1) {
    throw new UsageError(`${subcommand} takes exactly one id, but got ${operands.length}`);
  }
  const id = operands.length === 1 ? validateId(operands[0]) : '';

  const client = createSsmClient();
  try {
    switch (subcommand) {
      case 'list':
        return await listTrusted(client, options, io);
      case 'check':
        return await checkTrusted(client, options, id, io);
      case 'add':
        return await addTrusted(client, options, id, io);
      case 'remove':
        return await removeTrusted(client, options, id, io);
    }
  } catch (error) {
    if (error instanceof TrustedCommandError) {
      io.stderr.write(`share-sentinel trusted: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    client.destroy();
  }
}

function validateParameterName(value: string, forWrite: boolean): string {
  const name = value.trim();
  if (PARAMETER_NAME.test(name)) {
    return name;
  }
  if (PARAMETER_ARN.test(name)) {
    if (forWrite) {
      throw new UsageError(
        `invalid --parameter ${JSON.stringify(name)}: PutParameter takes a parameter name, not an ARN; ` +
          'pass the name and use the credentials and region of the account that owns the parameter',
      );
    }
    return name;
  }
  throw new UsageError(
    `invalid --parameter ${JSON.stringify(bound(value, 200))}: expected an SSM parameter name of letters, digits and _.-/ ` +
      `such as ${DEFAULT_TRUSTED_PARAMETER}, or a parameter ARN`,
  );
}

function validateLabel(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const label = value.trim();
  if (label.length > MAX_LABEL_LENGTH) {
    throw new UsageError(`invalid --label: it has ${label.length} characters, and the maximum is ${MAX_LABEL_LENGTH}`);
  }
  if (CONTROL_CHARACTERS.test(label)) {
    throw new UsageError(`invalid --label ${JSON.stringify(label)}: it contains control characters or line breaks`);
  }
  return label === '' ? undefined : label;
}

function validateId(value: string): string {
  const id = value.trim();
  if (trustedIdKind(id) === undefined) {
    throw new UsageError(`invalid id ${JSON.stringify(bound(value, 200))}: expected one of: ${TRUSTED_ID_FORMATS}`);
  }
  return id;
}

// Reading and writing the parameter.

async function readParameter(client: SSMClient, parameterName: string): Promise<StoredParameter | undefined> {
  let response;
  try {
    response = await client.send(new GetParameterCommand({ Name: parameterName }));
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound') {
      return undefined;
    }
    throw new TrustedCommandError(await describeAwsError(error, client, parameterName, 'GetParameter'));
  }
  const parameter = response.Parameter;
  if (parameter?.Value === undefined || parameter.Version === undefined) {
    throw new TrustedCommandError(`SSM returned parameter ${parameterName} without a value or version`);
  }
  if (parameter.Type !== 'String' && parameter.Type !== 'StringList') {
    throw new TrustedCommandError(
      `parameter ${parameterName} is a ${String(parameter.Type)}, but the handler reads it without decryption; ` +
        'store the trusted list as a StringList or String parameter',
    );
  }
  return { type: parameter.Type, value: parameter.Value, version: parameter.Version };
}

async function readExistingParameter(client: SSMClient, parameterName: string): Promise<StoredParameter> {
  const parameter = await readParameter(client, parameterName);
  if (parameter === undefined) {
    const region = await clientRegion(client);
    throw new TrustedCommandError(
      `parameter ${parameterName} not found${region === undefined ? '' : ` in region ${region}`}: ` +
        'check --parameter and the region (AWS_REGION or the profile), or create the list with "share-sentinel trusted add ID"',
    );
  }
  return parameter;
}

/** Writes the parameter and returns the new version, or undefined when SSM did not return one. */
async function writeParameter(client: SSMClient, parameterName: string, value: string, type: StoredType, overwrite: boolean): Promise<number | undefined> {
  try {
    const response = await client.send(new PutParameterCommand({ Name: parameterName, Value: value, Type: type, Overwrite: overwrite }));
    return response.Version;
  } catch (error) {
    if (!overwrite && errorName(error) === 'ParameterAlreadyExists') {
      throw new TrustedCommandError(`parameter ${parameterName} was created by another writer while this command ran, so nothing was written; run the command again`);
    }
    throw new TrustedCommandError(await describeAwsError(error, client, parameterName, 'PutParameter'));
  }
}

// Error messages for AWS failures. They name the parameter and the fix, and never include the
// credentials or the request signature.

// Errors are read by their properties, not with instanceof, because errors raised by Node's own
// modules fail instanceof checks inside a sandbox such as Jest's.

function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : 'Error';
}

function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * Returns the socket error code, such as ECONNREFUSED. The SDK's retry middleware replaces an
 * error that fails its instanceof check with "AWS SDK error wrapper for Error: connect
 * ECONNREFUSED …", which keeps the code only in the message, so the message is searched too.
 */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string') {
    return code;
  }
  return errorMessage(error).match(/\bE[A-Z]{3,}\b/g)?.find((candidate) => NETWORK_ERROR_CODES.has(candidate));
}

async function clientRegion(client: SSMClient): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
  }
}

/** Returns the endpoint set in the environment, without any user name or password in the URL. */
function configuredEndpoint(): string | undefined {
  const value = process.env.AWS_ENDPOINT_URL_SSM || process.env.AWS_ENDPOINT_URL;
  if (!value) {
    return undefined;
  }
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    return url.origin;
  } catch {
    return 'the endpoint in AWS_ENDPOINT_URL';
  }
}

async function describeAwsError(error: unknown, client: SSMClient, parameterName: string, operation: 'GetParameter' | 'PutParameter'): Promise<string> {
  const name = errorName(error);
  const code = errorCode(error);
  const message = bound(errorMessage(error).replace(/\s+/g, ' '), 300);
  const action = operation === 'GetParameter' ? 'reading' : 'writing';

  if (message.startsWith('Region is missing')) {
    return `no AWS region is set for ${action} parameter ${parameterName}: set AWS_REGION, or a region in the AWS profile`;
  }
  if (name === 'CredentialsProviderError') {
    return `no AWS credentials found for ${action} parameter ${parameterName}: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  if (REJECTED_CREDENTIAL_ERRORS.has(name)) {
    return `AWS rejected the credentials for ${action} parameter ${parameterName} (${name}): refresh them, for example with "aws sso login", or use another AWS_PROFILE`;
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return `access denied ${action} parameter ${parameterName}: the caller needs ssm:${operation} on it; use a profile or role that has it (AWS_PROFILE)`;
  }
  if ((code !== undefined && NETWORK_ERROR_CODES.has(code)) || name === 'TimeoutError') {
    const region = await clientRegion(client);
    const endpoint = configuredEndpoint() ?? `the SSM endpoint of region ${region ?? '(unknown)'}`;
    const outcome = operation === 'PutParameter' ? '; run "share-sentinel trusted list" to see whether the change was saved' : '';
    return `could not reach ${endpoint} for ${action} parameter ${parameterName} (${code ?? name}): check AWS_ENDPOINT_URL, the region and the network${outcome}`;
  }
  return `${operation} on parameter ${parameterName} failed: ${name}: ${message}`;
}

// Output.

function countIds(count: number): string {
  return `${count} id${count === 1 ? '' : 's'}`;
}

function describeEntry(id: string, label: string | undefined): string {
  const kind = trustedIdKind(id) ?? 'unknown';
  return label === undefined ? `${id} (${kind})` : `${id} (${kind}, label ${JSON.stringify(label)})`;
}

function describeState(count: number, version: number | undefined, type: StoredType, format: TrustedList['format']): string {
  return `${countIds(count)}, version ${version ?? 'unknown'} (${type}, ${format} format)`;
}

function writeMalformedEntries(list: TrustedList, parameterName: string, io: CommandIo): void {
  for (const error of list.errors) {
    io.stderr.write(`share-sentinel trusted: parameter ${parameterName}: malformed entry ${JSON.stringify(error.value)} is ignored by the handler: ${error.reason}\n`);
  }
}

// Subcommands.

async function listTrusted(client: SSMClient, options: TrustedOptions, io: CommandIo): Promise<number> {
  const parameter = await readExistingParameter(client, options.parameterName);
  const list = parseTrustedList(parameter.value);
  const malformed = list.errors.length === 0 ? '' : `, ${list.errors.length} malformed ${list.errors.length === 1 ? 'entry' : 'entries'}`;
  io.stdout.write(`${options.parameterName}: ${parameter.type}, ${list.format} format, version ${parameter.version}, ${countIds(list.entries.size)}${malformed}\n`);

  const idWidth = Math.max(0, ...[...list.entries.keys()].map((id) => id.length));
  const kindWidth = Math.max(0, ...[...list.entries.keys()].map((id) => (trustedIdKind(id) ?? '').length));
  for (const [id, label] of list.entries) {
    const columns = [id.padEnd(idWidth), (trustedIdKind(id) ?? '').padEnd(kindWidth)];
    if (label !== undefined) {
      // Quoted, so that a label cannot carry terminal escape sequences.
      columns.push(JSON.stringify(label));
    }
    io.stdout.write(`${columns.join('  ').trimEnd()}\n`);
  }
  writeMalformedEntries(list, options.parameterName, io);
  return 0;
}

async function checkTrusted(client: SSMClient, options: TrustedOptions, id: string, io: CommandIo): Promise<number> {
  const parameter = await readExistingParameter(client, options.parameterName);
  const list = parseTrustedList(parameter.value);
  writeMalformedEntries(list, options.parameterName, io);
  if (list.entries.has(id)) {
    io.stdout.write(`trusted: ${describeEntry(id, list.entries.get(id))} is on the list in ${options.parameterName} (version ${parameter.version})\n`);
    return 0;
  }
  // The list only matches exact ids: an organization id on it does not list its OUs or accounts.
  io.stdout.write(`not trusted: ${id} is not on the list in ${options.parameterName} (version ${parameter.version})\n`);
  return 1;
}

/**
 * Parses the stored list for an edit. Rejects a list with malformed entries or invalid JSON, which
 * a rewrite would drop, and a list with `#` comments, which formatTrustedList does not write back.
 */
function parseForEdit(parameter: StoredParameter, parameterName: string): TrustedList {
  const list = parseTrustedList(parameter.value);
  if (list.errors.length > 0) {
    const entries = list.errors.map((error) => `\n  ${JSON.stringify(error.value)}: ${error.reason}`).join('');
    throw new TrustedCommandError(
      `parameter ${parameterName} (version ${parameter.version}) contains ${list.errors.length} malformed ` +
        `${list.errors.length === 1 ? 'entry' : 'entries'}, so it was not changed:${entries}\n` +
        'Fix or delete them with "aws ssm put-parameter --overwrite" or in the console, then run the command again.',
    );
  }
  if (list.format === 'list' && parameter.value.includes('#')) {
    throw new TrustedCommandError(
      `parameter ${parameterName} (version ${parameter.version}) contains # comments, which a rewrite would drop, so it was not changed; ` +
        'delete the comments (or keep the notes as labels in the JSON format), then run the command again',
    );
  }
  if (list.format === 'json') {
    keepStoredLabels(list, parameter.value);
  }
  return list;
}

/** Puts back labels that parseTrustedList truncated, so that an edit leaves other entries as they were. */
function keepStoredLabels(list: TrustedList, value: string): void {
  const document = JSON.parse(value) as Record<string, unknown>;
  for (const [rawId, rawLabel] of Object.entries(document)) {
    const id = rawId.trim();
    if (typeof rawLabel === 'string' && list.entries.has(id) && rawLabel.trim() !== '') {
      list.entries.set(id, rawLabel.trim());
    }
  }
}

/** Serialises the list in its format. A list stored one id per line stays one id per line. */
function serialiseList(list: TrustedList, storedValue: string): string {
  if (list.format === 'list' && /\n/.test(storedValue.trim())) {
    return [...list.entries.keys()].join('\n');
  }
  return formatTrustedList(list);
}

interface Edit {
  before: StoredParameter;
  beforeList: TrustedList;
  afterList: TrustedList;
  afterType: StoredType;
  /** The first output line, such as "Added 444455556666 (account) to /share-sentinel/trusted-accounts." */
  summary: string;
}

/** Writes an edit, prints the state before and after, and checks that no other writer came in between. */
async function commitEdit(client: SSMClient, parameterName: string, edit: Edit, io: CommandIo): Promise<number> {
  const value = serialiseList(edit.afterList, edit.before.value);
  const version = await writeParameter(client, parameterName, value, edit.afterType, true);
  const expectedVersion = edit.before.version + 1;

  io.stdout.write(`${edit.summary}\n`);
  io.stdout.write(`  before: ${describeState(edit.beforeList.entries.size, edit.before.version, edit.before.type, edit.beforeList.format)}\n`);
  io.stdout.write(`  after:  ${describeState(edit.afterList.entries.size, version, edit.afterType, edit.afterList.format)}\n`);

  if (version !== expectedVersion) {
    // NOTE: this detects a concurrent write only after the fact. PutParameter takes no expected
    // version, so the other writer's change may already be overwritten.
    io.stderr.write(
      `share-sentinel trusted: warning: parameter ${parameterName} went from version ${edit.before.version} to ${version ?? 'an unknown version'}, ` +
        `not ${expectedVersion}, so another writer changed it at the same time and this write may have replaced their change; ` +
        'run "share-sentinel trusted list" and compare\n',
    );
    return 1;
  }
  return 0;
}

async function addTrusted(client: SSMClient, options: TrustedOptions, id: string, io: CommandIo): Promise<number> {
  const { parameterName, label } = options;
  const before = await readParameter(client, parameterName);
  if (before === undefined) {
    return createList(client, options, id, io);
  }

  const beforeList = parseForEdit(before, parameterName);
  const converting = options.convertToJson && beforeList.format === 'list';
  if (label !== undefined && beforeList.format === 'list' && !converting) {
    throw new UsageError(
      `labels need the JSON format, but parameter ${parameterName} is a ${before.type} in the list format; ` +
        `add --json to convert it to a String parameter that contains {"ID": "label", ...} (existing ids get an empty label), or leave out --label`,
    );
  }

  const afterList: TrustedList = { entries: new Map(beforeList.entries), format: converting ? 'json' : beforeList.format, errors: [] };
  const afterType: StoredType = converting ? 'String' : before.type;
  const present = beforeList.entries.has(id);
  const previousLabel = beforeList.entries.get(id);
  const relabel = present && label !== undefined && label !== previousLabel;

  if (present && !relabel && !converting) {
    io.stdout.write(`${describeEntry(id, previousLabel)} is already on the list in ${parameterName} (version ${before.version}); nothing changed\n`);
    return 0;
  }

  afterList.entries.set(id, present && label === undefined ? previousLabel : label);
  const summaries: string[] = [];
  if (!present) {
    summaries.push(`Added ${describeEntry(id, label)} to ${parameterName}.`);
  } else if (relabel) {
    summaries.push(`Changed the label of ${id} in ${parameterName} from ${JSON.stringify(previousLabel ?? '')} to ${JSON.stringify(label)}.`);
  } else {
    summaries.push(`${describeEntry(id, previousLabel)} is already on the list in ${parameterName}.`);
  }
  if (converting) {
    summaries.push(`Converted the parameter from ${before.type} in the list format to String in the JSON format.`);
  }
  return commitEdit(client, parameterName, { before, beforeList, afterList, afterType, summary: summaries.join(' ') }, io);
}

/** Creates the parameter with one id: a StringList, or a String in the JSON format with a label or --json. */
async function createList(client: SSMClient, options: TrustedOptions, id: string, io: CommandIo): Promise<number> {
  const { parameterName, label } = options;
  const format = label !== undefined || options.convertToJson ? 'json' : 'list';
  const type: StoredType = format === 'json' ? 'String' : 'StringList';
  const list: TrustedList = { entries: new Map([[id, label]]), format, errors: [] };

  const version = await writeParameter(client, parameterName, formatTrustedList(list), type, false);
  io.stdout.write(`Created parameter ${parameterName} with ${describeEntry(id, label)}.\n`);
  io.stdout.write(`  after: ${describeState(1, version, type, format)}\n`);
  if (version !== 1) {
    io.stderr.write(
      `share-sentinel trusted: warning: parameter ${parameterName} was created at version ${version ?? 'unknown'}, not 1, ` +
        'so another writer changed it at the same time; run "share-sentinel trusted list" and compare\n',
    );
    return 1;
  }
  return 0;
}

async function removeTrusted(client: SSMClient, options: TrustedOptions, id: string, io: CommandIo): Promise<number> {
  const { parameterName } = options;
  const before = await readExistingParameter(client, parameterName);
  const beforeList = parseForEdit(before, parameterName);

  if (!beforeList.entries.has(id)) {
    io.stdout.write(`${id} is not on the list in ${parameterName} (version ${before.version}); nothing changed\n`);
    return 0;
  }
  const afterList: TrustedList = { entries: new Map(beforeList.entries), format: beforeList.format, errors: [] };
  afterList.entries.delete(id);
  if (afterList.entries.size === 0 && afterList.format === 'list') {
    // SSM rejects an empty value. The JSON format can store `{}`.
    throw new TrustedCommandError(
      `${id} is the last id in parameter ${parameterName}, and SSM cannot store an empty value, so nothing changed; ` +
        `to trust no one, convert the list to the JSON format, which can be empty, with "share-sentinel trusted add ${id} --json --parameter ${parameterName}", then remove ${id}`,
    );
  }
  const summary = `Removed ${describeEntry(id, beforeList.entries.get(id))} from ${parameterName}.`;
  return commitEdit(client, parameterName, { before, beforeList, afterList, afterType: before.type, summary }, io);
}

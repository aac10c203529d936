/**
 * Seeded generator of CloudTrail log files, for benchmarks and tests of the offline scanner.
 *
 * It writes gzipped `{"Records":[...]}` files named and laid out as CloudTrail delivers them to
 * S3. Most records are everyday API calls from many services. About one record in
 * `1 / sharingRate` is a sharing call, one of the calls lambda/catalog.ts watches: a grant to an
 * external account, to the public or to the owner itself, a removal, or a refused attempt. The
 * event ids of the sharing calls, with the outcome share-sentinel should report for each, form
 * the ground truth. Every id is invented: the owner is 111122223333, the outsiders are
 * 444455556666 and 777788889999, and callers use addresses from 192.0.2.0/24 and
 * 198.51.100.0/24.
 *
 * The same options and seed give the same bytes with one zlib build, because all randomness comes
 * from one seeded PRNG and the gzip streams carry no timestamp.
 *
 *   npx tsx bench/corpus.ts --out DIR [--size 1GB] [--seed 42] [--sharing-rate 0.001]
 *                           [--records-per-file 1000] [--truth FILE]
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { CloudTrailRecord } from '../lambda/core/types';

// ---------------------------------------------------------------------------------------------
// Invented identifiers
// ---------------------------------------------------------------------------------------------

export const OWNER_ACCOUNT_ID = '111122223333';
export const EXTERNAL_ACCOUNT_IDS = ['444455556666', '777788889999'] as const;
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const ORGANIZATION_ARN = `arn:aws:organizations::${OWNER_ACCOUNT_ID}:organization/${ORGANIZATION_ID}`;
/** The owner's S3 canonical user id, and one of another account. */
const OWNER_CANONICAL_ID = '7f3c9a1e5b2d4f60a8c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5';
const EXTERNAL_CANONICAL_ID = 'c2e4a6b8d0f1a3c5e7b9d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3';
const CLOUDFRONT_OAI = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1A2B3C4D5E6F7';
const VPC_ENDPOINT_ID = 'vpce-0a1b2c3d4e5f60718';

/** Regions the owner works in, with the share of log files each gets. */
const REGION_WEIGHTS: [string, number][] = [
  ['us-east-1', 40],
  ['us-west-2', 20],
  ['eu-west-1', 15],
  ['eu-central-1', 10],
  ['ap-southeast-2', 8],
  ['ap-northeast-1', 7],
];

/** The time the first log file starts at, unless the options name another. */
const DEFAULT_START = Date.UTC(2024, 4, 1, 0, 0, 0);
/** CloudTrail delivers about one file per account and region every five minutes. */
const FILE_WINDOW_MS = 5 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Seeded random numbers
// ---------------------------------------------------------------------------------------------

const HEX = '0123456789abcdef';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const BYTE_HEX = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));

/** Formats an unsigned 32-bit integer as 8 hex digits. */
function hex32(value: number): string {
  return BYTE_HEX[value >>> 24] + BYTE_HEX[(value >>> 16) & 255] + BYTE_HEX[(value >>> 8) & 255] + BYTE_HEX[value & 255];
}

/** Items with relative weights, prepared for repeated weighted draws. */
export class WeightedTable<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map(([item]) => item);
    let sum = 0;
    this.cumulative = entries.map(([, weight]) => (sum += weight));
    this.total = sum;
    if (this.items.length === 0 || !(this.total > 0)) {
      throw new Error('a weighted table needs at least one entry with a positive weight');
    }
  }

  draw(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.cumulative[middle] > target) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return this.items[low];
  }
}

/**
 * A small seeded PRNG: sfc32, with its state filled by splitmix32. It is not cryptographic, and
 * serves only to make the corpus reproducible.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
    for (let i = 0; i < 12; i++) {
      this.uint32();
    }
  }

  /** Returns an unsigned 32-bit integer. */
  uint32(): number {
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Returns a number in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Returns an integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  /** Returns an integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Returns `length` characters drawn from `alphabet`. */
  characters(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) {
      out += alphabet[this.int(alphabet.length)];
    }
    return out;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      out += this.hex8();
    }
    return out.length === length ? out : out.slice(0, length);
  }

  /** Returns a version 4 UUID, the form of CloudTrail event ids and most request ids. */
  uuid(): string {
    const second = this.uint32();
    const third = this.uint32();
    const variant = HEX[8 + (third >>> 30)];
    const secondHex = hex32(second);
    const thirdHex = hex32(third);
    return `${this.hex8()}-${secondHex.slice(0, 4)}-4${secondHex.slice(5, 8)}-${variant}${thirdHex.slice(1, 4)}-${thirdHex.slice(4, 8)}${this.hex8()}`;
  }

  private hex8(): string {
    return hex32(this.uint32());
  }
}

// ---------------------------------------------------------------------------------------------
// Time formats
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86400000;
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/** CloudTrail's `eventTime` form: `2024-05-01T00:03:17Z`. */
export function cloudTrailTime(milliseconds: number): string {
  // Formats the time of day by hand and caches the date, because Date#toISOString stood out in
  // profiles of the generator.
  const day = Math.floor(milliseconds / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const seconds = Math.floor((milliseconds - day * DAY_MS) / 1000);
  return `${cachedDayPrefix}${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}Z`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Formats a time as several services log dates: `May 1, 2024, 1:03:17 AM`. */
function awsDateText(milliseconds: number): string {
  const date = new Date(milliseconds);
  const hours = date.getUTCHours();
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ${clock}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

// ---------------------------------------------------------------------------------------------
// Callers: identities, source addresses and user agents
// ---------------------------------------------------------------------------------------------

interface RoleIdentity {
  roleName: string;
  roleId: string;
  path: string;
}

const IAM_USERS = [
  { userName: 'alice', principalId: 'AIDAQ3KZ7EXAMPLEALICE', accessKeyId: 'AKIAQ3KZ7EXAMPLEA1CE' },
  { userName: 'bob', principalId: 'AIDAQ3KZ7EXAMPLEBOB01', accessKeyId: 'AKIAQ3KZ7EXAMPLEB0B1' },
  { userName: 'ci-reporting', principalId: 'AIDAQ3KZ7EXAMPLECIRPT', accessKeyId: 'AKIAQ3KZ7EXAMPLEC1RP' },
];
const SSO_ADMIN: RoleIdentity = { roleName: 'AWSReservedSSO_AdministratorAccess_3f9c2a71b5d8e604', roleId: 'AROAQ3KZ7EXAMPLESSOAD', path: 'aws-reserved/sso.amazonaws.com/' };
const SSO_READ_ONLY: RoleIdentity = { roleName: 'AWSReservedSSO_ReadOnlyAccess_8e21c4f0a9b7d356', roleId: 'AROAQ3KZ7EXAMPLESSORO', path: 'aws-reserved/sso.amazonaws.com/' };
const SSO_SESSIONS = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com'];
const INSTANCE_ROLE: RoleIdentity = { roleName: 'orders-api-instance-role', roleId: 'AROAQ3KZ7EXAMPLEORDAP', path: '' };
const PIPELINE_ROLE: RoleIdentity = { roleName: 'data-pipeline-role', roleId: 'AROAQ3KZ7EXAMPLEPIPEL', path: '' };
const DEPLOY_ROLE: RoleIdentity = { roleName: 'github-actions-deploy', roleId: 'AROAQ3KZ7EXAMPLEGHDPL', path: '' };
const FUNCTION_ROLES: { functionName: string; role: RoleIdentity }[] = [
  { functionName: 'orders-worker', role: { roleName: 'orders-worker-role', roleId: 'AROAQ3KZ7EXAMPLEORDWK', path: '' } },
  { functionName: 'thumbnail-builder', role: { roleName: 'thumbnail-builder-role', roleId: 'AROAQ3KZ7EXAMPLETHUMB', path: '' } },
  { functionName: 'nightly-export', role: { roleName: 'nightly-export-role', roleId: 'AROAQ3KZ7EXAMPLENIGHT', path: '' } },
  { functionName: 'audit-forwarder', role: { roleName: 'audit-forwarder-role', roleId: 'AROAQ3KZ7EXAMPLEAUDIT', path: '' } },
];
const FUNCTION_NAMES = FUNCTION_ROLES.map((entry) => entry.functionName);
const cdkExecutionRoles = new Map<string, RoleIdentity>();

/** Returns the role that AWS CDK deploys through in a region, which CloudFormation calls AWS APIs with. */
function cdkExecutionRole(region: string): RoleIdentity {
  let role = cdkExecutionRoles.get(region);
  if (role === undefined) {
    role = { roleName: `cdk-hnb659fds-cfn-exec-role-${OWNER_ACCOUNT_ID}-${region}`, roleId: 'AROAQ3KZ7EXAMPLECDKEX', path: '' };
    cdkExecutionRoles.set(region, role);
  }
  return role;
}

function serviceLinkedRole(service: string, roleName: string, roleId: string, session: string): [string, { role: RoleIdentity; session: string }] {
  return [service, { role: { roleName, roleId, path: `aws-service-role/${service}/` }, session }];
}

const SERVICE_LINKED_ROLES: Record<string, { role: RoleIdentity; session: string }> = Object.fromEntries([
  serviceLinkedRole('autoscaling.amazonaws.com', 'AWSServiceRoleForAutoScaling', 'AROAQ3KZ7EXAMPLEASGSL', 'AutoScaling'),
  serviceLinkedRole('imagebuilder.amazonaws.com', 'AWSServiceRoleForImageBuilder', 'AROAQ3KZ7EXAMPLEIMGBL', 'ImageBuilder'),
  serviceLinkedRole('config.amazonaws.com', 'AWSServiceRoleForConfig', 'AROAQ3KZ7EXAMPLECONFG', 'AWSConfig-Describe'),
  serviceLinkedRole('access-analyzer.amazonaws.com', 'AWSServiceRoleForAccessAnalyzer', 'AROAQ3KZ7EXAMPLEACCAN', 'access-analyzer'),
  serviceLinkedRole('backup.amazonaws.com', 'AWSServiceRoleForBackup', 'AROAQ3KZ7EXAMPLEBACKP', 'AWSBackup-AWSServiceRoleForBackup'),
]);

const HUMAN_ADDRESSES = ['192.0.2.10', '192.0.2.44', '192.0.2.87', '192.0.2.153', '198.51.100.23'];

const CONSOLE_USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
];
const S3_CONSOLE_USER_AGENT = '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.215-181.850.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.372-b08 java/1.8.0_372 vendor/Oracle_Corporation cfg/retry-mode/standard]';
const APPLICATION_USER_AGENTS = [
  'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.84-99.169.amzn2023.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
  'aws-sdk-java/2.25.16 Linux/6.1.84-99.169.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.2+13-LTS Java/21.0.2 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy',
  'aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64',
  'aws-sdk-js/3.554.0 ua/2.0 os/linux#6.1.84-99.169.amzn2023.x86_64 lang/js md/nodejs#20.12.2',
];
const FUNCTION_USER_AGENTS = [
  'aws-sdk-js/3.552.0 ua/2.0 os/linux#5.10.214-223.846.amzn2.x86_64 lang/js md/nodejs#20.12.0 exec-env/AWS_Lambda_nodejs20.x',
  'Boto3/1.34.42 md/Botocore#1.34.42 ua/2.0 os/linux#5.10.214-223.846.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.42',
];
const TERRAFORM_USER_AGENT = 'APN/1.0 HashiCorp/1.0 Terraform/1.8.2 (+https://www.terraform.io) terraform-provider-aws/5.47.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64';

function cliUserAgent(command: string): string {
  return `aws-cli/2.15.40 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1018-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#${command}`;
}

/** Kind of caller: a person, an application, a deployment tool or an AWS service. */
type CallerKind = 'cli' | 'console' | 'application' | 'function' | 'terraform' | 'cloudformation' | 'service';

interface Caller {
  userIdentity: Record<string, unknown>;
  sourceIPAddress: string;
  userAgent: string;
  /** Calls that an AWS service makes on the customer's behalf carry no `tlsDetails`. */
  tls: boolean;
  fromConsole: boolean;
  /** The caller's ARN, for error messages. */
  arn: string;
}

function sessionAccessKey(random: Random): string {
  return `ASIA${random.characters(UPPER_ALPHANUMERIC, 16)}`;
}

/** Session issuers by role, built once and shared by every record of that role. */
const sessionIssuers = new Map<RoleIdentity, Record<string, unknown>>();

function sessionIssuer(role: RoleIdentity): Record<string, unknown> {
  let issuer = sessionIssuers.get(role);
  if (issuer === undefined) {
    issuer = { type: 'Role', principalId: role.roleId, arn: `arn:aws:iam::${OWNER_ACCOUNT_ID}:role/${role.path}${role.roleName}`, accountId: OWNER_ACCOUNT_ID, userName: role.roleName };
    sessionIssuers.set(role, issuer);
  }
  return issuer;
}

function assumedRoleIdentity(role: RoleIdentity, session: string, random: Random, time: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const attributes = { creationDate: cloudTrailTime(time - random.between(60, 3500) * 1000), mfaAuthenticated: 'false' };
  return {
    type: 'AssumedRole',
    principalId: `${role.roleId}:${session}`,
    arn: `arn:aws:sts::${OWNER_ACCOUNT_ID}:assumed-role/${role.roleName}/${session}`,
    accountId: OWNER_ACCOUNT_ID,
    accessKeyId: sessionAccessKey(random),
    sessionContext: {
      sessionIssuer: sessionIssuer(role),
      webIdFederationData: {},
      attributes,
      ...extra,
    },
  };
}

interface CallerRequest {
  random: Random;
  time: number;
  region: string;
  kind: CallerKind;
  /** The CLI command, such as `ec2.describe-instances`, for the user agent. */
  command: string;
  /** For `service` callers: the AWS service that acts. */
  service: string;
  eventSource: string;
  instanceIds: string[];
}

function buildCaller(request: CallerRequest): Caller {
  const { random, time, region } = request;
  switch (request.kind) {
    case 'cli': {
      if (random.chance(0.4)) {
        const user = random.pick(IAM_USERS);
        const arn = `arn:aws:iam::${OWNER_ACCOUNT_ID}:user/${user.userName}`;
        return {
          userIdentity: { type: 'IAMUser', principalId: user.principalId, arn, accountId: OWNER_ACCOUNT_ID, accessKeyId: user.accessKeyId, userName: user.userName },
          sourceIPAddress: random.pick(HUMAN_ADDRESSES),
          userAgent: cliUserAgent(request.command),
          tls: true,
          fromConsole: false,
          arn,
        };
      }
      const identity = assumedRoleIdentity(random.chance(0.6) ? SSO_ADMIN : SSO_READ_ONLY, random.pick(SSO_SESSIONS), random, time);
      return { userIdentity: identity, sourceIPAddress: random.pick(HUMAN_ADDRESSES), userAgent: cliUserAgent(request.command), tls: true, fromConsole: false, arn: String(identity.arn) };
    }
    case 'console': {
      const identity = assumedRoleIdentity(random.chance(0.7) ? SSO_ADMIN : SSO_READ_ONLY, random.pick(SSO_SESSIONS), random, time);
      const userAgent = request.eventSource === 's3.amazonaws.com' ? S3_CONSOLE_USER_AGENT : random.pick(CONSOLE_USER_AGENTS);
      return { userIdentity: identity, sourceIPAddress: random.pick(HUMAN_ADDRESSES), userAgent, tls: true, fromConsole: true, arn: String(identity.arn) };
    }
    case 'application': {
      const role = random.chance(0.75) ? INSTANCE_ROLE : PIPELINE_ROLE;
      const session = role === INSTANCE_ROLE ? random.pick(request.instanceIds) : `pipeline-${random.hex(8)}`;
      const extra = role === INSTANCE_ROLE ? { ec2RoleDelivery: '2.0' } : {};
      const identity = assumedRoleIdentity(role, session, random, time, extra);
      return { userIdentity: identity, sourceIPAddress: `198.51.100.${random.between(2, 120)}`, userAgent: random.pick(APPLICATION_USER_AGENTS), tls: true, fromConsole: false, arn: String(identity.arn) };
    }
    case 'function': {
      const entry = random.pick(FUNCTION_ROLES);
      const identity = assumedRoleIdentity(entry.role, entry.functionName, random, time);
      return { userIdentity: identity, sourceIPAddress: `198.51.100.${random.between(121, 199)}`, userAgent: random.pick(FUNCTION_USER_AGENTS), tls: true, fromConsole: false, arn: String(identity.arn) };
    }
    case 'terraform': {
      const identity = assumedRoleIdentity(DEPLOY_ROLE, 'GitHubActions', random, time);
      return { userIdentity: identity, sourceIPAddress: `198.51.100.${random.between(200, 250)}`, userAgent: TERRAFORM_USER_AGENT, tls: true, fromConsole: false, arn: String(identity.arn) };
    }
    case 'cloudformation': {
      const identity: Record<string, unknown> = { ...assumedRoleIdentity(cdkExecutionRole(region), 'AWSCloudFormation', random, time), invokedBy: 'cloudformation.amazonaws.com' };
      return { userIdentity: identity, sourceIPAddress: 'cloudformation.amazonaws.com', userAgent: 'cloudformation.amazonaws.com', tls: false, fromConsole: false, arn: String(identity.arn) };
    }
    case 'service': {
      const service = request.service;
      if (request.eventSource === 'sts.amazonaws.com') {
        return { userIdentity: { type: 'AWSService', invokedBy: service }, sourceIPAddress: service, userAgent: service, tls: false, fromConsole: false, arn: service };
      }
      // A service acts through its service-linked role, or through a customer role it was handed.
      const linked = SERVICE_LINKED_ROLES[service];
      const role = linked?.role ?? INSTANCE_ROLE;
      const session = linked?.session ?? random.pick(request.instanceIds);
      const identity: Record<string, unknown> = { ...assumedRoleIdentity(role, session, random, time), invokedBy: service };
      const internal = request.eventSource === 's3.amazonaws.com' && random.chance(0.5);
      return { userIdentity: identity, sourceIPAddress: internal ? 'AWS Internal' : service, userAgent: internal ? 'AWS Internal' : service, tls: false, fromConsole: false, arn: String(identity.arn) };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/** Fields a call builder sets. `assembleRecord` adds the caller, the ids and the standard fields. */
interface CallSpec {
  requestParameters: unknown;
  responseElements: unknown;
  readOnly: boolean;
  additionalEventData?: Record<string, unknown>;
  resources?: Record<string, unknown>[];
  /** `Data` for data events (S3 objects, Lambda Invoke, DynamoDB items). The default is `Management`. */
  category?: 'Management' | 'Data';
  eventType?: 'AwsApiCall' | 'AwsConsoleSignIn';
  errorCode?: string;
  errorMessage?: string;
  /** A call refused for lack of permission; the envelope writes the error message with the caller's ARN. */
  denied?: Denial;
  /** Host name in `tlsDetails`. The default is `<service>.<region>.amazonaws.com`. */
  host?: string;
  sharedEventId?: string;
  /** Replaces the caller the definition would draw. */
  caller?: Caller;
}

interface Denial {
  errorCode: string;
  action: string;
  resourceArn: string;
  /** Message style: EC2's encoded message, S3's bare "Access Denied", or the IAM sentence. */
  style: 'ec2' | 's3' | 'iam';
  /** Some services log `requestParameters: null` on a denied call. */
  dropRequest?: boolean;
}

interface EventSourceInfo {
  eventSource: string;
  eventName: string;
  eventVersion: string;
  requestIdStyle: 'uuid' | 's3' | 'dynamodb';
}

function requestIdFor(style: EventSourceInfo['requestIdStyle'], random: Random): string {
  switch (style) {
    case 's3':
      return random.characters('0123456789ABCDEF', 16);
    case 'dynamodb':
      return random.characters(UPPER_ALPHANUMERIC, 52);
    default:
      return random.uuid();
  }
}

function denialMessage(denial: Denial, caller: Caller, random: Random): string {
  const sentence = `User: ${caller.arn} is not authorized to perform: ${denial.action} on resource: ${denial.resourceArn} because no identity-based policy allows the ${denial.action} action`;
  switch (denial.style) {
    case 's3':
      return 'Access Denied';
    case 'ec2':
      return `You are not authorized to perform this operation. ${sentence}. Encoded authorization failure message: ${random.characters(BASE64, 120)}`;
    default:
      return sentence;
  }
}

function defaultHost(eventSource: string, region: string): string {
  const service = eventSource.slice(0, eventSource.indexOf('.'));
  if (service === 'iam' || service === 'signin') {
    return `${service}.amazonaws.com`;
  }
  return `${service}.${region}.amazonaws.com`;
}

/** Assembles a record with CloudTrail's field order. */
function assembleRecord(info: EventSourceInfo, spec: CallSpec, caller: Caller, region: string, time: number, random: Random): CloudTrailRecord {
  // EC2 repeats the request id in its response.
  const echoedRequestId = (spec.responseElements as { requestId?: unknown } | null)?.requestId;
  const requestId = typeof echoedRequestId === 'string' ? echoedRequestId : requestIdFor(info.requestIdStyle, random);

  const record: CloudTrailRecord = {
    eventVersion: info.eventVersion,
    userIdentity: caller.userIdentity,
    eventTime: cloudTrailTime(time),
    eventSource: info.eventSource,
    eventName: info.eventName,
    awsRegion: region,
    sourceIPAddress: caller.sourceIPAddress,
    userAgent: caller.userAgent,
  };

  let requestParameters = spec.requestParameters;
  let responseElements = spec.responseElements;
  if (spec.denied) {
    record.errorCode = spec.denied.errorCode;
    record.errorMessage = denialMessage(spec.denied, caller, random);
    responseElements = null;
    if (spec.denied.dropRequest) {
      requestParameters = null;
    }
  } else if (spec.errorCode) {
    record.errorCode = spec.errorCode;
    if (spec.errorMessage !== undefined) {
      record.errorMessage = spec.errorMessage;
    }
    responseElements = null;
  }

  record.requestParameters = requestParameters;
  record.responseElements = responseElements;
  if (spec.additionalEventData) {
    record.additionalEventData = spec.additionalEventData;
  }
  record.requestID = requestId;
  record.eventID = random.uuid();
  record.readOnly = spec.readOnly;
  if (spec.resources) {
    record.resources = spec.resources;
  }
  record.eventType = spec.eventType ?? 'AwsApiCall';
  const category = spec.category ?? 'Management';
  record.managementEvent = category === 'Management';
  record.recipientAccountId = OWNER_ACCOUNT_ID;
  if (spec.sharedEventId) {
    record.sharedEventID = spec.sharedEventId;
  }
  record.eventCategory = category;

  if (caller.tls) {
    record.tlsDetails = {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: spec.host ?? defaultHost(info.eventSource, region),
    };
  }
  if (caller.fromConsole) {
    record.sessionCredentialFromConsole = 'true';
  }
  return record;
}

/** Resource ids drawn once per generator, so that the same instances and snapshots recur. */
interface ResourcePools {
  instanceIds: string[];
  volumeIds: string[];
  snapshotIds: string[];
  imageIds: string[];
  kmsKeyIds: string[];
  securityGroupIds: string[];
  subnetIds: string[];
}

function drawPools(random: Random): ResourcePools {
  const ids = (prefix: string, count: number): string[] => Array.from({ length: count }, () => `${prefix}-0${random.hex(16)}`);
  return {
    instanceIds: ids('i', 24),
    volumeIds: ids('vol', 24),
    snapshotIds: ids('snap', 16),
    imageIds: ids('ami', 8),
    kmsKeyIds: Array.from({ length: 4 }, () => random.uuid()),
    securityGroupIds: ids('sg', 6),
    subnetIds: ids('subnet', 6),
  };
}

/** Inputs of every call builder. */
interface CallContext {
  random: Random;
  region: string;
  time: number;
  pools: ResourcePools;
}

const BUCKETS = ['orders-archive-111122223333', 'web-assets-prod-111122223333', 'data-lake-raw-111122223333', 'build-artifacts-111122223333', 'customer-exports-111122223333'];
const TABLES = ['orders', 'customers', 'sessions', 'inventory'];
const QUEUES = ['orders-intake', 'thumbnail-jobs', 'export-requests'];
const TOPICS = ['order-events', 'ops-alerts', 'billing-notices'];
const PARAMETERS = ['/orders/prod/db-host', '/orders/prod/feature-flags', '/shared/prod/api-endpoint', '/thumbnails/prod/max-width'];
const SECRETS = ['prod/orders/db-credentials', 'prod/payments/api-key', 'prod/exports/sftp-password'];
const DB_INSTANCES = ['orders-db', 'reporting-db', 'inventory-db'];
const DB_CLUSTERS = ['analytics-cluster', 'orders-aurora'];
const LAYERS = ['shared-utils', 'observability-extension', 'pdf-renderer'];
const LOG_GROUPS = FUNCTION_NAMES.map((name) => `/aws/lambda/${name}`);

function kmsKeyArn(context: CallContext): string {
  return `arn:aws:kms:${context.region}:${OWNER_ACCOUNT_ID}:key/${context.random.pick(context.pools.kmsKeyIds)}`;
}

function functionArn(context: CallContext, functionName: string): string {
  return `arn:aws:lambda:${context.region}:${OWNER_ACCOUNT_ID}:function:${functionName}`;
}

/** Formats the date of a time: `2024-05-01`. */
function dateStamp(milliseconds: number): string {
  return cloudTrailTime(milliseconds).slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Everyday calls
// ---------------------------------------------------------------------------------------------

interface CallDefinition {
  info: EventSourceInfo;
  callers: CallerKind[];
  /** For `service` callers: the services that make this call. */
  services: string[];
  command: string;
  build(context: CallContext): CallSpec;
}

interface DefinitionInput {
  eventSource: string;
  eventName: string;
  callers: CallerKind[];
  build(context: CallContext): CallSpec;
  services?: string[];
  /** CLI command for the user agent. The default is derived from the source and the event name. */
  command?: string;
  eventVersion?: string;
  requestIdStyle?: EventSourceInfo['requestIdStyle'];
}

/** `GetFunction20150331v2` → `get-function`. */
function commandName(eventName: string): string {
  return eventName
    .replace(/\d{8}(v\d+)?$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

function define(input: DefinitionInput): CallDefinition {
  const service = input.eventSource.slice(0, input.eventSource.indexOf('.'));
  const cliService = { monitoring: 'cloudwatch', s3: 's3api' }[service] ?? service;
  const defaultVersion = service === 'ec2' || service === 's3' ? '1.09' : '1.08';
  let defaultRequestIdStyle: EventSourceInfo['requestIdStyle'] = 'uuid';
  if (service === 's3' || service === 'dynamodb') {
    defaultRequestIdStyle = service;
  }
  return {
    info: {
      eventSource: input.eventSource,
      eventName: input.eventName,
      eventVersion: input.eventVersion ?? defaultVersion,
      requestIdStyle: input.requestIdStyle ?? defaultRequestIdStyle,
    },
    callers: input.callers,
    services: input.services ?? [],
    command: input.command ?? `${cliService}.${commandName(input.eventName)}`,
    build: input.build,
  };
}

function s3Extras(context: CallContext, bytesIn: number, bytesOut: number): Record<string, unknown> {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: bytesIn,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': context.random.characters(BASE64, 76),
    bytesTransferredOut: bytesOut,
  };
}

function bucketResource(bucket: string): Record<string, unknown> {
  return { accountId: OWNER_ACCOUNT_ID, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` };
}

function s3Host(bucket: string, region: string): string {
  return `${bucket}.s3.${region}.amazonaws.com`;
}

function objectKey(context: CallContext, bucket: string): string {
  const { random } = context;
  const day = dateStamp(context.time);
  switch (bucket) {
    case 'web-assets-prod-111122223333':
      return `static/${random.pick(['js', 'css', 'img'])}/${random.hex(12)}.${random.pick(['js', 'css', 'png', 'webp'])}`;
    case 'data-lake-raw-111122223333':
      return `raw/events/dt=${day}/part-${String(random.int(100000)).padStart(5, '0')}-${random.uuid()}.parquet`;
    case 'build-artifacts-111122223333':
      return `builds/orders-service/${random.hex(7)}/bundle.zip`;
    default:
      return `orders/${day.replace(/-/g, '/')}/order-${random.hex(12)}.json`;
  }
}

function s3ObjectCall(context: CallContext, readOnly: boolean): CallSpec {
  const bucket = context.random.pick(BUCKETS);
  const key = objectKey(context, bucket);
  const size = context.random.between(200, 900000);
  return {
    requestParameters: { bucketName: bucket, Host: s3Host(bucket, context.region), key },
    responseElements: readOnly ? null : { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': kmsKeyArn(context), 'x-amz-server-side-encryption-bucket-key-enabled': 'true' },
    additionalEventData: s3Extras(context, readOnly ? 0 : size, readOnly ? size : 0),
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` }, bucketResource(bucket)],
    readOnly,
    category: 'Data',
    host: s3Host(bucket, context.region),
  };
}

/** ListObjectsV2, which CloudTrail logs as ListObjects with `list-type` 2. */
function s3ListCall(context: CallContext): CallSpec {
  const bucket = context.random.pick(BUCKETS);
  const host = s3Host(bucket, context.region);
  return {
    requestParameters: { bucketName: bucket, Host: host, 'list-type': '2', prefix: context.random.pick(['orders/', 'raw/events/', 'static/']), delimiter: '/', 'encoding-type': 'url' },
    responseElements: null,
    additionalEventData: s3Extras(context, 0, context.random.between(500, 60000)),
    resources: [bucketResource(bucket)],
    readOnly: true,
    category: 'Data',
    host,
  };
}

/** Returns a builder of bucket-level S3 reads such as GetBucketAcl, which log the subresource as an empty parameter. */
function s3BucketRead(subresource: string, error?: { code: string; message: string; rate: number }): (context: CallContext) => CallSpec {
  return (context) => {
    const bucket = context.random.pick(BUCKETS);
    const spec: CallSpec = {
      requestParameters: { bucketName: bucket, Host: s3Host(bucket, context.region), [subresource]: '' },
      responseElements: null,
      additionalEventData: s3Extras(context, 0, context.random.between(200, 1500)),
      resources: [bucketResource(bucket)],
      readOnly: true,
      host: s3Host(bucket, context.region),
    };
    if (error && context.random.chance(error.rate)) {
      spec.errorCode = error.code;
      spec.errorMessage = error.message;
    }
    return spec;
  };
}

function ec2Response(context: CallContext, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { requestId: context.random.uuid(), ...fields };
}

function dynamoItemCall(readOnly: boolean, parameters: (context: CallContext, table: string) => Record<string, unknown>): (context: CallContext) => CallSpec {
  return (context) => {
    const table = context.random.pick(TABLES);
    return {
      requestParameters: { tableName: table, ...parameters(context, table) },
      responseElements: null,
      resources: [{ accountId: OWNER_ACCOUNT_ID, type: 'AWS::DynamoDB::Table', ARN: `arn:aws:dynamodb:${context.region}:${OWNER_ACCOUNT_ID}:table/${table}` }],
      readOnly,
      category: 'Data',
    };
  };
}

function assumeRoleCall(context: CallContext): CallSpec {
  const { random } = context;
  const roles = [INSTANCE_ROLE, PIPELINE_ROLE, DEPLOY_ROLE, ...FUNCTION_ROLES.map((entry) => entry.role)];
  const role = random.pick(roles);
  let session = `${role.roleName.replace(/-role$/, '')}-${random.hex(6)}`;
  if (role === INSTANCE_ROLE) {
    session = random.pick(context.pools.instanceIds);
  } else if (role === DEPLOY_ROLE) {
    session = 'GitHubActions';
  }
  const roleArn = `arn:aws:iam::${OWNER_ACCOUNT_ID}:role/${role.roleName}`;
  const spec: CallSpec = {
    requestParameters: { roleArn, roleSessionName: session, durationSeconds: 3600 },
    responseElements: {
      credentials: { accessKeyId: sessionAccessKey(random), expiration: awsDateText(context.time + 3600 * 1000) },
      assumedRoleUser: { assumedRoleId: `${role.roleId}:${session}`, arn: `arn:aws:sts::${OWNER_ACCOUNT_ID}:assumed-role/${role.roleName}/${session}` },
    },
    resources: [{ accountId: OWNER_ACCOUNT_ID, type: 'AWS::IAM::Role', ARN: roleArn }],
    readOnly: true,
  };
  if (random.chance(0.04)) {
    // A partner account assuming a role here: the caller's account differs from recipientAccountId.
    const partner = random.pick(EXTERNAL_ACCOUNT_IDS);
    spec.caller = {
      userIdentity: { type: 'AWSAccount', principalId: `AROAQ3KZ7EXAMPLEPARTN:partner-sync`, accountId: partner },
      sourceIPAddress: `198.51.100.${random.between(251, 254)}`,
      userAgent: APPLICATION_USER_AGENTS[0],
      tls: true,
      fromConsole: false,
      arn: `arn:aws:sts::${partner}:assumed-role/partner-sync/partner-sync`,
    };
    spec.sharedEventId = random.uuid();
    spec.requestParameters = { roleArn: `arn:aws:iam::${OWNER_ACCOUNT_ID}:role/partner-read-access`, roleSessionName: 'partner-sync', externalId: 'partner-7d3f' };
  }
  return spec;
}

function consoleLoginCall(context: CallContext): CallSpec {
  const { random } = context;
  const session = random.pick(SSO_SESSIONS);
  const identity = assumedRoleIdentity(random.chance(0.7) ? SSO_ADMIN : SSO_READ_ONLY, session, random, context.time);
  delete identity.accessKeyId;
  return {
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: {
      MobileVersion: 'No',
      MFAUsed: 'No',
      LoginTo: 'https://console.aws.amazon.com/console/home?region=us-east-1&state=hashArgs%23',
    },
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    caller: {
      userIdentity: identity,
      sourceIPAddress: random.pick(HUMAN_ADDRESSES),
      userAgent: random.pick(CONSOLE_USER_AGENTS),
      tls: true,
      fromConsole: false,
      arn: String(identity.arn),
    },
    host: 'signin.aws.amazon.com',
  };
}

const HUMANS: CallerKind[] = ['cli', 'console'];
const AUTOMATION: CallerKind[] = ['application', 'function'];

/** Everyday calls with their relative frequency. None of them is a sharing call that the catalog watches. */
const EVERYDAY_CALLS: [CallDefinition, number][] = [
  // S3, object-level data events and bucket reads.
  [define({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', callers: [...AUTOMATION, 'cli', 'service'], services: ['athena.amazonaws.com', 'cloudfront.amazonaws.com'], build: (context) => s3ObjectCall(context, true) }), 10],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'PutObject', callers: [...AUTOMATION, 'service'], services: ['firehose.amazonaws.com'], build: (context) => s3ObjectCall(context, false) }), 5],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'HeadObject', callers: AUTOMATION, build: (context) => s3ObjectCall(context, true) }), 3],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'ListObjects', callers: [...AUTOMATION, 'cli'], command: 's3api.list-objects-v2', build: s3ListCall }), 2],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', callers: [...HUMANS, 'terraform'], build: (context) => ({ requestParameters: { Host: 's3.amazonaws.com' }, responseElements: null, additionalEventData: s3Extras(context, 0, 4200), readOnly: true, host: 's3.amazonaws.com' }) }), 0.8],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'GetBucketPolicy', callers: [...HUMANS, 'terraform', 'service'], services: ['config.amazonaws.com', 'access-analyzer.amazonaws.com'], build: s3BucketRead('policy', { code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist', rate: 0.3 }) }), 1],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'GetBucketAcl', callers: [...HUMANS, 'terraform', 'service'], services: ['config.amazonaws.com', 'cloudtrail.amazonaws.com'], build: s3BucketRead('acl') }), 1.2],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'GetBucketLocation', callers: [...AUTOMATION, 'service'], services: ['athena.amazonaws.com'], build: s3BucketRead('location') }), 1],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'GetBucketVersioning', callers: ['terraform', 'console'], build: s3BucketRead('versioning') }), 0.4],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'GetBucketPublicAccessBlock', callers: ['terraform', 'console', 'service'], services: ['config.amazonaws.com'], build: s3BucketRead('publicAccessBlock') }), 0.4],
  [define({ eventSource: 's3.amazonaws.com', eventName: 'GetBucketEncryption', callers: ['terraform', 'service'], services: ['config.amazonaws.com'], build: s3BucketRead('encryption') }), 0.3],

  // EC2.
  [
    define({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      callers: [...HUMANS, 'terraform', 'application', 'service'],
      services: ['autoscaling.amazonaws.com', 'ssm.amazonaws.com'],
      build: (context) => ({
        requestParameters: context.random.chance(0.5)
          ? { instancesSet: { items: [{ instanceId: context.random.pick(context.pools.instanceIds) }] }, filterSet: {} }
          : { maxResults: 1000, instancesSet: {}, filterSet: {} },
        responseElements: null,
        readOnly: true,
      }),
    }),
    4,
  ],
  [define({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstanceStatus', callers: ['service', 'application'], services: ['autoscaling.amazonaws.com', 'elasticloadbalancing.amazonaws.com'], build: () => ({ requestParameters: { instancesSet: {}, filterSet: {}, includeAllInstances: false }, responseElements: null, readOnly: true }) }), 2],
  [define({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeVolumes', callers: [...HUMANS, 'terraform'], build: (context) => ({ requestParameters: { volumeSet: { items: [{ volumeId: context.random.pick(context.pools.volumeIds) }] }, filterSet: {} }, responseElements: null, readOnly: true }) }), 1],
  [define({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeSecurityGroups', callers: [...HUMANS, 'terraform'], build: (context) => ({ requestParameters: { securityGroupSet: {}, securityGroupIdSet: { items: [{ groupId: context.random.pick(context.pools.securityGroupIds) }] }, filterSet: {} }, responseElements: null, readOnly: true }) }), 1],
  [define({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeVpcs', callers: [...HUMANS, 'terraform'], build: () => ({ requestParameters: { vpcSet: {}, filterSet: {} }, responseElements: null, readOnly: true }) }), 0.6],
  [define({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeSnapshots', callers: [...HUMANS, 'service'], services: ['backup.amazonaws.com', 'dlm.amazonaws.com'], build: () => ({ requestParameters: { snapshotSet: {}, ownersSet: { items: [{ owner: 'self' }] }, sharedUsersSet: {}, filterSet: {} }, responseElements: null, readOnly: true }) }), 1],
  [define({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeSnapshotAttribute', callers: HUMANS, build: (context) => ({ requestParameters: { snapshotId: context.random.pick(context.pools.snapshotIds), attributeType: 'CREATE_VOLUME_PERMISSION' }, responseElements: null, readOnly: true }) }), 0.3],
  [define({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeImages', callers: [...HUMANS, 'terraform', 'service'], services: ['autoscaling.amazonaws.com'], build: (context) => ({ requestParameters: { executableBySet: {}, imagesSet: { items: [{ imageId: context.random.pick(context.pools.imageIds) }] }, ownersSet: {}, availabilityZoneSet: {}, filterSet: {} }, responseElements: null, readOnly: true }) }), 1],
  [define({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeImageAttribute', callers: HUMANS, build: (context) => ({ requestParameters: { imageId: context.random.pick(context.pools.imageIds), attribute: 'launchPermission' }, responseElements: null, readOnly: true }) }), 0.3],
  [
    define({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      callers: ['terraform', 'service', 'console'],
      services: ['autoscaling.amazonaws.com'],
      build: (context) => {
        const { random } = context;
        const imageId = random.pick(context.pools.imageIds);
        const instanceType = random.pick(['t3.medium', 'm6i.large', 'c7g.xlarge']);
        const subnetId = random.pick(context.pools.subnetIds);
        return {
          requestParameters: {
            instancesSet: { items: [{ imageId, minCount: 1, maxCount: 1 }] },
            instanceType,
            blockDeviceMapping: {},
            monitoring: { enabled: false },
            disableApiTermination: false,
            disableApiStop: false,
            clientToken: random.uuid(),
            subnetId,
            iamInstanceProfile: { name: INSTANCE_ROLE.roleName },
            tagSpecificationSet: { items: [{ resourceType: 'instance', tags: [{ key: 'Name', value: 'orders-api' }] }] },
          },
          responseElements: ec2Response(context, {
            reservationId: `r-0${random.hex(16)}`,
            ownerId: OWNER_ACCOUNT_ID,
            groupSet: {},
            instancesSet: {
              items: [
                {
                  instanceId: `i-0${random.hex(16)}`,
                  imageId,
                  instanceState: { code: 0, name: 'pending' },
                  amiLaunchIndex: 0,
                  productCodes: {},
                  instanceType,
                  launchTime: context.time,
                  placement: { availabilityZone: `${context.region}${random.pick(['a', 'b', 'c'])}`, tenancy: 'default' },
                  monitoring: { state: 'disabled' },
                  subnetId,
                  stateReason: { code: 'pending', message: 'pending' },
                  architecture: instanceType.startsWith('c7g') ? 'arm64' : 'x86_64',
                  rootDeviceType: 'ebs',
                  rootDeviceName: '/dev/xvda',
                  virtualizationType: 'hvm',
                  ebsOptimized: true,
                  enaSupport: true,
                },
              ],
            },
          }),
          readOnly: false,
        };
      },
    }),
    0.3,
  ],
  [
    define({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'CreateSnapshot',
      callers: ['service', 'cli'],
      services: ['dlm.amazonaws.com', 'backup.amazonaws.com'],
      build: (context) => {
        const volumeId = context.random.pick(context.pools.volumeIds);
        return {
          requestParameters: { volumeId, description: `Created for policy: policy-0${context.random.hex(16)}` },
          responseElements: ec2Response(context, {
            snapshotId: `snap-0${context.random.hex(16)}`,
            volumeId,
            status: 'pending',
            startTime: context.time,
            progress: '',
            ownerId: OWNER_ACCOUNT_ID,
            volumeSize: context.random.pick([20, 50, 100, 500]),
            encrypted: true,
            kmsKeyId: kmsKeyArn(context),
          }),
          readOnly: false,
        };
      },
    }),
    0.3,
  ],
  [
    define({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'ModifyInstanceAttribute',
      callers: ['terraform', 'cli'],
      build: (context) => ({
        requestParameters: context.random.chance(0.5)
          ? { instanceId: context.random.pick(context.pools.instanceIds), disableApiTermination: { value: true } }
          : { instanceId: context.random.pick(context.pools.instanceIds), instanceType: { value: 'm6i.xlarge' } },
        responseElements: ec2Response(context, { _return: true }),
        readOnly: false,
      }),
    }),
    0.2,
  ],
  [
    define({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'CreateTags',
      callers: ['terraform', 'service', 'cloudformation'],
      services: ['autoscaling.amazonaws.com'],
      build: (context) => ({
        requestParameters: { resourcesSet: { items: [{ resourceId: context.random.pick(context.pools.instanceIds) }] }, tagSet: { items: [{ key: 'team', value: 'orders' }] } },
        responseElements: ec2Response(context, { _return: true }),
        readOnly: false,
      }),
    }),
    0.4,
  ],

  // IAM, STS and sign-in. IAM and sign-in events are global and arrive in us-east-1 only.
  [define({ eventSource: 'iam.amazonaws.com', eventName: 'GetRole', callers: [...HUMANS, 'terraform', 'cloudformation'], build: (context) => ({ requestParameters: { roleName: context.random.pick([INSTANCE_ROLE, PIPELINE_ROLE, DEPLOY_ROLE]).roleName }, responseElements: null, readOnly: true }) }), 0.8],
  [define({ eventSource: 'iam.amazonaws.com', eventName: 'ListRoles', callers: [...HUMANS, 'service'], services: ['access-analyzer.amazonaws.com'], build: () => ({ requestParameters: null, responseElements: null, readOnly: true }) }), 0.3],
  [define({ eventSource: 'iam.amazonaws.com', eventName: 'GetUser', callers: HUMANS, build: (context) => ({ requestParameters: { userName: context.random.pick(IAM_USERS).userName }, responseElements: null, readOnly: true }) }), 0.2],
  [define({ eventSource: 'iam.amazonaws.com', eventName: 'ListAttachedRolePolicies', callers: [...HUMANS, 'terraform'], build: (context) => ({ requestParameters: { roleName: context.random.pick([INSTANCE_ROLE, PIPELINE_ROLE]).roleName }, responseElements: null, readOnly: true }) }), 0.3],
  [define({ eventSource: 'iam.amazonaws.com', eventName: 'GetPolicyVersion', callers: ['terraform', 'service'], services: ['access-analyzer.amazonaws.com'], build: (context) => ({ requestParameters: { policyArn: `arn:aws:iam::${OWNER_ACCOUNT_ID}:policy/orders-api-access`, versionId: `v${context.random.between(1, 6)}` }, responseElements: null, readOnly: true }) }), 0.3],
  [define({ eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', callers: ['service', 'cli', 'application'], services: ['lambda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'], build: assumeRoleCall }), 12],
  [define({ eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', callers: ['cli', 'terraform', 'application'], build: () => ({ requestParameters: null, responseElements: null, readOnly: true }) }), 1],
  [
    define({
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRoleWithWebIdentity',
      callers: ['terraform'],
      build: (context) => {
        const provider = `arn:aws:iam::${OWNER_ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;
        const subject = 'repo:example-org/orders-service:ref:refs/heads/main';
        const roleArn = `arn:aws:iam::${OWNER_ACCOUNT_ID}:role/${DEPLOY_ROLE.roleName}`;
        return {
          requestParameters: { roleArn, roleSessionName: 'GitHubActions' },
          responseElements: {
            subjectFromWebIdentityToken: subject,
            assumedRoleUser: { assumedRoleId: `${DEPLOY_ROLE.roleId}:GitHubActions`, arn: `arn:aws:sts::${OWNER_ACCOUNT_ID}:assumed-role/${DEPLOY_ROLE.roleName}/GitHubActions` },
            provider,
            audience: 'sts.amazonaws.com',
            credentials: { accessKeyId: sessionAccessKey(context.random), expiration: awsDateText(context.time + 3600 * 1000) },
          },
          resources: [{ accountId: OWNER_ACCOUNT_ID, type: 'AWS::IAM::Role', ARN: roleArn }],
          readOnly: true,
          caller: {
            userIdentity: { type: 'WebIdentityUser', principalId: `${provider}:sts.amazonaws.com:${subject}`, userName: subject, identityProvider: provider },
            sourceIPAddress: `198.51.100.${context.random.between(200, 250)}`,
            userAgent: 'aws-sdk-js/2.1608.0 promise',
            tls: true,
            fromConsole: false,
            arn: provider,
          },
        };
      },
    }),
    0.3,
  ],
  [define({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', callers: ['console'], build: consoleLoginCall }), 0.2],

  // KMS.
  [
    define({
      eventSource: 'kms.amazonaws.com',
      eventName: 'Decrypt',
      callers: ['service', 'function', 'application'],
      services: ['secretsmanager.amazonaws.com', 's3.amazonaws.com', 'ssm.amazonaws.com'],
      build: (context) => ({
        requestParameters: { encryptionContext: { SecretARN: `arn:aws:secretsmanager:${context.region}:${OWNER_ACCOUNT_ID}:secret:${context.random.pick(SECRETS)}-${context.random.characters(ALPHANUMERIC, 6)}` }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        responseElements: null,
        resources: [{ accountId: OWNER_ACCOUNT_ID, type: 'AWS::KMS::Key', ARN: kmsKeyArn(context) }],
        readOnly: true,
      }),
    }),
    10,
  ],
  [
    define({
      eventSource: 'kms.amazonaws.com',
      eventName: 'GenerateDataKey',
      callers: ['service', 'application'],
      services: ['s3.amazonaws.com', 'dynamodb.amazonaws.com', 'sqs.amazonaws.com'],
      build: (context) => {
        const keyArn = kmsKeyArn(context);
        return {
          requestParameters: { keyId: keyArn, encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${context.random.pick(BUCKETS)}` }, keySpec: 'AES_256' },
          responseElements: null,
          resources: [{ accountId: OWNER_ACCOUNT_ID, type: 'AWS::KMS::Key', ARN: keyArn }],
          readOnly: true,
        };
      },
    }),
    5,
  ],
  [define({ eventSource: 'kms.amazonaws.com', eventName: 'DescribeKey', callers: ['terraform', 'service'], services: ['rds.amazonaws.com', 'ebs.amazonaws.com'], build: (context) => ({ requestParameters: { keyId: kmsKeyArn(context) }, responseElements: null, readOnly: true }) }), 0.6],

  // Lambda. Invoke is a data event, and the management calls carry the API version in their names.
  [
    define({
      eventSource: 'lambda.amazonaws.com',
      eventName: 'Invoke',
      callers: ['service', 'application'],
      services: ['apigateway.amazonaws.com', 'events.amazonaws.com', 'sqs.amazonaws.com'],
      build: (context) => {
        const arn = functionArn(context, context.random.pick(FUNCTION_NAMES));
        return {
          requestParameters: { functionName: arn, invocationType: context.random.pick(['RequestResponse', 'Event']), logType: 'None' },
          responseElements: null,
          additionalEventData: { functionVersion: `${arn}:$LATEST` },
          resources: [{ accountId: OWNER_ACCOUNT_ID, type: 'AWS::Lambda::Function', ARN: arn }],
          readOnly: false,
          category: 'Data',
        };
      },
    }),
    6,
  ],
  [define({ eventSource: 'lambda.amazonaws.com', eventName: 'GetFunction20150331v2', callers: [...HUMANS, 'terraform'], command: 'lambda.get-function', build: (context) => ({ requestParameters: { functionName: context.random.pick(FUNCTION_NAMES) }, responseElements: null, readOnly: true }) }), 0.8],
  [define({ eventSource: 'lambda.amazonaws.com', eventName: 'GetPolicy20150331v2', callers: [...HUMANS, 'terraform', 'service'], services: ['access-analyzer.amazonaws.com'], command: 'lambda.get-policy', build: (context) => ({ requestParameters: { functionName: context.random.pick(FUNCTION_NAMES) }, responseElements: null, readOnly: true }) }), 0.4],
  [define({ eventSource: 'lambda.amazonaws.com', eventName: 'ListFunctions20150331', callers: [...HUMANS, 'service'], services: ['config.amazonaws.com'], command: 'lambda.list-functions', build: () => ({ requestParameters: null, responseElements: null, readOnly: true }) }), 0.4],
  [define({ eventSource: 'lambda.amazonaws.com', eventName: 'RemovePermission20150331v2', callers: ['terraform', 'cloudformation'], command: 'lambda.remove-permission', build: (context) => ({ requestParameters: { functionName: context.random.pick(FUNCTION_NAMES), statementId: `AllowExecutionFromS3-${context.random.hex(8)}` }, responseElements: null, readOnly: false }) }), 0.1],
  [
    define({
      eventSource: 'lambda.amazonaws.com',
      eventName: 'UpdateFunctionConfiguration20150331v2',
      callers: ['terraform', 'cloudformation'],
      command: 'lambda.update-function-configuration',
      build: (context) => {
        const functionName = context.random.pick(FUNCTION_NAMES);
        return {
          requestParameters: { functionName, timeout: 30, memorySize: context.random.pick([256, 512, 1024]) },
          responseElements: { functionName, functionArn: functionArn(context, functionName), runtime: 'nodejs20.x', timeout: 30, lastModified: `${cloudTrailTime(context.time).slice(0, 19)}.000+0000`, state: 'Active', lastUpdateStatus: 'InProgress', revisionId: context.random.uuid() },
          readOnly: false,
        };
      },
    }),
    0.1,
  ],

  // RDS.
  [define({ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBInstances', callers: [...HUMANS, 'terraform', 'service'], services: ['rds.amazonaws.com'], build: (context) => ({ requestParameters: context.random.chance(0.5) ? { dBInstanceIdentifier: context.random.pick(DB_INSTANCES) } : null, responseElements: null, readOnly: true }) }), 1],
  [define({ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBClusters', callers: [...HUMANS, 'terraform'], build: (context) => ({ requestParameters: { dBClusterIdentifier: context.random.pick(DB_CLUSTERS), includeShared: false }, responseElements: null, readOnly: true }) }), 0.4],
  [define({ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBSnapshots', callers: [...HUMANS, 'service'], services: ['backup.amazonaws.com'], build: (context) => ({ requestParameters: { dBInstanceIdentifier: context.random.pick(DB_INSTANCES), snapshotType: 'manual', includeShared: false, includePublic: false }, responseElements: null, readOnly: true }) }), 0.6],
  [define({ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBSnapshotAttributes', callers: HUMANS, build: (context) => ({ requestParameters: { dBSnapshotIdentifier: `${context.random.pick(DB_INSTANCES)}-${dateStamp(context.time)}` }, responseElements: null, readOnly: true }) }), 0.2],
  [
    define({
      eventSource: 'rds.amazonaws.com',
      eventName: 'CreateDBSnapshot',
      callers: ['cli', 'service'],
      services: ['backup.amazonaws.com'],
      build: (context) => {
        const instance = context.random.pick(DB_INSTANCES);
        const snapshot = `${instance}-${dateStamp(context.time)}-${context.random.hex(4)}`;
        return {
          requestParameters: { dBSnapshotIdentifier: snapshot, dBInstanceIdentifier: instance },
          responseElements: {
            dBSnapshotIdentifier: snapshot,
            dBInstanceIdentifier: instance,
            engine: 'postgres',
            allocatedStorage: 100,
            status: 'creating',
            port: 5432,
            availabilityZone: `${context.region}a`,
            instanceCreateTime: awsDateText(context.time - 90 * 86400 * 1000),
            masterUsername: 'app_admin',
            engineVersion: '16.2',
            licenseModel: 'postgresql-license',
            snapshotType: 'manual',
            percentProgress: 0,
            storageType: 'gp3',
            encrypted: true,
            kmsKeyId: kmsKeyArn(context),
            dBSnapshotArn: `arn:aws:rds:${context.region}:${OWNER_ACCOUNT_ID}:snapshot:${snapshot}`,
            iAMDatabaseAuthenticationEnabled: false,
            tagList: [],
            dedicatedLogVolume: false,
          },
          readOnly: false,
        };
      },
    }),
    0.1,
  ],

  // CloudWatch and CloudWatch Logs.
  [
    define({
      eventSource: 'monitoring.amazonaws.com',
      eventName: 'GetMetricData',
      callers: ['console', 'application'],
      build: (context) => ({
        requestParameters: {
          metricDataQueries: [{ id: 'm1', metricStat: { metric: { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: [{ name: 'FunctionName', value: context.random.pick(FUNCTION_NAMES) }] }, period: 300, stat: 'Sum' }, returnData: true }],
          startTime: awsDateText(context.time - 3 * 3600 * 1000),
          endTime: awsDateText(context.time),
        },
        responseElements: null,
        readOnly: true,
      }),
    }),
    3,
  ],
  [define({ eventSource: 'monitoring.amazonaws.com', eventName: 'DescribeAlarms', callers: ['console', 'terraform', 'service'], services: ['autoscaling.amazonaws.com'], build: () => ({ requestParameters: { maxRecords: 100 }, responseElements: null, readOnly: true }) }), 1],
  [
    define({
      eventSource: 'monitoring.amazonaws.com',
      eventName: 'PutMetricAlarm',
      callers: ['terraform', 'cloudformation'],
      build: (context) => ({
        requestParameters: { alarmName: `${context.random.pick(FUNCTION_NAMES)}-errors`, metricName: 'Errors', namespace: 'AWS/Lambda', statistic: 'Sum', period: 300, evaluationPeriods: 1, threshold: 1.0, comparisonOperator: 'GreaterThanOrEqualToThreshold', alarmActions: [`arn:aws:sns:${context.region}:${OWNER_ACCOUNT_ID}:ops-alerts`] },
        responseElements: null,
        readOnly: false,
      }),
    }),
    0.1,
  ],
  [
    define({
      eventSource: 'logs.amazonaws.com',
      eventName: 'CreateLogStream',
      callers: ['function'],
      build: (context) => ({
        requestParameters: { logGroupName: context.random.pick(LOG_GROUPS), logStreamName: `${dateStamp(context.time).replace(/-/g, '/')}/[$LATEST]${context.random.hex(32)}` },
        responseElements: null,
        readOnly: false,
      }),
    }),
    4,
  ],
  [define({ eventSource: 'logs.amazonaws.com', eventName: 'DescribeLogGroups', callers: ['console', 'terraform'], build: () => ({ requestParameters: { limit: 50 }, responseElements: null, readOnly: true }) }), 0.8],
  [define({ eventSource: 'logs.amazonaws.com', eventName: 'DescribeLogStreams', callers: ['console', 'cli'], build: (context) => ({ requestParameters: { logGroupName: context.random.pick(LOG_GROUPS), orderBy: 'LastEventTime', descending: true }, responseElements: null, readOnly: true }) }), 0.8],

  // DynamoDB. Item-level calls are data events, and the log hides the key values.
  [define({ eventSource: 'dynamodb.amazonaws.com', eventName: 'GetItem', callers: AUTOMATION, build: dynamoItemCall(true, () => ({ key: { id: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, consistentRead: false })) }), 5],
  [define({ eventSource: 'dynamodb.amazonaws.com', eventName: 'PutItem', callers: AUTOMATION, build: dynamoItemCall(false, () => ({ key: { id: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, item: ['id', 'status', 'updatedAt'] })) }), 3],
  [define({ eventSource: 'dynamodb.amazonaws.com', eventName: 'Query', callers: AUTOMATION, build: dynamoItemCall(true, () => ({ keyConditionExpression: 'customerId = :c', expressionAttributeValues: { ':c': 'HIDDEN_DUE_TO_SECURITY_REASONS' }, limit: 50 })) }), 4],
  [define({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DescribeTable', callers: [...HUMANS, 'terraform', 'service'], services: ['application-autoscaling.amazonaws.com'], build: (context) => ({ requestParameters: { tableName: context.random.pick(TABLES) }, responseElements: null, readOnly: true }) }), 1.2],
  [define({ eventSource: 'dynamodb.amazonaws.com', eventName: 'ListTables', callers: HUMANS, build: () => ({ requestParameters: null, responseElements: null, readOnly: true }) }), 0.3],

  // SNS and SQS. RemovePermission shares nothing, and no rule reads it; their AddPermission is a
  // sharing call, so it is not an everyday call here.
  [
    define({
      eventSource: 'sns.amazonaws.com',
      eventName: 'Publish',
      callers: AUTOMATION,
      build: (context) => {
        const topicArn = `arn:aws:sns:${context.region}:${OWNER_ACCOUNT_ID}:${context.random.pick(TOPICS)}`;
        return {
          requestParameters: { topicArn, messageAttributes: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
          responseElements: { messageId: context.random.uuid() },
          resources: [{ accountId: OWNER_ACCOUNT_ID, type: 'AWS::SNS::Topic', ARN: topicArn }],
          readOnly: false,
          category: 'Data',
        };
      },
    }),
    2,
  ],
  [define({ eventSource: 'sns.amazonaws.com', eventName: 'ListTopics', callers: HUMANS, build: () => ({ requestParameters: null, responseElements: null, readOnly: true }) }), 0.2],
  [define({ eventSource: 'sns.amazonaws.com', eventName: 'GetTopicAttributes', callers: [...HUMANS, 'terraform'], build: (context) => ({ requestParameters: { topicArn: `arn:aws:sns:${context.region}:${OWNER_ACCOUNT_ID}:${context.random.pick(TOPICS)}` }, responseElements: null, readOnly: true }) }), 0.5],
  [
    define({
      eventSource: 'sns.amazonaws.com',
      eventName: 'RemovePermission',
      callers: ['cli', 'terraform'],
      build: (context) => ({
        requestParameters: { topicArn: `arn:aws:sns:${context.region}:${OWNER_ACCOUNT_ID}:${context.random.pick(TOPICS)}`, label: `partner-publish-${context.random.hex(4)}` },
        responseElements: null,
        readOnly: false,
      }),
    }),
    0.05,
  ],
  [define({ eventSource: 'sqs.amazonaws.com', eventName: 'ListQueues', callers: HUMANS, build: () => ({ requestParameters: null, responseElements: null, readOnly: true }) }), 0.2],
  [define({ eventSource: 'sqs.amazonaws.com', eventName: 'GetQueueAttributes', callers: ['terraform', 'service'], services: ['lambda.amazonaws.com'], build: (context) => ({ requestParameters: { queueUrl: `https://sqs.${context.region}.amazonaws.com/${OWNER_ACCOUNT_ID}/${context.random.pick(QUEUES)}`, attributeNames: ['All'] }, responseElements: null, readOnly: true }) }), 1],
  [
    define({
      eventSource: 'sqs.amazonaws.com',
      eventName: 'RemovePermission',
      callers: ['cli', 'terraform'],
      build: (context) => ({
        requestParameters: { queueUrl: `https://sqs.${context.region}.amazonaws.com/${OWNER_ACCOUNT_ID}/${context.random.pick(QUEUES)}`, label: `partner-send-${context.random.hex(4)}` },
        responseElements: null,
        readOnly: false,
      }),
    }),
    0.05,
  ],

  // Systems Manager, Secrets Manager, ECR, CloudTrail, CloudFormation.
  [
    define({
      eventSource: 'ssm.amazonaws.com',
      eventName: 'GetParameter',
      callers: AUTOMATION,
      build: (context) => {
        const spec: CallSpec = { requestParameters: { name: context.random.pick(PARAMETERS), withDecryption: true }, responseElements: null, readOnly: true };
        if (context.random.chance(0.02)) {
          spec.errorCode = 'ParameterNotFound';
        }
        return spec;
      },
    }),
    5,
  ],
  [define({ eventSource: 'ssm.amazonaws.com', eventName: 'GetParameters', callers: ['service', 'application'], services: ['ecs.amazonaws.com'], build: (context) => ({ requestParameters: { names: [context.random.pick(PARAMETERS), context.random.pick(PARAMETERS)], withDecryption: true }, responseElements: null, readOnly: true }) }), 1.5],
  [
    define({
      eventSource: 'ssm.amazonaws.com',
      eventName: 'UpdateInstanceInformation',
      callers: ['application'],
      build: (context) => {
        const instanceId = context.random.pick(context.pools.instanceIds);
        const identity = assumedRoleIdentity(INSTANCE_ROLE, instanceId, context.random, context.time, { ec2RoleDelivery: '2.0' });
        return {
          requestParameters: { instanceId, agentVersion: '3.3.380.0', agentStatus: 'Active', platformType: 'Linux', platformName: 'Amazon Linux', platformVersion: '2023', computerName: `ip-${context.random.hex(6)}.ec2.internal`, agentName: 'amazon-ssm-agent', availabilityZone: `${context.region}b` },
          responseElements: null,
          readOnly: false,
          caller: { userIdentity: identity, sourceIPAddress: `198.51.100.${context.random.between(2, 120)}`, userAgent: 'aws-sdk-go/1.44.325 (go1.21.9; linux; amd64) amazon-ssm-agent/3.3.380.0', tls: true, fromConsole: false, arn: String(identity.arn) },
        };
      },
    }),
    3,
  ],
  [define({ eventSource: 'ssm.amazonaws.com', eventName: 'DescribeInstanceInformation', callers: ['console', 'service'], services: ['ssm.amazonaws.com'], build: () => ({ requestParameters: { maxResults: 50 }, responseElements: null, readOnly: true }) }), 0.5],
  [define({ eventSource: 'secretsmanager.amazonaws.com', eventName: 'GetSecretValue', callers: AUTOMATION, build: (context) => ({ requestParameters: { secretId: context.random.pick(SECRETS) }, responseElements: null, readOnly: true }) }), 3],
  [define({ eventSource: 'ecr.amazonaws.com', eventName: 'GetAuthorizationToken', callers: ['service', 'terraform'], services: ['ecs-tasks.amazonaws.com'], build: () => ({ requestParameters: null, responseElements: null, readOnly: true }) }), 1],
  [define({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DescribeTrails', callers: ['console', 'service'], services: ['config.amazonaws.com'], build: () => ({ requestParameters: { trailNameList: [], includeShadowTrails: true }, responseElements: null, readOnly: true }) }), 0.2],
  [define({ eventSource: 'cloudformation.amazonaws.com', eventName: 'DescribeStacks', callers: ['terraform', 'console', 'cli'], build: (context) => ({ requestParameters: { stackName: context.random.pick(['OrdersServiceStack', 'ThumbnailStack', 'CDKToolkit']) }, responseElements: null, readOnly: true }) }), 0.8],
];

const GLOBAL_EVENT_SOURCES = new Set(['iam.amazonaws.com', 'signin.amazonaws.com']);

/** Everyday calls by region: global services are logged in us-east-1 only. */
function everydayTable(region: string): WeightedTable<CallDefinition> {
  const entries = EVERYDAY_CALLS.filter(([definition]) => region === 'us-east-1' || !GLOBAL_EVENT_SOURCES.has(definition.info.eventSource));
  return new WeightedTable(entries);
}

/** The distinct `eventSource`/`eventName` pairs of everyday calls, such as `sns.amazonaws.com AddPermission`. */
export const EVERYDAY_EVENT_NAMES: readonly string[] = EVERYDAY_CALLS.map(([definition]) => `${definition.info.eventSource} ${definition.info.eventName}`);

// ---------------------------------------------------------------------------------------------
// Sharing calls
// ---------------------------------------------------------------------------------------------

/** Outcome share-sentinel should report for a sharing call when its trusted list is empty. */
export type ExpectedOutcome = 'finding' | 'quiet';

/** A sharing call with the outcome it is meant to produce. */
export interface SharingCall {
  record: CloudTrailRecord;
  scenario: SharingScenarioName;
  expected: ExpectedOutcome;
}

interface SharingScenario {
  definition: CallDefinition;
  expected: ExpectedOutcome;
  /** Relative frequency in a corpus. */
  weight: number;
  /** Builds the refusal of a failed call. `RecordFactory.sharing` rejects a failed call of a scenario without it. */
  denial?: (context: CallContext, spec: CallSpec) => Denial;
  /** The scenario is a refused call by nature. */
  alwaysFails?: boolean;
}

/** Callers of sharing calls. CloudFormation has resources for bucket policies, ACLs and Lambda permissions only. */
const SHARING_CALLERS: CallerKind[] = ['cli', 'cli', 'console', 'terraform'];
const SHARING_CALLERS_WITH_CLOUDFORMATION: CallerKind[] = [...SHARING_CALLERS, 'cloudformation'];

function externalAccount(context: CallContext): string {
  return context.random.pick(EXTERNAL_ACCOUNT_IDS);
}

// EC2 --------------------------------------------------------------------------------------------

type PermissionItem = Record<string, string>;

function ec2PermissionChange(target: 'image' | 'snapshot', operation: 'add' | 'remove', items: (context: CallContext) => PermissionItem[]): (context: CallContext) => CallSpec {
  return (context) => {
    const list = { [operation]: { items: items(context) } };
    const requestParameters = target === 'image'
      ? { imageId: context.random.pick(context.pools.imageIds), launchPermission: list, attributeType: 'launchPermission' }
      : { snapshotId: context.random.pick(context.pools.snapshotIds), createVolumePermission: list, attributeType: 'CREATE_VOLUME_PERMISSION' };
    return { requestParameters, responseElements: ec2Response(context, { _return: true }), readOnly: false };
  };
}

function ec2Denial(target: 'image' | 'snapshot'): (context: CallContext, spec: CallSpec) => Denial {
  return (context, spec) => {
    const parameters = spec.requestParameters as Record<string, unknown>;
    const id = String(target === 'image' ? parameters.imageId : parameters.snapshotId);
    return {
      errorCode: 'Client.UnauthorizedOperation',
      action: target === 'image' ? 'ec2:ModifyImageAttribute' : 'ec2:ModifySnapshotAttribute',
      resourceArn: `arn:aws:ec2:${context.region}::${target}/${id}`,
      style: 'ec2',
    };
  };
}

function ec2Definition(target: 'image' | 'snapshot', build: (context: CallContext) => CallSpec): CallDefinition {
  const eventName = target === 'image' ? 'ModifyImageAttribute' : 'ModifySnapshotAttribute';
  return define({ eventSource: 'ec2.amazonaws.com', eventName, callers: SHARING_CALLERS, build });
}

// RDS --------------------------------------------------------------------------------------------

function rdsAttributeChange(cluster: boolean, operation: 'add' | 'remove', values: (context: CallContext) => string[]): (context: CallContext) => CallSpec {
  return (context) => {
    const identifierKey = cluster ? 'dBClusterSnapshotIdentifier' : 'dBSnapshotIdentifier';
    const identifier = `${context.random.pick(cluster ? DB_CLUSTERS : DB_INSTANCES)}-${dateStamp(context.time)}-manual`;
    const changed = values(context);
    const requestParameters = { [identifierKey]: identifier, attributeName: 'restore', [operation === 'add' ? 'valuesToAdd' : 'valuesToRemove']: changed };
    // The response lists every account that can restore the snapshot after the change.
    const remaining = operation === 'add' ? changed : [];
    const responseElements = {
      [identifierKey]: identifier,
      [cluster ? 'dBClusterSnapshotAttributes' : 'dBSnapshotAttributes']: [{ attributeName: 'restore', attributeValues: remaining }],
    };
    return { requestParameters, responseElements, readOnly: false };
  };
}

function rdsDenial(cluster: boolean): (context: CallContext, spec: CallSpec) => Denial {
  return (context, spec) => {
    const parameters = spec.requestParameters as Record<string, unknown>;
    const identifier = String(cluster ? parameters.dBClusterSnapshotIdentifier : parameters.dBSnapshotIdentifier);
    return {
      errorCode: 'AccessDenied',
      action: cluster ? 'rds:ModifyDBClusterSnapshotAttribute' : 'rds:ModifyDBSnapshotAttribute',
      resourceArn: `arn:aws:rds:${context.region}:${OWNER_ACCOUNT_ID}:${cluster ? 'cluster-snapshot' : 'snapshot'}:${identifier}`,
      style: 'iam',
    };
  };
}

function rdsDefinition(cluster: boolean, build: (context: CallContext) => CallSpec): CallDefinition {
  return define({ eventSource: 'rds.amazonaws.com', eventName: cluster ? 'ModifyDBClusterSnapshotAttribute' : 'ModifyDBSnapshotAttribute', callers: SHARING_CALLERS, build });
}

// S3 ---------------------------------------------------------------------------------------------

type PolicyBuilder = (context: CallContext, bucket: string) => Record<string, unknown>;

function secureTransportStatement(bucket: string): Record<string, unknown> {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

function putBucketPolicy(policy: PolicyBuilder): (context: CallContext) => CallSpec {
  return (context) => {
    const bucket = context.random.pick(BUCKETS);
    const host = s3Host(bucket, context.region);
    const bucketPolicy = policy(context, bucket);
    // Older records spell the host as an array under `host` and the subresource as `[""]`.
    const requestParameters = context.random.chance(0.2)
      ? { bucketPolicy, bucketName: bucket, host: [host], policy: [''] }
      : { bucketPolicy, bucketName: bucket, Host: host, policy: '' };
    return {
      requestParameters,
      responseElements: null,
      additionalEventData: s3Extras(context, JSON.stringify(bucketPolicy).length, 0),
      resources: [bucketResource(bucket)],
      readOnly: false,
      host,
    };
  };
}

function s3Denial(action: string): (context: CallContext, spec: CallSpec) => Denial {
  return (_context, spec) => ({ errorCode: 'AccessDenied', action, resourceArn: `arn:aws:s3:::${String((spec.requestParameters as Record<string, unknown>).bucketName)}`, style: 's3' });
}

function s3Definition(eventName: string, build: (context: CallContext) => CallSpec): CallDefinition {
  return define({ eventSource: 's3.amazonaws.com', eventName, callers: SHARING_CALLERS_WITH_CLOUDFORMATION, build });
}

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

function canonicalGrant(id: string, permission: string): Record<string, unknown> {
  return { Grantee: { 'xsi:type': 'CanonicalUser', 'xmlns:xsi': XSI_NAMESPACE, ID: id }, Permission: permission };
}

function groupGrant(group: string, permission: string): Record<string, unknown> {
  return { Grantee: { 'xsi:type': 'Group', 'xmlns:xsi': XSI_NAMESPACE, URI: `http://acs.amazonaws.com/groups/${group}` }, Permission: permission };
}

/** PutBucketAcl with an XML body turned to JSON: one grant is an object, several an array. */
function putBucketAclBody(grants: Record<string, unknown>[]): (context: CallContext) => CallSpec {
  return (context) => {
    const bucket = context.random.pick(BUCKETS);
    const host = s3Host(bucket, context.region);
    const accessControlPolicy = {
      AccessControlList: { Grant: grants.length === 1 ? grants[0] : grants },
      xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
      Owner: { ID: OWNER_CANONICAL_ID },
    };
    return {
      requestParameters: { bucketName: bucket, Host: host, acl: '', AccessControlPolicy: accessControlPolicy },
      responseElements: null,
      additionalEventData: s3Extras(context, JSON.stringify(accessControlPolicy).length * 2, 0),
      resources: [bucketResource(bucket)],
      readOnly: false,
      host,
    };
  };
}

/** PutBucketAcl with a canned ACL header. */
function putBucketCannedAcl(acl: string): (context: CallContext) => CallSpec {
  return (context) => {
    const bucket = context.random.pick(BUCKETS);
    const host = s3Host(bucket, context.region);
    return {
      requestParameters: { bucketName: bucket, Host: host, acl: '', 'x-amz-acl': [acl] },
      responseElements: null,
      additionalEventData: s3Extras(context, 0, 0),
      resources: [bucketResource(bucket)],
      readOnly: false,
      host,
    };
  };
}

// Lambda -----------------------------------------------------------------------------------------

interface PermissionRequest {
  statementId: string;
  action: string;
  principal: string;
  sourceAccount?: string;
  sourceArn?: string;
  principalOrgID?: string;
  functionUrlAuthType?: string;
  invokedViaFunctionUrl?: boolean;
}

/** The statement Lambda returns as a JSON string in `responseElements.statement`. */
function lambdaStatement(request: PermissionRequest, resource: string): string {
  const principal = request.principal === '*' ? '*' : /^\d{12}$/.test(request.principal) ? { AWS: `arn:aws:iam::${request.principal}:root` } : { Service: request.principal };
  const condition: Record<string, Record<string, string>> = {};
  const add = (operator: string, key: string, value: string): void => {
    condition[operator] = { ...condition[operator], [key]: value };
  };
  if (request.sourceAccount) {
    add('StringEquals', 'AWS:SourceAccount', request.sourceAccount);
  }
  if (request.principalOrgID) {
    add('StringEquals', 'aws:PrincipalOrgID', request.principalOrgID);
  }
  if (request.functionUrlAuthType) {
    add('StringEquals', 'lambda:FunctionUrlAuthType', request.functionUrlAuthType);
  }
  if (request.invokedViaFunctionUrl) {
    add('Bool', 'lambda:InvokedViaFunctionUrl', 'true');
  }
  if (request.sourceArn) {
    add('ArnLike', 'AWS:SourceArn', request.sourceArn);
  }
  const statement: Record<string, unknown> = { Sid: request.statementId, Effect: 'Allow', Principal: principal, Action: request.action, Resource: resource };
  if (Object.keys(condition).length > 0) {
    statement.Condition = condition;
  }
  return JSON.stringify(statement);
}

function addPermission(request: (context: CallContext, functionName: string) => PermissionRequest): (context: CallContext) => CallSpec {
  return (context) => {
    const functionName = context.random.pick(FUNCTION_NAMES);
    const fields = request(context, functionName);
    return {
      requestParameters: { functionName, ...fields },
      responseElements: { statement: lambdaStatement(fields, functionArn(context, functionName)) },
      readOnly: false,
    };
  };
}

function addLayerPermission(principal: (context: CallContext) => string, organizationId?: string): (context: CallContext) => CallSpec {
  return (context) => {
    const layerName = context.random.pick(LAYERS);
    const versionNumber = context.random.between(1, 12);
    const grantee = principal(context);
    let statementId = `share-with-${grantee}`;
    if (grantee === '*') {
      statementId = organizationId ? 'share-with-organization' : 'share-with-everyone';
    }
    const resource = `arn:aws:lambda:${context.region}:${OWNER_ACCOUNT_ID}:layer:${layerName}:${versionNumber}`;
    const statement: Record<string, unknown> = { Sid: statementId, Effect: 'Allow', Principal: grantee === '*' ? '*' : { AWS: `arn:aws:iam::${grantee}:root` }, Action: 'lambda:GetLayerVersion', Resource: resource };
    if (organizationId) {
      statement.Condition = { StringEquals: { 'aws:PrincipalOrgID': organizationId } };
    }
    return {
      requestParameters: { layerName, versionNumber, statementId, action: 'lambda:GetLayerVersion', principal: grantee, ...(organizationId ? { organizationId } : {}) },
      responseElements: { statement: JSON.stringify(statement), revisionId: context.random.uuid() },
      readOnly: false,
    };
  };
}

function lambdaDenial(layer: boolean): (context: CallContext, spec: CallSpec) => Denial {
  return (context, spec) => {
    const parameters = spec.requestParameters as Record<string, unknown>;
    const resourceArn = layer
      ? `arn:aws:lambda:${context.region}:${OWNER_ACCOUNT_ID}:layer:${String(parameters.layerName)}:${String(parameters.versionNumber)}`
      : functionArn(context, String(parameters.functionName));
    return { errorCode: 'AccessDenied', action: layer ? 'lambda:AddLayerVersionPermission' : 'lambda:AddPermission', resourceArn, style: 'iam' };
  };
}

function lambdaDefinition(eventName: string, build: (context: CallContext) => CallSpec): CallDefinition {
  return define({ eventSource: 'lambda.amazonaws.com', eventName, callers: SHARING_CALLERS_WITH_CLOUDFORMATION, command: eventName.startsWith('AddLayer') ? 'lambda.add-layer-version-permission' : 'lambda.add-permission', build });
}

// The scenarios -----------------------------------------------------------------------------------

const ec2ExternalItems = (context: CallContext): PermissionItem[] => [{ userId: externalAccount(context) }];
const ec2PublicItems = (): PermissionItem[] => [{ group: 'all' }];

const SHARING_SCENARIOS = {
  // EC2 snapshots and AMIs.
  'ec2-snapshot-external-account': { definition: ec2Definition('snapshot', ec2PermissionChange('snapshot', 'add', ec2ExternalItems)), expected: 'finding', weight: 6, denial: ec2Denial('snapshot') },
  'ec2-snapshot-public': { definition: ec2Definition('snapshot', ec2PermissionChange('snapshot', 'add', ec2PublicItems)), expected: 'finding', weight: 2, denial: ec2Denial('snapshot') },
  'ec2-snapshot-owner-account': { definition: ec2Definition('snapshot', ec2PermissionChange('snapshot', 'add', () => [{ userId: OWNER_ACCOUNT_ID }])), expected: 'quiet', weight: 1 },
  'ec2-snapshot-removal': { definition: ec2Definition('snapshot', ec2PermissionChange('snapshot', 'remove', ec2ExternalItems)), expected: 'quiet', weight: 3 },
  'ec2-image-public': { definition: ec2Definition('image', ec2PermissionChange('image', 'add', ec2PublicItems)), expected: 'finding', weight: 2, denial: ec2Denial('image') },
  'ec2-image-external-accounts': { definition: ec2Definition('image', ec2PermissionChange('image', 'add', () => EXTERNAL_ACCOUNT_IDS.map((userId) => ({ userId })))), expected: 'finding', weight: 4, denial: ec2Denial('image') },
  'ec2-image-builder-distribution': {
    // EC2 Image Builder shares the AMIs it distributes with the accounts of its distribution settings.
    definition: define({ eventSource: 'ec2.amazonaws.com', eventName: 'ModifyImageAttribute', callers: ['service'], services: ['imagebuilder.amazonaws.com'], build: ec2PermissionChange('image', 'add', ec2ExternalItems) }),
    expected: 'finding',
    weight: 1,
  },
  'ec2-image-organization': { definition: ec2Definition('image', ec2PermissionChange('image', 'add', () => [{ organizationArn: ORGANIZATION_ARN }])), expected: 'finding', weight: 1 },
  'ec2-image-public-removal': { definition: ec2Definition('image', ec2PermissionChange('image', 'remove', ec2PublicItems)), expected: 'quiet', weight: 2 },
  'ec2-image-description': {
    definition: ec2Definition('image', (context) => ({ requestParameters: { imageId: context.random.pick(context.pools.imageIds), description: { value: 'orders-api base image' }, attributeType: 'description' }, responseElements: ec2Response(context, { _return: true }), readOnly: false })),
    expected: 'quiet',
    weight: 2,
  },

  // RDS snapshots.
  'rds-snapshot-external-account': { definition: rdsDefinition(false, rdsAttributeChange(false, 'add', (context) => [externalAccount(context)])), expected: 'finding', weight: 5, denial: rdsDenial(false) },
  'rds-snapshot-public': { definition: rdsDefinition(false, rdsAttributeChange(false, 'add', () => ['all'])), expected: 'finding', weight: 2, denial: rdsDenial(false) },
  'rds-snapshot-removal': { definition: rdsDefinition(false, rdsAttributeChange(false, 'remove', (context) => [externalAccount(context)])), expected: 'quiet', weight: 2 },
  'rds-cluster-snapshot-external-account': { definition: rdsDefinition(true, rdsAttributeChange(true, 'add', (context) => [externalAccount(context)])), expected: 'finding', weight: 3, denial: rdsDenial(true) },
  'rds-cluster-snapshot-removal': { definition: rdsDefinition(true, rdsAttributeChange(true, 'remove', () => ['all'])), expected: 'quiet', weight: 1 },

  // S3 bucket policies.
  's3-policy-public': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({ Version: '2012-10-17', Statement: [{ Sid: 'PublicReadGetObject', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }))),
    expected: 'finding',
    weight: 3,
    denial: s3Denial('s3:PutBucketPolicy'),
  },
  's3-policy-public-console': {
    // The console's policy generator writes the old version and a single statement object.
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({ Version: '2008-10-17', Id: 'PolicyForPublicWebsiteContent', Statement: { Sid: 'PublicReadForGetBucketObjects', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` } }))),
    expected: 'finding',
    weight: 2,
    denial: s3Denial('s3:PutBucketPolicy'),
  },
  's3-policy-external-account': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((context, bucket) => ({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'PartnerRead', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${externalAccount(context)}:root` }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] },
        secureTransportStatement(bucket),
      ],
    }))),
    expected: 'finding',
    weight: 5,
    denial: s3Denial('s3:PutBucketPolicy'),
  },
  's3-policy-mixed-principals': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ReplicationReaders', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${OWNER_ACCOUNT_ID}:role/${PIPELINE_ROLE.roleName}`, EXTERNAL_ACCOUNT_IDS[1]] }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    }))),
    expected: 'finding',
    weight: 2,
  },
  's3-policy-owner-role': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ApplicationAccess', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER_ACCOUNT_ID}:role/${INSTANCE_ROLE.roleName}` }, Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${bucket}/*` },
        secureTransportStatement(bucket),
      ],
    }))),
    expected: 'quiet',
    weight: 4,
  },
  's3-policy-cloudfront-oai': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({ Version: '2008-10-17', Id: 'PolicyForCloudFrontPrivateContent', Statement: [{ Sid: '1', Effect: 'Allow', Principal: { AWS: CLOUDFRONT_OAI }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }))),
    expected: 'quiet',
    weight: 1,
  },
  's3-policy-cloudfront-oac': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({
      Version: '2008-10-17',
      Id: 'PolicyForCloudFrontPrivateContent',
      Statement: [{ Sid: 'AllowCloudFrontServicePrincipal', Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { 'AWS:SourceArn': `arn:aws:cloudfront::${OWNER_ACCOUNT_ID}:distribution/E2B4D6F8H0J2L4` } } }],
    }))),
    expected: 'quiet',
    weight: 1,
  },
  's3-policy-log-delivery': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({
      Version: '2012-10-17',
      Statement: [{ Sid: 'S3ServerAccessLogsPolicy', Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/access-logs/*`, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::orders-archive-111122223333' }, StringEquals: { 'aws:SourceAccount': OWNER_ACCOUNT_ID } } }],
    }))),
    expected: 'quiet',
    weight: 1,
  },
  's3-policy-vpc-endpoint': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AccessFromVpcEndpoint', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { 'aws:sourceVpce': VPC_ENDPOINT_ID } } }],
    }))),
    expected: 'finding',
    weight: 1,
  },
  's3-policy-not-principal': {
    // Allow with NotPrincipal admits everyone but the listed principals.
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AllowAllButPartner', Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${EXTERNAL_ACCOUNT_IDS[0]}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    }))),
    expected: 'finding',
    weight: 0.5,
  },
  's3-policy-organization-path': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({
      Version: '2012-10-17',
      Statement: [{ Sid: 'OrganizationUnitRead', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${ORGANIZATION_ID}/r-a1b2/ou-a1b2-c3d4e5f6/*`] } } }],
    }))),
    expected: 'finding',
    weight: 0.5,
  },
  's3-policy-organization': {
    definition: s3Definition('PutBucketPolicy', putBucketPolicy((_context, bucket) => ({
      Version: '2012-10-17',
      Statement: [{ Sid: 'OrganizationRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } } }],
    }))),
    expected: 'finding',
    weight: 1,
  },

  // S3 ACLs.
  's3-acl-all-users': {
    definition: s3Definition('PutBucketAcl', putBucketAclBody([canonicalGrant(OWNER_CANONICAL_ID, 'FULL_CONTROL'), groupGrant('global/AllUsers', 'READ')])),
    expected: 'finding',
    weight: 2,
    denial: s3Denial('s3:PutBucketAcl'),
  },
  's3-acl-authenticated-users': { definition: s3Definition('PutBucketAcl', putBucketAclBody([canonicalGrant(OWNER_CANONICAL_ID, 'FULL_CONTROL'), groupGrant('global/AuthenticatedUsers', 'READ_ACP')])), expected: 'finding', weight: 1 },
  's3-acl-external-canonical-user': { definition: s3Definition('PutBucketAcl', putBucketAclBody([canonicalGrant(OWNER_CANONICAL_ID, 'FULL_CONTROL'), canonicalGrant(EXTERNAL_CANONICAL_ID, 'READ')])), expected: 'finding', weight: 1 },
  's3-acl-owner-only': { definition: s3Definition('PutBucketAcl', putBucketAclBody([canonicalGrant(OWNER_CANONICAL_ID, 'FULL_CONTROL')])), expected: 'quiet', weight: 2 },
  's3-acl-log-delivery': { definition: s3Definition('PutBucketAcl', putBucketAclBody([canonicalGrant(OWNER_CANONICAL_ID, 'FULL_CONTROL'), groupGrant('s3/LogDelivery', 'WRITE'), groupGrant('s3/LogDelivery', 'READ_ACP')])), expected: 'quiet', weight: 1 },
  's3-acl-canned-public-read': { definition: s3Definition('PutBucketAcl', putBucketCannedAcl('public-read')), expected: 'finding', weight: 1, denial: s3Denial('s3:PutBucketAcl') },
  's3-acl-canned-private': { definition: s3Definition('PutBucketAcl', putBucketCannedAcl('private')), expected: 'quiet', weight: 2 },

  // Lambda function and layer permissions.
  'lambda-function-url-public': {
    definition: lambdaDefinition('AddPermission20150331v2', addPermission(() => ({ statementId: 'FunctionURLAllowPublicAccess', action: 'lambda:InvokeFunctionUrl', principal: '*', functionUrlAuthType: 'NONE' }))),
    expected: 'finding',
    weight: 2,
    denial: lambdaDenial(false),
  },
  'lambda-invoke-via-function-url': {
    definition: lambdaDefinition('AddPermission20150331v2', addPermission(() => ({ statementId: 'FunctionURLAllowInvokeAction', action: 'lambda:InvokeFunction', principal: '*', invokedViaFunctionUrl: true }))),
    expected: 'finding',
    weight: 1,
  },
  'lambda-external-account': {
    definition: lambdaDefinition('AddPermission20150331v2', addPermission((context) => {
      const account = externalAccount(context);
      return { statementId: `cross-account-invoke-${account}`, action: 'lambda:InvokeFunction', principal: account };
    })),
    expected: 'finding',
    weight: 4,
    denial: lambdaDenial(false),
  },
  'lambda-organization': {
    definition: lambdaDefinition('AddPermission20150331v2', addPermission(() => ({ statementId: 'organization-invoke', action: 'lambda:InvokeFunction', principal: '*', principalOrgID: ORGANIZATION_ID }))),
    expected: 'finding',
    weight: 1,
  },
  'lambda-owner-account': {
    definition: lambdaDefinition('AddPermission20150331v2', addPermission(() => ({ statementId: 'same-account-invoke', action: 'lambda:InvokeFunction', principal: OWNER_ACCOUNT_ID }))),
    expected: 'quiet',
    weight: 2,
  },
  'lambda-s3-notification': {
    definition: lambdaDefinition('AddPermission20150331v2', addPermission((context) => ({ statementId: `AllowExecutionFromS3-${context.random.hex(8)}`, action: 'lambda:InvokeFunction', principal: 's3.amazonaws.com', sourceAccount: OWNER_ACCOUNT_ID, sourceArn: `arn:aws:s3:::${context.random.pick(BUCKETS)}` }))),
    expected: 'quiet',
    weight: 4,
  },
  'lambda-api-gateway': {
    // The console may write a source ARN whose account field is empty.
    definition: lambdaDefinition('AddPermission20150331v2', addPermission((context) => ({
      statementId: `apigateway-invoke-${context.random.hex(8)}`,
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      sourceArn: context.random.chance(0.3) ? `arn:aws:execute-api:${context.region}::*` : `arn:aws:execute-api:${context.region}:${OWNER_ACCOUNT_ID}:a1b2c3d4e5/*/POST/orders`,
    }))),
    expected: 'quiet',
    weight: 3,
  },
  'lambda-events-rule': {
    definition: lambdaDefinition('AddPermission20150331', addPermission((context) => ({ statementId: 'nightly-schedule', action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com', sourceArn: `arn:aws:events:${context.region}:${OWNER_ACCOUNT_ID}:rule/nightly-export-schedule` }))),
    expected: 'quiet',
    weight: 2,
  },
  'lambda-denied-without-request': {
    // A refused call logged with `requestParameters: null`. Nothing shows what was attempted, and
    // share-sentinel reports the unreadable attempt.
    definition: lambdaDefinition('AddPermission20150331v2', addPermission(() => ({ statementId: 'cross-account-invoke', action: 'lambda:InvokeFunction', principal: EXTERNAL_ACCOUNT_IDS[0] }))),
    expected: 'finding',
    weight: 0.5,
    denial: (context, spec) => ({ ...lambdaDenial(false)(context, spec), dropRequest: true }),
    alwaysFails: true,
  },
  'lambda-layer-external-account': { definition: lambdaDefinition('AddLayerVersionPermission20181031', addLayerPermission(externalAccount)), expected: 'finding', weight: 2, denial: lambdaDenial(true) },
  'lambda-layer-public': { definition: lambdaDefinition('AddLayerVersionPermission20181031', addLayerPermission(() => '*')), expected: 'finding', weight: 1 },
  'lambda-layer-organization': { definition: lambdaDefinition('AddLayerVersionPermission20181031', addLayerPermission(() => '*', ORGANIZATION_ID)), expected: 'finding', weight: 1 },
  'lambda-layer-owner-account': { definition: lambdaDefinition('AddLayerVersionPermission20181031', addLayerPermission(() => OWNER_ACCOUNT_ID)), expected: 'quiet', weight: 1 },
} satisfies Record<string, SharingScenario>;

export type SharingScenarioName = keyof typeof SHARING_SCENARIOS;

/** Every sharing scenario, with the outcome it is meant to produce. */
export const SHARING_SCENARIO_OUTCOMES: Readonly<Record<SharingScenarioName, ExpectedOutcome>> = Object.fromEntries(
  Object.entries(SHARING_SCENARIOS).map(([name, scenario]) => [name, scenario.expected]),
) as Record<SharingScenarioName, ExpectedOutcome>;

const SCENARIO_TABLE = new WeightedTable(Object.entries(SHARING_SCENARIOS).map(([name, scenario]) => [name as SharingScenarioName, scenario.weight] as const));

/** The share of sharing calls in a corpus that fail, for scenarios that have a way to fail. */
const SHARING_FAILURE_RATE = 0.08;

// ---------------------------------------------------------------------------------------------
// Record factory
// ---------------------------------------------------------------------------------------------

/** Options of one sharing call built by `RecordFactory.sharing`. */
export interface SharingCallOptions {
  /** Make the call fail with the service's access-denied error. Only scenarios that can fail accept it. */
  failed?: boolean;
}

/**
 * Builds records from one seeded PRNG. Every draw advances the same stream, so a sequence of
 * calls gives the same records for the same seed.
 */
export class RecordFactory {
  readonly random: Random;
  private readonly pools: ResourcePools;
  private readonly tables = new Map<string, WeightedTable<CallDefinition>>();

  constructor(seed: number) {
    this.random = new Random(seed);
    this.pools = drawPools(this.random);
  }

  /** Builds an everyday call, which no catalog rule reads, made in `region` at `time` (epoch milliseconds). */
  everyday(region: string, time: number): CloudTrailRecord {
    let table = this.tables.get(region);
    if (!table) {
      table = everydayTable(region);
      this.tables.set(region, table);
    }
    return this.build(table.draw(this.random), region, time);
  }

  /**
   * Builds a sharing call. Without a scenario, it draws one by weight and, where the scenario has a
   * failed form, makes the call fail at `SHARING_FAILURE_RATE`.
   */
  sharing(region: string, time: number, scenarioName?: SharingScenarioName, options: SharingCallOptions = {}): SharingCall {
    const name = scenarioName ?? SCENARIO_TABLE.draw(this.random);
    const scenario: SharingScenario = SHARING_SCENARIOS[name];
    let failed = options.failed ?? false;
    if (scenario.alwaysFails) {
      failed = true;
    } else if (options.failed === undefined && scenarioName === undefined && scenario.denial !== undefined) {
      failed = this.random.chance(SHARING_FAILURE_RATE);
    }
    if (failed && !scenario.denial) {
      const failing = Object.entries(SHARING_SCENARIOS).filter(([, item]) => 'denial' in item).map(([key]) => key);
      throw new Error(`invalid option failed for sharing scenario ${name}, which has no failed form: choose one of ${failing.join(', ')}`);
    }
    const record = this.build(scenario.definition, region, time, (context, spec) => {
      if (failed && scenario.denial) {
        spec.denied = scenario.denial(context, spec);
      }
    });
    return { record, scenario: name, expected: scenario.expected };
  }

  private build(definition: CallDefinition, region: string, time: number, adjust?: (context: CallContext, spec: CallSpec) => void): CloudTrailRecord {
    const context: CallContext = { random: this.random, region, time, pools: this.pools };
    const spec = definition.build(context);
    adjust?.(context, spec);
    const caller = spec.caller ?? buildCaller({
      random: this.random,
      time,
      region,
      kind: this.random.pick(definition.callers),
      command: definition.command,
      service: definition.services.length > 0 ? this.random.pick(definition.services) : definition.info.eventSource,
      eventSource: definition.info.eventSource,
      instanceIds: this.pools.instanceIds,
    });
    if (definition.info.eventSource === 's3.amazonaws.com' && caller.tls && !caller.userAgent.startsWith('[')) {
      // S3 wraps the user agent in brackets.
      caller.userAgent = `[${caller.userAgent}]`;
    }
    return assembleRecord(definition.info, spec, caller, region, time, this.random);
  }
}

/** Yields `count` everyday records made in `region`, about three a second from 2024-05-01T00:00:00Z. */
export function* everydayRecords(seed: number, count: number, region = 'us-east-1'): Generator<CloudTrailRecord> {
  const factory = new RecordFactory(seed);
  for (let i = 0; i < count; i++) {
    yield factory.everyday(region, DEFAULT_START + i * 300);
  }
}

/** Yields `count` sharing calls drawn by weight, with their scenario and expected outcome. */
export function* sharingCalls(seed: number, count: number, region = 'us-east-1'): Generator<SharingCall> {
  const factory = new RecordFactory(seed);
  for (let i = 0; i < count; i++) {
    yield factory.sharing(region, DEFAULT_START + i * 1000);
  }
}

/** Yields the records of `sharingCalls`. */
export function* sharingRecords(seed: number, count: number, region = 'us-east-1'): Generator<CloudTrailRecord> {
  for (const call of sharingCalls(seed, count, region)) {
    yield call.record;
  }
}

// ---------------------------------------------------------------------------------------------
// Log files
// ---------------------------------------------------------------------------------------------

function compactTimestamp(milliseconds: number): string {
  const iso = new Date(milliseconds).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/**
 * Returns the S3 key CloudTrail delivers a log file to:
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<16 characters>.json.gz`.
 */
export function logFileKey(region: string, deliveryTime: number, suffix: string): string {
  const iso = new Date(deliveryTime).toISOString();
  const folder = `AWSLogs/${OWNER_ACCOUNT_ID}/CloudTrail/${region}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
  return `${folder}/${OWNER_ACCOUNT_ID}_CloudTrail_${region}_${compactTimestamp(deliveryTime)}_${suffix}.json.gz`;
}

/** Draws the 16-character suffix CloudTrail gives each log file name. */
export function logFileSuffix(random: Random): string {
  return random.characters(ALPHANUMERIC, 16);
}

const GZIP_LEVEL = 6;
/** Offset of the gzip header's OS byte, and its value for Unix. */
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNIX = 3;
const gzipAsync = promisify(gzip);

/**
 * Gzips a log file body at level 6. The gzip header carries no timestamp (zlib writes zero) and
 * its OS byte is set to Unix, so the same body gives the same bytes on any platform with the same
 * zlib build.
 */
export function gzipLogFile(body: Buffer): Buffer {
  const compressed = gzipSync(body, { level: GZIP_LEVEL });
  compressed[GZIP_OS_OFFSET] = GZIP_OS_UNIX;
  return compressed;
}

/** Gzips like `gzipLogFile`, with the same bytes, on libuv's thread pool. */
async function gzipLogFileAsync(body: Buffer): Promise<Buffer> {
  const compressed = await gzipAsync(body, { level: GZIP_LEVEL });
  compressed[GZIP_OS_OFFSET] = GZIP_OS_UNIX;
  return compressed;
}

const BODY_START = '{"Records":[';
const BODY_END = ']}';
const COMMA = 0x2c;

/**
 * Encodes a log file from already serialised records, as CloudTrail writes it: one compact
 * `{"Records":[...]}` line, in UTF-8.
 */
export function encodeLogFile(recordTexts: readonly string[]): Buffer {
  let characters = BODY_START.length + BODY_END.length + recordTexts.length;
  for (const text of recordTexts) {
    characters += text.length;
  }
  // Writing the pieces into one buffer costs far less than joining them into a string first.
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  const buffer = Buffer.allocUnsafe(characters * 3);
  let offset = buffer.write(BODY_START, 0, 'utf8');
  for (let i = 0; i < recordTexts.length; i++) {
    if (i > 0) {
      buffer[offset++] = COMMA;
    }
    offset += buffer.write(recordTexts[i], offset, 'utf8');
  }
  offset += buffer.write(BODY_END, offset, 'utf8');
  return buffer.subarray(0, offset);
}

/** Draws `count` event times in [start, start + window), sorted. Times are whole seconds. */
export function eventTimes(random: Random, start: number, window: number, count: number): number[] {
  const seconds = Math.max(1, Math.floor(window / 1000));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    times.push(start + random.int(seconds) * 1000);
  }
  return times.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------------------------

export interface CorpusOptions {
  /** The output directory, which must be missing or empty. */
  out: string;
  /** Minimum uncompressed bytes to write. The last file ends with the first record that reaches it. @default 1 GiB */
  sizeBytes?: number;
  /** @default 42 */
  seed?: number;
  /** The share of records that are sharing calls, in [0, 1]. @default 0.001 */
  sharingRate?: number;
  /** Average records per log file. Each file gets 90 % to 110 % of it. @default 1000 */
  recordsPerFile?: number;
  /** Writes the ground truth to this file as JSON Lines instead of returning it. */
  truthPath?: string;
  /** Start of the first log file's window, in epoch milliseconds. @default 2024-05-01T00:00:00Z */
  start?: number;
  /** Called after each file is written. */
  onFile?: (progress: { files: number; records: number; bytes: number }) => void;
}

/** One sharing call of the corpus. */
export interface TruthEntry {
  eventID: string;
  eventSource: string;
  eventName: string;
  scenario: SharingScenarioName;
  expected: ExpectedOutcome;
  /** The call's `errorCode`, when it failed. */
  errorCode?: string;
  /** The log file, relative to the output directory. */
  file: string;
}

export interface CorpusSummary {
  files: number;
  records: number;
  sharingRecords: number;
  /** Uncompressed bytes of all files. */
  bytes: number;
  /** The sharing calls, unless `truthPath` was given. */
  truth?: TruthEntry[];
}

/** An invalid generator option. The message names the option, the value and the fix. */
export class CorpusOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusOptionError';
  }
}

export const DEFAULT_SIZE_BYTES = 1024 ** 3;
export const DEFAULT_SEED = 42;
export const DEFAULT_SHARING_RATE = 0.001;
export const DEFAULT_RECORDS_PER_FILE = 1000;
const MAX_RECORDS_PER_FILE = 100000;

interface ValidatedOptions {
  out: string;
  sizeBytes: number;
  seed: number;
  sharingRate: number;
  recordsPerFile: number;
  start: number;
}

function validateOptions(options: CorpusOptions): ValidatedOptions {
  const { out } = options;
  if (typeof out !== 'string' || out.trim() === '') {
    throw new CorpusOptionError('missing output directory: set --out DIR (the directory must be missing or empty)');
  }
  const sizeBytes = options.sizeBytes ?? DEFAULT_SIZE_BYTES;
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    throw new CorpusOptionError(`invalid size ${String(sizeBytes)}: expected a positive whole number of bytes, such as 209715200 (200MB)`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new CorpusOptionError(`invalid seed ${String(seed)}: expected a whole number from 0 to 4294967295, such as 42`);
  }
  const sharingRate = options.sharingRate ?? DEFAULT_SHARING_RATE;
  if (typeof sharingRate !== 'number' || !Number.isFinite(sharingRate) || sharingRate < 0 || sharingRate > 1) {
    throw new CorpusOptionError(`invalid sharing rate ${String(sharingRate)}: expected a number from 0 to 1, such as 0.001 for one sharing call per 1000 records`);
  }
  const recordsPerFile = options.recordsPerFile ?? DEFAULT_RECORDS_PER_FILE;
  if (!Number.isInteger(recordsPerFile) || recordsPerFile < 1 || recordsPerFile > MAX_RECORDS_PER_FILE) {
    throw new CorpusOptionError(`invalid records per file ${String(recordsPerFile)}: expected a whole number from 1 to ${MAX_RECORDS_PER_FILE}, such as 1000`);
  }
  const start = options.start ?? DEFAULT_START;
  if (!Number.isSafeInteger(start)) {
    throw new CorpusOptionError(`invalid start time ${String(start)}: expected epoch milliseconds, such as ${DEFAULT_START}`);
  }
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    throw new CorpusOptionError(`output directory ${out} is not empty: remove it or choose another --out, so that no files of an older corpus mix with the new one`);
  }
  return { out, sizeBytes, seed, sharingRate, recordsPerFile, start };
}

/** Draws the number of records until the next sharing call, uniform around 1 / rate, so that even small corpora get close to the rate. */
function sharingGap(random: Random, rate: number): number {
  return rate <= 0 ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor((0.5 + random.next()) / rate + 0.5));
}

const REGION_TABLE = new WeightedTable(REGION_WEIGHTS);

/**
 * Writes a corpus of gzipped CloudTrail log files under `options.out`, file by file, and returns
 * what it wrote. Only one file's records are held in memory at a time.
 */
export async function generateCorpus(options: CorpusOptions): Promise<CorpusSummary> {
  const settings = validateOptions(options);
  const factory = new RecordFactory(settings.seed);
  const random = factory.random;
  const truth: TruthEntry[] = [];
  const truthFile = options.truthPath === undefined ? undefined : openSync(options.truthPath, 'w');
  const createdFolders = new Set<string>();
  const summary: CorpusSummary = { files: 0, records: 0, sharingRecords: 0, bytes: 0 };
  let untilSharing = sharingGap(random, settings.sharingRate);
  let windowIndex = 0;
  let previousWrite: Promise<void> = Promise.resolve();

  try {
    while (summary.bytes < settings.sizeBytes) {
      const region = REGION_TABLE.draw(random);
      const planned = Math.max(1, Math.round(settings.recordsPerFile * (0.9 + 0.2 * random.next())));
      const windowStart = settings.start + windowIndex * FILE_WINDOW_MS;
      const times = eventTimes(random, windowStart, FILE_WINDOW_MS, planned);
      const key = logFileKey(region, windowStart + FILE_WINDOW_MS, logFileSuffix(random));
      const texts: string[] = [];
      const fileTruth: TruthEntry[] = [];
      // Every character is ASCII, so string lengths are byte counts.
      let fileBytes = BODY_START.length + BODY_END.length;

      // Each file gets at least one record; the size is checked before every further one.
      for (let i = 0; i < planned && (i === 0 || summary.bytes + fileBytes < settings.sizeBytes); i++) {
        untilSharing -= 1;
        let record: CloudTrailRecord;
        if (untilSharing <= 0) {
          const call = factory.sharing(region, times[i]);
          record = call.record;
          fileTruth.push(truthEntry(call, key));
          untilSharing = sharingGap(random, settings.sharingRate);
        } else {
          record = factory.everyday(region, times[i]);
        }
        const text = JSON.stringify(record);
        fileBytes += text.length + (texts.length > 0 ? 1 : 0);
        texts.push(text);
      }

      const body = encodeLogFile(texts);
      const path = join(settings.out, key);
      const folder = dirname(path);
      if (!createdFolders.has(folder)) {
        mkdirSync(folder, { recursive: true });
        createdFolders.add(folder);
      }
      // Compresses this file on the thread pool while the next one is generated, so at most two files
      // are in memory at once.
      const written = gzipLogFileAsync(body).then((compressed) => writeFile(path, compressed));
      await previousWrite;
      previousWrite = written;

      summary.files += 1;
      summary.records += texts.length;
      summary.sharingRecords += fileTruth.length;
      summary.bytes += body.length;
      if (truthFile === undefined) {
        truth.push(...fileTruth);
      } else if (fileTruth.length > 0) {
        writeSync(truthFile, fileTruth.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      }
      options.onFile?.({ files: summary.files, records: summary.records, bytes: summary.bytes });
      if (random.chance(0.6)) {
        windowIndex += 1;
      }
    }
    await previousWrite;
  } finally {
    // After a failure, waits for the write in flight so that none outlives the call; the first error is the one raised.
    await previousWrite.catch(() => undefined);
    if (truthFile !== undefined) {
      closeSync(truthFile);
    }
  }
  if (truthFile === undefined) {
    summary.truth = truth;
  }
  return summary;
}

function truthEntry(call: SharingCall, file: string): TruthEntry {
  const entry: TruthEntry = {
    eventID: String(call.record.eventID),
    eventSource: String(call.record.eventSource),
    eventName: String(call.record.eventName),
    scenario: call.scenario,
    expected: call.expected,
    file,
  };
  if (typeof call.record.errorCode === 'string') {
    entry.errorCode = call.record.errorCode;
  }
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/** Parses `200MB`, `1.5GB`, `512KB` or a plain byte count. KB, MB and GB are powers of 1024. */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined;
  const bytes = match && unit !== undefined ? Math.round(Number(match[1]) * unit) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new CorpusOptionError(`invalid --size '${text}': expected a positive number followed by KB, MB or GB (powers of 1024), such as 200MB`);
  }
  return bytes;
}

export const USAGE = `Usage: npx tsx bench/corpus.ts --out DIR [options]

Writes gzipped CloudTrail log files with a known share of sharing calls.

Options:
  --out DIR               output directory; it must be missing or empty (required)
  --size SIZE             uncompressed bytes to write: a number with KB, MB or GB
                          (powers of 1024); default 1GB
  --seed N                PRNG seed, 0 to 4294967295; default ${DEFAULT_SEED}
  --sharing-rate R        share of records that are sharing calls, 0 to 1;
                          default ${DEFAULT_SHARING_RATE}
  --records-per-file N    records per log file, on average; default ${DEFAULT_RECORDS_PER_FILE}
  --truth FILE            write the sharing calls' event ids and expected outcomes
                          to FILE as JSON Lines
  --help                  show this text`;

function parseNumberOption(option: string, text: string, integer: boolean, example: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new CorpusOptionError(`invalid ${option} '${text}': expected ${integer ? 'a whole number' : 'a number'}, such as ${example}`);
  }
  return value;
}

/** Parses command-line arguments into options. Returns undefined for `--help`. */
export function parseCorpusArguments(argv: readonly string[]): CorpusOptions | undefined {
  const options: CorpusOptions = { out: '' };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--help' || argument === '-h') {
      return undefined;
    }
    const equals = argument.indexOf('=');
    const name = equals > 0 ? argument.slice(0, equals) : argument;
    const known = ['--out', '--size', '--seed', '--sharing-rate', '--records-per-file', '--truth'];
    if (!known.includes(name)) {
      throw new CorpusOptionError(`unknown option '${argument}': expected one of ${known.join(', ')}; run with --help for details`);
    }
    let value: string;
    if (equals > 0) {
      value = argument.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new CorpusOptionError(`missing value for ${name}: write ${name} VALUE; run with --help for details`);
      }
      value = next;
      i += 1;
    }
    switch (name) {
      case '--out':
        options.out = value;
        break;
      case '--size':
        options.sizeBytes = parseSize(value);
        break;
      case '--seed':
        options.seed = parseNumberOption('--seed', value, true, '42');
        break;
      case '--sharing-rate':
        options.sharingRate = parseNumberOption('--sharing-rate', value, false, '0.001');
        break;
      case '--records-per-file':
        options.recordsPerFile = parseNumberOption('--records-per-file', value, true, '1000');
        break;
      case '--truth':
        options.truthPath = value;
        break;
    }
  }
  if (options.out === '') {
    throw new CorpusOptionError('missing --out DIR: name the directory to write the corpus to; run with --help for details');
  }
  return options;
}

/** Prints progress to stderr at each tenth of the target size. */
function progressReporter(targetBytes: number): NonNullable<CorpusOptions['onFile']> {
  let reported = 0;
  return ({ bytes }) => {
    const percent = Math.floor((bytes / targetBytes) * 10) * 10;
    if (percent > reported && percent < 100) {
      reported = percent;
      process.stderr.write(`written: ${percent}% (${(bytes / 1024 ** 2).toFixed(0)} MB)\n`);
    }
  };
}

/** Runs the command line and returns the exit code: 0, or 2 for invalid options. */
async function main(argv: readonly string[]): Promise<number> {
  let options: CorpusOptions | undefined;
  let summary: CorpusSummary;
  const started = process.hrtime.bigint();
  try {
    options = parseCorpusArguments(argv);
    if (options === undefined) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    options.onFile = progressReporter(options.sizeBytes ?? DEFAULT_SIZE_BYTES);
    summary = await generateCorpus(options);
  } catch (error) {
    if (error instanceof CorpusOptionError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const megabytes = summary.bytes / 1024 ** 2;
  process.stdout.write(
    `wrote ${summary.files} files to ${options.out}: ${summary.records} records, ${summary.sharingRecords} sharing calls, ` +
      `${megabytes.toFixed(1)} MB uncompressed in ${seconds.toFixed(1)} s (${(megabytes / seconds).toFixed(1)} MB/s)\n`,
  );
  if (options.truthPath !== undefined) {
    process.stdout.write(`ground truth: ${options.truthPath}\n`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: corpus generation failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

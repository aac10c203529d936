/**
 * Property tests: whatever a record's requestParameters (and, for Lambda, responseElements) hold,
 * evaluateRecord returns an evaluation, no rule throws, and a finding can be serialised for an alert.
 */
import fc from 'fast-check';
import { RULES } from '../../lambda/catalog';
import { evaluateRecord, type Evaluation, type EvaluationOptions } from '../../lambda/core/evaluate';
import type { RuleDefinition } from '../../lambda/core/rule';
import type { CloudTrailRecord } from '../../lambda/core/types';
import { ORGANIZATION, OUTSIDER, OWNER, PARTNER, trustedList } from '../support/fixtures';

const NUM_RUNS = 300;
// A generous limit for slow CI machines. The tests assert no duration.
const TEST_TIMEOUT_MS = 60_000;
const LARGE = 100_000;

// Large values are built once, because generating them on every run would dominate the run time.
const deepArrayText = `${'['.repeat(LARGE)}"${OUTSIDER}"${']'.repeat(LARGE)}`;
const deepArray = JSON.parse(deepArrayText) as unknown;
const deepObject = JSON.parse(`${'{"a":'.repeat(LARGE)}null${'}'.repeat(LARGE)}`) as unknown;
const manyAccounts = Array.from({ length: LARGE }, (_, index) => String(444455550000 + index));
const manyItems = Array.from({ length: LARGE }, (_, index) => ({ userId: String(444455550000 + index) }));
const manyStatements = Array.from({ length: LARGE }, () => ({ Effect: 'Allow', Principal: { AWS: [OUTSIDER, '*'] }, Action: 's3:GetObject' }));
const manyGrants = Array.from({ length: LARGE }, () => ({ Grantee: { 'xsi:type': 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }));
const longString = `${OUTSIDER}${'\u202e\u0000x'.repeat(LARGE)}`;
const protoKeys = JSON.parse(`{"__proto__": {"userId": "${OUTSIDER}"}, "constructor": "*", "toString": null}`) as unknown;

const LARGE_VALUES: unknown[] = [deepArray, deepObject, deepArrayText, manyAccounts, manyItems, manyStatements, manyGrants, longString, protoKeys];

const hostileConstants = fc.constantFrom<unknown>(
  '',
  ' ',
  '*',
  'all',
  'ALL',
  'NONE',
  OWNER,
  OUTSIDER,
  ORGANIZATION,
  `arn:aws:iam::${OUTSIDER}:root`,
  'arn:aws:iam::*:root',
  'arn:aws:execute-api:us-east-1::*',
  'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E3EXAMPLEOAI7Q',
  `arn:aws:organizations::${OWNER}:ou/${ORGANIZATION}/ou-ab12-cd34ef56`,
  's3.amazonaws.com',
  'AROA4EXAMPLEDELETED7Z',
  '{"Statement": [',
  Number.NaN,
  Number.MAX_SAFE_INTEGER,
  -0,
  true,
  null,
  undefined,
  [],
  {},
);

const smallValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3, depthSize: 'small' }) },
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 6, arbitrary: hostileConstants },
);

/**
 * Any value a JSON record can hold, mixed with the hostile values above. Large values are drawn rarely
 * because each costs milliseconds to read; the last tests place every one of them deliberately.
 */
const anyValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 16, arbitrary: smallValue }, { weight: 1, arbitrary: fc.constantFrom(...LARGE_VALUES) });

const oneOrManyOf = (value: fc.Arbitrary<unknown>, item: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof(value, item, fc.array(item, { maxLength: 5 }));
const stringishOf = (value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(value, fc.constantFrom('*', OWNER, OUTSIDER, PARTNER, 'all', 'restore', 's3.amazonaws.com', 'alexa-appkit.amazon.com'));
const oneOrMany = (item: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => oneOrManyOf(anyValue, item);
const stringish = stringishOf(anyValue);

const permissionItem = fc.oneof(
  anyValue,
  fc.record({ userId: stringish, group: stringish, organizationArn: stringish, organizationalUnitArn: stringish }, { requiredKeys: [] }),
);
const permissionList = fc.oneof(
  anyValue,
  fc.record({ add: fc.oneof(anyValue, fc.record({ items: oneOrMany(permissionItem) }, { requiredKeys: [] })), remove: anyValue }, { requiredKeys: [] }),
);

/** Policy statements and documents whose leaves come from `value`. */
function policyArbitraries(value: fc.Arbitrary<unknown>): { statement: fc.Arbitrary<unknown>; document: fc.Arbitrary<unknown> } {
  const strings = stringishOf(value);
  const conditionBlock = fc.dictionary(
    fc.oneof(fc.constantFrom('StringEquals', 'StringLike', 'ForAnyValue:StringEquals', 'ForAllValues:StringLike', 'ArnLike', 'IpAddress', 'StringEqualsIfExists', 'Null'), fc.string()),
    fc.oneof(
      value,
      fc.dictionary(
        fc.oneof(fc.constantFrom('aws:SourceAccount', 'AWS:PrincipalOrgID', 'aws:sourceVpce', 'aws:SourceIp', 'aws:PrincipalOrgPaths', 'aws:SourceArn', 'aws:PrincipalArn'), fc.string()),
        oneOrManyOf(value, strings),
        { maxKeys: 3 },
      ),
    ),
    { maxKeys: 3 },
  );
  const principal = fc.oneof(
    strings,
    fc.dictionary(fc.oneof(fc.constantFrom('AWS', 'Service', 'CanonicalUser', 'Federated', 'aws'), fc.string()), oneOrManyOf(value, strings), { maxKeys: 3 }),
  );
  const statement = fc.oneof(
    value,
    fc.record(
      {
        Sid: value,
        Effect: fc.oneof(fc.constantFrom('Allow', 'Deny', 'allow'), value),
        Principal: principal,
        NotPrincipal: principal,
        Action: oneOrManyOf(value, strings),
        NotAction: oneOrManyOf(value, strings),
        Condition: fc.oneof(value, conditionBlock),
      },
      { requiredKeys: [] },
    ),
  );
  const document = fc.record({ Version: value, Statement: oneOrManyOf(value, statement) }, { requiredKeys: [] });
  return { statement, document };
}

const anyPolicy = policyArbitraries(anyValue);
// Policies logged as JSON text are built from small values only: JSON.stringify recurses and cannot print the deep ones.
const textPolicy = policyArbitraries(smallValue);
const policy = fc.oneof(anyValue, anyPolicy.document, textPolicy.document.map((document) => JSON.stringify(document)));

const aclGrant = fc.oneof(
  anyValue,
  fc.record(
    {
      Grantee: fc.oneof(
        anyValue,
        fc.record({ 'xsi:type': fc.oneof(fc.constantFrom('CanonicalUser', 'Group', 'AmazonCustomerByEmail'), anyValue), ID: stringish, URI: stringish, EmailAddress: stringish }, { requiredKeys: [] }),
      ),
      Permission: anyValue,
    },
    { requiredKeys: [] },
  ),
);

/** requestParameters shaped like each rule's call, with every value open to anything. */
const shapedParameters: Record<string, fc.Arbitrary<unknown>> = {
  'ec2-image-launch-permission': fc.record({ imageId: stringish, attributeType: anyValue, launchPermission: permissionList, description: anyValue }, { requiredKeys: [] }),
  'ec2-snapshot-create-volume-permission': fc.record({ snapshotId: stringish, attributeType: anyValue, createVolumePermission: permissionList }, { requiredKeys: [] }),
  'rds-snapshot-restore': fc.record({ dBSnapshotIdentifier: stringish, attributeName: stringish, valuesToAdd: oneOrMany(stringish), valuesToRemove: anyValue }, { requiredKeys: [] }),
  'rds-cluster-snapshot-restore': fc.record(
    { dBClusterSnapshotIdentifier: stringish, attributeName: stringish, valuesToAdd: oneOrMany(stringish), valuesToRemove: anyValue },
    { requiredKeys: [] },
  ),
  's3-bucket-policy': fc.record({ bucketName: stringish, Host: anyValue, bucketPolicy: policy, policy: anyValue }, { requiredKeys: [] }),
  's3-bucket-acl': fc.record(
    {
      bucketName: stringish,
      AccessControlPolicy: fc.oneof(
        anyValue,
        fc.record({ Owner: fc.oneof(anyValue, fc.record({ ID: stringish })), AccessControlList: fc.oneof(anyValue, fc.record({ Grant: oneOrMany(aclGrant) })) }, { requiredKeys: [] }),
      ),
      'x-amz-acl': oneOrMany(stringish),
      'x-amz-grant-read': oneOrMany(stringish),
      'x-amz-grant-full-control': oneOrMany(stringish),
    },
    { requiredKeys: [] },
  ),
  'lambda-function-permission': fc.record(
    {
      functionName: stringish,
      statementId: stringish,
      action: stringish,
      principal: stringish,
      sourceArn: stringish,
      sourceAccount: stringish,
      principalOrgID: stringish,
      functionUrlAuthType: stringish,
      invokedViaFunctionUrl: anyValue,
      qualifier: stringish,
    },
    { requiredKeys: [] },
  ),
  'lambda-layer-permission': fc.record(
    { layerName: stringish, versionNumber: anyValue, statementId: stringish, action: stringish, principal: stringish, organizationId: stringish },
    { requiredKeys: [] },
  ),
};

/** The top-level request parameters each rule reads. */
const PARAMETER_KEYS: Record<string, string[]> = {
  'ec2-image-launch-permission': ['imageId', 'launchPermission'],
  'ec2-snapshot-create-volume-permission': ['snapshotId', 'createVolumePermission'],
  'rds-snapshot-restore': ['dBSnapshotIdentifier', 'attributeName', 'valuesToAdd'],
  'rds-cluster-snapshot-restore': ['dBClusterSnapshotIdentifier', 'attributeName', 'valuesToAdd'],
  's3-bucket-policy': ['bucketName', 'bucketPolicy'],
  's3-bucket-acl': ['bucketName', 'AccessControlPolicy', 'x-amz-acl', 'x-amz-grant-read'],
  'lambda-function-permission': ['functionName', 'statementId', 'action', 'principal', 'sourceArn', 'sourceAccount', 'principalOrgID', 'functionUrlAuthType', 'qualifier'],
  'lambda-layer-permission': ['layerName', 'versionNumber', 'statementId', 'action', 'principal', 'organizationId'],
};

type Placement = (value: unknown) => Record<string, unknown>;

/** Places inside each rule's request where a list or a principal is read. */
const NESTED_PLACEMENTS: Record<string, Placement[]> = {
  'ec2-image-launch-permission': [(value) => ({ launchPermission: { add: { items: value } } }), (value) => ({ launchPermission: { add: { items: [value] } } })],
  'ec2-snapshot-create-volume-permission': [
    (value) => ({ createVolumePermission: { add: { items: value } } }),
    (value) => ({ createVolumePermission: { add: { items: [{ userId: value }] } } }),
  ],
  'rds-snapshot-restore': [(value) => ({ attributeName: 'restore', valuesToAdd: [value] })],
  'rds-cluster-snapshot-restore': [(value) => ({ attributeName: 'restore', valuesToAdd: [value] })],
  's3-bucket-policy': [
    (value) => ({ bucketPolicy: { Statement: value } }),
    (value) => ({ bucketPolicy: { Statement: [{ Effect: 'Allow', Principal: value }] } }),
    (value) => ({ bucketPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: value }, Condition: { StringEquals: { 'aws:SourceAccount': value } } }] } }),
  ],
  's3-bucket-acl': [
    (value) => ({ AccessControlPolicy: { AccessControlList: { Grant: value } } }),
    (value) => ({ AccessControlPolicy: { Owner: { ID: value }, AccessControlList: { Grant: { Grantee: value } } } }),
  ],
  // Without a principal in the request, the rule reads the statement from the response, which the test fills with the same value.
  'lambda-function-permission': [(value) => ({ functionName: value, statementId: 'from-response' })],
  'lambda-layer-permission': [(value) => ({ principal: '*', organizationId: value, layerName: 'layer', versionNumber: value })],
};

/** requestParameters in every malformed form: the rule's own shape, or any value at all. */
function parametersFor(rule: RuleDefinition): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: shapedParameters[rule.id] }, { weight: 1, arbitrary: anyValue });
}

const responseElements = fc.oneof(
  anyValue,
  fc.record({ statement: fc.oneof(anyPolicy.statement, textPolicy.statement.map((statement) => JSON.stringify(statement))) }, { requiredKeys: [] }),
);
const errorCode = fc.oneof(fc.constant(undefined), fc.constantFrom('AccessDenied', 'Client.UnauthorizedOperation', ''), anyValue);
const options = fc.record({
  trustedList: fc.constantFrom(trustedList(), trustedList(OUTSIDER, ORGANIZATION, 'vpce-0a1b2c3d')),
  alertOnFailedCalls: fc.boolean(),
  alertOnUnrestrictedServices: fc.boolean(),
  trustedListUnavailable: fc.boolean(),
});

function eventNameFor(rule: RuleDefinition): fc.Arbitrary<string> {
  const names = [...rule.eventNames, ...(rule.eventNamePrefixes ?? []).flatMap((prefix) => [prefix, `${prefix}20150331`, `${prefix}20150331v2`, `${prefix}20181031`])];
  return fc.constantFrom(...names);
}

function buildRecord(rule: RuleDefinition, name: string, parameters: unknown, response: unknown, code: unknown): CloudTrailRecord {
  const record: CloudTrailRecord = {
    eventVersion: '1.09',
    eventID: '3f1d9c2e-7a4b-4c5d-8e6f-0a1b2c3d4e5f',
    eventTime: '2026-03-20T12:00:00Z',
    eventSource: rule.eventSource,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.30',
    userIdentity: { type: 'IAMUser', accountId: OWNER, arn: `arn:aws:iam::${OWNER}:user/tester` },
    requestParameters: parameters,
    responseElements: response,
    recipientAccountId: OWNER,
  };
  if (code !== undefined) {
    record.errorCode = code;
  }
  return record;
}

/** Checks the evaluation contract: a known status, no caught rule error, and a finding that serialises. */
function expectWellFormed(evaluation: Evaluation): void {
  expect(['not-watched', 'no-grant', 'trusted', 'finding']).toContain(evaluation.status);
  if (evaluation.status === 'finding') {
    expect(evaluation.error).toBeUndefined();
    expect(['critical', 'high', 'medium', 'low']).toContain(evaluation.finding.severity);
    expect(() => JSON.stringify(evaluation.finding)).not.toThrow();
  }
}

describe('evaluateRecord properties', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s never throws on malformed parameters', (_id, rule) => {
    fc.assert(
      fc.property(eventNameFor(rule), parametersFor(rule), responseElements, errorCode, options, (name, parameters, response, code, evaluationOptions) => {
        const evaluation = evaluateRecord(buildRecord(rule, name, parameters, response, code), evaluationOptions as EvaluationOptions);

        expect(evaluation.status).not.toBe('not-watched');
        expectWellFormed(evaluation);
      }),
      { numRuns: NUM_RUNS },
    );
  }, TEST_TIMEOUT_MS);

  it('never throws on malformed record fields', () => {
    const record = fc.record(
      {
        eventSource: fc.oneof(fc.constantFrom(...RULES.map((rule) => rule.eventSource)), anyValue),
        eventName: fc.oneof(fc.constantFrom(...RULES.flatMap((rule) => [...rule.eventNames, ...(rule.eventNamePrefixes ?? [])])), anyValue),
        eventID: anyValue,
        eventTime: anyValue,
        awsRegion: anyValue,
        userIdentity: anyValue,
        sourceIPAddress: anyValue,
        userAgent: anyValue,
        recipientAccountId: anyValue,
        errorCode: anyValue,
        requestParameters: anyValue,
        responseElements: anyValue,
      },
      { requiredKeys: [] },
    );

    fc.assert(
      fc.property(record, options, (candidate, evaluationOptions) => {
        expectWellFormed(evaluateRecord(candidate as CloudTrailRecord, evaluationOptions as EvaluationOptions));
      }),
      { numRuns: NUM_RUNS },
    );
  }, TEST_TIMEOUT_MS);

  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s reads every large value', (_id, rule) => {
    // Each large value in each place the rule reads, once, so that none is left to chance.
    const name = rule.eventNames[0] ?? `${rule.eventNamePrefixes?.[0] ?? ''}20150331v2`;
    const placements = [...PARAMETER_KEYS[rule.id].map((key) => (value: unknown) => ({ [key]: value })), ...NESTED_PLACEMENTS[rule.id]];

    for (const place of placements) {
      for (const value of LARGE_VALUES) {
        expectWellFormed(evaluateRecord(buildRecord(rule, name, place(value), { statement: value }, undefined), { trustedList: trustedList() }));
      }
    }
    expect(placements.length).toBeGreaterThan(PARAMETER_KEYS[rule.id].length);
  }, TEST_TIMEOUT_MS);
});

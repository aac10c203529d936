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

const publicAccessFlag = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'FALSE'), anyValue);
const publicAccessBlock = fc.oneof(
  anyValue,
  fc.record({ BlockPublicAcls: publicAccessFlag, IgnorePublicAcls: publicAccessFlag, BlockPublicPolicy: publicAccessFlag, RestrictPublicBuckets: publicAccessFlag }, { requiredKeys: [] }),
);
/** An item of an EC2 list as newer EC2 calls log it, `{tag, content}`, or a bare value. */
const ec2ListItem = fc.oneof(stringish, fc.record({ tag: anyValue, content: stringish }, { requiredKeys: [] }));
const patchOperation = fc.oneof(
  anyValue,
  fc.record({ op: fc.oneof(fc.constantFrom('replace', 'add', 'remove'), anyValue), path: fc.oneof(fc.constant('/policy'), anyValue), value: policy }, { requiredKeys: [] }),
);

const trailFlag = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'FALSE'), anyValue);
const basicEventSelector = fc.oneof(
  anyValue,
  fc.record(
    {
      readWriteType: fc.oneof(fc.constantFrom('All', 'ReadOnly', 'WriteOnly'), anyValue),
      includeManagementEvents: trailFlag,
      dataResources: anyValue,
      excludeManagementEventSources: oneOrMany(stringish),
    },
    { requiredKeys: [] },
  ),
);
const advancedFieldSelector = fc.oneof(
  anyValue,
  fc.record(
    {
      field: fc.oneof(fc.constantFrom('eventCategory', 'readOnly', 'eventSource', 'resources.type'), anyValue),
      equals: oneOrMany(fc.oneof(fc.constantFrom('Management', 'Data', 'true', 'false'), anyValue)),
      notEquals: oneOrMany(fc.oneof(fc.constantFrom('Management', 'true', 'false'), anyValue)),
    },
    { requiredKeys: [] },
  ),
);
const advancedEventSelector = fc.oneof(anyValue, fc.record({ name: anyValue, fieldSelectors: oneOrMany(advancedFieldSelector) }, { requiredKeys: [] }));

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
  'iam-new-role-trust-policy': fc.record({ roleName: stringish, path: stringish, assumeRolePolicyDocument: policy, description: anyValue }, { requiredKeys: [] }),
  'iam-role-trust-policy': fc.record({ roleName: stringish, policyDocument: policy }, { requiredKeys: [] }),
  'kms-new-key-policy': fc.record({ policy, description: anyValue, keyUsage: anyValue, bypassPolicyLockoutSafetyCheck: anyValue }, { requiredKeys: [] }),
  'kms-key-policy': fc.record({ keyId: stringish, policyName: anyValue, policy }, { requiredKeys: [] }),
  'kms-key-grant': fc.record(
    { keyId: stringish, granteePrincipal: stringish, retiringPrincipal: stringish, operations: oneOrMany(stringish), constraints: anyValue },
    { requiredKeys: [] },
  ),
  'sns-new-topic-policy': fc.record({ name: stringish, attributes: fc.oneof(anyValue, fc.record({ Policy: policy, DisplayName: anyValue }, { requiredKeys: [] })) }, { requiredKeys: [] }),
  'sns-topic-policy': fc.record(
    { topicArn: stringish, attributeName: fc.oneof(fc.constantFrom('Policy', 'policy', 'DisplayName'), anyValue), attributeValue: policy },
    { requiredKeys: [] },
  ),
  'sns-topic-permission': fc.record({ topicArn: stringish, label: stringish, aWSAccountId: oneOrMany(stringish), actionName: oneOrMany(stringish) }, { requiredKeys: [] }),
  'sqs-new-queue-policy': fc.record({ queueName: stringish, attributes: fc.oneof(anyValue, fc.record({ Policy: policy, VisibilityTimeout: anyValue }, { requiredKeys: [] })) }, { requiredKeys: [] }),
  'sqs-queue-policy': fc.record({ queueUrl: stringish, attributes: fc.oneof(anyValue, fc.record({ Policy: policy, VisibilityTimeout: anyValue }, { requiredKeys: [] })) }, { requiredKeys: [] }),
  'sqs-queue-permission': fc.record({ queueUrl: stringish, label: stringish, AWSAccountIds: oneOrMany(stringish), actions: oneOrMany(stringish) }, { requiredKeys: [] }),
  'secretsmanager-secret-policy': fc.record({ secretId: stringish, resourcePolicy: policy, blockPublicPolicy: anyValue }, { requiredKeys: [] }),
  'ec2-image-block-public-access': fc.record({ DisableImageBlockPublicAccessRequest: anyValue }, { requiredKeys: [] }),
  'ec2-snapshot-block-public-access': fc.record({ DisableSnapshotBlockPublicAccessRequest: anyValue }, { requiredKeys: [] }),
  's3-bucket-public-access-block': fc.record({ bucketName: stringish, Host: anyValue, publicAccessBlock: anyValue, PublicAccessBlockConfiguration: publicAccessBlock }, { requiredKeys: [] }),
  's3-account-public-access-block': fc.record({ Host: anyValue, PublicAccessBlockConfiguration: publicAccessBlock }, { requiredKeys: [] }),
  'ram-resource-share': fc.record(
    { name: stringish, principals: oneOrMany(stringish), resourceArns: oneOrMany(stringish), allowExternalPrincipals: fc.oneof(fc.boolean(), anyValue), permissionArns: anyValue },
    { requiredKeys: [] },
  ),
  'ram-resource-share-association': fc.record({ resourceShareArn: stringish, principals: oneOrMany(stringish), resourceArns: oneOrMany(stringish) }, { requiredKeys: [] }),
  'ssm-document-permission': fc.record(
    { name: stringish, permissionType: fc.oneof(fc.constant('Share'), anyValue), accountIdsToAdd: oneOrMany(stringish), accountIdsToRemove: oneOrMany(stringish) },
    { requiredKeys: [] },
  ),
  'ec2-vpc-endpoint-service-permission': fc.oneof(
    fc.record({ serviceId: stringish, addAllowedPrincipals: oneOrMany(stringish) }, { requiredKeys: [] }),
    fc.record({ ModifyVpcEndpointServicePermissionsRequest: fc.record({ ServiceId: stringish, AddAllowedPrincipals: oneOrMany(ec2ListItem) }, { requiredKeys: [] }) }),
  ),
  'ec2-fpga-image-load-permission': fc.record(
    {
      fpgaImageId: stringish,
      attribute: fc.oneof(fc.constant('loadPermission'), anyValue),
      operationType: fc.oneof(fc.constantFrom('add', 'remove'), anyValue),
      userId: oneOrMany(ec2ListItem),
      userGroup: oneOrMany(ec2ListItem),
      loadPermission: permissionList,
    },
    { requiredKeys: [] },
  ),
  'dynamodb-resource-policy': fc.record({ resourceArn: stringish, policy, expectedRevisionId: anyValue }, { requiredKeys: [] }),
  'glue-catalog-policy': fc.record({ policyInJson: policy, resourceArn: stringish, enableHybrid: anyValue }, { requiredKeys: [] }),
  'opensearch-domain-access-policy': fc.record(
    { domainName: stringish, accessPolicies: policy, vPCOptions: fc.oneof(anyValue, fc.record({ subnetIds: oneOrMany(stringish) }, { requiredKeys: [] })) },
    { requiredKeys: [] },
  ),
  'apigateway-rest-api-policy': fc.record(
    {
      restApiId: stringish,
      patch: fc.oneof(anyValue, fc.record({ patchOperations: oneOrMany(patchOperation) }, { requiredKeys: [] })),
      createRestApiInput: fc.oneof(anyValue, fc.record({ name: stringish, policy }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  ),
  'redshift-snapshot-access': fc.record(
    { snapshotIdentifier: stringish, snapshotArn: stringish, snapshotClusterIdentifier: stringish, accountWithRestoreAccess: fc.oneof(stringish, fc.constant('amazon-redshift-support')) },
    { requiredKeys: [] },
  ),
  'ecr-repository-policy': fc.record({ repositoryName: stringish, registryId: stringish, policyText: policy, force: anyValue }, { requiredKeys: [] }),
  'ecr-registry-policy': fc.record({ policyText: policy }, { requiredKeys: [] }),
  'efs-file-system-policy': fc.record({ fileSystemId: stringish, policy, bypassPolicyLockoutSafetyCheck: anyValue }, { requiredKeys: [] }),
  's3-access-point-policy': fc.record(
    { name: stringish, Host: oneOrMany(stringish), PutAccessPointPolicyRequest: fc.oneof(anyValue, fc.record({ xmlns: anyValue, Policy: policy }, { requiredKeys: [] })), policy },
    { requiredKeys: [] },
  ),
  's3-multi-region-access-point-policy': fc.record(
    {
      Host: oneOrMany(stringish),
      PutMultiRegionAccessPointPolicyRequest: fc.oneof(
        anyValue,
        fc.record({ ClientToken: anyValue, Details: fc.oneof(anyValue, fc.record({ Name: stringish, Policy: policy }, { requiredKeys: [] })) }, { requiredKeys: [] }),
      ),
    },
    { requiredKeys: [] },
  ),
  's3-bucket-replication': fc.record(
    {
      bucketName: stringish,
      ReplicationConfiguration: fc.oneof(
        anyValue,
        fc.record(
          {
            Role: stringish,
            Rule: oneOrMany(
              fc.record(
                {
                  ID: stringish,
                  Status: fc.oneof(fc.constantFrom('Enabled', 'Disabled'), anyValue),
                  Destination: fc.oneof(anyValue, fc.record({ Bucket: stringish, Account: stringish }, { requiredKeys: [] })),
                },
                { requiredKeys: [] },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
  'glacier-vault-policy': fc.record({ accountId: stringish, vaultName: stringish, policy: fc.oneof(policy, fc.record({ policy }, { requiredKeys: [] })) }, { requiredKeys: [] }),
  'backup-vault-policy': fc.record({ backupVaultName: stringish, policy }, { requiredKeys: [] }),
  'events-bus-policy': fc.record(
    {
      eventBusName: stringish,
      action: stringish,
      principal: stringish,
      statementId: stringish,
      condition: fc.oneof(anyValue, fc.record({ type: fc.oneof(fc.constant('StringEquals'), anyValue), key: fc.oneof(fc.constant('aws:PrincipalOrgID'), anyValue), value: stringish }, { requiredKeys: [] })),
      policy,
    },
    { requiredKeys: [] },
  ),
  'logs-destination-policy': fc.record({ destinationName: stringish, accessPolicy: policy, forceUpdate: anyValue }, { requiredKeys: [] }),
  'logs-resource-policy': fc.record({ policyName: stringish, policyDocument: policy, resourceArn: stringish, expectedRevisionId: anyValue }, { requiredKeys: [] }),
  'cloudtrail-logging-stopped': fc.record({ name: fc.oneof(stringish, fc.constant(`arn:aws:cloudtrail:us-east-1:${OWNER}:trail/audit`)) }, { requiredKeys: [] }),
  'cloudtrail-trail-narrowed': fc.record(
    { name: stringish, isMultiRegionTrail: trailFlag, includeGlobalServiceEvents: trailFlag, s3BucketName: anyValue },
    { requiredKeys: [] },
  ),
  'cloudtrail-management-events-excluded': fc.record(
    { trailName: stringish, eventSelectors: oneOrMany(basicEventSelector), advancedEventSelectors: oneOrMany(advancedEventSelector) },
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
  'iam-new-role-trust-policy': ['roleName', 'path', 'assumeRolePolicyDocument'],
  'iam-role-trust-policy': ['roleName', 'policyDocument'],
  'kms-new-key-policy': ['policy'],
  'kms-key-policy': ['keyId', 'policy'],
  'kms-key-grant': ['keyId', 'granteePrincipal', 'retiringPrincipal', 'operations'],
  'sns-new-topic-policy': ['name', 'attributes'],
  'sns-topic-policy': ['topicArn', 'attributeName', 'attributeValue'],
  'sns-topic-permission': ['topicArn', 'label', 'aWSAccountId', 'actionName'],
  'sqs-new-queue-policy': ['queueName', 'attributes'],
  'sqs-queue-policy': ['queueUrl', 'attributes'],
  'sqs-queue-permission': ['queueUrl', 'label', 'AWSAccountIds', 'actions'],
  'secretsmanager-secret-policy': ['secretId', 'resourcePolicy'],
  'ec2-image-block-public-access': ['DisableImageBlockPublicAccessRequest'],
  'ec2-snapshot-block-public-access': ['DisableSnapshotBlockPublicAccessRequest'],
  's3-bucket-public-access-block': ['bucketName', 'PublicAccessBlockConfiguration'],
  's3-account-public-access-block': ['PublicAccessBlockConfiguration'],
  'ram-resource-share': ['name', 'principals', 'resourceArns', 'allowExternalPrincipals'],
  'ram-resource-share-association': ['resourceShareArn', 'principals', 'resourceArns'],
  'ssm-document-permission': ['name', 'permissionType', 'accountIdsToAdd', 'accountIdsToRemove'],
  'ec2-vpc-endpoint-service-permission': ['serviceId', 'addAllowedPrincipals', 'ModifyVpcEndpointServicePermissionsRequest'],
  'ec2-fpga-image-load-permission': ['fpgaImageId', 'attribute', 'loadPermission', 'ModifyFpgaImageAttributeRequest'],
  'dynamodb-resource-policy': ['resourceArn', 'policy'],
  'glue-catalog-policy': ['policyInJson', 'resourceArn'],
  'opensearch-domain-access-policy': ['domainName', 'accessPolicies', 'vPCOptions'],
  'apigateway-rest-api-policy': ['restApiId', 'patch', 'patchOperations', 'createRestApiInput', 'policy'],
  'redshift-snapshot-access': ['snapshotIdentifier', 'snapshotArn', 'accountWithRestoreAccess'],
  'ecr-repository-policy': ['repositoryName', 'registryId', 'policyText'],
  'ecr-registry-policy': ['policyText'],
  'efs-file-system-policy': ['fileSystemId', 'policy'],
  's3-access-point-policy': ['name', 'Host', 'PutAccessPointPolicyRequest', 'policy'],
  's3-multi-region-access-point-policy': ['Host', 'PutMultiRegionAccessPointPolicyRequest', 'Details'],
  's3-bucket-replication': ['bucketName', 'ReplicationConfiguration'],
  'glacier-vault-policy': ['accountId', 'vaultName', 'policy'],
  'backup-vault-policy': ['backupVaultName', 'policy'],
  'events-bus-policy': ['eventBusName', 'principal', 'statementId', 'condition', 'policy'],
  'logs-destination-policy': ['destinationName', 'accessPolicy'],
  'logs-resource-policy': ['policyName', 'policyDocument', 'resourceArn'],
  'cloudtrail-logging-stopped': ['name'],
  'cloudtrail-trail-narrowed': ['name', 'isMultiRegionTrail', 'includeGlobalServiceEvents'],
  'cloudtrail-management-events-excluded': ['trailName', 'eventSelectors', 'advancedEventSelectors'],
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
  'iam-new-role-trust-policy': [(value) => ({ roleName: 'role', assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: value }] } })],
  'iam-role-trust-policy': [(value) => ({ roleName: 'role', policyDocument: { Statement: value } })],
  'kms-new-key-policy': [(value) => ({ policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:CallerAccount': value } } }] } })],
  'kms-key-policy': [(value) => ({ keyId: value, policy: { Statement: value } })],
  'kms-key-grant': [(value) => ({ keyId: 'alias/key', granteePrincipal: value, retiringPrincipal: value, operations: value })],
  'sns-new-topic-policy': [(value) => ({ name: value, attributes: { Policy: { Statement: value } } })],
  'sns-topic-policy': [(value) => ({ topicArn: value, attributeName: 'Policy', attributeValue: { Statement: [{ Effect: 'Allow', Principal: value }] } })],
  'sns-topic-permission': [(value) => ({ topicArn: 'arn:aws:sns:us-east-1:111122223333:topic', label: value, aWSAccountId: value, actionName: value })],
  'sqs-new-queue-policy': [(value) => ({ queueName: value, attributes: { Policy: value } })],
  'sqs-queue-policy': [(value) => ({ queueUrl: value, attributes: { Policy: { Statement: value } } })],
  'sqs-queue-permission': [(value) => ({ queueUrl: value, label: 'label', AWSAccountIds: value, actions: [value] })],
  'secretsmanager-secret-policy': [(value) => ({ secretId: value, resourcePolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: value } }] } })],
  'ec2-image-block-public-access': [(value) => ({ DisableImageBlockPublicAccessRequest: { DryRun: value } })],
  'ec2-snapshot-block-public-access': [(value) => ({ DisableSnapshotBlockPublicAccessRequest: { DryRun: value } })],
  's3-bucket-public-access-block': [(value) => ({ bucketName: 'bucket', PublicAccessBlockConfiguration: { BlockPublicAcls: value, BlockPublicPolicy: value } })],
  's3-account-public-access-block': [(value) => ({ PublicAccessBlockConfiguration: { RestrictPublicBuckets: value } })],
  'ram-resource-share': [(value) => ({ name: 'share', principals: [value], resourceArns: value }), (value) => ({ name: value, principals: value, allowExternalPrincipals: false })],
  'ram-resource-share-association': [(value) => ({ resourceShareArn: value, principals: [value] }), (value) => ({ resourceShareArn: 'arn:aws:ram:us-east-1:111122223333:resource-share/x', resourceArns: [value] })],
  'ssm-document-permission': [(value) => ({ name: 'document', permissionType: 'Share', accountIdsToAdd: [value], accountIdsToRemove: value })],
  'ec2-vpc-endpoint-service-permission': [
    (value) => ({ ModifyVpcEndpointServicePermissionsRequest: { ServiceId: 'vpce-svc-1', AddAllowedPrincipals: value } }),
    (value) => ({ ModifyVpcEndpointServicePermissionsRequest: { ServiceId: value, AddAllowedPrincipals: [{ tag: 1, content: value }] } }),
  ],
  'ec2-fpga-image-load-permission': [
    (value) => ({ fpgaImageId: 'afi-1', loadPermission: { add: { items: value } } }),
    (value) => ({ ModifyFpgaImageAttributeRequest: { FpgaImageId: value, OperationType: 'add', UserId: value, UserGroup: [value] } }),
  ],
  'dynamodb-resource-policy': [(value) => ({ resourceArn: value, policy: { Statement: [{ Effect: 'Allow', Principal: value }] } })],
  'glue-catalog-policy': [(value) => ({ policyInJson: { Statement: value } })],
  'opensearch-domain-access-policy': [
    (value) => ({ domainName: 'domain', accessPolicies: { Statement: [{ Effect: 'Allow', Principal: '*' }] }, vPCOptions: { subnetIds: value } }),
  ],
  'apigateway-rest-api-policy': [
    (value) => ({ restApiId: 'api', patch: { patchOperations: [{ op: 'replace', path: '/policy', value }] } }),
    (value) => ({ restApiId: 'api', patch: { patchOperations: value } }),
  ],
  'redshift-snapshot-access': [(value) => ({ snapshotIdentifier: value, snapshotClusterIdentifier: value, accountWithRestoreAccess: 'amazon-redshift-support' })],
  'ecr-repository-policy': [(value) => ({ repositoryName: 'repository', policyText: { Statement: value } })],
  'ecr-registry-policy': [(value) => ({ policyText: { Statement: [{ Effect: 'Allow', Principal: value }] } })],
  'efs-file-system-policy': [(value) => ({ fileSystemId: 'fs-0a1b2c3d', policy: { Statement: value } })],
  's3-access-point-policy': [(value) => ({ name: 'access-point', PutAccessPointPolicyRequest: { Policy: value } }), (value) => ({ Host: [value] })],
  's3-multi-region-access-point-policy': [
    (value) => ({ PutMultiRegionAccessPointPolicyRequest: { Details: value } }),
    (value) => ({ PutMultiRegionAccessPointPolicyRequest: { Details: { Name: value, Policy: { Statement: value } } } }),
  ],
  's3-bucket-replication': [
    (value) => ({ bucketName: 'bucket', ReplicationConfiguration: { Rule: value } }),
    (value) => ({ bucketName: 'bucket', ReplicationConfiguration: { Rule: [{ ID: value, Destination: { Account: value, Bucket: value } }] } }),
  ],
  'glacier-vault-policy': [(value) => ({ vaultName: 'vault', policy: { policy: value } }), (value) => ({ vaultName: 'vault', policy: { policy: { Statement: value } } })],
  'backup-vault-policy': [(value) => ({ backupVaultName: 'vault', policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: value } }] } })],
  'events-bus-policy': [
    (value) => ({ principal: '*', condition: value }),
    (value) => ({ principal: value, condition: { type: 'StringEquals', key: 'aws:PrincipalOrgID', value } }),
  ],
  'logs-destination-policy': [(value) => ({ destinationName: 'destination', accessPolicy: { Statement: value } })],
  'logs-resource-policy': [(value) => ({ policyName: 'policy', policyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: value } }] } })],
  'cloudtrail-logging-stopped': [(value) => ({ name: typeof value === 'string' ? `arn:aws:cloudtrail:us-east-1:${OWNER}:trail/${value}` : value })],
  'cloudtrail-trail-narrowed': [(value) => ({ name: value, isMultiRegionTrail: false, includeGlobalServiceEvents: value })],
  'cloudtrail-management-events-excluded': [
    (value) => ({ trailName: 'audit', eventSelectors: [value, { includeManagementEvents: value, readWriteType: value }] }),
    (value) => ({ trailName: value, advancedEventSelectors: [{ fieldSelectors: value }, { fieldSelectors: [{ field: 'eventCategory', equals: value }, { field: 'readOnly', equals: [value] }] }] }),
  ],
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

/**
 * The rules that read every record of their calls. Rules with `appliesTo` read only records that
 * name the detector's own resources; their property tests sit beside their unit tests.
 */
const UNCONDITIONAL_RULES = RULES.filter((rule) => rule.appliesTo === undefined);

describe('evaluateRecord properties', () => {
  it.each(UNCONDITIONAL_RULES.map((rule) => [rule.id, rule] as const))('%s never throws on malformed parameters', (_id, rule) => {
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

  it.each(UNCONDITIONAL_RULES.map((rule) => [rule.id, rule] as const))('%s reads every large value', (_id, rule) => {
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

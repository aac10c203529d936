/**
 * The rule catalog: the single list of API calls share-sentinel reads, both sharing calls and
 * calls that stop the trail that feeds it. The EventBridge pattern, the scanner's pre-filter and
 * the README's rule table are all derived from it.
 */
import { eventName, eventSource } from './core/record';
import type { ExtractContext, RuleDefinition } from './core/rule';
import type { CloudTrailRecord } from './core/types';
import { restApiPolicy } from './rules/apigateway/rest-api-policy';
import { putBackupVaultAccessPolicy } from './rules/backup/put-backup-vault-access-policy';
import { managementEventsExcluded, trailLoggingStopped, trailNarrowed } from './rules/cloudtrail/trail';
import { putTablePolicy } from './rules/dynamodb/put-resource-policy';
import { disableImageBlockPublicAccess, disableSnapshotBlockPublicAccess } from './rules/ec2/disable-block-public-access';
import { modifyFpgaImageAttribute } from './rules/ec2/modify-fpga-image-attribute';
import { modifyImageAttribute } from './rules/ec2/modify-image-attribute';
import { modifySnapshotAttribute } from './rules/ec2/modify-snapshot-attribute';
import { modifyVpcEndpointServicePermissions } from './rules/ec2/modify-vpc-endpoint-service-permissions';
import { putRegistryPolicy } from './rules/ecr/put-registry-policy';
import { setRepositoryPolicy } from './rules/ecr/set-repository-policy';
import { putFileSystemPolicy } from './rules/elasticfilesystem/put-file-system-policy';
import { domainAccessPolicy } from './rules/es/domain-access-policy';
import { putEventBusPermission } from './rules/events/put-permission';
import { setVaultAccessPolicy } from './rules/glacier/set-vault-access-policy';
import { putCatalogPolicy } from './rules/glue/put-resource-policy';
import { createRole } from './rules/iam/create-role';
import { updateAssumeRolePolicy } from './rules/iam/update-assume-role-policy';
import { createGrant } from './rules/kms/create-grant';
import { createKey } from './rules/kms/create-key';
import { putKeyPolicy } from './rules/kms/put-key-policy';
import { addLayerVersionPermission } from './rules/lambda/add-layer-version-permission';
import { addPermission } from './rules/lambda/add-permission';
import { putDestinationPolicy } from './rules/logs/put-destination-policy';
import { putLogResourcePolicy } from './rules/logs/put-resource-policy';
import { associateResourceShare, createResourceShare } from './rules/ram/resource-share';
import { modifyDbClusterSnapshotAttribute, modifyDbSnapshotAttribute } from './rules/rds/modify-snapshot-attribute';
import { authorizeSnapshotAccess } from './rules/redshift/authorize-snapshot-access';
import { accountPublicAccessBlock, bucketPublicAccessBlock } from './rules/s3/public-access-block';
import { putAccessPointPolicy } from './rules/s3/put-access-point-policy';
import { putBucketAcl } from './rules/s3/put-bucket-acl';
import { putBucketPolicy } from './rules/s3/put-bucket-policy';
import { putBucketReplication } from './rules/s3/put-bucket-replication';
import { putMultiRegionAccessPointPolicy } from './rules/s3/put-multi-region-access-point-policy';
import { putSecretPolicy } from './rules/secretsmanager/put-resource-policy';
import { addTopicPermission } from './rules/sns/add-permission';
import { createTopic } from './rules/sns/create-topic';
import { setTopicAttributes } from './rules/sns/set-topic-attributes';
import { addQueuePermission } from './rules/sqs/add-permission';
import { createQueue } from './rules/sqs/create-queue';
import { setQueueAttributes } from './rules/sqs/set-queue-attributes';
import { modifyDocumentPermission } from './rules/ssm/modify-document-permission';
import { trustedListChange } from './rules/ssm/trusted-list-change';
import { detectorEventRuleChanged } from './rules/detector/event-rules';
import { detectorFunctionChanged } from './rules/detector/function';
import { detectorKeyChanged } from './rules/detector/key';
import { detectorTopicChanged } from './rules/detector/topic';

export const RULES: readonly RuleDefinition[] = [
  // The rules about the detector's own resources come first, before the sharing rules that read the same calls.
  detectorEventRuleChanged,
  detectorFunctionChanged,
  detectorTopicChanged,
  detectorKeyChanged,
  modifyImageAttribute,
  modifySnapshotAttribute,
  modifyDbSnapshotAttribute,
  modifyDbClusterSnapshotAttribute,
  putBucketPolicy,
  putBucketAcl,
  addPermission,
  addLayerVersionPermission,
  createRole,
  updateAssumeRolePolicy,
  createKey,
  putKeyPolicy,
  createGrant,
  createTopic,
  setTopicAttributes,
  addTopicPermission,
  createQueue,
  setQueueAttributes,
  addQueuePermission,
  putSecretPolicy,
  setRepositoryPolicy,
  putRegistryPolicy,
  putFileSystemPolicy,
  putAccessPointPolicy,
  putMultiRegionAccessPointPolicy,
  putBucketReplication,
  setVaultAccessPolicy,
  putBackupVaultAccessPolicy,
  putEventBusPermission,
  putDestinationPolicy,
  putLogResourcePolicy,
  disableImageBlockPublicAccess,
  disableSnapshotBlockPublicAccess,
  bucketPublicAccessBlock,
  accountPublicAccessBlock,
  createResourceShare,
  associateResourceShare,
  trustedListChange,
  modifyDocumentPermission,
  modifyVpcEndpointServicePermissions,
  modifyFpgaImageAttribute,
  putTablePolicy,
  putCatalogPolicy,
  domainAccessPolicy,
  restApiPolicy,
  authorizeSnapshotAccess,
  trailLoggingStopped,
  trailNarrowed,
  managementEventsExcluded,
];

/** Tells whether a rule reads events with this source and name. */
export function ruleMatches(rule: RuleDefinition, source: string, name: string): boolean {
  if (source !== rule.eventSource) {
    return false;
  }
  return rule.eventNames.includes(name) || (rule.eventNamePrefixes ?? []).some((prefix) => name.startsWith(prefix));
}

/**
 * Returns the rule for a record, routing on `eventSource` and `eventName` together. The first rule
 * in catalog order that matches and applies wins, so rules about the detector's own resources come
 * before the sharing rules that read the same calls on any other resource.
 */
export function findRule(record: CloudTrailRecord, context: ExtractContext = {}): RuleDefinition | undefined {
  const source = eventSource(record);
  const name = eventName(record);
  return RULES.find((rule) => ruleMatches(rule, source, name) && applies(rule, record, context));
}

/** Tells whether the rule applies. A rule whose check throws on a malformed record takes it, so that its evaluation reports the failure. */
function applies(rule: RuleDefinition, record: CloudTrailRecord, context: ExtractContext): boolean {
  if (rule.appliesTo === undefined) {
    return true;
  }
  try {
    return rule.appliesTo(record, context);
  } catch {
    return true;
  }
}

/** Returns every exact event name and name prefix in the catalog: a record that contains none of them cannot match a rule. */
export function watchedNameFragments(): string[] {
  return [...new Set(RULES.flatMap((rule) => [...rule.eventNames, ...(rule.eventNamePrefixes ?? [])]))];
}

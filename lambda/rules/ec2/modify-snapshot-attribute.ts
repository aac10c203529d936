import { region as recordRegion, requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readAddedPermissions, removableItems } from './permission-items';

/**
 * EC2 ModifySnapshotAttribute: create-volume permissions added to an EBS snapshot. CloudTrail
 * spells the attribute `CREATE_VOLUME_PERMISSION`, the API `createVolumePermission`.
 */
export const modifySnapshotAttribute: RuleDefinition = {
  id: 'ec2-snapshot-create-volume-permission',
  eventSource: 'ec2.amazonaws.com',
  eventNames: ['ModifySnapshotAttribute'],
  title: 'EBS snapshot create-volume permission',
  resourceLabel: 'EBS snapshot',

  extract(record) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const grants = readAddedPermissions(field(params, 'createVolumePermission'), 'createVolumePermission', warnings);
    if (grants === undefined) {
      return undefined;
    }
    const snapshotId = bound(str(params, 'snapshotId') ?? '', 128);
    if (snapshotId === '') {
      warnings.push('requestParameters.snapshotId is missing');
    }
    const region = recordRegion(record);
    return {
      resource: { type: 'AWS::EC2::Snapshot', id: snapshotId, arn: `arn:aws:ec2:${region}::snapshot/${snapshotId}` },
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    const items = removableItems(untrusted);
    const snapshot = `--region ${shellQuote(region)} --snapshot-id ${shellQuote(result.resource.id)}`;
    if (items.accounts.length === 0 && !items.publicGroup) {
      return `aws ec2 describe-snapshot-attribute ${snapshot} --attribute createVolumePermission`;
    }
    const users = items.accounts.length > 0 ? ` --user-ids ${items.accounts.join(' ')}` : '';
    const groups = items.publicGroup ? ' --group-names all' : '';
    return `aws ec2 modify-snapshot-attribute ${snapshot} --attribute createVolumePermission --operation-type remove${users}${groups}`;
  },
};

/**
 * EC2 ModifyFpgaImageAttribute with attribute `loadPermission`: an Amazon FPGA image (AFI) gains
 * load permissions either through `LoadPermission.Add` items (`UserId`, or `Group: all`, which makes
 * it public) or through `OperationType: add` with `UserId` and `UserGroup` lists (EC2 API reference).
 *
 * NOTE: no recorded event of this call was found. The rule reads the request in the lower-camel
 * `loadPermission.add.items` form of ModifyImageAttribute, and also under a
 * `ModifyFpgaImageAttributeRequest` key with the API's own names.
 */
import { region as recordRegion, requestParameters } from '../../core/record';
import { field, isObject, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';
import { ec2ListValues } from './modify-vpc-endpoint-service-permissions';
import { readAddedPermissions, removableItems } from './permission-items';

/** Maximum items read from each list, as for the other EC2 permission lists. */
const MAX_ITEMS = 1000;

/** Reads the `OperationType: add` form, with its `UserId` and `UserGroup` lists, as permission items. */
function readOperationLists(request: unknown, warnings: string[]): GrantSpec[] | undefined {
  const operation = str(request, 'OperationType');
  if (operation === undefined || operation.toLowerCase() !== 'add') {
    return undefined;
  }
  // readAddedPermissions warns when the joined list is longer than it reads.
  const users = ec2ListValues(field(request, 'UserId') ?? field(request, 'UserIds'), MAX_ITEMS + 1).values;
  const groups = ec2ListValues(field(request, 'UserGroup') ?? field(request, 'UserGroups'), MAX_ITEMS + 1).values;
  const items = [...users.map((userId) => ({ userId })), ...groups.map((group) => ({ group }))];
  return items.length === 0 ? undefined : readAddedPermissions({ add: { items } }, 'loadPermission', warnings);
}

export const modifyFpgaImageAttribute: RuleDefinition = {
  id: 'ec2-fpga-image-load-permission',
  eventSource: 'ec2.amazonaws.com',
  eventNames: ['ModifyFpgaImageAttribute'],
  title: 'EC2 FPGA image load permission',
  resourceLabel: 'EC2 FPGA image',

  extract(record) {
    const params = requestParameters(record);
    const wrapped = field(params, 'ModifyFpgaImageAttributeRequest');
    const request = isObject(wrapped) ? wrapped : params;
    const attribute = str(request, 'Attribute');
    if (request !== undefined && attribute !== undefined && attribute.toLowerCase() !== 'loadpermission') {
      return undefined;
    }
    const warnings: string[] = [];
    let grants: GrantSpec[] | undefined;
    if (request === undefined) {
      warnings.push('requestParameters is missing, so the load permissions are unknown');
      grants = [];
    } else {
      const fromItems = readAddedPermissions(field(request, 'LoadPermission'), 'loadPermission', warnings);
      const fromLists = readOperationLists(request, warnings);
      if (fromItems === undefined && fromLists === undefined) {
        return undefined;
      }
      grants = [...(fromItems ?? []), ...(fromLists ?? [])];
    }
    const imageId = bound(str(request, 'FpgaImageId') ?? '', 128);
    if (request !== undefined && imageId === '') {
      warnings.push('requestParameters.FpgaImageId is missing');
    }
    return {
      resource: { type: 'AWS::EC2::FpgaImage', id: imageId, arn: `arn:aws:ec2:${recordRegion(record)}::fpga-image/${imageId}` },
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    const items = removableItems(untrusted);
    const image = `--region ${shellQuote(region)} --fpga-image-id ${shellQuote(result.resource.id)}`;
    if (items.accounts.length === 0 && !items.publicGroup) {
      return `aws ec2 describe-fpga-image-attribute ${image} --attribute loadPermission`;
    }
    const users = items.accounts.length > 0 ? ` --user-ids ${items.accounts.join(' ')}` : '';
    const groups = items.publicGroup ? ' --user-groups all' : '';
    return `aws ec2 modify-fpga-image-attribute ${image} --attribute loadPermission --operation-type remove${users}${groups}`;
  },
};

import { region as recordRegion, requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readAddedPermissions, removableItems } from './permission-items';

/** EC2 ModifyImageAttribute: launch permissions added to an AMI. */
export const modifyImageAttribute: RuleDefinition = {
  id: 'ec2-image-launch-permission',
  eventSource: 'ec2.amazonaws.com',
  eventNames: ['ModifyImageAttribute'],
  title: 'EC2 AMI launch permission',
  resourceLabel: 'EC2 AMI',

  extract(record) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const grants = readAddedPermissions(field(params, 'launchPermission'), 'launchPermission', warnings);
    if (grants === undefined) {
      return undefined;
    }
    const imageId = bound(str(params, 'imageId') ?? '', 128);
    if (imageId === '') {
      warnings.push('requestParameters.imageId is missing');
    }
    const region = recordRegion(record);
    return {
      resource: { type: 'AWS::EC2::Image', id: imageId, arn: `arn:aws:ec2:${region}::image/${imageId}` },
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    const items = removableItems(untrusted);
    const removals = [
      ...items.accounts.map((id) => `{UserId=${id}}`),
      ...(items.publicGroup ? ['{Group=all}'] : []),
      ...items.organizationArns.map((arn) => `{OrganizationArn=${arn}}`),
      ...items.unitArns.map((arn) => `{OrganizationalUnitArn=${arn}}`),
    ];
    const image = `--region ${shellQuote(region)} --image-id ${shellQuote(result.resource.id)}`;
    if (removals.length === 0) {
      return `aws ec2 describe-image-attribute ${image} --attribute launchPermission`;
    }
    return `aws ec2 modify-image-attribute ${image} --launch-permission ${shellQuote(`Remove=[${removals.join(',')}]`)}`;
  },
};

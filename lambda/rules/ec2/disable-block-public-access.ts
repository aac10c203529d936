/**
 * EC2 DisableImageBlockPublicAccess and DisableSnapshotBlockPublicAccess: the account-wide,
 * per-region guard that stops AMIs or EBS snapshots from being shared publicly was turned off.
 * The calls take no parameters besides DryRun, so the event name alone is the finding. Nothing is
 * public yet, but the next ModifyImageAttribute or ModifySnapshotAttribute with `group: all` can
 * make it so, and turning off snapshots' `block-all-sharing` mode makes snapshots that were
 * already shared publicly reachable again (EC2 API reference, DisableSnapshotBlockPublicAccess).
 */
import { ownerAccountId } from '../../core/record';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';

interface BlockPublicAccessKind {
  id: string;
  eventName: string;
  resourceType: string;
  setting: string;
  title: string;
  resourceLabel: string;
  /** Builds the AWS CLI command that turns the guard back on, given the region already shell-quoted. */
  enableCommand: (region: string) => string;
}

function blockPublicAccessRule(kind: BlockPublicAccessKind): RuleDefinition {
  return {
    id: kind.id,
    eventSource: 'ec2.amazonaws.com',
    eventNames: [kind.eventName],
    title: kind.title,
    resourceLabel: kind.resourceLabel,

    extract(record, context = {}) {
      const warnings: string[] = [];
      const owner = bound(context.ownerAccountId ?? ownerAccountId(record) ?? '', 64);
      if (owner === '') {
        warnings.push('the account whose setting changed is missing from the record');
      }
      return {
        // The setting belongs to the account in one region, so the account id names it.
        resource: { type: kind.resourceType, id: owner },
        grants: [{ kind: 'guard-lowered', setting: kind.setting, via: kind.eventName }],
        warnings,
      };
    },

    remediation({ region }) {
      return kind.enableCommand(shellQuote(region));
    },
  };
}

export const disableImageBlockPublicAccess = blockPublicAccessRule({
  id: 'ec2-image-block-public-access',
  eventName: 'DisableImageBlockPublicAccess',
  // NOTE: CloudFormation has no resource type for this setting, so the name follows its pattern.
  resourceType: 'AWS::EC2::ImageBlockPublicAccess',
  setting: 'ImageBlockPublicAccessState=unblocked',
  title: 'EC2 block public access for AMIs',
  resourceLabel: 'EC2 AMI block public access of account',
  // block-new-sharing is the only state the API accepts for AMIs.
  enableCommand: (region) => `aws ec2 enable-image-block-public-access --region ${region} --image-block-public-access-state block-new-sharing`,
});

export const disableSnapshotBlockPublicAccess = blockPublicAccessRule({
  id: 'ec2-snapshot-block-public-access',
  eventName: 'DisableSnapshotBlockPublicAccess',
  resourceType: 'AWS::EC2::SnapshotBlockPublicAccess',
  setting: 'SnapshotBlockPublicAccessState=unblocked',
  title: 'EC2 block public access for EBS snapshots',
  resourceLabel: 'EBS snapshot block public access of account',
  // The event does not say which mode was on before. block-all-sharing also hides snapshots that are public already.
  enableCommand: (region) =>
    `aws ec2 enable-snapshot-block-public-access --region ${region} --state block-all-sharing  # or block-new-sharing, which keeps snapshots that are public on purpose reachable`,
});

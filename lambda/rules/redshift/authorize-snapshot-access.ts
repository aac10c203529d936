/**
 * Redshift AuthorizeSnapshotAccess: `accountWithRestoreAccess` is one account id that may restore
 * the snapshot, or `amazon-redshift-support`, which lets AWS Support restore it for a support case
 * (Redshift API reference, AuthorizeSnapshotAccess). The snapshot is named by `snapshotIdentifier`,
 * with `snapshotClusterIdentifier` when the name alone is ambiguous, or by `snapshotArn`.
 */
import { isAccountId, parseAwsPrincipal } from '../../core/principals';
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec, ResourceRef } from '../../core/types';

const VIA = 'accountWithRestoreAccess';
const AWS_SUPPORT = 'amazon-redshift-support';

function readAccount(value: string): GrantSpec {
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === AWS_SUPPORT) {
    return { kind: 'aws-owned', principal: AWS_SUPPORT, label: 'AWS Support', via: VIA };
  }
  return isAccountId(trimmed)
    ? ({ ...parseAwsPrincipal(trimmed), via: VIA } as GrantSpec)
    : { kind: 'unknown', principal: bound(value), label: 'value that is not an account id', via: VIA };
}

export const authorizeSnapshotAccess: RuleDefinition = {
  id: 'redshift-snapshot-access',
  eventSource: 'redshift.amazonaws.com',
  eventNames: ['AuthorizeSnapshotAccess'],
  title: 'Redshift snapshot restore access',
  resourceLabel: 'Redshift snapshot',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];

    const account = str(params, 'accountWithRestoreAccess');
    if (account === undefined) {
      warnings.push('requestParameters.accountWithRestoreAccess is missing, so the account granted restore access is unknown');
    }
    const snapshotArn = str(params, 'snapshotArn');
    const snapshot = bound(str(params, 'snapshotIdentifier') ?? snapshotArn ?? '', 2048);
    if (snapshot === '') {
      warnings.push('requestParameters.snapshotIdentifier is missing');
    }
    const cluster = str(params, 'snapshotClusterIdentifier');
    const owner = context.ownerAccountId ?? ownerAccountId(record) ?? '';
    // A snapshot's ARN contains its cluster's name, which the request gives only when the snapshot name alone is ambiguous.
    const arn = snapshotArn ?? (cluster !== undefined ? `arn:aws:redshift:${recordRegion(record)}:${owner}:snapshot:${cluster}/${snapshot}` : undefined);
    const resource: ResourceRef = { type: 'AWS::Redshift::ClusterSnapshot', id: snapshot };
    if (arn !== undefined) {
      resource.arn = bound(arn, 2048);
    }

    return {
      resource,
      grants: account === undefined ? [] : [readAccount(account)],
      warnings,
      details: {
        ...(cluster !== undefined ? { snapshotClusterIdentifier: bound(cluster, 256) } : {}),
        ...(snapshotArn !== undefined && str(params, 'snapshotIdentifier') === undefined ? { snapshotArn: bound(snapshotArn, 2048) } : {}),
      },
    };
  },

  remediation({ result, untrusted, region }) {
    const cluster = result.details?.snapshotClusterIdentifier;
    const snapshotArn = result.details?.snapshotArn;
    // The call grants one account, so one revoke undoes it.
    const grant = untrusted.find((candidate) => candidate.kind === 'account' || candidate.kind === 'unknown');
    let account: string | undefined;
    if (grant?.kind === 'account') {
      account = grant.accountId;
    } else if (grant?.kind === 'unknown') {
      account = grant.principal;
    }
    if (account === undefined) {
      return `aws redshift describe-cluster-snapshots --region ${shellQuote(region)} --snapshot-identifier ${shellQuote(result.resource.id)}`;
    }
    const snapshot =
      snapshotArn !== undefined
        ? `--snapshot-arn ${shellQuote(String(snapshotArn))}`
        : `--snapshot-identifier ${shellQuote(result.resource.id)}${cluster !== undefined ? ` --snapshot-cluster-identifier ${shellQuote(String(cluster))}` : ''}`;
    return `aws redshift revoke-snapshot-access --region ${shellQuote(region)} ${snapshot} --account-with-restore-access ${shellQuote(account)}`;
  },
};

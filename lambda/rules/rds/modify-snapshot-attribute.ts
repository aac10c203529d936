/**
 * RDS ModifyDBSnapshotAttribute and ModifyDBClusterSnapshotAttribute with attribute `restore`:
 * `valuesToAdd` lists account ids, and `all` makes the snapshot public. CloudTrail spells the keys
 * `dBSnapshotIdentifier` and `dBClusterSnapshotIdentifier`.
 */
import { parseAwsPrincipal } from '../../core/principals';
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, str, toArray } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';

const MAX_VALUES = 1000;

interface SnapshotKind {
  id: string;
  eventName: string;
  identifierKey: string;
  cliCommand: string;
  cliIdentifierOption: string;
  resourceType: string;
  arnResource: string;
  title: string;
  resourceLabel: string;
}

function describeValue(value: unknown): string {
  try {
    return bound(String(JSON.stringify(value)), 256);
  } catch {
    // JSON.stringify recurses, so a deeply nested value overflows the stack.
    return 'a value that cannot be shown';
  }
}

function readValue(value: unknown): GrantSpec {
  if (typeof value !== 'string') {
    return { kind: 'unknown', principal: describeValue(value), label: 'value that is not a string', via: 'valuesToAdd' };
  }
  if (value.trim().toLowerCase() === 'all') {
    return { kind: 'public', principal: 'all', via: 'valuesToAdd' };
  }
  const grant = parseAwsPrincipal(value);
  return grant.kind === 'account' || grant.kind === 'aws-owned'
    ? { ...grant, via: 'valuesToAdd' }
    : { kind: 'unknown', principal: bound(value), label: 'value that is not an account id', via: 'valuesToAdd' };
}

function snapshotRule(kind: SnapshotKind): RuleDefinition {
  return {
    id: kind.id,
    eventSource: 'rds.amazonaws.com',
    eventNames: [kind.eventName],
    title: kind.title,
    resourceLabel: kind.resourceLabel,

    extract(record, context = {}) {
      const params = requestParameters(record);
      const attribute = str(params, 'attributeName');
      if (attribute !== undefined && attribute.toLowerCase() !== 'restore') {
        return undefined;
      }
      const added = field(params, 'valuesToAdd');
      const values = toArray(added);
      if (values.length === 0) {
        return undefined;
      }
      const warnings: string[] = [];
      if (attribute === undefined) {
        warnings.push('requestParameters.attributeName is missing; valuesToAdd was read as restore permissions');
      }
      if (values.length > MAX_VALUES) {
        warnings.push(`only the first ${MAX_VALUES} of ${values.length} valuesToAdd were read`);
      }
      const identifier = bound(str(params, kind.identifierKey) ?? '', 512);
      if (identifier === '') {
        warnings.push(`requestParameters.${kind.identifierKey} is missing`);
      }
      const owner = context.ownerAccountId ?? ownerAccountId(record) ?? '';
      // A snapshot shared from another account is named by its ARN; a local one by its name.
      const arn = identifier.startsWith('arn:') ? identifier : `arn:aws:rds:${recordRegion(record)}:${owner}:${kind.arnResource}:${identifier}`;
      return {
        resource: { type: kind.resourceType, id: identifier, arn },
        grants: values.slice(0, MAX_VALUES).map(readValue),
        warnings,
      };
    },

    remediation({ result, untrusted, region }) {
      const values = untrusted.flatMap((grant) => (grant.kind === 'account' ? [grant.accountId] : grant.kind === 'public' ? ['all'] : []));
      const target = `--region ${shellQuote(region)} ${kind.cliIdentifierOption} ${shellQuote(result.resource.id)}`;
      if (values.length === 0) {
        return `aws rds ${kind.cliCommand.replace('modify', 'describe').replace('attribute', 'attributes')} ${target}`;
      }
      return `aws rds ${kind.cliCommand} ${target} --attribute-name restore --values-to-remove ${values.join(' ')}`;
    },
  };
}

export const modifyDbSnapshotAttribute = snapshotRule({
  id: 'rds-snapshot-restore',
  eventName: 'ModifyDBSnapshotAttribute',
  identifierKey: 'dBSnapshotIdentifier',
  cliCommand: 'modify-db-snapshot-attribute',
  cliIdentifierOption: '--db-snapshot-identifier',
  resourceType: 'AWS::RDS::DBSnapshot',
  arnResource: 'snapshot',
  title: 'RDS DB snapshot restore permission',
  resourceLabel: 'RDS snapshot',
});

export const modifyDbClusterSnapshotAttribute = snapshotRule({
  id: 'rds-cluster-snapshot-restore',
  eventName: 'ModifyDBClusterSnapshotAttribute',
  identifierKey: 'dBClusterSnapshotIdentifier',
  cliCommand: 'modify-db-cluster-snapshot-attribute',
  cliIdentifierOption: '--db-cluster-snapshot-identifier',
  resourceType: 'AWS::RDS::DBClusterSnapshot',
  arnResource: 'cluster-snapshot',
  title: 'RDS cluster snapshot restore permission',
  resourceLabel: 'RDS cluster snapshot',
});

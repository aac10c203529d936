/**
 * S3 PutBucketReplication: copies every new object of the bucket to destination buckets, which may
 * belong to another account. The XML body is logged as `ReplicationConfiguration`, where `Rule` is an
 * object when there is one rule and an array when there are several. A destination in another account
 * carries that account in `Destination.Account`; the bucket ARN has an empty account field.
 */
import { isAccountId } from '../../core/principals';
import { requestParameters } from '../../core/record';
import { field, isObject, str, toArray } from '../../core/read';
import { bucketResource } from './bucket';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';
import { statementList } from '../policy-document';

/** Maximum rules read from one configuration, the maximum S3 accepts. */
const MAX_RULES = 1000;

/** Reads the destination account of every enabled rule as a grant to that account. */
function destinationGrants(configuration: unknown, warnings: string[]): GrantSpec[] {
  if (!isObject(configuration)) {
    warnings.push('requestParameters.ReplicationConfiguration is missing, so the replication destinations are unknown');
    return [];
  }
  const rules = toArray(field(configuration, 'Rule') ?? field(configuration, 'Rules'));
  if (rules.length === 0) {
    warnings.push('the replication configuration has no Rule');
  }
  if (rules.length > MAX_RULES) {
    warnings.push(`only the first ${MAX_RULES} of ${rules.length} replication rules were read`);
  }
  const grants: GrantSpec[] = [];
  rules.slice(0, MAX_RULES).forEach((rule, index) => {
    const via = bound(str(rule, 'ID') ?? `Rule[${index}]`, 128);
    if (!isObject(rule)) {
      warnings.push(`${via}: the rule is not an object`);
      return;
    }
    // A disabled rule copies nothing until a later PutBucketReplication enables it, which this rule reads then.
    if (str(rule, 'Status')?.toLowerCase() === 'disabled') {
      return;
    }
    const destination = field(rule, 'Destination');
    const account = str(destination, 'Account')?.trim();
    // NOTE: a rule without Destination.Account may still write to a bucket of another account, and the event does not show it.
    if (account === undefined) {
      return;
    }
    const bucket = str(destination, 'Bucket');
    const label = bucket !== undefined ? `replication destination ${bound(bucket)}` : 'replication destination';
    grants.push(
      isAccountId(account)
        ? { kind: 'account', accountId: account, via, label }
        : { kind: 'unknown', principal: bound(account), via, label: 'unrecognised replication destination account' },
    );
  });
  return grants;
}

export const putBucketReplication: RuleDefinition = {
  id: 's3-bucket-replication',
  eventSource: 's3.amazonaws.com',
  eventNames: ['PutBucketReplication'],
  title: 'S3 bucket replication to another account',
  resourceLabel: 'S3 bucket',

  extract(record) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const resource = bucketResource(params, warnings);
    const grants = destinationGrants(field(params, 'ReplicationConfiguration'), warnings);
    return {
      resource,
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    // The configuration is replaced whole, so the fix is to write it back without the offending rules.
    const target = `--region ${shellQuote(region)} --bucket ${shellQuote(result.resource.id)}`;
    return [
      `aws s3api get-bucket-replication ${target} --query ReplicationConfiguration > replication.json  # delete rules: ${statementList(untrusted)}`,
      `aws s3api put-bucket-replication ${target} --replication-configuration file://replication.json`,
    ].join('\n');
  },
};

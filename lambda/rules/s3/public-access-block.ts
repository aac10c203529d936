/**
 * S3 Block Public Access, at bucket and account level. CloudTrail names the calls
 * PutBucketPublicAccessBlock, DeleteBucketPublicAccessBlock, PutAccountPublicAccessBlock and
 * DeleteAccountPublicAccessBlock (the API names are PutPublicAccessBlock and
 * DeletePublicAccessBlock of S3 and S3 Control), all with eventSource `s3.amazonaws.com`. A Put
 * logs the four flags as booleans in `requestParameters.PublicAccessBlockConfiguration`, and
 * replaces the whole configuration, so each flag that is false or left out is a guard lowered.
 * A Delete lowers all four.
 *
 * NOTE: S3 applies the stricter of the bucket and account settings, so a bucket-level guard
 * lowered under an account-level guard that is still on exposes nothing yet. The event does not
 * say which applies, so every lowered guard raises a finding.
 */
import { eventName, ownerAccountId, requestParameters } from '../../core/record';
import { field, isObject } from '../../core/read';
import { bucketResource } from './bucket';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec, RuleResult } from '../../core/types';

const FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

const ALL_ON = FLAGS.map((flag) => `${flag}=true`).join(',');

/** Reads a flag that XML-to-JSON conversion may have left as a string. */
function readFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string' && ['true', 'false'].includes(value.trim().toLowerCase())) {
    return value.trim().toLowerCase() === 'true';
  }
  return undefined;
}

/** Returns the lowered flags as `Flag=false` settings, or undefined when every flag is on. */
function loweredSettings(configuration: unknown, warnings: string[]): string[] | undefined {
  if (!isObject(configuration)) {
    warnings.push('requestParameters.PublicAccessBlockConfiguration is missing, so the new settings are unknown');
    return undefined;
  }
  const lowered: string[] = [];
  for (const flag of FLAGS) {
    const value = field(configuration, flag);
    if (value === undefined || value === null) {
      // NOTE: the S3 API reference marks each flag optional and states no default, so a flag left out is read as lowered.
      lowered.push(`${flag}=false (not set)`);
      continue;
    }
    const on = readFlag(value);
    if (on === undefined) {
      warnings.push(`PublicAccessBlockConfiguration.${flag} is not a boolean`);
    } else if (!on) {
      lowered.push(`${flag}=false`);
    }
  }
  return lowered.length > 0 ? lowered : undefined;
}

interface Scope {
  id: string;
  putEventName: string;
  deleteEventName: string;
  title: string;
  resourceLabel: string;
  resource(record: Parameters<RuleDefinition['extract']>[0], ownerAccount: string | undefined, warnings: string[]): RuleResult['resource'];
  enableCommand(resourceId: string, region: string): string;
}

function publicAccessBlockRule(scope: Scope): RuleDefinition {
  return {
    id: scope.id,
    eventSource: 's3.amazonaws.com',
    eventNames: [scope.putEventName, scope.deleteEventName],
    title: scope.title,
    resourceLabel: scope.resourceLabel,

    extract(record, context = {}) {
      const warnings: string[] = [];
      const resource = scope.resource(record, context.ownerAccountId ?? ownerAccountId(record), warnings);
      let settings: string[] | undefined;
      let via: string;
      if (eventName(record) === scope.deleteEventName) {
        settings = [`${FLAGS.map((flag) => `${flag}=false`).join(', ')} (configuration deleted)`];
        via = scope.deleteEventName;
      } else {
        settings = loweredSettings(field(requestParameters(record), 'PublicAccessBlockConfiguration'), warnings);
        via = 'PublicAccessBlockConfiguration';
      }
      if (settings === undefined && warnings.length === 0) {
        return undefined;
      }
      const grants: GrantSpec[] = settings === undefined ? [] : [{ kind: 'guard-lowered', setting: settings.join(', '), via }];
      return { resource, grants, warnings };
    },

    remediation({ result, region }) {
      return scope.enableCommand(result.resource.id, region);
    },
  };
}

export const bucketPublicAccessBlock = publicAccessBlockRule({
  id: 's3-bucket-public-access-block',
  putEventName: 'PutBucketPublicAccessBlock',
  deleteEventName: 'DeleteBucketPublicAccessBlock',
  title: 'S3 Block Public Access of a bucket',
  resourceLabel: 'S3 bucket',
  resource(record, _owner, warnings) {
    return bucketResource(requestParameters(record), warnings);
  },
  enableCommand(bucket, region) {
    return `aws s3api put-public-access-block --region ${shellQuote(region)} --bucket ${shellQuote(bucket)} --public-access-block-configuration ${ALL_ON}`;
  },
});

export const accountPublicAccessBlock = publicAccessBlockRule({
  id: 's3-account-public-access-block',
  putEventName: 'PutAccountPublicAccessBlock',
  deleteEventName: 'DeleteAccountPublicAccessBlock',
  title: 'S3 Block Public Access of an account',
  resourceLabel: 'S3 Block Public Access of account',
  resource(_record, owner, warnings) {
    const account = bound(owner ?? '', 64);
    if (account === '') {
      warnings.push('the account whose setting changed is missing from the record');
    }
    // The type is AWS Config's name for the setting, because CloudFormation has none.
    return { type: 'AWS::S3::AccountPublicAccessBlock', id: account };
  },
  enableCommand(account, region) {
    return `aws s3control put-public-access-block --region ${shellQuote(region)} --account-id ${shellQuote(account)} --public-access-block-configuration ${ALL_ON}`;
  },
});

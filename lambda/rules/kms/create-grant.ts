/**
 * KMS CreateGrant. `granteePrincipal` may use the key for the grant's `operations`, and
 * `retiringPrincipal` may retire the grant. Each is an IAM ARN, a 12-digit account or a service
 * principal, which may be regional (`ecr.us-west-2.amazonaws.com`). The examples in the AWS KMS
 * Developer Guide also show the grantee logged as `AWS Internal`, and an EBS record from 2014 as
 * `ACCOUNT:aws:ec2-infrastructure:INSTANCE`. The grant id is in `responseElements.grantId`.
 */
import { isAccountId, parsePlainPrincipal } from '../../core/principals';
import { ownerAccountId, region, requestParameters, responseElements } from '../../core/record';
import { field, str, strings } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';
import { keyResource } from './key';

/** Maximum operations kept from one grant, so that a hostile list stays cheap to read. */
const MAX_OPERATIONS = 20;

/** The grantee that CloudTrail logs for some grants that AWS services create. */
const AWS_INTERNAL = 'AWS Internal';

/** Reads a grantee or retiring principal. */
function parseGrantPrincipal(raw: string): GrantSpec {
  const value = raw.trim();
  if (value === AWS_INTERNAL) {
    return { kind: 'aws-owned', principal: value, label: 'principal that CloudTrail names only as AWS Internal' };
  }
  const [account, partition, service] = value.split(':');
  if (isAccountId(account) && partition === 'aws' && service === 'ec2-infrastructure') {
    return { kind: 'account', accountId: account, principal: bound(value), label: 'EC2 infrastructure acting for the account' };
  }
  return parsePlainPrincipal(value);
}

export const createGrant: RuleDefinition = {
  id: 'kms-key-grant',
  eventSource: 'kms.amazonaws.com',
  eventNames: ['CreateGrant'],
  title: 'KMS grant',
  resourceLabel: 'KMS key',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const response = responseElements(record);
    const warnings: string[] = [];

    const keyId = bound(str(params, 'keyId') ?? '', 2048);
    if (keyId === '') {
      warnings.push('requestParameters.keyId is missing');
    }
    const operations = strings(field(params, 'operations'))
      .slice(0, MAX_OPERATIONS)
      .map((operation) => `kms:${bound(operation, 64)}`);

    const grants: GrantSpec[] = [];
    const grantee = str(params, 'granteePrincipal');
    if (grantee === undefined || grantee.trim() === '') {
      warnings.push('requestParameters.granteePrincipal is missing, so the grantee is unknown');
    } else {
      const base = operations.length > 0 ? { via: 'granteePrincipal', actions: operations } : { via: 'granteePrincipal' };
      grants.push({ ...base, ...parseGrantPrincipal(grantee) } as GrantSpec);
    }
    const retiring = str(params, 'retiringPrincipal');
    if (retiring !== undefined && retiring.trim() !== '') {
      grants.push({ via: 'retiringPrincipal', actions: ['kms:RetireGrant'], ...parseGrantPrincipal(retiring) } as GrantSpec);
    }

    // Records from December 2022 on log the key ARN in the response, even when the request named the key by id or alias.
    const keyArn = str(response, 'keyId');
    const grantId = str(response, 'grantId');
    const resource = keyResource(keyId, region(record), context.ownerAccountId ?? ownerAccountId(record), keyArn);
    return {
      resource,
      grants,
      warnings,
      details: {
        // revoke-grant and list-grants take a key id or key ARN, not an alias, so the logged key ARN is preferred.
        keyForCommands: keyArn !== undefined && keyArn.startsWith('arn:') ? bound(keyArn, 2048) : keyId,
        ...(grantId !== undefined ? { grantId: bound(grantId, 128) } : {}),
        ...(grantee !== undefined ? { grantee: bound(grantee.trim()) } : {}),
      },
    };
  },

  remediation({ result, region }) {
    const key = `--region ${shellQuote(region)} --key-id ${shellQuote(String(result.details?.keyForCommands ?? result.resource.id))}`;
    const grantId = result.details?.grantId;
    if (grantId !== undefined) {
      return `aws kms revoke-grant ${key} --grant-id ${shellQuote(String(grantId))}`;
    }
    // Without the grant id, list the grants of this grantee to find it.
    const grantee = String(result.details?.grantee ?? '');
    return `aws kms list-grants ${key} --query ${shellQuote(`Grants[?GranteePrincipal=='${grantee.replace(/'/g, "\\'")}'].GrantId`)}`;
  },
};

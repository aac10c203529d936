/** Helpers shared by the KMS rules: the key resource and the fix for a key policy. */
import type { RemediationInput } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { ResourceRef } from '../../core/types';
import { statementList } from '../policy-document';

/**
 * Describes a key named by id, ARN or alias. `knownArn` is the key ARN when the event logs one
 * (CreateKey's `keyMetadata.arn`, CreateGrant's `responseElements.keyId`). Without it, the ARN is
 * built from the region and the owner.
 */
export function keyResource(keyId: string, region: string, owner: string | undefined, knownArn?: string): ResourceRef {
  let arn: string;
  if (knownArn !== undefined && knownArn.startsWith('arn:')) {
    arn = knownArn;
  } else if (keyId.startsWith('arn:')) {
    arn = keyId;
  } else {
    arn = `arn:aws:kms:${region}:${owner ?? ''}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
  }
  return { type: 'AWS::KMS::Key', id: keyId, arn: bound(arn) };
}

/**
 * Builds the commands that fetch the key policy and write it back, with the untrusted statements to
 * delete named in a comment. A key has one policy, named `default`.
 */
export function keyPolicyRemediation({ result, untrusted, region }: RemediationInput): string {
  const key = `--region ${shellQuote(region)} --key-id ${shellQuote(result.resource.id)} --policy-name default`;
  return [
    `aws kms get-key-policy ${key} --query Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
    `aws kms put-key-policy ${key} --policy file://policy.json`,
  ].join('\n');
}

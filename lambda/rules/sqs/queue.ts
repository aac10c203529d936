/**
 * Helpers shared by the SQS rules: the queue resource, named by its URL
 * (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`), and the fix for a queue policy.
 */
import { isAccountId } from '../../core/principals';
import { field, isObject } from '../../core/read';
import type { RemediationInput } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec, ResourceRef } from '../../core/types';
import { readWrittenPolicy, statementList } from '../policy-document';

/** Reads the owner account and the queue name from the path of a queue URL. */
export function parseQueueUrl(queueUrl: string): { account: string; name: string } | undefined {
  const match = /^https?:\/\/[^/]+\/(\d{12})\/([^/?#]+)\/?$/.exec(queueUrl.trim());
  return match && isAccountId(match[1]) ? { account: match[1], name: match[2] } : undefined;
}

/**
 * Reads the `Policy` entry of the request's `attributes` map. Returns undefined when the call sets
 * no policy or removes it with an empty string. `change` completes the warning when the request
 * cannot be read, such as `set a queue policy`.
 */
export function readPolicyAttribute(params: Record<string, unknown> | undefined, change: string, warnings: string[]): GrantSpec[] | undefined {
  if (params === undefined) {
    warnings.push(`requestParameters is missing, so whether the call ${change} is unknown`);
    return [];
  }
  const attributes = field(params, 'attributes');
  if (attributes !== undefined && attributes !== null && !isObject(attributes)) {
    warnings.push(`requestParameters.attributes is not an object, so whether the call ${change} is unknown`);
    return [];
  }
  const policy = field(attributes, 'Policy');
  if (policy === undefined || (typeof policy === 'string' && policy.trim() === '')) {
    return undefined;
  }
  return readWrittenPolicy(policy, 'requestParameters.attributes.Policy', warnings);
}

/**
 * Describes a queue by its URL, which the SQS API and CLI use as the queue's id. The ARN takes the
 * owner account from the URL's path and falls back to `owner` when the URL cannot be read.
 */
export function queueResource(queueUrl: string, region: string, owner: string | undefined, queueName?: string): ResourceRef {
  const parsed = parseQueueUrl(queueUrl);
  const name = parsed?.name ?? queueName ?? '';
  const url = bound(queueUrl, 1024);
  return { type: 'AWS::SQS::Queue', id: url, arn: bound(`arn:aws:sqs:${region}:${parsed?.account ?? owner ?? ''}:${name}`) };
}

/**
 * Builds the commands that fetch the queue policy and write it back, with the untrusted statements
 * to delete named in a comment. `set-queue-attributes` takes the policy inside a JSON map, which jq
 * builds from the edited file.
 */
export function queuePolicyRemediation({ result, untrusted, region }: RemediationInput): string {
  const queue = `--region ${shellQuote(region)} --queue-url ${shellQuote(result.resource.id)}`;
  return [
    `aws sqs get-queue-attributes ${queue} --attribute-names Policy --query Attributes.Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
    `jq -n --rawfile policy policy.json '{Policy: $policy}' > attributes.json`,
    `aws sqs set-queue-attributes ${queue} --attributes file://attributes.json`,
  ].join('\n');
}

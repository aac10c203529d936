/** Helpers shared by the SNS rules: the topic resource and the fix for a topic policy. */
import type { RemediationInput } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { ResourceRef } from '../../core/types';
import { statementList } from '../policy-document';

/** Describes a topic by its ARN, which the SNS API and CLI use as the topic's id. */
export function topicResource(topicArn: string): ResourceRef {
  const arn = bound(topicArn, 1024);
  return { type: 'AWS::SNS::Topic', id: arn, arn };
}

/** Builds the commands that fetch the topic policy and write it back, with the untrusted statements to delete named in a comment. */
export function topicPolicyRemediation({ result, untrusted, region }: RemediationInput): string {
  const topic = `--region ${shellQuote(region)} --topic-arn ${shellQuote(result.resource.id)}`;
  return [
    `aws sns get-topic-attributes ${topic} --query Attributes.Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
    `aws sns set-topic-attributes ${topic} --attribute-name Policy --attribute-value file://policy.json`,
  ].join('\n');
}

import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Finding } from '../core/types';
import { buildAlert } from './format';

/** Publishes one finding to the alert topic and returns the SNS message id. Errors propagate, so the invocation fails and is retried. */
export async function publishFinding(sns: SNSClient, topicArn: string, finding: Finding): Promise<string | undefined> {
  const alert = buildAlert(finding);
  const output = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: alert.subject,
      Message: alert.message,
      MessageStructure: 'json',
      MessageAttributes: alert.attributes,
    }),
  );
  return output.MessageId;
}

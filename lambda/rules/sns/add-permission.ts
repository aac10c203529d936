/**
 * SNS AddPermission. It adds one statement, named by `label`, that lets the accounts in
 * `aWSAccountId` call the SNS actions in `actionName` on the topic. The same event name from
 * Lambda or SQS is another call, so the rule routes on the event source too.
 */
import { parseAwsPrincipal } from '../../core/principals';
import { requestParameters } from '../../core/record';
import { field, str, strings, toArray } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';
import { topicResource } from './topic';

/** Maximum accounts and actions read from one call, so that a hostile list stays cheap to read. */
const MAX_ACCOUNTS = 1000;
const MAX_ACTIONS = 20;

export const addTopicPermission: RuleDefinition = {
  id: 'sns-topic-permission',
  eventSource: 'sns.amazonaws.com',
  eventNames: ['AddPermission'],
  title: 'SNS topic permission',
  resourceLabel: 'SNS topic',

  extract(record) {
    const params = requestParameters(record);
    const warnings: string[] = [];

    const topicArn = str(params, 'topicArn') ?? '';
    if (topicArn === '') {
      warnings.push('requestParameters.topicArn is missing');
    }
    const label = str(params, 'label');
    const actions = strings(field(params, 'actionName'))
      .slice(0, MAX_ACTIONS)
      .map((action) => bound(action.includes(':') ? action : `sns:${action}`, 128));
    const base = { via: bound(label ?? 'AddPermission', 128), ...(actions.length > 0 ? { actions } : {}) };

    const accountValues = field(params, 'aWSAccountId');
    const accounts = strings(accountValues).slice(0, MAX_ACCOUNTS);
    if (accounts.length === 0) {
      warnings.push('requestParameters.aWSAccountId is missing, so the grantees are unknown');
    } else if (toArray(accountValues).length > MAX_ACCOUNTS) {
      warnings.push(`only the first ${MAX_ACCOUNTS} accounts of requestParameters.aWSAccountId were read`);
    }
    const grants = accounts.map((account) => ({ ...base, ...parseAwsPrincipal(account) }) as GrantSpec);

    return {
      resource: topicResource(topicArn),
      grants,
      warnings,
      details: label === undefined ? undefined : { label: bound(label, 128) },
    };
  },

  remediation({ result, region }) {
    const topic = `--region ${shellQuote(region)} --topic-arn ${shellQuote(result.resource.id)}`;
    const label = result.details?.label;
    if (label === undefined) {
      return `aws sns get-topic-attributes ${topic} --query Attributes.Policy --output text`;
    }
    return `aws sns remove-permission ${topic} --label ${shellQuote(String(label))}`;
  },
};

/**
 * SQS AddPermission. It adds one statement, named by `label`, that lets the accounts in
 * `AWSAccountIds` call the SQS actions in `actions` (`*` is every action) on the queue at
 * `queueUrl`, whose path names the owner account. The same event name from Lambda or SNS is
 * another call, so the rule routes on the event source too.
 */
import { parseAwsPrincipal } from '../../core/principals';
import { ownerAccountId, region, requestParameters } from '../../core/record';
import { field, str, strings, toArray } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';
import { queueResource } from './queue';

/** Maximum accounts and actions read from one call, so that a hostile list stays cheap to read. */
const MAX_ACCOUNTS = 1000;
const MAX_ACTIONS = 20;

export const addQueuePermission: RuleDefinition = {
  id: 'sqs-queue-permission',
  eventSource: 'sqs.amazonaws.com',
  eventNames: ['AddPermission'],
  title: 'SQS queue permission',
  resourceLabel: 'SQS queue',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];

    const queueUrl = str(params, 'queueUrl') ?? '';
    if (queueUrl === '') {
      warnings.push('requestParameters.queueUrl is missing');
    }
    const label = str(params, 'label');
    const actions = strings(field(params, 'actions'))
      .slice(0, MAX_ACTIONS)
      .map((action) => bound(action.includes(':') ? action : `sqs:${action}`, 128));
    const base = { via: bound(label ?? 'AddPermission', 128), ...(actions.length > 0 ? { actions } : {}) };

    const accountValues = field(params, 'AWSAccountIds');
    const accounts = strings(accountValues).slice(0, MAX_ACCOUNTS);
    if (accounts.length === 0) {
      warnings.push('requestParameters.AWSAccountIds is missing, so the grantees are unknown');
    } else if (toArray(accountValues).length > MAX_ACCOUNTS) {
      warnings.push(`only the first ${MAX_ACCOUNTS} accounts of requestParameters.AWSAccountIds were read`);
    }
    const grants = accounts.map((account) => ({ ...base, ...parseAwsPrincipal(account) }) as GrantSpec);

    return {
      resource: queueResource(queueUrl, region(record), context.ownerAccountId ?? ownerAccountId(record)),
      grants,
      warnings,
      details: label === undefined ? undefined : { label: bound(label, 128) },
    };
  },

  remediation({ result, region }) {
    const queue = `--region ${shellQuote(region)} --queue-url ${shellQuote(result.resource.id)}`;
    const label = result.details?.label;
    if (label === undefined) {
      return `aws sqs get-queue-attributes ${queue} --attribute-names Policy --query Attributes.Policy --output text`;
    }
    return `aws sqs remove-permission ${queue} --label ${shellQuote(String(label))}`;
  },
};

/** KMS PutKeyPolicy. `policy` is the complete new key policy, as a JSON string. */
import { ownerAccountId, region, requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound } from '../../core/text';
import { readWrittenPolicy } from '../policy-document';
import { keyPolicyRemediation, keyResource } from './key';

export const putKeyPolicy: RuleDefinition = {
  id: 'kms-key-policy',
  eventSource: 'kms.amazonaws.com',
  eventNames: ['PutKeyPolicy'],
  title: 'KMS key policy',
  resourceLabel: 'KMS key',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];

    const keyId = bound(str(params, 'keyId') ?? '', 2048);
    if (keyId === '') {
      warnings.push('requestParameters.keyId is missing');
    }
    const grants = readWrittenPolicy(field(params, 'policy'), 'requestParameters.policy', warnings);

    return {
      resource: keyResource(keyId, region(record), context.ownerAccountId ?? ownerAccountId(record)),
      grants,
      warnings,
    };
  },

  remediation: keyPolicyRemediation,
};

/**
 * KMS CreateKey. A request with `policy` sets that key policy, as a JSON string. A request without
 * it gets the default key policy, which trusts only the owner account, so it grants nothing to
 * report. The new key is in `responseElements.keyMetadata`, whose account field is spelled
 * `aWSAccountId` or `AWSAccountId` depending on the record's age, so keys are read case-insensitively.
 */
import { errorCode, ownerAccountId, region, requestParameters, responseElements } from '../../core/record';
import { field, path, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound } from '../../core/text';
import { readWrittenPolicy } from '../policy-document';
import { keyPolicyRemediation, keyResource } from './key';

export const createKey: RuleDefinition = {
  id: 'kms-new-key-policy',
  eventSource: 'kms.amazonaws.com',
  eventNames: ['CreateKey'],
  title: 'KMS key policy, when the key is created',
  resourceLabel: 'KMS key',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    if (params === undefined) {
      warnings.push('requestParameters is missing, so whether the call set a key policy is unknown');
    } else if (field(params, 'policy') === undefined) {
      return undefined;
    }

    const grants = params === undefined ? [] : readWrittenPolicy(field(params, 'policy'), 'requestParameters.policy', warnings);
    const metadata = path(responseElements(record), 'keyMetadata');
    const keyId = bound(str(metadata, 'keyId') ?? '', 2048);
    if (keyId === '' && errorCode(record) === undefined) {
      warnings.push('responseElements.keyMetadata.keyId is missing');
    }
    const owner = str(metadata, 'AWSAccountId') ?? context.ownerAccountId ?? ownerAccountId(record);

    return {
      resource: keyResource(keyId, region(record), owner, str(metadata, 'arn')),
      grants,
      warnings,
    };
  },

  remediation: keyPolicyRemediation,
};

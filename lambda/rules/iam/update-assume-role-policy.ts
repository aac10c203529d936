/**
 * IAM UpdateAssumeRolePolicy. `policyDocument` is the complete new trust policy of the role, as a
 * JSON string. The call has no response to read it from.
 */
import { ownerAccountId, requestParameters } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound } from '../../core/text';
import { readWrittenPolicy } from '../policy-document';
import { roleResource, trustPolicyRemediation } from './trust-policy';

export const updateAssumeRolePolicy: RuleDefinition = {
  id: 'iam-role-trust-policy',
  eventSource: 'iam.amazonaws.com',
  eventNames: ['UpdateAssumeRolePolicy'],
  title: 'IAM role trust policy',
  resourceLabel: 'IAM role',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];

    const roleName = bound(str(params, 'roleName') ?? '', 128);
    if (roleName === '') {
      warnings.push('requestParameters.roleName is missing');
    }
    const grants = readWrittenPolicy(field(params, 'policyDocument'), 'requestParameters.policyDocument', warnings);

    return {
      resource: roleResource(roleName, context.ownerAccountId ?? ownerAccountId(record)),
      grants,
      warnings,
    };
  },

  remediation: trustPolicyRemediation,
};

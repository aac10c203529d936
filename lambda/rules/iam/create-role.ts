/**
 * IAM CreateRole. `assumeRolePolicyDocument` is the trust policy as a JSON string: who may assume
 * the new role. The response repeats it URL-encoded in `role.assumeRolePolicyDocument`, which is
 * read when the request lacks it. `*` narrowed only by `sts:ExternalId` is still anyone; service
 * principals such as `lambda.amazonaws.com` are read as services, which raise no finding by default.
 */
import { ownerAccountId, requestParameters, responseElements } from '../../core/record';
import { field, path, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound } from '../../core/text';
import { readWrittenPolicy } from '../policy-document';
import { roleResource, trustPolicyRemediation } from './trust-policy';

/** Decodes the URL-encoded copy of the trust policy in the response, or returns undefined when it is malformed. */
function decodeResponseDocument(encoded: string | undefined): string | undefined {
  if (encoded === undefined) {
    return undefined;
  }
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

export const createRole: RuleDefinition = {
  id: 'iam-new-role-trust-policy',
  eventSource: 'iam.amazonaws.com',
  eventNames: ['CreateRole'],
  title: 'IAM role trust policy, when the role is created',
  resourceLabel: 'IAM role',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const role = path(responseElements(record), 'role');
    const warnings: string[] = [];

    const roleName = bound(str(params, 'roleName') ?? str(role, 'roleName') ?? '', 128);
    if (roleName === '') {
      warnings.push('requestParameters.roleName is missing');
    }
    const document = field(params, 'assumeRolePolicyDocument') ?? decodeResponseDocument(str(role, 'assumeRolePolicyDocument'));
    const grants = readWrittenPolicy(document, 'requestParameters.assumeRolePolicyDocument', warnings);

    const arn = str(role, 'arn');
    const owner = context.ownerAccountId ?? ownerAccountId(record);
    return {
      resource: roleResource(roleName, owner, arn, str(params, 'path')),
      grants,
      warnings,
    };
  },

  remediation: trustPolicyRemediation,
};

/**
 * Lambda AddLayerVersionPermission (versioned event name `AddLayerVersionPermission20181031`):
 * `principal` is an account id or `*`, and `organizationId` narrows `*` to one organization.
 */
import { isOrganizationId, parseAwsPrincipal } from '../../core/principals';
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';

export const addLayerVersionPermission: RuleDefinition = {
  id: 'lambda-layer-permission',
  eventSource: 'lambda.amazonaws.com',
  eventNames: [],
  eventNamePrefixes: ['AddLayerVersionPermission'],
  title: 'Lambda layer version permission',
  resourceLabel: 'Lambda layer',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const warnings: string[] = [];
    const layerName = bound(str(params, 'layerName') ?? '', 256);
    const version = str(params, 'versionNumber') ?? '';
    const statementId = str(params, 'statementId');
    const action = str(params, 'action');
    const principal = (str(params, 'principal') ?? '').trim();
    const organizationId = str(params, 'organizationId')?.trim();
    const base = { via: bound(statementId ?? 'statement', 128), ...(action ? { actions: [bound(action, 128)] } : {}) };

    const grants: GrantSpec[] = [];
    if (principal === '') {
      warnings.push('requestParameters.principal is missing');
    } else if (principal === '*' && organizationId && isOrganizationId(organizationId)) {
      grants.push({ ...base, kind: 'organization', organizationId });
    } else {
      grants.push({ ...base, ...parseAwsPrincipal(principal) } as GrantSpec);
    }
    if (layerName === '') {
      warnings.push('requestParameters.layerName is missing');
    }
    const layerArn = layerName.startsWith('arn:') ? layerName : `arn:aws:lambda:${recordRegion(record)}:${context.ownerAccountId ?? ownerAccountId(record) ?? ''}:layer:${layerName}`;
    return {
      resource: { type: 'AWS::Lambda::LayerVersion', id: version ? `${layerName}:${bound(version, 32)}` : layerName, arn: version ? `${layerArn}:${bound(version, 32)}` : layerArn },
      grants,
      warnings,
      details: {
        layerName,
        ...(version !== '' ? { versionNumber: bound(version, 32) } : {}),
        ...(statementId !== undefined ? { statementId: bound(statementId, 128) } : {}),
      },
    };
  },

  remediation({ result, region }) {
    const details = result.details ?? {};
    const target = `--region ${shellQuote(region)} --layer-name ${shellQuote(String(details.layerName ?? result.resource.id))}`;
    if (details.versionNumber === undefined || details.statementId === undefined) {
      return `aws lambda list-layer-versions ${target}`;
    }
    return `aws lambda remove-layer-version-permission ${target} --version-number ${shellQuote(String(details.versionNumber))} --statement-id ${shellQuote(String(details.statementId))}`;
  },
};

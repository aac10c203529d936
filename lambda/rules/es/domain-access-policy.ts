/**
 * OpenSearch Service domain access policies. CloudTrail logs both the OpenSearch API (CreateDomain,
 * UpdateDomainConfig) and the older Elasticsearch API (CreateElasticsearchDomain,
 * UpdateElasticsearchDomainConfig) with eventSource `es.amazonaws.com`. `accessPolicies` is the
 * complete new policy as a JSON string. A call without it leaves the policy as it was, or creates a
 * domain that only IAM identities of the owner can reach.
 *
 * NOTE: a domain in a VPC is reachable only from that VPC's network whatever its policy allows. The
 * request names the VPC only when it creates the domain or moves it, so `*` stays a public grant,
 * labelled when the request shows the domain is in a VPC.
 */
import { ownerAccountId, region as recordRegion, requestParameters } from '../../core/record';
import { field, path, str, strings } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import type { GrantSpec } from '../../core/types';
import { readWrittenPolicy, statementList } from '../policy-document';

export const domainAccessPolicy: RuleDefinition = {
  id: 'opensearch-domain-access-policy',
  eventSource: 'es.amazonaws.com',
  eventNames: ['CreateDomain', 'UpdateDomainConfig', 'CreateElasticsearchDomain', 'UpdateElasticsearchDomainConfig'],
  title: 'OpenSearch Service domain access policy',
  resourceLabel: 'OpenSearch domain',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const policy = field(params, 'accessPolicies');
    const warnings: string[] = [];
    if (params === undefined) {
      warnings.push('requestParameters is missing, so the access policy of the domain is unknown');
    } else if (policy === undefined || policy === null || policy === '') {
      return undefined;
    }

    const domain = bound(str(params, 'domainName') ?? '', 256);
    if (params !== undefined && domain === '') {
      warnings.push('requestParameters.domainName is missing');
    }
    let grants = params === undefined ? [] : readWrittenPolicy(policy, 'requestParameters.accessPolicies', warnings);
    const subnets = strings(path(params, 'VPCOptions', 'SubnetIds'));
    if (subnets.length > 0) {
      const label = bound(`the domain is in a VPC (subnets ${subnets.join(', ')}), so only that network reaches it`, 512);
      grants = grants.map((grant): GrantSpec => (grant.kind === 'public' ? { ...grant, label } : grant));
    }

    const owner = context.ownerAccountId ?? ownerAccountId(record) ?? '';
    return {
      resource: { type: 'AWS::OpenSearchService::Domain', id: domain, arn: `arn:aws:es:${recordRegion(record)}:${owner}:domain/${domain}` },
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    // An access policy is replaced whole, so the fix is to write it back without the offending statements.
    const target = `--region ${shellQuote(region)} --domain-name ${shellQuote(result.resource.id)}`;
    return [
      `aws opensearch describe-domain-config ${target} --query DomainConfig.AccessPolicies.Options --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws opensearch update-domain-config ${target} --access-policies file://policy.json`,
    ].join('\n');
  },
};

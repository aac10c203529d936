import { ownerAccountId, region as recordRegion, requestParameters, responseElements } from '../../core/record';
import { field, str } from '../../core/read';
import type { RuleDefinition } from '../../core/rule';
import { bound, shellQuote } from '../../core/text';
import { readWrittenPolicy, statementList } from '../policy-document';

/**
 * EFS PutFileSystemPolicy. `policy` is the complete new file system policy as a JSON string, and the
 * response repeats it. `fileSystemId` is an id (`fs-…`) or a file system ARN.
 *
 * NOTE: a statement that allows `*` only with `elasticfilesystem:AccessedViaMountTarget` reads as
 * public here, because the shared policy reader knows no EFS condition keys. The EFS console's preset
 * policies take that form, and EFS's own block-public-access rules count it as non-public.
 */
export const putFileSystemPolicy: RuleDefinition = {
  id: 'efs-file-system-policy',
  eventSource: 'elasticfilesystem.amazonaws.com',
  eventNames: ['PutFileSystemPolicy'],
  title: 'EFS file system policy',
  resourceLabel: 'EFS file system',

  extract(record, context = {}) {
    const params = requestParameters(record);
    const response = responseElements(record);
    const warnings: string[] = [];
    const fileSystemId = bound(str(params, 'fileSystemId') ?? str(response, 'fileSystemId') ?? '', 256);
    if (fileSystemId === '') {
      warnings.push('requestParameters.fileSystemId is missing');
    }
    const grants = readWrittenPolicy(field(params, 'policy') ?? field(response, 'policy'), 'requestParameters.policy', warnings);
    const owner = context.ownerAccountId ?? ownerAccountId(record) ?? '';
    const arn = fileSystemId.startsWith('arn:') ? fileSystemId : `arn:aws:elasticfilesystem:${recordRegion(record)}:${owner}:file-system/${fileSystemId}`;
    return {
      resource: { type: 'AWS::EFS::FileSystem', id: fileSystemId, arn },
      grants,
      warnings,
    };
  },

  remediation({ result, untrusted, region }) {
    // A file system policy is replaced whole, so the fix is to write it back without the offending statements.
    const target = `--region ${shellQuote(region)} --file-system-id ${shellQuote(result.resource.id)}`;
    return [
      `aws efs describe-file-system-policy ${target} --query Policy --output text > policy.json  # delete statements: ${statementList(untrusted)}`,
      `aws efs put-file-system-policy ${target} --policy file://policy.json`,
    ].join('\n');
  },
};

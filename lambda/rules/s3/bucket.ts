import { str } from '../../core/read';
import { bound } from '../../core/text';
import type { ResourceRef } from '../../core/types';

/** Reads the bucket a bucket-level S3 call names, and adds a warning when `bucketName` is missing. */
export function bucketResource(params: Record<string, unknown> | undefined, warnings: string[]): ResourceRef {
  const bucket = bound(str(params, 'bucketName') ?? '', 255);
  if (bucket === '') {
    warnings.push('requestParameters.bucketName is missing');
  }
  return { type: 'AWS::S3::Bucket', id: bucket, arn: `arn:aws:s3:::${bucket}` };
}

import { putFileSystemPolicy } from '../../../lambda/rules/elasticfilesystem/put-file-system-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

/** Builds the two-line fix for a file system policy: fetch it, delete the named statements by hand, and put it back. */
function policyFix(fileSystemId: string, statements: string, region = 'eu-central-1'): string {
  const target = `--region ${region} --file-system-id ${fileSystemId}`;
  return [
    `aws efs describe-file-system-policy ${target} --query Policy --output text > policy.json  # delete statements: ${statements}`,
    `aws efs put-file-system-policy ${target} --policy file://policy.json`,
  ].join('\n');
}

describe('PutFileSystemPolicy rule', () => {
  it('reads the file system and its ARN', () => {
    const result = putFileSystemPolicy.extract(loadFixture('elasticfilesystem', 'file-system-policy-cross-account'));

    expect(result?.resource).toEqual({
      type: 'AWS::EFS::FileSystem',
      id: 'fs-0a1b2c3d4e5f60718',
      arn: `arn:aws:elasticfilesystem:eu-central-1:${OWNER}:file-system/fs-0a1b2c3d4e5f60718`,
    });
    expect(result?.warnings).toEqual([]);
  });

  it('keeps a file system ARN as given', () => {
    const record = loadFixture('elasticfilesystem', 'file-system-policy-cross-account');
    const arn = `arn:aws:elasticfilesystem:eu-central-1:${OWNER}:file-system/fs-0a1b2c3d4e5f60718`;
    (record.requestParameters as Record<string, unknown>).fileSystemId = arn;

    expect(putFileSystemPolicy.extract(record)?.resource).toEqual({ type: 'AWS::EFS::FileSystem', id: arn, arn });
  });

  it('alerts on cross-account mount', () => {
    const finding = findingOf(evaluateFixture('elasticfilesystem', 'file-system-policy-cross-account'));

    expect(finding.grants).toEqual([
      {
        kind: 'account',
        accountId: OUTSIDER,
        principal: `arn:aws:iam::${OUTSIDER}:role/analytics-batch`,
        via: 'AnalyticsMount',
        actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'efs-file-system-policy' });
    expect(finding.remediation).toBe(policyFix('fs-0a1b2c3d4e5f60718', 'AnalyticsMount'));
  });

  it('trusts analytics account on the list', () => {
    const evaluation = evaluateFixture('elasticfilesystem', 'file-system-policy-cross-account', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation)).toEqual([expect.objectContaining({ accountId: OUTSIDER, trusted: true })]);
  });

  it('alerts critical on unconditioned star', () => {
    const finding = findingOf(evaluateFixture('elasticfilesystem', 'file-system-policy-public'));

    expect(finding.grants).toEqual([
      {
        kind: 'public',
        principal: '*',
        via: 'AnyoneCanMount',
        actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientRootAccess'],
        trusted: false,
      },
    ]);
    expect(finding).toMatchObject({ severity: 'critical', public: true });
    expect(finding.actor).toMatchObject({ type: 'IAMUser', sourceIp: '198.51.100.23' });
    expect(finding.remediation).toBe(policyFix('fs-09f8e7d6c5b4a3921', 'AnyoneCanMount'));
  });

  it('grants nothing with Deny-only policy', () => {
    const record = loadFixture('elasticfilesystem', 'file-system-policy-deny-insecure-transport');

    expect(putFileSystemPolicy.extract(record)?.grants).toEqual([]);
    expect(evaluate(record).status).toBe('no-grant');
  });

  it('reads the policy from the response', () => {
    const record = loadFixture('elasticfilesystem', 'file-system-policy-public');
    record.requestParameters = { fileSystemId: 'fs-09f8e7d6c5b4a3921' };

    expect(findingOf(evaluate(record)).grants).toEqual([expect.objectContaining({ kind: 'public', via: 'AnyoneCanMount' })]);
  });

  it.each([
    ['requestParameters is null', null, ['requestParameters.fileSystemId is missing', 'requestParameters.policy is missing, so the grants of the new policy are unknown']],
    ['policy is not JSON', { fileSystemId: 'fs-0a1b2c3d4e5f60718', policy: '{"Statement": [' }, ['the policy is not a valid JSON object']],
  ])('warns when %s', (_name, params, warnings) => {
    const record = loadFixture('elasticfilesystem', 'file-system-policy-cross-account');
    record.requestParameters = params;
    record.responseElements = null;

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(warnings);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });
});

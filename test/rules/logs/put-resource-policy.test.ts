import { findRule } from '../../../lambda/catalog';
import { putLogResourcePolicy } from '../../../lambda/rules/logs/put-resource-policy';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const GROUP_ARN = `arn:aws:logs:us-east-1:${OWNER}:log-group:vpc-flow-logs`;

describe('CloudWatch Logs PutResourcePolicy rule', () => {
  it('reads an account-level policy', () => {
    const result = putLogResourcePolicy.extract(loadFixture('logs', 'resource-policy-cross-account'));

    expect(result?.resource).toEqual({ type: 'AWS::Logs::ResourcePolicy', id: 'partner-feed-writers' });
    expect(result?.details).toEqual({ policyName: 'partner-feed-writers' });
    expect(result?.warnings).toEqual([]);
  });

  it('alerts on account principal', () => {
    const finding = findingOf(evaluateFixture('logs', 'resource-policy-cross-account'));

    expect(finding.grants).toEqual([
      { kind: 'account', accountId: OUTSIDER, principal: `arn:aws:iam::${OUTSIDER}:root`, via: 'PartnerWritesLogs', actions: WRITE_ACTIONS, trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', ruleId: 'logs-resource-policy' });
    expect(finding.remediation).toBe(
      "aws logs describe-resource-policies --region us-east-1 --query 'resourcePolicies[?policyName=='\\''partner-feed-writers'\\''].policyDocument | [0]' --output text > policy.json  # delete statements: PartnerWritesLogs\n" +
        'aws logs put-resource-policy --region us-east-1 --policy-name partner-feed-writers --policy-document file://policy.json',
    );
  });

  it('trusts Route 53 scoped to owner', () => {
    const evaluation = evaluateFixture('logs', 'resource-policy-route53-service', { alertOnUnrestrictedServices: true });

    expect(quietGrantsOf(evaluation)).toEqual([
      {
        kind: 'service',
        service: 'route53.amazonaws.com',
        sourceArn: 'arn:aws:route53:::hostedzone/Z0EXAMPLE1A2B3C',
        sourceAccount: OWNER,
        via: 'Route53LogsToCloudWatchLogs',
        actions: WRITE_ACTIONS,
        trusted: true,
      },
      { kind: 'account', accountId: OWNER, label: 'source account of route53.amazonaws.com', via: 'Route53LogsToCloudWatchLogs', actions: WRITE_ACTIONS, trusted: true },
    ]);
  });

  it('keeps unrestricted service quiet by default', () => {
    expect(quietGrantsOf(evaluateFixture('logs', 'resource-policy-opensearch-unrestricted'))).toEqual([
      { kind: 'service', service: 'es.amazonaws.com', via: 'Statement[0]', actions: ['logs:PutLogEvents', 'logs:CreateLogStream'], trusted: false },
    ]);
  });

  it('alerts low on unrestricted service when asked', () => {
    const finding = findingOf(evaluateFixture('logs', 'resource-policy-opensearch-unrestricted', { alertOnUnrestrictedServices: true }));

    expect(finding).toMatchObject({ severity: 'low', public: false });
    expect(finding.remediation).toContain("--query 'resourcePolicies[?policyName=='\\''opensearch-slow-logs'\\''].policyDocument | [0]'");
  });

  it('reads a log-group policy', () => {
    const result = putLogResourcePolicy.extract(loadFixture('logs', 'resource-policy-log-group-scoped'));

    expect(result?.resource).toEqual({ type: 'AWS::Logs::ResourcePolicy', id: 'flow-log-delivery', arn: GROUP_ARN });
    expect(result?.details).toEqual({ policyName: 'flow-log-delivery', resourceArn: GROUP_ARN });
  });

  it('alerts on delivery for another account', () => {
    const finding = findingOf(evaluateFixture('logs', 'resource-policy-log-group-scoped'));
    const target = `--region us-east-1 --resource-arn ${GROUP_ARN}`;
    const describe = `aws logs describe-resource-policies ${target} --policy-scope RESOURCE`;

    expect(finding.grants).toEqual([
      {
        kind: 'service',
        service: 'delivery.logs.amazonaws.com',
        sourceAccount: OUTSIDER,
        sourceArn: `arn:aws:logs:us-east-1:${OUTSIDER}:*`,
        via: 'AWSLogDeliveryWrite',
        actions: WRITE_ACTIONS,
        trusted: false,
      },
      { kind: 'account', accountId: OUTSIDER, label: 'source account of delivery.logs.amazonaws.com', via: 'AWSLogDeliveryWrite', actions: WRITE_ACTIONS, trusted: false },
    ]);
    expect(finding.severity).toBe('high');
    expect(finding.remediation).toBe(
      `${describe} --query 'resourcePolicies[0].policyDocument' --output text > policy.json  # delete statements: AWSLogDeliveryWrite\n` +
        `aws logs put-resource-policy ${target} --policy-name flow-log-delivery --policy-document file://policy.json --expected-revision-id "$(${describe} --query 'resourcePolicies[0].revisionId' --output text)"`,
    );
  });

  it('trusts delivery account on the list', () => {
    const evaluation = evaluateFixture('logs', 'resource-policy-log-group-scoped', { trustedList: trustedList(OUTSIDER) });

    expect(quietGrantsOf(evaluation).map((grant) => grant.trusted)).toEqual([true, true]);
  });

  it('reads the policy from the response', () => {
    const record = loadFixture('logs', 'resource-policy-cross-account');
    record.requestParameters = null;

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([expect.objectContaining({ accountId: OUTSIDER, via: 'PartnerWritesLogs' })]);
    expect(finding.warnings).toBeUndefined();
  });

  it('warns when no policy is logged', () => {
    const record = loadFixture('logs', 'resource-policy-cross-account');
    record.requestParameters = null;
    record.responseElements = null;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual([
      'requestParameters.policyName is missing',
      'requestParameters.policyDocument is missing, so the grants of the new policy are unknown',
    ]);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });

  it('leaves Secrets Manager calls to their rule', () => {
    const record = loadFixture('logs', 'resource-policy-cross-account');
    record.eventSource = 'secretsmanager.amazonaws.com';

    expect(findRule(record)?.id).not.toBe('logs-resource-policy');
    expect(findRule(loadFixture('logs', 'resource-policy-cross-account'))?.id).toBe('logs-resource-policy');
  });
});

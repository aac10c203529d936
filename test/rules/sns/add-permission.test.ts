import { findRule } from '../../../lambda/catalog';
import { addTopicPermission } from '../../../lambda/rules/sns/add-permission';
import { evaluate, evaluateFixture, findingOf, loadFixture, OUTSIDER, OWNER, PARTNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const TOPIC = `arn:aws:sns:us-east-1:${OWNER}:alerts`;

describe('SNS AddPermission rule', () => {
  it('routes on the SNS event source', () => {
    const record = loadFixture('sns', 'add-permission-external-account');

    expect(findRule(record)?.id).toBe('sns-topic-permission');
    record.eventSource = 'lambda.amazonaws.com';
    expect(findRule(record)?.id).toBe('lambda-function-permission');
  });

  it('alerts high on external account', () => {
    const finding = findingOf(evaluateFixture('sns', 'add-permission-external-account'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'partner-publish', actions: ['sns:Publish'], trusted: false }]);
    expect(finding).toMatchObject({
      severity: 'high',
      public: false,
      ruleId: 'sns-topic-permission',
      resource: { type: 'AWS::SNS::Topic', id: TOPIC, arn: TOPIC },
      reasons: [`shared with account ${OUTSIDER}: not on the trusted list`],
    });
    expect(finding.remediation).toBe(`aws sns remove-permission --region us-east-1 --topic-arn ${TOPIC} --label partner-publish`);
  });

  it('stays quiet on own account', () => {
    expect(quietGrantsOf(evaluateFixture('sns', 'add-permission-own-account'))).toEqual([
      { kind: 'account', accountId: OWNER, via: 'own-subscribers', actions: ['sns:Subscribe', 'sns:Receive'], trusted: true, label: 'resource owner' },
    ]);
  });

  it('trusts external account on the list', () => {
    expect(quietGrantsOf(evaluateFixture('sns', 'add-permission-external-account', { trustedList: trustedList(OUTSIDER) }))[0].trusted).toBe(true);
  });

  it.each([
    ['a single string', PARTNER, [{ kind: 'account', accountId: PARTNER }]],
    ['star', ['*'], [{ kind: 'public', principal: '*' }]],
    ['an account ARN', [`arn:aws:iam::${PARTNER}:root`], [{ kind: 'account', accountId: PARTNER, principal: `arn:aws:iam::${PARTNER}:root` }]],
  ])('reads accounts given as %s', (_name, accounts, grants) => {
    const record = loadFixture('sns', 'add-permission-external-account');
    (record.requestParameters as Record<string, unknown>).aWSAccountId = accounts;

    expect(addTopicPermission.extract(record)?.grants).toEqual(grants.map((grant) => ({ ...grant, via: 'partner-publish', actions: ['sns:Publish'] })));
  });

  it('reads the key in another case', () => {
    const record = loadFixture('sns', 'add-permission-external-account');
    const params = record.requestParameters as Record<string, unknown>;
    params.AWSAccountId = params.aWSAccountId;
    delete params.aWSAccountId;

    expect(addTopicPermission.extract(record)?.grants).toHaveLength(1);
  });

  it('warns when accounts are missing', () => {
    const record = loadFixture('sns', 'add-permission-external-account');
    delete (record.requestParameters as Record<string, unknown>).aWSAccountId;

    const finding = findingOf(evaluate(record));

    expect(finding.warnings).toEqual(['requestParameters.aWSAccountId is missing, so the grantees are unknown']);
    expect(finding).toMatchObject({ severity: 'medium', remediation: null });
  });

  it('shows the policy when the label is missing', () => {
    const record = loadFixture('sns', 'add-permission-external-account');
    delete (record.requestParameters as Record<string, unknown>).label;

    const finding = findingOf(evaluate(record));

    expect(finding.grants[0].via).toBe('AddPermission');
    expect(finding.remediation).toBe(`aws sns get-topic-attributes --region us-east-1 --topic-arn ${TOPIC} --query Attributes.Policy --output text`);
  });
});

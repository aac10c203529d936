import { addLayerVersionPermission } from '../../../lambda/rules/lambda/add-layer-version-permission';
import { addPermission } from '../../../lambda/rules/lambda/add-permission';
import { findRule } from '../../../lambda/catalog';
import { evaluate, evaluateFixture, findingOf, loadFixture, ORGANIZATION, OUTSIDER, OWNER, quietGrantsOf, trustedList } from '../../support/fixtures';

const LAYER_TARGET = '--region eu-west-1 --layer-name shared-telemetry';

describe('AddLayerVersionPermission rule', () => {
  it('is routed to the layer rule only', () => {
    const record = loadFixture('lambda', 'layer-shared-with-account');

    expect(findRule(record)).toBe(addLayerVersionPermission);
    expect(findRule(record)).not.toBe(addPermission);
  });

  it('reads the layer version and its ARN', () => {
    const result = addLayerVersionPermission.extract(loadFixture('lambda', 'layer-shared-with-account'));

    expect(result).toEqual({
      resource: { type: 'AWS::Lambda::LayerVersion', id: 'shared-telemetry:7', arn: `arn:aws:lambda:eu-west-1:${OWNER}:layer:shared-telemetry:7` },
      grants: [{ kind: 'account', accountId: OUTSIDER, via: 'partner-get-layer', actions: ['lambda:GetLayerVersion'] }],
      warnings: [],
      details: { layerName: 'shared-telemetry', versionNumber: '7', statementId: 'partner-get-layer' },
    });
  });

  it('alerts on layer shared with account', () => {
    const finding = findingOf(evaluateFixture('lambda', 'layer-shared-with-account'));

    expect(finding.grants).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'partner-get-layer', actions: ['lambda:GetLayerVersion'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'high', public: false, outcome: 'succeeded', errorCode: null, ruleId: 'lambda-layer-permission' });
    expect(finding.remediation).toBe(
      'aws lambda remove-layer-version-permission --region eu-west-1 --layer-name shared-telemetry --version-number 7 --statement-id partner-get-layer',
    );
  });

  it('alerts critical on public layer', () => {
    const finding = findingOf(evaluateFixture('lambda', 'layer-made-public'));

    expect(finding.grants).toEqual([{ kind: 'public', principal: '*', via: 'public-get-layer', actions: ['lambda:GetLayerVersion'], trusted: false }]);
    expect(finding).toMatchObject({ severity: 'critical', public: true, outcome: 'succeeded' });
    expect(finding.remediation).toBe(`aws lambda remove-layer-version-permission ${LAYER_TARGET} --version-number 7 --statement-id public-get-layer`);
  });

  it('narrows star to organizationId', () => {
    const finding = findingOf(evaluateFixture('lambda', 'layer-shared-with-organization'));

    expect(finding.grants).toEqual([
      { kind: 'organization', organizationId: ORGANIZATION, via: 'org-get-layer', actions: ['lambda:GetLayerVersion'], trusted: false },
    ]);
    expect(finding).toMatchObject({ severity: 'high', public: false });
    expect(finding.remediation).toBe(`aws lambda remove-layer-version-permission ${LAYER_TARGET} --version-number 7 --statement-id org-get-layer`);
  });

  it('trusts organization on the list', () => {
    expect(quietGrantsOf(evaluateFixture('lambda', 'layer-shared-with-organization', { trustedList: trustedList(ORGANIZATION) }))).toEqual([
      { kind: 'organization', organizationId: ORGANIZATION, via: 'org-get-layer', actions: ['lambda:GetLayerVersion'], trusted: true },
    ]);
  });

  it('stays quiet for trusted account', () => {
    expect(quietGrantsOf(evaluateFixture('lambda', 'layer-shared-with-account', { trustedList: trustedList(OUTSIDER) }))).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'partner-get-layer', actions: ['lambda:GetLayerVersion'], trusted: true },
    ]);
  });

  it("stays quiet for owner's own account", () => {
    const record = loadFixture('lambda', 'layer-shared-with-account');
    (record.requestParameters as { principal: string }).principal = OWNER;

    expect(quietGrantsOf(evaluate(record))).toEqual([
      { kind: 'account', accountId: OWNER, via: 'partner-get-layer', actions: ['lambda:GetLayerVersion'], trusted: true, label: 'resource owner' },
    ]);
  });

  it('keeps star public with malformed organizationId', () => {
    const record = loadFixture('lambda', 'layer-shared-with-organization');
    (record.requestParameters as { organizationId: string }).organizationId = 'o-short';

    expect(findingOf(evaluate(record)).grants).toEqual([
      { kind: 'public', principal: '*', via: 'org-get-layer', actions: ['lambda:GetLayerVersion'], trusted: false },
    ]);
  });

  it('keeps a layer ARN as given', () => {
    const layerArn = `arn:aws:lambda:eu-west-1:${OWNER}:layer:shared-telemetry`;
    const record = loadFixture('lambda', 'layer-shared-with-account');
    (record.requestParameters as { layerName: string }).layerName = layerArn;

    const finding = findingOf(evaluate(record));

    expect(finding.resource).toEqual({ type: 'AWS::Lambda::LayerVersion', id: `${layerArn}:7`, arn: `${layerArn}:7` });
    expect(finding.remediation).toBe(
      `aws lambda remove-layer-version-permission --region eu-west-1 --layer-name ${layerArn} --version-number 7 --statement-id partner-get-layer`,
    );
  });

  it('lists versions without version number', () => {
    const record = loadFixture('lambda', 'layer-shared-with-account');
    delete (record.requestParameters as { versionNumber?: number }).versionNumber;

    const finding = findingOf(evaluate(record));

    expect(finding.resource.id).toBe('shared-telemetry');
    expect(finding.remediation).toBe(`aws lambda list-layer-versions ${LAYER_TARGET}`);
  });

  it('warns when principal is missing', () => {
    const record = loadFixture('lambda', 'layer-shared-with-account');
    delete (record.requestParameters as { principal?: string }).principal;

    const finding = findingOf(evaluate(record));

    expect(finding.grants).toEqual([]);
    expect(finding.warnings).toEqual(['requestParameters.principal is missing']);
    expect(finding.severity).toBe('medium');
  });
});

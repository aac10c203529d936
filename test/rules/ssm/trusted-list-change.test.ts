import fc from 'fast-check';
import { findRule, RULES } from '../../../lambda/catalog';
import { NOT_COMPARED_LABEL, trustedListChange } from '../../../lambda/rules/ssm/trusted-list-change';
import { buildEventPatterns } from '../../../lib/event-pattern';
import { DETECTOR, evaluate, findingOf, loadFixture, OWNER, quietGrantsOf } from '../../support/fixtures';

const NAME = DETECTOR.trustedListParameter;
const PARAMETER = { type: 'AWS::SSM::Parameter', id: NAME, arn: `arn:aws:ssm:us-east-1:${OWNER}:parameter/share-sentinel/trusted-accounts` };
const TARGET = `--region us-east-1 --name ${NAME}`;

function withDetector(scenario: string): ReturnType<typeof evaluate> {
  return evaluate(loadFixture('ssm', scenario), { detector: DETECTOR });
}

describe('trusted list rule registration', () => {
  it('is a catalog tamper rule', () => {
    expect(trustedListChange.category).toBe('tamper');
    expect(RULES).toContain(trustedListChange);
  });

  it('comes before the document permission rule', () => {
    const ids = RULES.map((rule) => rule.id);

    expect(ids.indexOf('ssm-trusted-list-changed')).toBeLessThan(ids.indexOf('ssm-document-permission'));
  });

  it('has no filters without the parameter', () => {
    expect(trustedListChange.patternFilters?.(undefined)).toEqual([]);
    expect(trustedListChange.patternFilters?.({ stackName: 'ShareSentinel' })).toEqual([]);
    expect(trustedListChange.patternFilters?.({ trustedListParameter: '' })).toEqual([]);
  });

  it('filters on name and names', () => {
    expect(trustedListChange.patternFilters?.(DETECTOR)).toEqual([
      { eventNames: ['PutParameter', 'DeleteParameter', 'LabelParameterVersion'], requestParameters: { name: [NAME] } },
      { eventNames: ['DeleteParameters'], requestParameters: { names: [NAME] } },
    ]);
  });

  it('adds two ssm patterns for the detector', () => {
    const patterns = buildEventPatterns(RULES, DETECTOR).filter((pattern) => pattern.detail.requestParameters !== undefined && pattern.source[0] === 'aws.ssm');

    expect(patterns.map((pattern) => pattern.detail)).toEqual([
      { eventSource: ['ssm.amazonaws.com'], eventName: ['DeleteParameter', 'LabelParameterVersion', 'PutParameter'], requestParameters: { name: [NAME] } },
      { eventSource: ['ssm.amazonaws.com'], eventName: ['DeleteParameters'], requestParameters: { names: [NAME] } },
    ]);
  });

  it('keeps the document permission pattern unchanged', () => {
    const patterns = buildEventPatterns(RULES, DETECTOR).filter((pattern) => pattern.detail.requestParameters === undefined && pattern.source[0] === 'aws.ssm');

    expect(patterns.map((pattern) => pattern.detail.eventName)).toEqual([['ModifyDocumentPermission']]);
  });

  it('routes document permission calls to their rule', () => {
    expect(findRule(loadFixture('ssm', 'document-shared-with-account'), { detector: DETECTOR })?.id).toBe('ssm-document-permission');
  });
});

describe('PutParameter on the trusted list', () => {
  it('alerts high on put by IAM user', () => {
    const finding = findingOf(withDetector('trusted-list-put-by-user'));

    expect(finding).toMatchObject({ severity: 'high', ruleId: 'ssm-trusted-list-changed', outcome: 'succeeded', public: false });
    expect(finding.resource).toEqual(PARAMETER);
    expect(finding.grants).toEqual([
      { kind: 'guard-lowered', setting: 'trusted list changed to version 4', severity: 'high', via: 'PutParameter', label: NOT_COMPARED_LABEL, trusted: false },
    ]);
    expect(finding.warnings).toBeUndefined();
    expect(finding.actor.arn).toBe(`arn:aws:iam::${OWNER}:user/riley.tanaka`);
    expect(finding.reasons).toEqual(['a safeguard share-sentinel depends on was lowered: trusted list changed to version 4']);
  });

  it('returns the version in details', () => {
    const result = trustedListChange.extract(loadFixture('ssm', 'trusted-list-put-by-user'), { detector: DETECTOR });

    expect(result?.warnings).toEqual([]);
    expect(result?.details).toEqual({ call: 'put', type: 'StringList', version: 4 });
  });

  it('suggests the history of both versions', () => {
    const finding = findingOf(withDetector('trusted-list-put-by-user'));

    expect(finding.remediation).toBe(
      `aws ssm get-parameter-history ${TARGET} --query 'Parameters[?Version==\`3\` || Version==\`4\`].[Version,LastModifiedUser,Value]' --output text` +
        `  # to undo, write back the previous version's value: aws ssm put-parameter ${TARGET} --type StringList --overwrite --value PREVIOUS_VALUE`,
    );
  });

  it('alerts high on put of JSON form', () => {
    const finding = findingOf(withDetector('trusted-list-put-json'));

    expect(finding.severity).toBe('high');
    expect(finding.grants[0]).toMatchObject({ setting: 'trusted list changed to version 7' });
    expect(finding.actor.arn).toBe(`arn:aws:sts::${OWNER}:assumed-role/platform-admin/sam.ibarra`);
    expect(finding.remediation).toContain('--type String --overwrite');
    expect(finding.remediation).toContain("'Parameters[?Version==`6` || Version==`7`].[Version,LastModifiedUser,Value]'");
  });

  it('asks for version 1 alone', () => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    record.responseElements = { version: 1, tier: 'Standard' };

    expect(findingOf(evaluate(record, { detector: DETECTOR })).remediation).toContain("'Parameters[?Version==`1`].[Version,LastModifiedUser,Value]'");
  });

  it('reads a version logged as string', () => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    record.responseElements = { version: '12' };

    expect(findingOf(evaluate(record, { detector: DETECTOR })).grants[0]).toMatchObject({ setting: 'trusted list changed to version 12' });
  });

  it.each([[null], [{}], [{ version: 'latest' }], [{ version: -2 }], [{ version: 0 }]])('warns on version %j', (response) => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    record.responseElements = response;
    const finding = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(finding.severity).toBe('high');
    expect(finding.grants[0]).toMatchObject({ setting: 'trusted list changed', severity: 'high' });
    expect(finding.warnings).toEqual(['responseElements.version is missing, so the version written is unknown']);
    expect(finding.reasons).toContain('the grants of this call could not all be read');
    expect(finding.remediation).toContain("--query 'Parameters[-2:].[Version,LastModifiedUser,Value]'");
  });

  it('reports AccessDenied as attempt', () => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    record.errorCode = 'AccessDenied';
    record.errorMessage = 'User is not authorized to perform: ssm:PutParameter';
    record.responseElements = null;
    const finding = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(finding).toMatchObject({ severity: 'medium', outcome: 'failed', remediation: null });
    expect(finding.warnings).toBeUndefined();
    expect(finding.reasons[0]).toBe('the call failed (AccessDenied): an attempted change');
  });

  it('reads a name padded with spaces', () => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    (record.requestParameters as Record<string, unknown>).name = `  ${NAME} `;

    expect(findingOf(evaluate(record, { detector: DETECTOR })).resource).toEqual(PARAMETER);
  });

  it('ignores put of other parameter', () => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    (record.requestParameters as Record<string, unknown>).name = '/app/checkout/feature-flags';

    expect(findRule(record, { detector: DETECTOR })).toBeUndefined();
    expect(trustedListChange.extract(record, { detector: DETECTOR })).toBeUndefined();
    expect(evaluate(record, { detector: DETECTOR }).status).toBe('not-watched');
  });

  it.each([
    ['a longer name', `${NAME}-old`],
    ['a child name', `${NAME}/backup`],
    ['another case', NAME.toUpperCase()],
    ['the ARN', PARAMETER.arn],
  ])('ignores %s', (_case, name) => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    (record.requestParameters as Record<string, unknown>).name = name;

    expect(evaluate(record, { detector: DETECTOR }).status).toBe('not-watched');
  });

  it('ignores the list without detector', () => {
    expect(evaluate(loadFixture('ssm', 'trusted-list-put-by-user')).status).toBe('not-watched');
    expect(evaluate(loadFixture('ssm', 'trusted-list-put-by-user'), { detector: { stackName: 'ShareSentinel' } }).status).toBe('not-watched');
  });

  it('quotes a hostile parameter name', () => {
    const parameter = "/share-sentinel/trusted'; curl 198.51.100.9 #";
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    (record.requestParameters as Record<string, unknown>).name = parameter;
    const finding = findingOf(evaluate(record, { detector: { ...DETECTOR, trustedListParameter: parameter } }));

    expect(finding.remediation).toContain(`--name '/share-sentinel/trusted'\\''; curl 198.51.100.9 #'`);
  });

  it('quotes a hostile region', () => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    record.awsRegion = 'us-east-1; rm -rf ~';

    expect(findingOf(evaluate(record, { detector: DETECTOR })).remediation).toContain(`--region 'us-east-1; rm -rf ~' --name ${NAME}`);
  });

  it('leaves the ARN out without owner', () => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    delete record.recipientAccountId;
    delete (record.userIdentity as Record<string, unknown>).accountId;

    expect(findingOf(evaluate(record, { detector: DETECTOR })).resource).toEqual({ type: 'AWS::SSM::Parameter', id: NAME });
  });
});

describe('CloudFormation deployment of the trusted list', () => {
  it('stays quiet with stack label', () => {
    const grants = quietGrantsOf(withDetector('trusted-list-cloudformation-put'));

    expect(grants).toEqual([
      { kind: 'guard-lowered', setting: 'trusted list written by PutParameter', via: 'PutParameter', trusted: true, label: 'CloudFormation deployment of stack ShareSentinel' },
    ]);
  });

  it('stays quiet without stack name', () => {
    const detector = { trustedListParameter: NAME };
    const grants = quietGrantsOf(evaluate(loadFixture('ssm', 'trusted-list-cloudformation-put'), { detector }));

    expect(grants[0]).toMatchObject({ trusted: true, label: 'CloudFormation deployment' });
  });

  it('stays quiet on CloudFormation delete', () => {
    const record = loadFixture('ssm', 'trusted-list-delete');
    record.sourceIPAddress = 'cloudformation.amazonaws.com';

    expect(quietGrantsOf(evaluate(record, { detector: DETECTOR }))[0]).toMatchObject({ setting: 'trusted list written by DeleteParameter', trusted: true });
  });

  it('alerts when only user agent claims CloudFormation', () => {
    const record = loadFixture('ssm', 'trusted-list-put-by-user');
    record.userAgent = 'cloudformation.amazonaws.com';

    expect(findingOf(evaluate(record, { detector: DETECTOR })).severity).toBe('high');
  });
});

describe('DeleteParameter and DeleteParameters on the trusted list', () => {
  it('alerts critical on delete', () => {
    const finding = findingOf(withDetector('trusted-list-delete'));

    expect(finding).toMatchObject({ severity: 'critical', ruleId: 'ssm-trusted-list-changed' });
    expect(finding.resource).toEqual(PARAMETER);
    expect(finding.grants).toEqual([{ kind: 'guard-lowered', setting: 'trusted list deleted', severity: 'critical', via: 'DeleteParameter', trusted: false }]);
    expect(finding.remediation).toBe(
      `aws ssm put-parameter ${TARGET} --type StringList --value ACCOUNT_IDS  # ACCOUNT_IDS: the trusted ids, comma-separated; the parameter's history went with it`,
    );
  });

  it('alerts critical on delete-parameters', () => {
    const finding = findingOf(withDetector('trusted-list-delete-parameters'));

    expect(finding).toMatchObject({ severity: 'critical', ruleId: 'ssm-trusted-list-changed' });
    expect(finding.resource).toEqual(PARAMETER);
    expect(finding.grants).toEqual([{ kind: 'guard-lowered', setting: 'trusted list deleted', severity: 'critical', via: 'DeleteParameters', trusted: false }]);
    expect(finding.remediation).toContain('aws ssm put-parameter --region us-east-1 --name /share-sentinel/trusted-accounts --type StringList --value ACCOUNT_IDS');
  });

  it('ignores delete-parameters of others', () => {
    const record = loadFixture('ssm', 'trusted-list-delete-parameters');
    record.requestParameters = { names: ['/app/legacy/feature-flags', `${NAME}-old`] };

    expect(evaluate(record, { detector: DETECTOR }).status).toBe('not-watched');
  });

  it('reads names given as a string', () => {
    const record = loadFixture('ssm', 'trusted-list-delete-parameters');
    record.requestParameters = { names: NAME, name: NAME };

    expect(findingOf(evaluate(record, { detector: DETECTOR })).grants[0]).toMatchObject({ setting: 'trusted list deleted' });
  });

  it('skips a list SSM did not find', () => {
    const record = loadFixture('ssm', 'trusted-list-delete-parameters');
    record.responseElements = { deletedParameters: ['/app/legacy/feature-flags'], invalidParameters: [NAME] };

    expect(evaluate(record, { detector: DETECTOR }).status).toBe('no-grant');
  });

  it('ignores malformed names', () => {
    const record = loadFixture('ssm', 'trusted-list-delete-parameters');
    record.requestParameters = { names: [42, null, { name: NAME }] };

    expect(evaluate(record, { detector: DETECTOR }).status).toBe('not-watched');
  });
});

describe('LabelParameterVersion on the trusted list', () => {
  it('alerts low with labels and version', () => {
    const finding = findingOf(withDetector('trusted-list-label'));

    expect(finding).toMatchObject({ severity: 'low', ruleId: 'ssm-trusted-list-changed' });
    expect(finding.grants).toEqual([
      { kind: 'guard-lowered', setting: 'trusted list labels approved, baseline-2026 moved to version 3', severity: 'low', via: 'LabelParameterVersion', trusted: false },
    ]);
    expect(finding.remediation).toBe(`aws ssm unlabel-parameter-version ${TARGET} --parameter-version 3 --labels approved baseline-2026`);
  });

  it('leaves out invalid labels', () => {
    const record = loadFixture('ssm', 'trusted-list-label');
    record.responseElements = { invalidLabels: ['baseline-2026'], parameterVersion: 3 };

    expect(findingOf(evaluate(record, { detector: DETECTOR })).grants[0]).toMatchObject({ setting: 'trusted list labels approved moved to version 3' });
  });

  it('returns no grant when every label is invalid', () => {
    const record = loadFixture('ssm', 'trusted-list-label');
    record.responseElements = { invalidLabels: ['approved', 'baseline-2026'], parameterVersion: 3 };

    expect(evaluate(record, { detector: DETECTOR }).status).toBe('no-grant');
  });

  it('names the latest version without one', () => {
    const record = loadFixture('ssm', 'trusted-list-label');
    record.requestParameters = { name: NAME, labels: ['approved'] };
    record.responseElements = null;
    const finding = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(finding.grants[0]).toMatchObject({ setting: 'trusted list labels approved moved to the latest version' });
    expect(finding.remediation).toBe(`aws ssm get-parameter-history ${TARGET} --query 'Parameters[].[Version,Labels]' --output text`);
  });

  it('warns without labels', () => {
    const record = loadFixture('ssm', 'trusted-list-label');
    record.requestParameters = { name: NAME, parameterVersion: 3 };
    const finding = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(finding.warnings).toEqual(['requestParameters.labels is missing']);
    expect(finding.remediation).toBeNull();
  });

  it('quotes hostile labels', () => {
    const record = loadFixture('ssm', 'trusted-list-label');
    record.requestParameters = { name: NAME, parameterVersion: 3, labels: ["x'; rm -rf ~", 'line\nbreak'] };
    const finding = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(finding.remediation).toBe(`aws ssm unlabel-parameter-version ${TARGET} --parameter-version 3 --labels 'x'\\''; rm -rf ~' $'line\\x0abreak'`);
  });

  it('bounds many long labels', () => {
    const record = loadFixture('ssm', 'trusted-list-label');
    record.requestParameters = { name: NAME, parameterVersion: 3, labels: Array.from({ length: 12 }, (_, index) => `l${index}${'x'.repeat(300)}`) };
    const finding = findingOf(evaluate(record, { detector: DETECTOR }));

    expect(finding.warnings).toEqual(['only the first 10 of 12 labels were read']);
    const setting = (finding.grants[0] as { setting: string }).setting;
    expect(setting.length).toBeLessThan(10 * 140 + 100);
    expect(setting).toContain('…[202 more characters]');
  });
});

describe('trusted list rule on malformed input', () => {
  const EVENT_NAMES = ['PutParameter', 'DeleteParameter', 'DeleteParameters', 'LabelParameterVersion'];
  const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom<unknown>(undefined, null, Number.NaN, -1, 0, '7', NAME));
  const namedList = fc.oneof(fc.constant<unknown>(NAME), fc.constant<unknown>([NAME]), fc.array(anyValue, { maxLength: 3 }).map((values) => [...values, NAME]), anyValue);

  it('never throws and always routes the list', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_NAMES),
        fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 4 }),
        namedList,
        anyValue,
        fc.constantFrom<unknown>(undefined, 'AccessDenied', '', 42),
        fc.constantFrom<unknown>('198.51.100.41', 'cloudformation.amazonaws.com', null, 7),
        (name, extra, named, response, code, sourceIp) => {
          const record = loadFixture('ssm', 'trusted-list-put-by-user');
          record.eventName = name;
          record.requestParameters = { ...extra, name: named, names: named };
          record.responseElements = response;
          record.errorCode = code;
          record.sourceIPAddress = sourceIp;
          const evaluation = evaluate(record, { detector: DETECTOR });

          if (named === NAME || (Array.isArray(named) && named.includes(NAME) && name === 'DeleteParameters')) {
            expect(evaluation.status).not.toBe('not-watched');
          }
          if (evaluation.status === 'finding') {
            expect(evaluation.error).toBeUndefined();
            expect(() => JSON.stringify(evaluation.finding)).not.toThrow();
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ['a long label', { labels: [`x${'\u202e\u0000'.repeat(50_000)}`] }],
    ['many labels', { labels: Array.from({ length: 50_000 }, (_, index) => `label-${index}`) }],
    ['a deep value', { parameterVersion: JSON.parse(`${'['.repeat(10_000)}3${']'.repeat(10_000)}`) as unknown }],
  ])('reads %s', (_case, parameters) => {
    const record = loadFixture('ssm', 'trusted-list-label');
    record.requestParameters = { name: NAME, ...parameters };
    const evaluation = evaluate(record, { detector: DETECTOR });

    expect(evaluation.status === 'finding' ? evaluation.error : undefined).toBeUndefined();
    expect(JSON.stringify(findingOf(evaluation)).length).toBeLessThan(10_000);
  });
});

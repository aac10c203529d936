import { HIDDEN_VALUE, readWrittenPolicy, statementList } from '../../lambda/rules/policy-document';
import type { Grant } from '../../lambda/core/types';
import { OUTSIDER } from '../support/fixtures';

describe('readWrittenPolicy', () => {
  it.each([
    ['undefined', undefined, 'requestParameters.policy is missing, so the grants of the new policy are unknown'],
    ['null', null, 'requestParameters.policy is missing, so the grants of the new policy are unknown'],
    ['the hidden placeholder', ` ${HIDDEN_VALUE} `, 'CloudTrail hid requestParameters.policy, so the grants of the new policy are unknown'],
  ])('warns on %s', (_name, document, warning) => {
    const warnings: string[] = [];

    expect(readWrittenPolicy(document, 'requestParameters.policy', warnings)).toEqual([]);
    expect(warnings).toEqual([warning]);
  });

  it('reads a policy string', () => {
    const warnings: string[] = [];
    const document = JSON.stringify({ Statement: [{ Sid: 'S1', Effect: 'Allow', Principal: { AWS: OUTSIDER }, Action: 'sqs:SendMessage' }] });

    expect(readWrittenPolicy(document, 'requestParameters.policy', warnings)).toEqual([{ kind: 'account', accountId: OUTSIDER, via: 'S1', actions: ['sqs:SendMessage'] }]);
    expect(warnings).toEqual([]);
  });
});

describe('statementList', () => {
  it('quotes and deduplicates statements', () => {
    const grants: Grant[] = [
      { kind: 'public', principal: '*', via: 'Statement[0]', trusted: false },
      { kind: 'public', principal: '*', via: 'Statement[0]', trusted: false },
      { kind: 'account', accountId: OUTSIDER, via: "it's open", trusted: false },
      { kind: 'account', accountId: OUTSIDER, trusted: false },
    ];

    expect(statementList(grants)).toBe(`'Statement[0]' 'it'\\''s open'`);
  });
});

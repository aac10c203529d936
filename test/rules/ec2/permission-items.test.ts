import { applyTrust } from '../../../lambda/core/evaluate';
import { emptyTrustedList } from '../../../lambda/core/trusted-list';
import { readAddedPermissions, removableItems } from '../../../lambda/rules/ec2/permission-items';
import { ORGANIZATION, OUTSIDER, OWNER } from '../../support/fixtures';

const ORGANIZATION_ARN = `arn:aws:organizations::${OWNER}:organization/${ORGANIZATION}`;
const UNIT_ARN = `arn:aws:organizations::${OWNER}:ou/${ORGANIZATION}/ou-ab12-cd34ef56`;

describe('readAddedPermissions', () => {
  it.each([
    ['no permission list', undefined],
    ['null permission list', null],
    ['removal only', { remove: { items: [{ userId: OUTSIDER }] } }],
    ['null add', { add: null }],
  ])('adds nothing for %s', (_name, permission) => {
    const warnings: string[] = [];

    expect(readAddedPermissions(permission, 'launchPermission', warnings)).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it.each([
    ['userId', { userId: OUTSIDER }, { kind: 'account', accountId: OUTSIDER }],
    ['userId with spaces', { userId: ` ${OUTSIDER} ` }, { kind: 'account', accountId: OUTSIDER }],
    ['numeric userId', { userId: 444455556666 }, { kind: 'account', accountId: OUTSIDER }],
    ['group all', { group: 'all' }, { kind: 'public', principal: 'group:all' }],
    ['groups all', { groups: 'all' }, { kind: 'public', principal: 'group:all' }],
    ['group ALL', { group: 'ALL' }, { kind: 'public', principal: 'group:all' }],
    ['organizationArn', { organizationArn: ORGANIZATION_ARN }, { kind: 'organization', organizationId: ORGANIZATION, principal: ORGANIZATION_ARN }],
    [
      'organizationalUnitArn',
      { organizationalUnitArn: UNIT_ARN },
      { kind: 'organization', organizationId: ORGANIZATION, organizationalUnitId: 'ou-ab12-cd34ef56', principal: UNIT_ARN },
    ],
    ['UserId in API case', { UserId: OUTSIDER }, { kind: 'account', accountId: OUTSIDER }],
    ['userId ARN', { userId: `arn:aws:iam::${OUTSIDER}:root` }, { kind: 'unknown', principal: `arn:aws:iam::${OUTSIDER}:root`, label: 'userId that is not an account id' }],
    ['group other than all', { group: '*' }, { kind: 'unknown', principal: 'group:*', label: 'unrecognised group' }],
    ['malformed organization ARN', { organizationArn: 'o-a1b2c3d4e5' }, { kind: 'unknown', principal: 'o-a1b2c3d4e5', label: 'organizationArn that is not an AWS Organizations ARN' }],
    ['empty item', {}, { kind: 'unknown', principal: '{}', label: 'unrecognised permission item' }],
    ['string item', 'all', { kind: 'unknown', principal: '"all"', label: 'unrecognised permission item' }],
  ])('reads %s', (_name, item, grant) => {
    const warnings: string[] = [];

    expect(readAddedPermissions({ add: { items: [item] } }, 'launchPermission', warnings)).toEqual([{ ...grant, via: 'launchPermission.add' }]);
    expect(warnings).toEqual([]);
  });

  it('reads bare array or single item', () => {
    const warnings: string[] = [];

    expect(readAddedPermissions({ add: [{ userId: OUTSIDER }] }, 'launchPermission', warnings)).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'launchPermission.add' },
    ]);
    expect(readAddedPermissions({ add: { userId: OUTSIDER } }, 'launchPermission', warnings)).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'launchPermission.add' },
    ]);
    expect(readAddedPermissions({ add: { items: { userId: OUTSIDER } } }, 'launchPermission', warnings)).toEqual([
      { kind: 'account', accountId: OUTSIDER, via: 'launchPermission.add' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('warns when permission is not an object', () => {
    const warnings: string[] = [];

    expect(readAddedPermissions('add all', 'createVolumePermission', warnings)).toEqual([]);
    expect(warnings).toEqual(['createVolumePermission is not an object']);
  });

  it('reads at most 1000 items', () => {
    const warnings: string[] = [];
    const items = Array.from({ length: 1500 }, () => ({ userId: OUTSIDER }));

    const grants = readAddedPermissions({ add: { items } }, 'launchPermission', warnings);

    expect(grants).toHaveLength(1000);
    expect(warnings).toEqual(['only the first 1000 of 1500 launchPermission items were read']);
  });

  it('shows an item too deep to print', () => {
    let nested: unknown = OUTSIDER;
    for (let depth = 0; depth < 50_000; depth += 1) {
      nested = [nested];
    }

    const grants = readAddedPermissions({ add: { items: [nested] } }, 'launchPermission', []);

    expect(grants).toEqual([{ kind: 'unknown', principal: 'an item that cannot be shown', label: 'unrecognised permission item', via: 'launchPermission.add' }]);
  });
});

describe('removableItems', () => {
  it('splits untrusted grants by item type', () => {
    const grants = readAddedPermissions(
      { add: { items: [{ userId: OUTSIDER }, { group: 'all' }, { organizationArn: ORGANIZATION_ARN }, { organizationalUnitArn: UNIT_ARN }, { group: 'x' }] } },
      'launchPermission',
      [],
    ) ?? [];

    const untrusted = grants.map((spec) => applyTrust(spec, OWNER, emptyTrustedList()));

    expect(removableItems(untrusted)).toEqual({ accounts: [OUTSIDER], publicGroup: true, organizationArns: [ORGANIZATION_ARN], unitArns: [UNIT_ARN] });
  });
});

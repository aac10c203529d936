/** The README documents what the code does: every catalog rule has a row, and the commands it shows exist. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../lambda/catalog';

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README', () => {
  it.each(RULES.map((rule) => [rule.id]))('lists rule %s', (id) => {
    expect(readme).toContain(`| \`${id}\` |`);
  });

  it.each([['start'], ['test'], ['bench']])('names an existing npm script %s', (script) => {
    expect(readme).toContain(`npm ${script === 'start' || script === 'test' ? script : `run ${script}`}`);
    expect(packageJson.scripts[script]).toBeDefined();
  });
});

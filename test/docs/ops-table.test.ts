import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { opRows, tableSection } from '../../scripts/ops-table.js';

describe('README op table', () => {
  it('lists exactly the declared ops, versions and attributes (regenerate with npm run docs:ops)', () => {
    const rows = tableSection(fs.readFileSync('README.md', 'utf8'))
      .split('\n')
      .slice(2)
      .map((line) => line.split('|').map((c) => c.trim()).slice(1, 4));
    expect(rows).toEqual(opRows());
  });
});

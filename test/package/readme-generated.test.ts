import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withGeneratedSections } from '../../scripts/update-readme';

const ROOT = path.join(__dirname, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const REPO_BLOB = 'https://github.com/gatewright/gatewright/blob/main/';

describe('README sections that the code decides', () => {
  it('shows the engine capabilities exactly as the capability table says (npm run readme regenerates them)', () => {
    expect(withGeneratedSections(README), 'README.md is out of date: run `npm run readme`').toBe(README);
    expect(README).toContain('| tokens without `exp` refused | yes | unconfirmed');
  });

  it('cites, for every guarantee, test files that exist and test titles they contain', () => {
    const section = README.slice(README.indexOf('## Guarantees'), README.indexOf('## Engine capabilities'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| invariant') && !l.startsWith('|---'));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) {
      const cited = [...row.matchAll(/\]\((https:[^)]+)\) › "((?:[^"\\]|\\.)+)"/g)];
      expect(cited.length + (row.includes('npm run conformance') ? 1 : 0), row.slice(0, 60)).toBeGreaterThan(0);
      for (const [, url, title] of cited) {
        expect(url.startsWith(REPO_BLOB), url).toBe(true);
        const file = path.join(ROOT, url.slice(REPO_BLOB.length));
        expect(fs.existsSync(file), file).toBe(true);
        expect(fs.readFileSync(file, 'utf8'), `${path.basename(file)} › ${title}`).toContain(title.replace(/\\"/g, '"'));
      }
    }
  });
});

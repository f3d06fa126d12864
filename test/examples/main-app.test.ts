import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { examples, synthesizeExamples } from '../../examples';

describe('the app `npx cdk8s synth` runs (main.ts)', () => {
  it('synthesizes every example, each as its own deployment, without a validation error', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-main-'));
    try {
      const charts = synthesizeExamples(outdir);
      expect(charts).toEqual(Object.keys(examples));
      const files = fs.readdirSync(outdir).sort();
      for (const chart of charts) expect(files, chart).toContain(`${chart}.k8s.yaml`);
      expect(files.filter((f) => f.endsWith('.oathkeeper-values.yaml')).length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('is what main.ts runs', () => {
    expect(fs.readFileSync(path.join(__dirname, '../../main.ts'), 'utf8')).toContain('synthesizeExamples();');
  });
});

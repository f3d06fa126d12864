import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');

/**
 * Compiles a TypeScript cdk8s app (and the gatewright sources it imports) into one CommonJS
 * file, once, so a test runs it with plain `node` instead of starting a TypeScript loader per
 * synth. Packages stay external and resolve from the repository's node_modules, which is why
 * the output lives under node_modules/.cache. Returns the output path.
 */
export function compileApp(entry: string, outName: string): string {
  const outDir = path.join(ROOT, 'node_modules/.cache/gatewright-test', `${process.pid}`);
  const outfile = path.join(outDir, `${outName}.cjs`);
  buildSync({ entryPoints: [path.join(ROOT, entry)], outfile, bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'error' });
  return outfile;
}

/** Removes what {@link compileApp} wrote for this process. */
export function removeCompiledApps(): void {
  fs.rmSync(path.join(ROOT, 'node_modules/.cache/gatewright-test', `${process.pid}`), { recursive: true, force: true });
}

/** `node "<file>"`, as a cdk8s.yaml `app` or `--app` value. */
export const nodeCommand = (file: string) => `${JSON.stringify(process.execPath)} ${JSON.stringify(file)}`;

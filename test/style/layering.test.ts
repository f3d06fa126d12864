import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedSpecifiers, readSource, REPO_ROOT, typeScriptFilesUnder } from '../support/source-files';

/**
 * DESIGN.md: layers are folders and arrows only point down —
 * model (zod, no cdk8s) ← plan (whole-app invariants, pure) ← targets (pure renderers) ←
 * constructs (cdk8s) ← pulumi; the proxy runs model and plan; report and cli read the model.
 * STYLE.md: "a renderer never imports a construct, the model never imports cdk8s".
 * And the main entry point (`gatewright`) must load without Pulumi: cdk8s users should not
 * need the Pulumi SDK installed; Pulumi lives behind `gatewright/pulumi`.
 *
 * Type-only imports count too: they end up in the published `.d.ts` files.
 */

/** A relative specifier resolved to a root-relative `.ts` file, or the bare package name. */
function resolve(fromFile: string, specifier: string): { file?: string; pkg?: string } {
  if (!specifier.startsWith('.')) return { pkg: specifier };
  const base = path.join(path.dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && fs.existsSync(path.join(REPO_ROOT, candidate))) return { file: candidate.split(path.sep).join('/') };
  }
  throw new Error(`${fromFile}: cannot resolve "${specifier}"`);
}

interface Rule {
  /** Files the rule applies to (root-relative folder). */
  readonly layer: string;
  /** Packages (exact name or `scope/` prefix) the layer must not import. */
  readonly forbiddenPackages: readonly string[];
  /** Folders (root-relative) the layer must not import from. */
  readonly forbiddenFolders: readonly string[];
}

const PULUMI = '@pulumi/';
const CDK8S = ['cdk8s', 'cdk8s-plus-28', 'constructs'];

const RULES: readonly Rule[] = [
  {
    layer: 'src/model',
    forbiddenPackages: ['cdk8s', 'cdk8s-plus-28', 'constructs', PULUMI],
    forbiddenFolders: ['imports', 'src/plan', 'src/targets', 'src/constructs', 'src/pulumi', 'src/proxy', 'src/report', 'src/cli'],
  },
  {
    layer: 'src/plan',
    forbiddenPackages: ['cdk8s', 'cdk8s-plus-28', 'constructs', PULUMI],
    forbiddenFolders: ['imports', 'src/targets', 'src/constructs', 'src/pulumi', 'src/proxy', 'src/report', 'src/cli'],
  },
  {
    layer: 'src/targets',
    forbiddenPackages: [PULUMI],
    forbiddenFolders: ['src/constructs', 'src/pulumi', 'src/proxy', 'src/report', 'src/cli'],
  },
  {
    layer: 'src/constructs',
    forbiddenPackages: [PULUMI],
    forbiddenFolders: ['src/pulumi', 'src/proxy', 'src/report', 'src/cli'],
  },
  {
    // The reference proxy runs the model (and the plan's request transformation) in its own
    // image: no cdk8s, no renderers, nothing that deploys.
    layer: 'src/proxy',
    forbiddenPackages: [...CDK8S, PULUMI],
    forbiddenFolders: ['imports', 'src/targets', 'src/constructs', 'src/pulumi', 'src/report', 'src/cli'],
  },
  {
    layer: 'src/report',
    forbiddenPackages: [PULUMI],
    forbiddenFolders: ['src/targets', 'src/pulumi', 'src/proxy', 'src/cli'],
  },
  {
    layer: 'src/cli',
    forbiddenPackages: [PULUMI],
    forbiddenFolders: ['src/pulumi', 'src/proxy'],
  },
  {
    layer: 'src/pulumi',
    forbiddenPackages: [],
    forbiddenFolders: ['src/proxy', 'src/report', 'src/cli'],
  },
];

function matchesPackage(pkg: string, forbidden: string): boolean {
  return forbidden.endsWith('/') ? pkg.startsWith(forbidden) : pkg === forbidden || pkg.startsWith(`${forbidden}/`);
}

function inFolder(file: string, folder: string): boolean {
  return file === folder || file.startsWith(`${folder}/`);
}

/** One line per import that crosses a layer the wrong way. */
function layeringViolations(rule: Rule): string[] {
  const violations: string[] = [];
  for (const file of typeScriptFilesUnder(rule.layer)) {
    for (const specifier of importedSpecifiers(file, readSource(file))) {
      const { file: target, pkg } = resolve(file, specifier);
      if (pkg && rule.forbiddenPackages.some((f) => matchesPackage(pkg, f))) violations.push(`${file} imports ${pkg}`);
      if (target && rule.forbiddenFolders.some((f) => inFolder(target, f))) violations.push(`${file} imports ${target}`);
    }
  }
  return violations;
}

/**
 * Every package the module graph starting at `entry` loads, with the import chain that pulls
 * it in (following relative imports only: packages are leaves).
 */
function packagesReachableFrom(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>([entry]);
  const queue: { file: string; chain: string[] }[] = [{ file: entry, chain: [entry] }];
  while (queue.length) {
    const { file, chain } = queue.shift()!;
    for (const specifier of importedSpecifiers(file, readSource(file))) {
      const { file: target, pkg } = resolve(file, specifier);
      if (pkg && !packages.has(pkg)) packages.set(pkg, chain);
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push({ file: target, chain: [...chain, target] });
      }
    }
  }
  return packages;
}

describe('layering (DESIGN.md)', () => {
  it('finds every import form (the scanner itself works)', () => {
    const fixture = [
      "import { a } from 'cdk8s';",
      "import type { B } from '../constructs';",
      "export * from './names';",
      "export { c } from '@pulumi/pulumi';",
      "import fs = require('node:fs');",
      "type K = import('@pulumi/kubernetes').Provider;",
      "const lazy = () => import('constructs');",
      "const old = require('yaml');",
      "const notAnImport = ['not-a-module'];",
    ].join('\n');
    expect(importedSpecifiers('fixture.ts', fixture)).toEqual([
      'cdk8s',
      '../constructs',
      './names',
      '@pulumi/pulumi',
      'node:fs',
      '@pulumi/kubernetes',
      'constructs',
      'yaml',
    ]);
  });

  it.each(RULES.map((r) => [r.layer, r] as const))('%s imports only from the layers below it', (_layer, rule) => {
    expect(typeScriptFilesUnder(rule.layer).length).toBeGreaterThan(0);
    expect(layeringViolations(rule)).toEqual([]);
  });

  it('the model imports no cdk8s, constructs or Pulumi code, even indirectly', () => {
    const pulled = [...packagesReachableFrom('src/model/index.ts')].filter(([pkg]) =>
      [...CDK8S, PULUMI].some((f) => matchesPackage(pkg, f)),
    );
    expect(pulled.map(([pkg, chain]) => `${pkg} via ${chain.join(' → ')}`)).toEqual([]);
  });

  it('the main entry point (src/index.ts) never loads @pulumi/*, even indirectly', () => {
    const reachable = packagesReachableFrom('src/index.ts');
    // Sanity: the walk really reaches the constructs.
    expect(reachable.has('cdk8s')).toBe(true);
    const pulumi = [...reachable].filter(([pkg]) => matchesPackage(pkg, PULUMI));
    expect(pulumi.map(([pkg, chain]) => `${pkg} via ${chain.join(' → ')}`)).toEqual([]);
  });

  it('the Pulumi entry point is separate and does load Pulumi', () => {
    expect([...packagesReachableFrom('src/pulumi/index.ts').keys()].some((pkg) => matchesPackage(pkg, PULUMI))).toBe(true);
  });
});

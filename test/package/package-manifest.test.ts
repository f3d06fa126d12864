import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedSpecifiers, typeScriptFilesUnder } from '../support/source-files';

/**
 * package.json against the sources: what the build emits, what the shipped code imports and
 * how a consumer resolves each entry point. The packed-install test proves the whole; these
 * catch a drifting field in milliseconds.
 */
const ROOT = path.resolve(__dirname, '../..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const BUILD = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8'));

/** lib/… → the source file tsc compiles it from. */
const sourceOf = (libFile: string) => libFile.replace(/^\.?\/?lib\//, '').replace(/\.d\.ts$|\.js$/, '.ts');

/** Bare package names imported by the code that ships (lib/src without the proxy). */
function shippedImports(): Set<string> {
  const files = typeScriptFilesUnder('src').filter((f) => !f.startsWith('src/proxy/'));
  const packages = new Set<string>();
  for (const f of files) {
    for (const spec of importedSpecifiers(f, fs.readFileSync(path.join(ROOT, f), 'utf8'))) {
      if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return packages;
}

describe('package.json', () => {
  it('maps every entry point to built files, for both "exports" (node16) and "typesVersions" (node10)', () => {
    const subpaths = Object.keys(PKG.exports).filter((k) => k !== './package.json');
    expect(subpaths).toEqual(['.', './model', './report', './pulumi', './pulumi/aws']);
    for (const subpath of subpaths) {
      const { types, default: js } = PKG.exports[subpath];
      expect(fs.existsSync(path.join(ROOT, sourceOf(types))), types).toBe(true);
      expect(sourceOf(js)).toBe(sourceOf(types));
      if (subpath === '.') {
        expect([PKG.main, PKG.types]).toEqual([js.slice(2), types.slice(2)]);
      } else {
        expect(PKG.typesVersions['*'][subpath.slice(2)]).toEqual([types.slice(2)]);
      }
    }
  });

  it('ships the bin, a compiled src/cli/main.ts that starts with a node shebang', () => {
    expect(PKG.bin).toEqual({ gatewright: 'lib/src/cli/main.js' });
    expect(fs.readFileSync(path.join(ROOT, sourceOf(PKG.bin.gatewright)), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('declares exactly what the shipped code imports: cdk8s and constructs as peers, Pulumi as optional peers', () => {
    const imported = shippedImports();
    const declared = new Set([...Object.keys(PKG.dependencies), ...Object.keys(PKG.peerDependencies)]);
    expect([...imported].filter((p) => !declared.has(p)).sort()).toEqual([]);
    // tldts is declared ahead of the plan layer's public-suffix checks (src/plan), which will import it.
    const declaredAhead = ['tldts'];
    expect(Object.keys(PKG.dependencies).filter((p) => !imported.has(p) && !declaredAhead.includes(p))).toEqual([]);
    expect(Object.keys(PKG.peerDependencies).sort()).toEqual(['@pulumi/aws', '@pulumi/kubernetes', '@pulumi/pulumi', 'cdk8s', 'cdk8s-plus-28', 'constructs']);
    expect(Object.entries(PKG.peerDependenciesMeta).filter(([, m]) => (m as { optional?: boolean }).optional).map(([p]) => p).sort()).toEqual(['@pulumi/aws', '@pulumi/kubernetes', '@pulumi/pulumi']);
    // Peers are also devDependencies, so this repository builds and tests against one version of each.
    for (const p of Object.keys(PKG.peerDependencies)) expect(PKG.devDependencies[p], p).toBeDefined();
    for (const p of Object.keys(PKG.dependencies)) expect(PKG.peerDependencies[p], p).toBeUndefined();
  });

  it('builds in prepack from a clean lib/, into the folders "files" ships, without the proxy', () => {
    expect(PKG.scripts.prepack).toBe('npm run clean && npm run build');
    expect(PKG.scripts.build).toBe('tsc -p tsconfig.build.json && tsc -p tsconfig.imports.json');
    // The CRD classes are declared again without stripInternal (their comments quote `default@internal`).
    const imports = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.imports.json'), 'utf8'));
    expect(imports).toMatchObject({ extends: './tsconfig.build.json', include: ['imports'], compilerOptions: { stripInternal: false } });
    expect(PKG.files).toEqual(['lib/src', 'lib/imports', 'CHANGELOG.md']);
    expect(BUILD.include).toEqual(['src', 'imports']);
    expect(BUILD.exclude).toContain('src/proxy');
    expect(BUILD.compilerOptions).toMatchObject({ outDir: 'lib', declaration: true, sourceMap: false, stripInternal: true });
    for (const f of ['LICENSE', 'CHANGELOG.md', 'README.md']) expect(fs.existsSync(path.join(ROOT, f)), f).toBe(true);
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(PKG.license).toBe('Apache-2.0');
  });
});

describe('proxy/Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'proxy/Dockerfile'), 'utf8');
  const ignored = fs.readFileSync(path.join(ROOT, 'proxy/Dockerfile.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

  it('builds from the repository root: every COPY source exists there and is not excluded from the context', () => {
    const sources = dockerfile
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.slice(5).trim().split(/\s+/).slice(0, -1));
    expect(sources).toEqual(['package.json', 'package-lock.json', 'tsconfig.json', 'proxy/tsconfig.json', 'src', 'proxy/package.json', 'proxy/package-lock.json', 'proxy/healthcheck.cjs']);
    for (const s of sources) {
      expect(fs.existsSync(path.join(ROOT, s)), s).toBe(true);
      expect(ignored.filter((pattern) => s === pattern || s.startsWith(`${pattern}/`)), s).toEqual([]);
    }
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REFERENCE_PROXY_IMAGE } from '../../src';
import { starterFiles } from '../../src/cli/init/starter-files';
import { QUICK_START, tarballInstall } from './support/quick-start';

/**
 * The README ships in the npm package: its links must work there, and what it tells a new
 * user to type must be what the tests run.
 */
const ROOT = path.resolve(__dirname, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const REPO_BLOB = 'https://github.com/gatewright/gatewright/blob/main/';

/** The fenced block of `lang` that follows `heading`. */
function blockAfter(heading: string, lang: string): string {
  const from = README.indexOf(heading);
  expect(from, heading).toBeGreaterThanOrEqual(0);
  const start = README.indexOf(`\`\`\`${lang}\n`, from) + lang.length + 4;
  return README.slice(start, README.indexOf('```\n', start));
}

describe('README in the package', () => {
  it('links only to files that ship, or to absolute URLs of files that exist in the repository', () => {
    const links = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    const shipped = new Set(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']);
    const relative = links.filter((l) => !/^(https?:|#)/.test(l));
    expect(relative.filter((l) => !shipped.has(l))).toEqual([]);
    const missing = links.filter((l) => l.startsWith(REPO_BLOB)).filter((l) => !fs.existsSync(path.join(ROOT, l.slice(REPO_BLOB.length).split('#')[0])));
    expect(missing).toEqual([]);
  });

  it('keeps the repository’s two commands first', () => {
    expect(blockAfter('# gatewright', 'sh').split('\n').slice(0, 2)).toEqual([
      'npm ci && npx cdk8s synth    # install, then synthesize every bundled example into dist/*.k8s.yaml',
      'npm test                     # type-check and run all tests',
    ]);
  });

  it('gives the quick start the packed-install test runs, and its tarball variant', () => {
    expect(blockAfter('## Quick start: your own project', 'sh').trimEnd().split('\n')).toEqual([...QUICK_START]);
    expect(README).toContain(`the third line is \`${tarballInstall(PKG.version)}\``);
  });

  it('shows a Pulumi program that type-checks: the fixture npm test compiles', () => {
    expect(blockAfter('## Deploying with Pulumi', 'typescript')).toBe(fs.readFileSync(path.join(__dirname, 'fixtures/readme-pulumi-program.ts'), 'utf8'));
    // Its ./main is what `gatewright init` writes by default.
    const generated = starterFiles({ name: 'orders-gateway', gateway: 'traefik-hub', clientAuth: 'jwt', host: 'api.example.com', namespace: 'api-gateway' }).find((f) => f.path === 'main.ts')!;
    expect(fs.readFileSync(path.join(__dirname, 'fixtures/main.ts'), 'utf8')).toBe(generated.text);
  });

  it('names the proxy image the construct deploys: one name, tagged with the package version', () => {
    const image = `ghcr.io/gatewright/reference-proxy:${PKG.version}`;
    expect(DEFAULT_REFERENCE_PROXY_IMAGE).toBe(image);
    expect(README).toContain(`\`ghcr.io/gatewright/reference-proxy:<version>\``);
    expect(README).toContain(`deploys \`${image}\``);
    const dockerfile = fs.readFileSync(path.join(ROOT, 'proxy/Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`-t ${image} .`);
    expect(dockerfile).toContain(`ARG VERSION=${PKG.version}`);
    // No other spelling of the image name anywhere a user reads.
    for (const text of [README, dockerfile]) expect(text.match(/[\w./-]*reference-proxy:[\w.<>-]+/g)!.filter((m) => !m.startsWith('ghcr.io/gatewright/reference-proxy:') && !m.includes('registry.example.com'))).toEqual([]);
  });
});

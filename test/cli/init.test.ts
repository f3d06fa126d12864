import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { Testing, type App, type Chart } from 'cdk8s';
import * as ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linePrompter } from '../../src/cli/init/line-prompter';
import { STARTER_CLIENT_AUTHS, STARTER_GATEWAYS, unsupportedCombination } from '../../src/cli/init/starter-choices';
import { main } from '../../src/cli/main';
import { ROOT } from './support/compiled-app';

/**
 * `gatewright init` in process. That the generated project installs, synthesizes and tests
 * green from the packed tarball is test/package/packed-install.test.ts; here: what init writes,
 * how it asks, what it refuses, and that every gateway × client-auth combination it offers
 * type-checks and synthesizes.
 */
const WORK = path.join(ROOT, 'node_modules/.cache/gatewright-test', `init-${process.pid}`);
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function init(args: string[], answers?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const input = new PassThrough();
  const prompter = answers === undefined ? undefined : linePrompter(input, (t) => (stdout += t));
  if (answers !== undefined) input.end(answers);
  const code = await main(['init', ...args], { cwd: WORK, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), ...(prompter ? { prompt: prompter.ask } : {}) });
  prompter?.close();
  return { code, stdout, stderr };
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(WORK, dir, file), 'utf8');

beforeAll(() => fs.mkdirSync(WORK, { recursive: true }));
afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

describe('gatewright init with flags', () => {
  it('writes cdk8s.yaml, main.ts, a snapshot test, tsconfig, .gitignore, README and package.json', async () => {
    const run = await init(['--dir', 'flags', '--gateway', 'oathkeeper', '--client-auth', 'jwt', '--host', 'shop.example.com', '--namespace', 'shop', '--yes']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`Created a gatewright project in ${path.join(WORK, 'flags')}: oathkeeper gateway, jwt callers, host shop.example.com, namespace shop.`);
    expect(fs.readdirSync(path.join(WORK, 'flags')).sort()).toEqual(['.gitignore', 'README.md', 'cdk8s.yaml', 'main.test.ts', 'main.ts', 'package.json', 'tsconfig.json']);
    expect(read('flags', 'cdk8s.yaml')).toBe('language: typescript\napp: npx tsx main.ts\noutput: dist\n');
    const mainTs = read('flags', 'main.ts');
    expect(mainTs).toContain("import { ClientAuth, OathkeeperGateway, SecuredApi, ServiceBackend } from 'gatewright';");
    expect(mainTs).toContain("const chart = new Chart(app, 'gateway', { namespace: 'shop' });");
    expect(mainTs).toContain("host: 'shop.example.com',");
    expect(mainTs).toContain("audience: 'shop.example.com',");
    expect(read('flags', 'main.test.ts')).toContain("toMatchFileSnapshot('__snapshots__/main.k8s.yaml')");
    expect(read('flags', '.gitignore')).toBe('node_modules/\ndist/\n*.tsbuildinfo\n');
    const readme = read('flags', 'README.md');
    expect(readme).toContain('npm ci && npx cdk8s synth');
    expect(readme).toContain('npm test ');
  });

  it('lists in package.json what the project needs, at the versions gatewright is tested with', async () => {
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const pkg = JSON.parse(read('flags', 'package.json'));
    expect(pkg).toEqual({
      name: 'flags',
      version: '0.1.0',
      private: true,
      scripts: { synth: 'cdk8s synth', test: 'tsc --noEmit && vitest run', report: 'gatewright report' },
      dependencies: {
        cdk8s: own.devDependencies.cdk8s,
        'cdk8s-plus-28': own.devDependencies['cdk8s-plus-28'],
        constructs: own.devDependencies.constructs,
        gatewright: `^${VERSION}`,
      },
      devDependencies: {
        '@types/node': own.devDependencies['@types/node'],
        'cdk8s-cli': own.devDependencies['cdk8s-cli'],
        tsx: own.devDependencies.tsx,
        typescript: own.devDependencies.typescript,
        vitest: own.devDependencies.vitest,
      },
    });
  });

  it('adds to an existing package.json without changing a version, and replaces npm init’s placeholder test', async () => {
    const dir = path.join(WORK, 'existing');
    fs.mkdirSync(dir);
    const npmInit = { name: 'existing', version: '1.0.0', scripts: { test: 'echo "Error: no test specified" && exit 1', lint: 'eslint .' }, dependencies: { gatewright: 'file:../gatewright-0.1.0.tgz', cdk8s: '2.70.0' } };
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(npmInit));
    const run = await init(['--dir', 'existing', '--yes']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('package.json now lists cdk8s-plus-28, constructs, @types/node, cdk8s-cli, tsx, typescript, vitest');
    const pkg = JSON.parse(read('existing', 'package.json'));
    expect(pkg.version).toBe('1.0.0');
    expect(pkg.scripts).toEqual({ test: 'tsc --noEmit && vitest run', lint: 'eslint .', synth: 'cdk8s synth', report: 'gatewright report' });
    expect(pkg.dependencies.gatewright).toBe('file:../gatewright-0.1.0.tgz');
    expect(pkg.dependencies.cdk8s).toBe('2.70.0');
  });

  it('refuses to overwrite what init writes, naming the files, unless --force', async () => {
    const again = await init(['--dir', 'flags', '--yes']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `gatewright: ERR_GW_CLI_INIT: ${path.join(WORK, 'flags')} already has cdk8s.yaml, main.ts, main.test.ts, tsconfig.json, .gitignore, README.md; init writes these files. Run it in an empty folder, or pass --force to overwrite them\n`,
    );
    expect(read('flags', 'main.ts')).toContain('OathkeeperGateway');
    const forced = await init(['--dir', 'flags', '--yes', '--force']);
    expect(forced.code).toBe(0);
    expect(read('flags', 'main.ts')).toContain('TraefikHubGateway');
  });

  it('refuses combinations and values it cannot generate, saying what would work', async () => {
    expect((await init(['--dir', 'x1', '--gateway', 'oathkeeper', '--client-auth', 'api-key'])).stderr).toBe(
      'gatewright: ERR_GW_CLI_USAGE: Oathkeeper cannot verify static API keys; choose --gateway traefik-hub or --gateway reference-proxy for --client-auth api-key\n',
    );
    expect((await init(['--dir', 'x2', '--gateway', 'nginx'])).stderr).toBe('gatewright: ERR_GW_CLI_USAGE: --gateway must be one of traefik-hub, traefik, oathkeeper, reference-proxy, not "nginx"\n');
    expect((await init(['--dir', 'x3', '--yes', '--host', 'https://api.example.com'])).stderr).toBe(
      'gatewright: ERR_GW_CLI_USAGE: --host "https://api.example.com" is not a host name: "https://api.example.com" is a URL; give the bare host name, e.g. "api.example.com"\n',
    );
    expect((await init(['--dir', 'x4', '--yes', '--namespace', 'Shop'])).stderr).toBe(
      'gatewright: ERR_GW_CLI_USAGE: --namespace "Shop" is not a Kubernetes namespace name (lowercase letters, digits and "-")\n',
    );
    for (const d of ['x1', 'x2', 'x3', 'x4']) expect(fs.existsSync(path.join(WORK, d))).toBe(false);
  });
});

describe('gatewright init prompts', () => {
  it('asks for the gateway, the client auth and the host, by number or name, empty for the default', async () => {
    const run = await init(['--dir', 'asked'], '3\n\nshop.example.com\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Gateway engine:\n  1) traefik-hub — Traefik Hub API Gateway');
    expect(run.stdout).toContain('Choose 1-4 or a name [traefik-hub]: ');
    expect(run.stdout).toContain('Client authentication:\n  1) jwt — JWT bearer tokens');
    expect(run.stdout).toContain('Public host of the API [api.example.com]: ');
    expect(run.stdout).toContain('oathkeeper gateway, jwt callers, host shop.example.com');
  });

  it('asks again after an answer that is not a choice, and gives up after three', async () => {
    const retried = await init(['--dir', 'retried'], 'nginx\nreference-proxy\nnone\n\n');
    expect(retried.code).toBe(0);
    expect(retried.stderr).toBe('"nginx" is not one of traefik-hub, traefik, oathkeeper, reference-proxy\n');
    expect(retried.stdout).toContain('reference-proxy gateway, none callers');
    const hopeless = await init(['--dir', 'hopeless'], 'a\nb\nc\n');
    expect(hopeless.code).toBe(1);
    expect(hopeless.stderr).toContain('ERR_GW_CLI_USAGE: no valid answer for "Gateway engine"; pass --gateway traefik-hub|traefik|oathkeeper|reference-proxy');
  });

  it('takes the defaults when the input ends, and asks nothing for what flags say', async () => {
    const run = await init(['--dir', 'ended', '--client-auth', 'none'], '');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('Client authentication:');
    expect(run.stdout).toContain('traefik-hub gateway, none callers, host api.example.com');
  });
});

describe('every starter combination', () => {
  const combinations = STARTER_GATEWAYS.flatMap((gateway) => STARTER_CLIENT_AUTHS.map((clientAuth) => ({ gateway, clientAuth }))).filter((c) => !unsupportedCombination(c));
  const dirs = combinations.map((c) => `combo-${c.gateway}-${c.clientAuth}`);

  beforeAll(async () => {
    for (const [i, c] of combinations.entries()) {
      const run = await init(['--dir', dirs[i], '--gateway', c.gateway, '--client-auth', c.clientAuth, '--yes']);
      expect(run.code, run.stderr).toBe(0);
    }
  });

  it('type-checks against the real API (strict, as the generated tsconfig says)', () => {
    const generated = JSON.parse(read(dirs[0], 'tsconfig.json')).compilerOptions;
    const options: ts.CompilerOptions = {
      ...ts.convertCompilerOptionsFromJson(generated, WORK).options,
      baseUrl: ROOT,
      // The package name resolves to this repository's sources, as an installed package would to lib/.
      paths: { gatewright: ['src/index.ts'] },
      moduleResolution: ts.ModuleResolutionKind.Node10,
      module: ts.ModuleKind.CommonJS,
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
    };
    const files = dirs.map((d) => path.join(WORK, d, 'main.ts'));
    const program = ts.createProgram(files, options);
    const problems = files.flatMap((f) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => `${path.relative(WORK, f)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`),
    );
    expect(problems).toEqual([]);
  }, 60_000);

  it('synthesizes: one SecuredApi served by the chosen gateway', () => {
    for (const [i, c] of combinations.entries()) {
      const outfile = path.join(WORK, dirs[i], 'main.cjs');
      buildSync({ entryPoints: [path.join(WORK, dirs[i], 'main.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', packages: 'external', alias: { gatewright: path.join(ROOT, 'src/index.ts') }, logLevel: 'error' });
      const { build } = require(outfile) as { build: (app: App) => Chart };
      const objects = Testing.synth(build(Testing.app())) as { kind: string; metadata: { name: string } }[];
      const kinds = new Set(objects.map((o) => o.kind));
      const expected = { 'traefik-hub': 'IngressRoute', traefik: 'IngressRoute', oathkeeper: 'ConfigMap', 'reference-proxy': 'Deployment' }[c.gateway];
      expect(kinds.has(expected), `${c.gateway}/${c.clientAuth}: ${[...kinds].join(', ')}`).toBe(true);
    }
  });
});

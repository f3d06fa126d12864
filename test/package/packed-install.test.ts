import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOfflineProject, type PackedTarball } from './support/offline-lockfile';
import { QUICK_START } from './support/quick-start';

/**
 * The package as a platform team gets it: `npm pack` (whose prepack builds lib/ from scratch),
 * then the README's quick start in an empty folder outside the repository — npm init, install
 * the tarball with cdk8s and constructs, `gatewright init`, install, `cdk8s synth`, `npm test`,
 * `gatewright report` — and a type check of the installed declarations with skipLibCheck off.
 *
 * No registry is asked: every npm command runs with `--offline`, and each install gets a
 * package-lock.json that pins the versions this repository's own lock resolved, which are in
 * the local npm cache because `npm ci` put them there. The two installs stand for the
 * quick start's two (`npm install <tarball> cdk8s constructs`, then `npm install` for what init added).
 * One pack, one project, for the whole file: this is the slowest test of the suite.
 */
const ROOT = path.resolve(__dirname, '../..');

/** npm and the apps it starts never reach a registry, never print upgrade notices. */
const OFFLINE_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_loglevel: 'error',
  CDK8S_CHECK_UPGRADE: 'false',
};

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (bounded only against a real hang) and fails with its output if it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = OFFLINE_ENV): Run {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** {@link run} without blocking, so independent commands share the cores. */
function runAsync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = OFFLINE_ENV): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const bound = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(bound);
      resolve({ status, stdout, stderr });
    });
  });
}

function ok(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  const r = run(command, args, cwd, env);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status} in ${cwd}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

let tmp: string;
let project: string;
let tarball: PackedTarball & { file: string; files: string[] };

/** Writes the offline lock for the project's package.json as it is now, and installs from the cache. */
function installOffline(): void {
  const consumer = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
  writeOfflineProject(project, path.join(ROOT, 'package-lock.json'), consumer, tarball);
  ok('npm', ['install', '--offline', '--no-audit', '--no-fund'], project);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatewright-pack-'));
  const packed = JSON.parse(ok('npm', ['pack', '--pack-destination', tmp, '--json'], ROOT))[0] as { filename: string; integrity: string; files: { path: string }[] };
  const file = path.join(tmp, packed.filename);
  const manifest = JSON.parse(ok('tar', ['-xzOf', file, 'package/package.json'], tmp));
  tarball = { file, spec: `file:../${packed.filename}`, integrity: packed.integrity, manifest, files: packed.files.map((f) => f.path) };

  // mkdir orders-gateway && npm init -y
  project = path.join(tmp, 'orders-gateway');
  fs.mkdirSync(project);
  ok('npm', ['init', '-y'], project);
  // npm install ../gatewright-<version>.tgz cdk8s constructs: what it would add to package.json, installed offline.
  const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
  pkg.dependencies = { cdk8s: `^${installedVersion('cdk8s')}`, constructs: `^${installedVersion('constructs')}`, gatewright: tarball.spec };
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify(pkg, null, 2));
  installOffline();
}, 300_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * A file importing every entry point a cdk8s-only project can load, and a tsconfig that checks it
 * and main.ts with the generated settings (node16 resolution, so the package's "exports" apply)
 * and every declaration file. gatewright/pulumi is left out: its types need the Pulumi SDK.
 */
function writeStrictTypecheck(): void {
  // In a folder of its own, so the project's own `npm test` (tsconfig include *.ts) does not see it.
  fs.mkdirSync(path.join(project, 'typecheck'));
  fs.writeFileSync(
    path.join(project, 'typecheck/entry-points.ts'),
    [
      "import { ClientAuth, GatewrightError, SecuredApi, type SecuredApiProps } from 'gatewright';",
      "import { apiRouteSchema, type ApiRouteModel } from 'gatewright/model';",
      "import { buildAccessReport, collectTopology, renderMermaid } from 'gatewright/report';",
      'export const used = [ClientAuth, GatewrightError, SecuredApi, apiRouteSchema, buildAccessReport, collectTopology, renderMermaid];',
      'export type Used = [SecuredApiProps, ApiRouteModel];',
      '',
    ].join('\n'),
  );
  const strict = { extends: './tsconfig.json', compilerOptions: { skipLibCheck: false }, include: ['main.ts', 'typecheck/entry-points.ts'] };
  fs.writeFileSync(path.join(project, 'tsconfig.strict.json'), JSON.stringify(strict));
}

function installedVersion(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

describe('npm pack', () => {
  it('ships the compiled library, its CLI, the generated CRD classes, LICENSE, CHANGELOG and README, nothing else', () => {
    const top = [...new Set(tarball.files.map((f) => (f.startsWith('lib/') ? f.split('/').slice(0, 2).join('/') : f)))].sort();
    expect(top).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'lib/imports', 'lib/src', 'package.json']);
    for (const f of ['lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/cli/main.js', 'lib/src/model/index.d.ts', 'lib/src/report/index.d.ts', 'lib/src/pulumi/index.d.ts', 'lib/src/pulumi/aws/index.d.ts']) {
      expect(tarball.files).toContain(f);
    }
    // The reference proxy is not part of the npm package (proxy/Dockerfile builds it); no source maps to sources that do not ship.
    expect(tarball.files.filter((f) => f.startsWith('lib/src/proxy/') || f.endsWith('.map') || f.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it('builds lib/ in prepack and keeps internals out of the declarations', () => {
    expect(tarball.manifest).toMatchObject({ bin: { gatewright: 'lib/src/cli/main.js' } });
    const gateway = fs.readFileSync(path.join(project, 'node_modules/gatewright/lib/src/constructs/gateways/gateway.d.ts'), 'utf8');
    expect(gateway).toContain('readonly routes');
    expect(gateway).not.toContain('_addRoute');
  });
});

describe('installed from the tarball, offline, into a new cdk8s project', { timeout: 240_000 }, () => {
  it('brings no Pulumi SDK to a cdk8s-only project, and loads without one', () => {
    expect(fs.existsSync(path.join(project, 'node_modules/@pulumi'))).toBe(false);
    expect(ok('node', ['-e', "const g = require('gatewright'); console.log(typeof g.SecuredApi, typeof g.TraefikHubGateway)"], project).trim()).toBe('function function');
    const pulumi = run('node', ['-e', "require('gatewright/pulumi')"], project);
    expect(pulumi.status).toBe(1);
    expect(pulumi.stderr).toContain(
      'GatewrightError: [gatewright/pulumi] needs @pulumi/pulumi and @pulumi/kubernetes, which are not installed (optional peer dependencies of gatewright). Fix: npm install --save-dev @pulumi/pulumi @pulumi/kubernetes',
    );
  });

  it('answers gatewright --version from the installed bin', () => {
    expect(ok('npx', ['gatewright', '--version'], project)).toBe(`${tarball.manifest.version}\n`);
  });

  describe('the README quick start', () => {
    let synth: Run;
    let testRun: Run;
    let report: Run;
    let strictTypecheck: Run;
    beforeAll(async () => {
      ok('npx', QUICK_START[3].split(' ').slice(1), project);
      installOffline();
      writeStrictTypecheck();
      // A developer's first run (not CI, which refuses to write a snapshot nobody reviewed).
      const { CI: _ci, GITHUB_ACTIONS: _gha, ...developer } = OFFLINE_ENV;
      // Independent of each other: run side by side (this file is the suite's longest path).
      [synth, testRun, report, strictTypecheck] = await Promise.all([
        runAsync('npx', ['cdk8s', 'synth'], project),
        runAsync('npm', ['test'], project, developer),
        runAsync('npx', ['gatewright', 'report'], project),
        runAsync('npx', ['tsc', '-p', 'tsconfig.strict.json'], project),
      ]);
    }, 300_000);

    it('scaffolds with gatewright init and installs what it added', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
      expect(pkg.dependencies.gatewright).toBe(tarball.spec);
      expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'cdk8s-cli', 'tsx', 'typescript', 'vitest']);
      expect(fs.existsSync(path.join(project, 'node_modules/.bin/cdk8s'))).toBe(true);
    });

    it('synthesizes the gateway and the SecuredApi with cdk8s synth', () => {
      expect(synth.status, synth.stdout + synth.stderr).toBe(0);
      expect(synth.stdout).toContain('dist/gateway.k8s.yaml');
      const yaml = fs.readFileSync(path.join(project, 'dist/gateway.k8s.yaml'), 'utf8');
      expect(yaml).toContain('kind: IngressRoute');
      expect(yaml).toContain("match: Host(`api.example.com`) && (Path(`/orders`) || PathPrefix(`/orders/`))");
      expect(yaml).toContain('kind: Middleware');
    });

    it('tests green straight away: npm test type-checks and writes the snapshot for review', () => {
      expect(testRun.status, testRun.stdout + testRun.stderr).toBe(0);
      expect(testRun.stdout).toContain('1 passed');
      expect(fs.readFileSync(path.join(project, '__snapshots__/main.k8s.yaml'), 'utf8')).toContain('kind: IngressRoute');
    });

    it('runs gatewright report on it: who may call what, with the diagram', () => {
      expect(report.status, report.stderr).toBe(0);
      expect(report.stdout).toContain('1 gateway(s), 1 route(s), 0 public.');
      expect(report.stdout).toContain('| `api.example.com/orders` | GET | JWT');
      expect(report.stdout).toContain('```mermaid\nflowchart LR');
      expect(report.stdout).toContain('c0 -->|"scopes orders:read"| r0_0');
    });

    it('type-checks against the installed declarations with skipLibCheck off', () => {
      expect(strictTypecheck.stdout + strictTypecheck.stderr).toBe('');
      expect(strictTypecheck.status).toBe(0);
    });
  });
});

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { SEEDED_PLAINTEXT } from '../fixtures/tiny-app-declarations';
import { compileApp, nodeCommand, removeCompiledApps, ROOT } from './support/compiled-app';

/**
 * The CLI as a user runs it, in process (`main(argv, io)` is what the bin calls), against real
 * cdk8s apps run as child processes. The apps are compiled once for the whole file, so each
 * synth is a plain `node` start instead of a TypeScript loader compiling gatewright again.
 * Project directories live beside the compiled apps, under node_modules/.cache, so the apps
 * resolve cdk8s from the repository's node_modules.
 */
interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let work: string;
let mainApp: string;
let prApp: string;
let multiEnvironment: string;
let declarations: string;
/** The main app's topology, synthesized once, and a project whose app only hands it back. */
let savedApp: string;

async function gatewright(args: string[], cwd = mainApp): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function expectNoSeed(run: Run): void {
  expect(run.stdout).not.toContain(SEEDED_PLAINTEXT);
  expect(run.stderr).not.toContain(SEEDED_PLAINTEXT);
}

/** A project directory whose cdk8s.yaml runs `app` (the way `cdk8s synth` would). */
function project(name: string, app: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: ${JSON.stringify(app)}\noutput: dist\n`);
  return dir;
}

beforeAll(() => {
  const mainBundle = compileApp('test/fixtures/tiny-app/main.ts', 'tiny-app-main');
  work = path.dirname(mainBundle);
  mainApp = project('tiny-app', nodeCommand(mainBundle));
  prApp = project('tiny-app-pr', nodeCommand(compileApp('test/fixtures/tiny-app-pr/main.ts', 'tiny-app-pr')));
  multiEnvironment = compileApp('examples/multi-environment.ts', 'multi-environment');
  declarations = compileApp('test/fixtures/tiny-app-declarations.ts', 'tiny-app-declarations');
  savedApp = project('saved', 'cp topology.json "$GATEWRIGHT_TOPOLOGY_OUT"');
  const synth = spawnSync(process.execPath, [mainBundle], { cwd: mainApp, env: { ...process.env, GATEWRIGHT_TOPOLOGY_OUT: path.join(savedApp, 'topology.json'), CDK8S_OUTDIR: path.join(work, 'saved-dist') }, encoding: 'utf8' });
  expect(synth.status, synth.stderr).toBe(0);
}, 60_000);
afterAll(() => removeCompiledApps());

describe('gatewright report', () => {
  it('prints the Markdown report of the app in cdk8s.yaml, from the construct tree', async () => {
    const run = await gatewright(['report']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('# gatewright access report');
    expect(run.stdout).toContain('| `tiny.example.com/status` | GET | **PUBLIC** |');
    expect(run.stdout).toContain('AWS Secrets Manager prod/tiny/orders#api_key');
    // The picture comes first, where a reviewer looks.
    expect(run.stdout.indexOf('```mermaid\nflowchart LR')).toBeLessThan(run.stdout.indexOf('## Gateway'));
    // Manifests went to a throw-away directory, not into the project.
    expect(fs.existsSync(path.join(mainApp, 'dist'))).toBe(false);
  });

  it('exits 0 with --fail-on high when the worst finding is medium, and 2 with --fail-on medium', async () => {
    expect((await gatewright(['report', '--fail-on', 'high'], savedApp)).code).toBe(0);
    const run = await gatewright(['report', '--fail-on', 'medium'], savedApp);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('gatewright: 1 finding(s) at or above "medium" (--fail-on medium)\n');
  });

  it('fails a pull request that adds a public write route with --fail-on high, without printing the seeded secret', async () => {
    const run = await gatewright(['report', '--fail-on', 'high'], prApp);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('PLAINTEXT in the manifests (value hidden)');
    expectNoSeed(run);
  });

  it('writes JSON to --out', async () => {
    const out = path.join(work, 'report.json');
    const run = await gatewright(['report', '--format', 'json', '--out', out], savedApp);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(report.summary).toMatchObject({ gateways: 1, routes: 2, publicRoutes: 1 });
    expect(report.gateways[0].routes.map((r: { pathPrefix: string }) => r.pathPrefix)).toEqual(['/orders', '/status']);
  });

  it('draws the topology with --format mermaid and --format dot', async () => {
    const mermaid = await gatewright(['report', '--format', 'mermaid'], savedApp);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.split('\n').slice(0, 3)).toEqual([
      'flowchart LR',
      '  c0(["JWT callers<br>issuer https://login.example.com/<br>audience tiny-api"])',
      '  c1(["PUBLIC: anyone"])',
    ]);
    expect(mermaid.stdout).toContain('  c0 -->|"scopes orders:read"| r0_0');
    expect(mermaid.stdout).toContain('  r0_0 -->|"header X-Api-Key from AWS SM prod/tiny/orders#35;api_key"| b0');
    const dot = await gatewright(['report', '--format', 'dot'], savedApp);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph gatewright \{\n {2}rankdir=LR;/);
    expect(dot.stdout).toContain('  r0_0 -> b0 [label="header X-Api-Key from AWS SM prod/tiny/orders#api_key"];');
    expectNoSeed(await gatewright(['report', '--format', 'mermaid'], prApp));
  });

  it('compares environments of the multi-environment example with --environments', async () => {
    const run = await gatewright(['report', '--dir', ROOT, '--app', nodeCommand(multiEnvironment), '--environments', 'staging,production'], ROOT);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Policy is **identical** across `staging`, `production` (3 route(s))');
    expect(run.stdout).toContain('| `Deployment orders-app` | replicas | 1 | 3 |');
  });

  it('accepts --app and --dir, and runs the app in --dir', async () => {
    fs.copyFileSync(path.join(work, 'tiny-app-pr.cjs'), path.join(prApp, 'main.cjs'));
    const run = await gatewright(['report', '--dir', prApp, '--app', 'node main.cjs', '--format', 'json'], ROOT);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).summary.routes).toBe(3);
    expectNoSeed(run);
  });
});

describe('gatewright diff', () => {
  it('compares a saved topology.json of main with the pull request (Markdown snapshot)', async () => {
    const saved = path.join(work, 'main', 'topology.json');
    expect((await gatewright(['topology', '--out', saved])).code).toBe(0);
    expect(fs.readFileSync(saved, 'utf8')).not.toContain(SEEDED_PLAINTEXT);

    const run = await gatewright(['diff', '--base', saved], prApp);
    expect(run.code).toBe(0);
    expectNoSeed(run);
    await expect(run.stdout).toMatchFileSnapshot('__snapshots__/tiny-app.diff.md');
    // A directory holding topology.json works the same.
    expect((await gatewright(['diff', '--base', path.dirname(saved)], prApp)).stdout).toBe(run.stdout);
  });

  it('synthesizes two project directories and prints JSON, gating with --fail-on high', async () => {
    const run = await gatewright(['diff', '--base', mainApp, '--head', prApp, '--format', 'json', '--fail-on', 'high']);
    expect(run.code).toBe(2);
    expectNoSeed(run);
    const diff = JSON.parse(run.stdout);
    expect(diff.changes.map((c: { kind: string; location: string }) => `${c.kind} ${c.location}`)).toEqual([
      'scopes-removed tiny.example.com/orders',
      'secret-source-changed tiny.example.com/orders',
      'route-added tiny.example.com/admin',
      'methods-added tiny.example.com/orders',
    ]);
    expect(diff.summary).toMatchObject({ high: 3, medium: 1, changes: 4 });
  });

  it('checks a git ref out into a temporary worktree of a throw-away repository', async () => {
    const repo = path.join(work, 'repo');
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, 'cdk8s.yaml'), 'language: typescript\napp: node main.cjs\n');
    const writeMain = (version: string) =>
      fs.writeFileSync(path.join(repo, 'main.cjs'), `require(${JSON.stringify(declarations)}).tinyApp(${JSON.stringify(version)}).synth();\n`);
    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: repo, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    writeMain('main');
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'main');
    writeMain('pr'); // the working tree is the pull request

    const run = await gatewright(['diff', '--base', 'HEAD', '--dir', repo], ROOT);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('route-added');
    expect(run.stdout).toContain('scopes-removed');
    expectNoSeed(run);
    // The temporary worktree is gone again.
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});

describe('gatewright errors and version', () => {
  it('prints usage for no command (exit 1) and for --help (exit 0), and the version with --version', async () => {
    expect((await gatewright([])).code).toBe(1);
    const help = await gatewright(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('gatewright report');
    expect(help.stdout).toContain('gatewright init');
    const version = await gatewright(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`, stderr: '' });
  });

  it('rejects an unknown command, a bad --fail-on, a diagram format for diff, and diff without --base', async () => {
    expect((await gatewright(['audit'])).stderr).toContain('ERR_GW_CLI_USAGE: unknown command "audit"');
    const bad = await gatewright(['report', '--fail-on', 'critical']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('gatewright: ERR_GW_CLI_USAGE: --fail-on must be low, medium or high, not "critical"\n');
    expect((await gatewright(['report', '--format', 'png'])).stderr).toBe('gatewright: ERR_GW_CLI_USAGE: --format of report must be markdown, json, mermaid, dot, not "png"\n');
    expect((await gatewright(['diff', '--base', 'x', '--format', 'mermaid'])).stderr).toBe('gatewright: ERR_GW_CLI_USAGE: --format of diff must be markdown, json, not "mermaid"\n');
    expect((await gatewright(['diff'])).stderr).toContain('ERR_GW_CLI_USAGE: diff needs --base');
  });

  it('explains an app that builds no SecuredApi, fails, or hangs', async () => {
    const none = await gatewright(['report', '--app', 'node -e "0"']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('ERR_GW_CLI_APP: ');
    expect(none.stderr).toContain('wrote no topology');
    const failing = await gatewright(['report', '--app', 'node -e "process.exit(3)"']);
    expect(failing.stderr).toContain('exited with 3');
    // A hang is recognised by the timeout alone: the app never finishes on its own.
    const hanging = await gatewright(['report', '--app', 'node -e "setInterval(() => {}, 1000)"', '--timeout', '1']);
    expect(hanging.code).toBe(1);
    expect(hanging.stderr).toContain('timed out after 1 s');
  });

  it('says when --base is neither a file, a directory nor a git ref', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-cli-'));
    try {
      const run = await gatewright(['diff', '--base', 'no-such-ref-or-dir', '--dir', outside], ROOT);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('ERR_GW_CLI_SOURCE: "no-such-ref-or-dir"');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('rejects --environments that name no top-level chart, instead of reporting an empty comparison', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'envs-'));
    const topology = { version: 1, gateways: [], workloads: [{ kind: 'Deployment', name: 'app', path: 'staging/app/Resource' }, { kind: 'Deployment', name: 'app', path: 'production/app/Resource' }] };
    fs.writeFileSync(path.join(dir, 'topology.json'), JSON.stringify(topology));
    // An "app" that writes a fixed topology, so no TypeScript has to run.
    const app = 'cp topology.json "$GATEWRIGHT_TOPOLOGY_OUT"';
    const typo = await gatewright(['report', '--app', app, '--environments', 'staging,prodution', '--format', 'json'], dir);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('ERR_GW_CLI_USAGE: --environments names "prodution", which no top-level chart of the app has (charts: production, staging)');
    const ok = await gatewright(['report', '--app', app, '--environments', 'staging,production', '--format', 'json'], dir);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).environments).toMatchObject({ environments: ['staging', 'production'] });
  });

  it('rejects a --base file that is not a gatewright topology', async () => {
    const file = path.join(work, 'not-a-topology.json');
    fs.writeFileSync(file, JSON.stringify({ gateways: [{ name: 'x' }] }));
    const run = await gatewright(['diff', '--base', file, '--head', file], work);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ERR_GW_CLI_TOPOLOGY: .*not-a-topology.json is not a gatewright topology: gateways.0/);
  });
});

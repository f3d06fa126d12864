import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { SEEDED_PLAINTEXT } from '../fixtures/tiny-app-declarations';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const FIXTURES = path.join(ROOT, 'test/fixtures');
const MAIN_APP = path.join(FIXTURES, 'tiny-app');
const PR_APP = path.join(FIXTURES, 'tiny-app-pr');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI the way a user does, with a bounded time. */
function gatewright(args: string[], cwd = MAIN_APP): Run {
  const r = spawnSync('npx', ['tsx', CLI, ...args], { cwd, encoding: 'utf8', timeout: 90_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectNoSeed(run: Run): void {
  expect(run.stdout).not.toContain(SEEDED_PLAINTEXT);
  expect(run.stderr).not.toContain(SEEDED_PLAINTEXT);
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-cli-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('gatewright report', () => {
  it('prints the Markdown report of the app in cdk8s.yaml, from the construct tree', () => {
    const run = gatewright(['report']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('# gatewright access report');
    expect(run.stdout).toContain('| `tiny.example.com/status` | GET | **PUBLIC** |');
    expect(run.stdout).toContain('AWS Secrets Manager prod/tiny/orders#api_key');
    // Manifests went to a throw-away directory, not into the project.
    expect(fs.existsSync(path.join(MAIN_APP, 'dist'))).toBe(false);
  });

  it('exits 0 with --fail-on high when the worst finding is medium, and 2 with --fail-on medium', () => {
    expect(gatewright(['report', '--fail-on', 'high']).code).toBe(0);
    const run = gatewright(['report', '--fail-on', 'medium']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('1 finding(s) at or above "medium"');
  });

  it('fails a pull request that adds a public write route with --fail-on high, without printing the seeded secret', () => {
    const run = gatewright(['report', '--fail-on', 'high'], PR_APP);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('PLAINTEXT in the manifests (value hidden)');
    expectNoSeed(run);
  });

  it('writes JSON to --out', () => {
    const out = path.join(tmp, 'report.json');
    const run = gatewright(['report', '--format', 'json', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(report.summary).toMatchObject({ gateways: 1, routes: 2, publicRoutes: 1 });
    expect(report.gateways[0].routes.map((r: { pathPrefix: string }) => r.pathPrefix)).toEqual(['/orders', '/status']);
  });

  it('compares environments of the multi-environment example with --environments', () => {
    const run = gatewright(['report', '--dir', ROOT, '--app', 'npx tsx examples/multi-environment.ts', '--environments', 'staging,production'], ROOT);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Policy is **identical** across `staging`, `production` (3 route(s))');
    expect(run.stdout).toContain('| `Deployment orders-app` | replicas | 1 | 3 |');
  });

  it('accepts --app and --dir', () => {
    const run = gatewright(['report', '--dir', PR_APP, '--app', 'npx tsx main.ts', '--format', 'json'], ROOT);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).summary.routes).toBe(3);
    expectNoSeed(run);
  });
});

describe('gatewright diff', () => {
  it('compares a saved topology.json of main with the pull request (Markdown snapshot)', async () => {
    const saved = path.join(tmp, 'main', 'topology.json');
    expect(gatewright(['topology', '--out', saved]).code).toBe(0);
    expect(fs.readFileSync(saved, 'utf8')).not.toContain(SEEDED_PLAINTEXT);

    const run = gatewright(['diff', '--base', saved], PR_APP);
    expect(run.code).toBe(0);
    expectNoSeed(run);
    await expect(run.stdout).toMatchFileSnapshot('__snapshots__/tiny-app.diff.md');
    // A directory holding topology.json works the same.
    expect(gatewright(['diff', '--base', path.dirname(saved)], PR_APP).stdout).toBe(run.stdout);
  });

  it('synthesizes two project directories and prints JSON, gating with --fail-on high', () => {
    const run = gatewright(['diff', '--base', MAIN_APP, '--head', PR_APP, '--format', 'json', '--fail-on', 'high']);
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

  it('checks a git ref out into a temporary worktree of a throw-away repository', () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const declarations = path.join(FIXTURES, 'tiny-app-declarations');
    fs.writeFileSync(path.join(repo, 'cdk8s.yaml'), `language: typescript\napp: ${JSON.stringify(`${tsx} main.ts`)}\n`);
    const writeMain = (version: string) =>
      fs.writeFileSync(path.join(repo, 'main.ts'), `import { tinyApp } from ${JSON.stringify(declarations)};\ntinyApp(${JSON.stringify(version)}).synth();\n`);
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

    const run = gatewright(['diff', '--base', 'HEAD', '--dir', repo], ROOT);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('route-added');
    expect(run.stdout).toContain('scopes-removed');
    expectNoSeed(run);
    // The temporary worktree is gone again.
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});

describe('gatewright errors', () => {
  it('prints usage for no command (exit 1) and for --help (exit 0)', () => {
    expect(gatewright([]).code).toBe(1);
    const help = gatewright(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('gatewright report');
  });

  it('rejects an unknown command, a bad --fail-on and diff without --base', () => {
    expect(gatewright(['audit']).stderr).toContain('unknown command "audit"');
    const bad = gatewright(['report', '--fail-on', 'critical']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ERR_GW_CLI_USAGE: --fail-on must be low, medium or high');
    expect(gatewright(['diff']).stderr).toContain('diff needs --base');
  });

  it('explains an app that builds no SecuredApi, fails, or hangs', () => {
    const none = gatewright(['report', '--app', 'node -e "0"']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('ERR_GW_CLI_APP: ');
    expect(none.stderr).toContain('wrote no topology');
    const failing = gatewright(['report', '--app', 'node -e "process.exit(3)"']);
    expect(failing.stderr).toContain('exited with 3');
    const hanging = gatewright(['report', '--app', 'sleep 20', '--timeout', '1']);
    expect(hanging.code).toBe(1);
    expect(hanging.stderr).toContain('timed out after 1 s');
  });

  it('says when --base is neither a file, a directory nor a git ref', () => {
    const run = gatewright(['diff', '--base', 'no-such-ref-or-dir', '--dir', tmp], ROOT);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_GW_CLI_SOURCE: "no-such-ref-or-dir"');
  });

  it('rejects --environments that name no top-level chart, instead of reporting an empty comparison (in process)', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'envs-'));
    const topology = { version: 1, gateways: [], workloads: [{ kind: 'Deployment', name: 'app', path: 'staging/app/Resource' }, { kind: 'Deployment', name: 'app', path: 'production/app/Resource' }] };
    fs.writeFileSync(path.join(dir, 'topology.json'), JSON.stringify(topology));
    // An "app" that writes a fixed topology, so no TypeScript has to run.
    const app = 'cp topology.json "$GATEWRIGHT_TOPOLOGY_OUT"';
    const run = async (environments: string) => {
      let stdout = '';
      let stderr = '';
      const code = await main(['report', '--app', app, '--environments', environments, '--format', 'json'], { cwd: dir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      return { code, stdout, stderr };
    };
    const typo = await run('staging,prodution');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('ERR_GW_CLI_USAGE: --environments names "prodution", which no top-level chart of the app has (charts: production, staging)');
    const ok = await run('staging,production');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).environments).toMatchObject({ environments: ['staging', 'production'] });
  });

  it('rejects a --base file that is not a gatewright topology (in process)', async () => {
    const file = path.join(tmp, 'not-a-topology.json');
    fs.writeFileSync(file, JSON.stringify({ gateways: [{ name: 'x' }] }));
    let stderr = '';
    const code = await main(['diff', '--base', file, '--head', file], { cwd: tmp, stdout: () => undefined, stderr: (t) => (stderr += t) });
    expect(code).toBe(1);
    expect(stderr).toMatch(/ERR_GW_CLI_TOPOLOGY: .*not-a-topology.json is not a gatewright topology: gateways.0/);
  });
});

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { accessTopologySchema, redactTopology, type AccessTopologyModel } from '../model';
import { TOPOLOGY_OUT_ENV } from '../constructs/topology/topology-export';
import { CliError, CliErrorCode } from './cli-error';


export interface SynthOptions {
  /** Directory of the cdk8s project (where `cdk8s.yaml` is). */
  readonly dir: string;
  /**
   * Command that runs the app.
   * @default - the `app` of `<dir>/cdk8s.yaml`
   */
  readonly app?: string;
  /**
   * Kill the app after this many milliseconds.
   * @default 120000
   */
  readonly timeoutMs?: number;
}

/** The `app` command of a cdk8s project. */
export function appCommandOf(dir: string): string {
  const file = path.join(dir, 'cdk8s.yaml');
  if (!fs.existsSync(file)) throw new CliError(CliErrorCode.APP, `no cdk8s.yaml in ${dir}; pass --app "<command that runs your cdk8s app>"`);
  const config = parseYaml(fs.readFileSync(file, 'utf8')) as { app?: unknown } | null;
  if (!config || typeof config.app !== 'string' || config.app.trim() === '') {
    throw new CliError(CliErrorCode.APP, `${file} has no "app" entry; pass --app "<command>"`);
  }
  return config.app;
}

/**
 * Runs the user's cdk8s app as a child process with `GATEWRIGHT_TOPOLOGY_OUT` set, so the
 * `TopologyExport` construct writes the topology collected from the construct tree while
 * `App.synth()` validates. Manifests go to a throw-away `CDK8S_OUTDIR`, never over `dist/`.
 */
export function synthTopology(options: SynthOptions): AccessTopologyModel {
  const dir = path.resolve(options.dir);
  const command = options.app ?? appCommandOf(dir);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatewright-synth-'));
  try {
    const out = path.join(tmp, 'topology.json');
    const result = spawnSync(command, {
      cwd: dir,
      shell: true,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 120_000,
      env: { ...process.env, [TOPOLOGY_OUT_ENV]: out, CDK8S_OUTDIR: path.join(tmp, 'dist') },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error || result.status !== 0) {
      const why = result.error
        ? (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
          ? `timed out after ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s`
          : result.error.message
        : `exited with ${result.status ?? result.signal}`;
      const tail = (result.stderr ?? '').trim().split('\n').slice(-20).join('\n');
      throw new CliError(CliErrorCode.APP, `the app "${command}" in ${dir} ${why}${tail ? `:\n${tail}` : ''}`);
    }
    if (!fs.existsSync(out)) {
      throw new CliError(
        CliErrorCode.APP,
        `the app "${command}" in ${dir} ran but wrote no topology: it must build at least one SecuredApi and call app.synth()`,
      );
    }
    return readTopologyFile(out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Reads and validates a topology JSON file (as written by `gatewright topology`). */
export function readTopologyFile(file: string): AccessTopologyModel {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(CliErrorCode.TOPOLOGY, `${file} is not a readable JSON topology (${(e as Error).message.split('\n')[0]})`);
  }
  const parsed = accessTopologySchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(CliErrorCode.TOPOLOGY, `${file} is not a gatewright topology: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return redactTopology(parsed.data);
}

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
}

export interface LoadOptions {
  /** Project directory the CLI runs in (the head). */
  readonly cwd: string;
  readonly app?: string;
  readonly timeoutMs?: number;
}

/**
 * Loads a topology from what the user named:
 * - a `.json` file → read it;
 * - a directory with `topology.json` → read that; with `cdk8s.yaml` → synthesize it;
 * - otherwise a git ref (`main`, `origin/main`, a SHA) → check it out into a temporary
 *   worktree (`git worktree add --detach`), link `node_modules`, synthesize, remove the worktree.
 */
export function loadTopology(spec: string, options: LoadOptions): AccessTopologyModel {
  const candidate = path.resolve(options.cwd, spec);
  if (fs.existsSync(candidate)) {
    const stat = fs.statSync(candidate);
    if (stat.isFile()) return readTopologyFile(candidate);
    const saved = path.join(candidate, 'topology.json');
    if (fs.existsSync(saved)) return readTopologyFile(saved);
    return synthTopology({ dir: candidate, app: options.app, timeoutMs: options.timeoutMs });
  }
  return synthGitRef(spec, options);
}

function synthGitRef(ref: string, options: LoadOptions): AccessTopologyModel {
  const cwd = path.resolve(options.cwd);
  if (ref.startsWith('-')) throw new CliError(CliErrorCode.SOURCE, `"${ref}" is not a file, directory or git ref`);
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw new CliError(CliErrorCode.SOURCE, `"${ref}" is not a file or directory, and ${cwd} is not in a git repository`);
  const commit = git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok) throw new CliError(CliErrorCode.SOURCE, `"${ref}" is not a file, directory or git ref in ${top.out}`);
  const root = top.out;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatewright-base-'));
  const worktree = path.join(tmp, 'worktree');
  const added = git(root, ['worktree', 'add', '--detach', worktree, commit.out]);
  if (!added.ok) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new CliError(CliErrorCode.SOURCE, `could not check out ${ref} into a temporary worktree: ${added.err.split('\n')[0]}`);
  }
  try {
    const appDir = path.join(worktree, path.relative(fs.realpathSync(root), fs.realpathSync(cwd)));
    linkNodeModules(appDir, [path.join(cwd, 'node_modules'), path.join(root, 'node_modules')]);
    if (path.join(root, 'node_modules') !== path.join(cwd, 'node_modules')) {
      linkNodeModules(worktree, [path.join(root, 'node_modules')]);
    }
    return synthTopology({ dir: appDir, app: options.app, timeoutMs: options.timeoutMs });
  } finally {
    git(root, ['worktree', 'remove', '--force', worktree]);
    fs.rmSync(tmp, { recursive: true, force: true });
    git(root, ['worktree', 'prune']);
  }
}

/** A fresh worktree has no `node_modules`: borrow the head's so the app can run. */
function linkNodeModules(dir: string, candidates: string[]): void {
  const target = path.join(dir, 'node_modules');
  if (!fs.existsSync(dir) || fs.existsSync(target)) return;
  const from = candidates.find((c) => fs.existsSync(c));
  if (from) fs.symlinkSync(from, target, 'dir');
}

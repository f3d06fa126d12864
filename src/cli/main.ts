#!/usr/bin/env node
/**
 * `gatewright` — access report and security diff from the construct tree of a cdk8s app.
 *
 *   gatewright report   [--app CMD] [--dir DIR] [--format markdown|json] [--out FILE]
 *                       [--fail-on low|medium|high] [--environments a,b]
 *   gatewright topology [--app CMD] [--dir DIR] [--out FILE]
 *   gatewright diff     --base <file|dir|git-ref> [--head <file|dir>] [--app CMD]
 *                       [--format markdown|json] [--out FILE] [--fail-on low|medium|high]
 *
 * Exit codes: 0 success, 1 usage or load error, 2 findings/changes reached --fail-on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { AccessTopologyModel } from '../model';
import { buildAccessReport, formatAccessReport } from '../report/access-report';
import { diffTopologies, renderTopologyDiff } from '../report/diff';
import { environmentOf } from '../report/environments';
import { isSeverity, reaches, type Severity } from '../report/severity';
import { CliError, CliErrorCode } from './cli-error';
import { loadTopology, synthTopology } from './load-topology';

export const USAGE = `Usage:
  gatewright report   [--app CMD] [--dir DIR] [--format markdown|json] [--out FILE]
                      [--fail-on low|medium|high] [--environments staging,production]
  gatewright topology [--app CMD] [--dir DIR] [--out FILE]
  gatewright diff     --base <topology.json|dir|git-ref> [--head <topology.json|dir>]
                      [--app CMD] [--format markdown|json] [--out FILE] [--fail-on low|medium|high]

The model is read from the construct tree: the app (default: "app" in cdk8s.yaml) runs with
GATEWRIGHT_TOPOLOGY_OUT set and writes it at synth. Exit codes: 0 ok, 1 error, 2 --fail-on reached.
`;

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

const OPTIONS = {
  app: { type: 'string' },
  dir: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'fail-on': { type: 'string' },
  environments: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    return run(argv, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`gatewright: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function run(argv: readonly string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(CliErrorCode.USAGE, `${(e as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    io.stdout(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  if (positionals.length > 1) throw new CliError(CliErrorCode.USAGE, `unexpected argument "${positionals[1]}"\n\n${USAGE}`);
  const format = values.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') throw new CliError(CliErrorCode.USAGE, `--format must be markdown or json, not "${format}"`);
  const failOn = values['fail-on'];
  if (failOn !== undefined && (!isSeverity(failOn) || failOn === 'info')) {
    throw new CliError(CliErrorCode.USAGE, `--fail-on must be low, medium or high, not "${failOn}"`);
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CliError(CliErrorCode.USAGE, '--timeout must be a number of seconds');
  const dir = path.resolve(io.cwd, values.dir ?? '.');
  const load = (): AccessTopologyModel => synthTopology({ dir, app: values.app, timeoutMs });

  switch (command) {
    case 'report': {
      const environments = values.environments?.split(',').map((s) => s.trim()).filter(Boolean);
      const topology = load();
      if (environments?.length) checkEnvironments(topology, environments);
      const report = buildAccessReport(topology, { environments });
      write(io, values.out, formatAccessReport(report, format));
      return exitFor(report.findings.map((f) => f.severity), failOn as Severity | undefined, io, 'finding');
    }
    case 'topology': {
      write(io, values.out, `${JSON.stringify(load(), null, 2)}\n`);
      return 0;
    }
    case 'diff': {
      if (!values.base) throw new CliError(CliErrorCode.USAGE, `diff needs --base <topology.json|dir|git-ref>\n\n${USAGE}`);
      const base = loadTopology(values.base, { cwd: dir, app: values.app, timeoutMs });
      const head = values.head ? loadTopology(values.head, { cwd: dir, app: values.app, timeoutMs }) : load();
      const diff = diffTopologies(base, head);
      write(io, values.out, renderTopologyDiff(diff, format));
      return exitFor(diff.changes.map((c) => c.severity), failOn as Severity | undefined, io, 'change');
    }
    default:
      throw new CliError(CliErrorCode.USAGE, `unknown command "${command}"\n\n${USAGE}`);
  }
}

/** Environments are top-level chart ids: a name no chart has is a typo, not an empty environment. */
function checkEnvironments(topology: AccessTopologyModel, environments: readonly string[]): void {
  const charts = new Set([...topology.gateways, ...topology.workloads, ...topology.networkPolicies].map((o) => environmentOf(o.path)));
  const unknown = environments.filter((e) => !charts.has(e));
  if (unknown.length) {
    throw new CliError(
      CliErrorCode.USAGE,
      `--environments names ${unknown.map((e) => `"${e}"`).join(', ')}, which no top-level chart of the app has (charts: ${[...charts].sort().join(', ') || 'none'})`,
    );
  }
}

function exitFor(severities: Severity[], failOn: Severity | undefined, io: CliIo, what: string): number {
  if (!failOn) return 0;
  const hits = severities.filter((s) => reaches(s, failOn)).length;
  if (hits === 0) return 0;
  io.stderr(`gatewright: ${hits} ${what}(s) at or above "${failOn}" (--fail-on ${failOn})\n`);
  return 2;
}

function write(io: CliIo, out: string | undefined, text: string): void {
  if (!out) {
    io.stdout(text);
    return;
  }
  const file = path.resolve(io.cwd, out);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function defaultIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`gatewright: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

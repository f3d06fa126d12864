#!/usr/bin/env node
/**
 * `gatewright` — scaffolds a project, and prints the access report and security diff from the
 * construct tree of a cdk8s app. See {@link USAGE}.
 *
 * Exit codes: 0 success, 1 usage or load error, 2 findings/changes reached --fail-on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { AccessTopologyModel } from '../model';
import { buildAccessReport, formatAccessReport, REPORT_FORMATS, type ReportFormat } from '../report/access-report';
import { diffTopologies, renderTopologyDiff } from '../report/diff';
import { environmentOf } from '../report/environments';
import { isSeverity, reaches, type Severity } from '../report/severity';
import { CliError, CliErrorCode } from './cli-error';
import { runInit } from './init/init-command';
import { linePrompter, type Prompter } from './init/line-prompter';
import { STARTER_CLIENT_AUTHS, STARTER_GATEWAYS } from './init/starter-choices';
import { loadTopology, synthTopology } from './load-topology';
import { packageInfo } from './package-info';

export const USAGE = `Usage:
  gatewright init     [--dir DIR] [--gateway ${STARTER_GATEWAYS.join('|')}]
                      [--client-auth ${STARTER_CLIENT_AUTHS.join('|')}] [--host HOST] [--namespace NS]
                      [--name NAME] [--yes] [--force]
  gatewright report   [--app CMD] [--dir DIR] [--format markdown|json|mermaid|dot] [--out FILE]
                      [--fail-on low|medium|high] [--environments staging,production]
  gatewright topology [--app CMD] [--dir DIR] [--out FILE]
  gatewright diff     --base <topology.json|dir|git-ref> [--head <topology.json|dir>]
                      [--app CMD] [--format markdown|json] [--out FILE] [--fail-on low|medium|high]
  gatewright --version

init writes a cdk8s project with one gateway and one SecuredApi (it asks for what the flags
do not say when run in a terminal; --yes takes the defaults). The model is read from the
construct tree: the app (default: "app" in cdk8s.yaml) runs with GATEWRIGHT_TOPOLOGY_OUT set and
writes it at synth. Exit codes: 0 ok, 1 error, 2 --fail-on reached.
`;

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** Normal output. */
  stdout(text: string): void;
  /** Errors and notes. */
  stderr(text: string): void;
  /**
   * Asks the user a question (`gatewright init`).
   * @default - nobody to ask: defaults are used
   */
  readonly prompt?: Prompter;
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
  name: { type: 'string' },
  gateway: { type: 'string' },
  'client-auth': { type: 'string' },
  host: { type: 'string' },
  namespace: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  force: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`gatewright: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(CliErrorCode.USAGE, `${(e as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.version) {
    io.stdout(`${packageInfo().version}\n`);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    io.stdout(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  if (positionals.length > 1) throw new CliError(CliErrorCode.USAGE, `unexpected argument "${positionals[1]}"\n\n${USAGE}`);
  const formats: readonly string[] = command === 'report' ? REPORT_FORMATS : ['markdown', 'json'];
  const format = values.format ?? 'markdown';
  if (!formats.includes(format)) throw new CliError(CliErrorCode.USAGE, `--format of ${command} must be ${formats.join(', ')}, not "${format}"`);
  const failOn = values['fail-on'];
  if (failOn !== undefined && (!isSeverity(failOn) || failOn === 'info')) {
    throw new CliError(CliErrorCode.USAGE, `--fail-on must be low, medium or high, not "${failOn}"`);
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CliError(CliErrorCode.USAGE, '--timeout must be a number of seconds');
  const dir = path.resolve(io.cwd, values.dir ?? '.');
  const load = (): AccessTopologyModel => synthTopology({ dir, app: values.app, timeoutMs });

  switch (command) {
    case 'init':
      return runInit(
        {
          dir,
          name: values.name,
          gateway: values.gateway,
          clientAuth: values['client-auth'],
          host: values.host,
          namespace: values.namespace,
          yes: values.yes,
          force: values.force,
        },
        io,
      );
    case 'report': {
      const environments = values.environments?.split(',').map((s) => s.trim()).filter(Boolean);
      const topology = load();
      if (environments?.length) checkEnvironments(topology, environments);
      const report = buildAccessReport(topology, { environments });
      write(io, values.out, formatAccessReport(report, format as ReportFormat));
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
      write(io, values.out, renderTopologyDiff(diff, format as 'markdown' | 'json'));
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

function defaultIo(): CliIo & { close(): void } {
  const stdout = (t: string) => void process.stdout.write(t);
  // Questions only where someone can answer them: a terminal on both ends.
  const prompter = process.stdin.isTTY && process.stdout.isTTY ? linePrompter(process.stdin, stdout) : undefined;
  return {
    cwd: process.cwd(),
    stdout,
    stderr: (t) => void process.stderr.write(t),
    ...(prompter ? { prompt: prompter.ask } : {}),
    close: () => prompter?.close(),
  };
}

if (require.main === module) {
  const io = defaultIo();
  main(process.argv.slice(2), io).then(
    (code) => {
      io.close();
      process.exitCode = code;
    },
    (e: unknown) => {
      io.close();
      process.stderr.write(`gatewright: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

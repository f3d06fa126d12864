import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_RELEASES, PROCESS_ENGINES, type ProcessEngine } from './engine-names';

/** How an engine is started. */
export type EngineLauncher =
  | { readonly kind: 'binary'; readonly path: string }
  /** `docker run --network host` of the official image (users with a Docker engine). */
  | { readonly kind: 'docker'; readonly image: string };

/** An engine the suite found, or why it is skipped. */
export type DiscoveredEngine =
  | { readonly engine: ProcessEngine; readonly available: true; readonly launcher: EngineLauncher; readonly version: string; readonly versionWarning?: string }
  | { readonly engine: ProcessEngine; readonly available: false; readonly reason: string };

/** Runs a command with a bound, resolving its output (or undefined when it fails). */
export type CommandRunner = (file: string, args: readonly string[], timeoutMs: number) => Promise<{ ok: boolean; output: string }>;

const runCommand: CommandRunner = (file, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeoutMs, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, (err, stdout, stderr) =>
      resolve({ ok: !err, output: `${stdout}${stderr}` }),
    );
  });

/** The command that prints an engine's version, and how to read it. */
const VERSION_COMMAND: Record<ProcessEngine, readonly string[]> = {
  oathkeeper: ['version'],
  traefik: ['version'],
  'oauth2-proxy': ['--version'],
};

/** `v1.2.3` from a version command's output. */
export function parseEngineVersion(engine: ProcessEngine, output: string): string | undefined {
  const patterns: Record<ProcessEngine, RegExp> = {
    oathkeeper: /^Version:\s+(v?\d+\.\d+\.\d+\S*)/m,
    traefik: /^Version:\s+(v?\d+\.\d+\.\d+\S*)/m,
    'oauth2-proxy': /oauth2-proxy\s+(v?\d+\.\d+\.\d+\S*)/,
  };
  const v = patterns[engine].exec(output)?.[1];
  return v === undefined ? undefined : v.startsWith('v') ? v : `v${v}`;
}

/**
 * Finds the engines: binaries named `oathkeeper`, `traefik` and `oauth2-proxy` in the folder
 * `GATEWRIGHT_ENGINES` names; failing that, the official images when a Docker engine answers
 * (`docker info`). An engine found neither way is reported skipped, with the reason — never
 * counted as passed.
 */
export async function discoverEngines(env: Readonly<Record<string, string | undefined>> = process.env, run: CommandRunner = runCommand): Promise<DiscoveredEngine[]> {
  const folder = env.GATEWRIGHT_ENGINES;
  let docker: boolean | undefined;
  const dockerAvailable = async () => (docker ??= (await run('docker', ['info', '--format', '{{.ServerVersion}}'], 10_000)).ok);
  const out: DiscoveredEngine[] = [];
  for (const engine of PROCESS_ENGINES) {
    const wanted = ENGINE_RELEASES[engine].version;
    const binary = folder ? join(folder, engine) : undefined;
    if (binary && isExecutable(binary)) {
      const printed = await run(binary, VERSION_COMMAND[engine], 10_000);
      const version = parseEngineVersion(engine, printed.output);
      if (!printed.ok || !version) {
        out.push({ engine, available: false, reason: `${binary} did not print a version (${printed.output.trim().slice(0, 120) || 'no output'})` });
        continue;
      }
      out.push({
        engine,
        available: true,
        launcher: { kind: 'binary', path: binary },
        version,
        ...(version !== wanted ? { versionWarning: `validated with ${wanted}, found ${version}` } : {}),
      });
      continue;
    }
    if (await dockerAvailable()) {
      out.push({ engine, available: true, launcher: { kind: 'docker', image: ENGINE_RELEASES[engine].image }, version: wanted });
      continue;
    }
    out.push({
      engine,
      available: false,
      reason: folder
        ? `no executable ${engine} in GATEWRIGHT_ENGINES (${folder}) and no Docker engine`
        : 'GATEWRIGHT_ENGINES is not set and no Docker engine answers',
    });
  }
  return out;
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

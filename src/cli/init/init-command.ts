import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostName, isDnsLabel } from '../../model/names';
import { CliError, CliErrorCode } from '../cli-error';
import { packageInfo } from '../package-info';
import { mergePackageJson, type PackageJson } from './package-json';
import type { Prompter } from './line-prompter';
import {
  CLIENT_AUTH_DESCRIPTIONS,
  GATEWAY_DESCRIPTIONS,
  STARTER_CLIENT_AUTHS,
  STARTER_GATEWAYS,
  unsupportedCombination,
  type StarterChoices,
} from './starter-choices';
import { starterFiles } from './starter-files';

/** The command-line flags of `gatewright init`. */
export interface InitFlags {
  /** Project directory (created if missing). */
  readonly dir: string;
  /** `--name`: package name; default the directory name. */
  readonly name?: string;
  /** `--gateway`. */
  readonly gateway?: string;
  /** `--client-auth`. */
  readonly clientAuth?: string;
  /** `--host`. */
  readonly host?: string;
  /** `--namespace`. */
  readonly namespace?: string;
  /** `--yes`: take the default for every choice not given as a flag, without asking. */
  readonly yes?: boolean;
  /** `--force`: overwrite the files init writes. */
  readonly force?: boolean;
}

/** Where init writes what it did, and how it asks. */
export interface InitIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Asks a question; absent when there is nobody to ask (no terminal): defaults are used. */
  readonly prompt?: Prompter;
}

const DEFAULTS = { gateway: 'traefik-hub', clientAuth: 'jwt', host: 'api.example.com', namespace: 'api-gateway' } as const;

/**
 * `gatewright init`: scaffolds a cdk8s project with one gateway and one SecuredApi (cdk8s.yaml,
 * main.ts, a snapshot test, tsconfig.json, .gitignore, README.md) and adds what it needs to
 * package.json. Refuses to overwrite a file unless `--force`. Returns the exit code.
 */
export async function runInit(flags: InitFlags, io: InitIo): Promise<number> {
  const dir = path.resolve(flags.dir);
  const ask = flags.yes ? undefined : io.prompt;
  const gateway = await choose('Gateway engine', flags.gateway, STARTER_GATEWAYS, GATEWAY_DESCRIPTIONS, DEFAULTS.gateway, '--gateway', ask, io);
  const clientAuth = await choose('Client authentication', flags.clientAuth, STARTER_CLIENT_AUTHS, CLIENT_AUTH_DESCRIPTIONS, DEFAULTS.clientAuth, '--client-auth', ask, io);
  const host = flags.host ?? (ask ? ((await ask(`Public host of the API [${DEFAULTS.host}]: `))?.trim() || DEFAULTS.host) : DEFAULTS.host);
  const namespace = flags.namespace ?? DEFAULTS.namespace;
  const choices: StarterChoices = { name: flags.name ?? packageNameOf(dir), gateway, clientAuth, host, namespace };
  validate(choices);

  const files = starterFiles(choices);
  const existing = files.filter((f) => fs.existsSync(path.join(dir, f.path))).map((f) => f.path);
  if (existing.length && !flags.force) {
    throw new CliError(CliErrorCode.INIT, `${dir} already has ${existing.join(', ')}; init writes these files. Run it in an empty folder, or pass --force to overwrite them`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const packageFile = path.join(dir, 'package.json');
  const merged = mergePackageJson(readPackageJson(packageFile), choices, packageInfo());
  for (const f of files) fs.writeFileSync(path.join(dir, f.path), f.text);
  fs.writeFileSync(packageFile, `${JSON.stringify(merged.json, null, 2)}\n`);

  io.stdout(
    [
      `Created a gatewright project in ${dir}: ${gateway} gateway, ${clientAuth} callers, host ${host}, namespace ${namespace}.`,
      `  wrote ${files.map((f) => f.path).join(', ')}; package.json ${merged.added.length ? `now lists ${merged.added.join(', ')}` : 'already had everything'}`,
      'Next:',
      ...(merged.added.length ? ['  npm install'] : []),
      '  npx cdk8s synth     # writes dist/gateway.k8s.yaml',
      '  npm test            # type-check and snapshot test',
      '',
    ].join('\n'),
  );
  return 0;
}

async function choose<T extends string>(
  title: string,
  given: string | undefined,
  options: readonly T[],
  descriptions: Readonly<Record<T, string>>,
  fallback: T,
  flag: string,
  ask: Prompter | undefined,
  io: InitIo,
): Promise<T> {
  if (given !== undefined) {
    if ((options as readonly string[]).includes(given)) return given as T;
    throw new CliError(CliErrorCode.USAGE, `${flag} must be one of ${options.join(', ')}, not "${given}"`);
  }
  if (!ask) return fallback;
  const menu = [`${title}:`, ...options.map((o, i) => `  ${i + 1}) ${o} — ${descriptions[o]}`)].join('\n');
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = (await ask(`${attempt === 0 ? `${menu}\n` : ''}Choose 1-${options.length} or a name [${fallback}]: `))?.trim();
    if (answer === undefined || answer === '') return fallback;
    const byNumber = Number(answer);
    if (Number.isInteger(byNumber) && byNumber >= 1 && byNumber <= options.length) return options[byNumber - 1];
    if ((options as readonly string[]).includes(answer)) return answer as T;
    io.stderr(`"${answer}" is not one of ${options.join(', ')}\n`);
  }
  throw new CliError(CliErrorCode.USAGE, `no valid answer for "${title}"; pass ${flag} ${options.join('|')}`);
}

function validate(c: StarterChoices): void {
  const combination = unsupportedCombination(c);
  if (combination) throw new CliError(CliErrorCode.USAGE, combination);
  const host = hostName.safeParse(c.host);
  if (!host.success || c.host.includes('*')) throw new CliError(CliErrorCode.USAGE, `--host "${c.host}" is not a host name: ${host.success ? 'give one host, not a wildcard' : host.error.issues[0].message}`);
  if (!isDnsLabel(c.namespace)) throw new CliError(CliErrorCode.USAGE, `--namespace "${c.namespace}" is not a Kubernetes namespace name (lowercase letters, digits and "-")`);
}

/** A valid npm package name from the directory name (`My Gateway` → `my-gateway`). */
function packageNameOf(dir: string): string {
  const name = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name || 'gatewright-gateway';
}

function readPackageJson(file: string): PackageJson | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not an object');
    return json as PackageJson;
  } catch (e) {
    throw new CliError(CliErrorCode.INIT, `${file} is not a readable package.json (${(e as Error).message.split('\n')[0]}); fix or remove it, then run init again`);
  }
}

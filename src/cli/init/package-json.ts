import type { PackageInfo } from '../package-info';
import type { StarterChoices } from './starter-choices';

/** The package.json fields init reads and writes. */
export interface PackageJson {
  name?: string;
  version?: string;
  private?: boolean;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** What `npm init -y` writes as the test script: a placeholder init may replace. */
const NPM_INIT_TEST = 'echo "Error: no test specified" && exit 1';

const SCRIPTS: Readonly<Record<string, string>> = {
  synth: 'cdk8s synth',
  test: 'tsc --noEmit && vitest run',
  report: 'gatewright report',
};
const RUNTIME = ['cdk8s', 'cdk8s-plus-28', 'constructs'];
const TOOLS = ['@types/node', 'cdk8s-cli', 'tsx', 'typescript', 'vitest'];

/** The result of {@link mergePackageJson}. */
export interface MergedPackageJson {
  /** The new package.json. */
  readonly json: PackageJson;
  /** Packages added to dependencies or devDependencies (to install with `npm install`). */
  readonly added: readonly string[];
}

/**
 * package.json for the project: the existing one with what the project needs added, never a
 * version changed (a gatewright installed from a tarball or a pinned cdk8s stays as it is). New
 * packages get the versions gatewright itself is built and tested with.
 */
export function mergePackageJson(existing: PackageJson | undefined, choices: StarterChoices, gatewright: PackageInfo): MergedPackageJson {
  const json: PackageJson = existing ? { ...existing } : { name: choices.name, version: '0.1.0', private: true };
  const has = (pkg: string) => Boolean(json.dependencies?.[pkg] ?? json.devDependencies?.[pkg]);
  const added: string[] = [];
  const dependencies = { ...(json.dependencies ?? {}) };
  const devDependencies = { ...(json.devDependencies ?? {}) };
  const want = (target: Record<string, string>, pkg: string, range: string | undefined) => {
    if (has(pkg) || !range) return;
    target[pkg] = range;
    added.push(pkg);
  };
  want(dependencies, 'gatewright', `^${gatewright.version}`);
  for (const pkg of RUNTIME) want(dependencies, pkg, gatewright.devDependencies[pkg] ?? gatewright.peerDependencies[pkg]);
  for (const pkg of TOOLS) want(devDependencies, pkg, gatewright.devDependencies[pkg]);
  const scripts = { ...(json.scripts ?? {}) };
  for (const [name, command] of Object.entries(SCRIPTS)) {
    if (scripts[name] === undefined || (name === 'test' && scripts[name] === NPM_INIT_TEST)) scripts[name] = command;
  }
  json.scripts = scripts;
  json.dependencies = sorted(dependencies);
  json.devDependencies = sorted(devDependencies);
  return { json, added };
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

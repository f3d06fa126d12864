import * as fs from 'node:fs';
import * as path from 'node:path';

/** One `packages` entry of a package-lock.json (v3). */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  inBundle?: boolean;
  [field: string]: unknown;
}

/** The package.json fields a lock is computed from. */
export interface ConsumerPackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** The packed gatewright, as `npm pack --json` describes it. */
export interface PackedTarball {
  /** The `file:` spec the consumer's package.json uses for it. */
  readonly spec: string;
  readonly integrity: string;
  /** gatewright's own package.json (from the tarball). */
  readonly manifest: { version: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; bin?: Record<string, string>; license?: string; engines?: Record<string, string> };
}

/**
 * A package-lock.json for a project outside this repository that installs exactly the package
 * versions this repository's lock resolved, so `npm ci --offline` takes every tarball from the
 * local npm cache (where this repository's own `npm ci` put them) and never asks a registry.
 *
 * The root lock's layout is hoisted, and any subset of it closed under dependencies is itself a
 * valid layout: each package is resolved the way Node resolves it (nearest `node_modules` up
 * the tree), and everything reached is copied. `dev` is recomputed for the consumer; `optional`
 * (platform-specific binaries) is kept, so npm skips those that do not fit the machine.
 */
export function offlineLockfile(rootLockFile: string, consumer: ConsumerPackageJson, gatewright: PackedTarball): Record<string, unknown> {
  const root = JSON.parse(fs.readFileSync(rootLockFile, 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, LockEntry> = {
    ...root.packages,
    'node_modules/gatewright': {
      version: gatewright.manifest.version,
      resolved: gatewright.spec,
      integrity: gatewright.integrity,
      license: gatewright.manifest.license,
      dependencies: gatewright.manifest.dependencies,
      peerDependencies: gatewright.manifest.peerDependencies,
      peerDependenciesMeta: gatewright.manifest.peerDependenciesMeta,
      bin: gatewright.manifest.bin,
      engines: gatewright.manifest.engines,
    },
  };
  const locate = (from: string, name: string): string | undefined => {
    for (let dir = from; ; ) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (packages[candidate] && !packages[candidate].link) return candidate;
      if (!dir) return undefined;
      const up = dir.lastIndexOf('/node_modules/');
      dir = up < 0 ? '' : dir.slice(0, up);
    }
  };
  const edgesOf = (location: string, entry: LockEntry) => {
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    return [
      ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
      ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
      ...Object.keys(entry.peerDependencies ?? {}).map((name) => ({ name, optional: Boolean(optionalPeers[name]?.optional) })),
    ].map((e) => ({ ...e, from: location }));
  };

  /** Locations reached from `names` (at the root), following required and optional edges. */
  const reach = (names: readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const queue = names.map((name) => ({ name, from: '', optional: false }));
    while (queue.length) {
      const edge = queue.shift()!;
      const at = locate(edge.from, edge.name);
      if (!at) {
        // A peer nobody installs (e.g. gatewright's optional @pulumi/*), or an optional dependency for another platform.
        if (edge.optional) continue;
        throw new Error(`${edge.name} (needed by ${edge.from || 'the consumer'}) is not in ${rootLockFile}; the offline install cannot have it`);
      }
      if (seen.has(at)) continue;
      seen.add(at);
      queue.push(...edgesOf(at, packages[at]));
    }
    return seen;
  };
  const prod = reach(Object.keys(consumer.dependencies ?? {}));
  const all = reach([...Object.keys(consumer.dependencies ?? {}), ...Object.keys(consumer.devDependencies ?? {})]);

  const lock: Record<string, LockEntry> = {
    '': { name: consumer.name, version: consumer.version, dependencies: { ...(consumer.dependencies ?? {}) }, devDependencies: { ...(consumer.devDependencies ?? {}) } },
  };
  for (const location of [...all].sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = packages[location];
    lock[location] = { ...entry, ...(prod.has(location) ? {} : { dev: true }) };
  }
  return { name: consumer.name, version: consumer.version, lockfileVersion: 3, requires: true, packages: lock };
}

/** Writes `package.json` and the matching offline `package-lock.json` into `dir`. */
export function writeOfflineProject(dir: string, rootLockFile: string, consumer: ConsumerPackageJson, gatewright: PackedTarball): void {
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(consumer, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(offlineLockfile(rootLockFile, consumer, gatewright), null, 2)}\n`);
}

import * as fs from 'node:fs';
import * as path from 'node:path';

/** What the CLI needs from gatewright's own package.json. */
export interface PackageInfo {
  /** `gatewright`. */
  readonly name: string;
  /** The installed version, e.g. `0.1.0`. */
  readonly version: string;
  /** Peer dependency ranges (cdk8s, constructs, …), for `gatewright init`. */
  readonly peerDependencies: Readonly<Record<string, string>>;
  /** Development dependency ranges (typescript, tsx, vitest, …), for `gatewright init`. */
  readonly devDependencies: Readonly<Record<string, string>>;
}

let cached: PackageInfo | undefined;

/**
 * gatewright's package.json, found by walking up from this file: `src/cli/` in the repository,
 * `lib/src/cli/` in the installed package, so no fixed depth works for both.
 */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PackageInfo>;
      if (json.name === 'gatewright') {
        cached = { name: json.name, version: json.version ?? '0.0.0', peerDependencies: json.peerDependencies ?? {}, devDependencies: json.devDependencies ?? {} };
        return cached;
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`gatewright's package.json not found above ${__dirname}`);
  }
}

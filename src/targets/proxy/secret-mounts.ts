import { createHash } from 'node:crypto';
import { secretRefsOfRoute, type ApiRouteModel, type SecretRefModel } from '../../model';

/** One Kubernetes Secret the reference proxy reads, with exactly the keys its routes use. */
export interface ProxySecretMount {
  readonly secretName: string;
  /** Pod volume name: a DNS-1123 label derived from the Secret name. */
  readonly volumeName: string;
  /** `<secretsDir>/<secretName>`: the directory the proxy reads `<key>` files from. */
  readonly mountPath: string;
  /** Data keys projected into the directory, sorted, each once. */
  readonly keys: readonly string[];
}

/**
 * The Secret mounts a proxy running `routes` needs. Only the keys a route references are
 * projected, so a Secret shared with other workloads never exposes its other keys to the
 * proxy. Sorted by Secret name for stable manifests.
 */
export function proxySecretMounts(routes: readonly ApiRouteModel[], secretsDir: string): ProxySecretMount[] {
  const keysBySecret = new Map<string, Set<string>>();
  for (const ref of routes.flatMap(secretRefsOfRoute)) {
    const keys = keysBySecret.get(ref.secretName) ?? new Set<string>();
    keys.add(ref.key);
    keysBySecret.set(ref.secretName, keys);
  }
  const dir = secretsDir.replace(/\/$/, '');
  return [...keysBySecret.keys()].sort().map((secretName) => ({
    secretName,
    volumeName: secretVolumeName(secretName),
    mountPath: `${dir}/${secretName}`,
    keys: [...keysBySecret.get(secretName)!].sort(),
  }));
}

/** Every Secret reference of `routes`, each (secret, key) once, in first-use order. */
export function uniqueSecretRefs(routes: readonly ApiRouteModel[]): SecretRefModel[] {
  const seen = new Map<string, SecretRefModel>();
  for (const ref of routes.flatMap(secretRefsOfRoute)) {
    const id = `${ref.secretName}\u0000${ref.key}`;
    if (!seen.has(id)) seen.set(id, ref);
  }
  return [...seen.values()];
}

/**
 * Volume names are DNS-1123 labels (at most 63 characters, no dots) while Secret names are
 * subdomains (up to 253, dots allowed): long names keep a readable head and a hash tail.
 */
export function secretVolumeName(secretName: string): string {
  const name = `secret-${secretName.replace(/\./g, '-')}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(secretName).digest('hex').slice(0, 8);
  return `${name.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

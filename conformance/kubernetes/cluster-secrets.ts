import { createHash } from 'node:crypto';
import type { SecretRefModel } from '../../src/model';
import type { KubeObject } from '../app/synthesized-app';
import { renderEsoTemplate, TemplateError } from './eso-template';

/** `namespace` → Secret name → key → value. */
type SecretTable = Map<string, Map<string, Map<string, string>>>;

/**
 * The Secrets a cluster would hold once the platform team's secrets exist and External
 * Secrets Operator has synced them: every key anything references gets a test value, and
 * every ExternalSecret `target.template` key is computed from the synced keys exactly as
 * ESO would (see `eso-template.ts`). Engines then read them the way they do in a cluster:
 * mounted files (reference proxy), env vars from `secretKeyRef` (Oathkeeper, OAuth2 Proxy),
 * Secret objects listed from the API (Traefik).
 *
 * Values are 32 ASCII characters derived from the Secret name and key: valid wherever a
 * length is checked (OAuth2 Proxy cookie secrets, token-store keys), recognizable in a
 * backend's headers, and never real secrets.
 */
export class ClusterSecrets {
  private readonly table: SecretTable = new Map();

  /** Secrets for everything `objects` and `refs` reference; `defaultNamespace` for refs without one. */
  static materialize(objects: readonly KubeObject[], refs: readonly SecretRefModel[], defaultNamespace: string): ClusterSecrets {
    const secrets = new ClusterSecrets();
    for (const ref of refs) secrets.declare(defaultNamespace, ref.secretName, ref.key);
    for (const o of objects) {
      const ns = o.metadata.namespace ?? defaultNamespace;
      for (const ref of secretKeyRefsOf(o)) secrets.declare(ns, ref.name, ref.key);
      if (o.kind === 'ExternalSecret') {
        const target: string = o.spec?.target?.name ?? o.metadata.name;
        for (const d of o.spec?.data ?? []) secrets.declare(ns, target, d.secretKey);
      }
    }
    // Templates last: they read the synced keys (and ESO merges their output next to them).
    for (const o of objects) {
      if (o.kind !== 'ExternalSecret' || !o.spec?.target?.template?.data) continue;
      const ns = o.metadata.namespace ?? defaultNamespace;
      const target: string = o.spec.target.name ?? o.metadata.name;
      const synced = Object.fromEntries(secrets.keysOf(ns, target));
      for (const [key, template] of Object.entries(o.spec.target.template.data as Record<string, string>)) {
        try {
          secrets.set(ns, target, key, renderEsoTemplate(template, synced));
        } catch (err) {
          const why = err instanceof TemplateError ? err.message : String(err);
          throw new Error(`ExternalSecret ${ns}/${o.metadata.name}: template for key "${key}" cannot be evaluated: ${why}`);
        }
      }
    }
    return secrets;
  }

  /** The value of `name`/`key`, looked up in `namespace` first, then anywhere. */
  value(name: string, key: string, namespace?: string): string | undefined {
    if (namespace !== undefined) {
      const v = this.table.get(namespace)?.get(name)?.get(key);
      if (v !== undefined) return v;
    }
    for (const byName of this.table.values()) {
      const v = byName.get(name)?.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Overrides one value (e.g. an OIDC client id the identity provider registered). */
  set(namespace: string, name: string, key: string, value: string): void {
    let byName = this.table.get(namespace);
    if (!byName) this.table.set(namespace, (byName = new Map()));
    let keys = byName.get(name);
    if (!keys) byName.set(name, (keys = new Map()));
    keys.set(key, value);
  }

  /** Every Secret as `[namespace, name, data]`. */
  entries(): [string, string, Record<string, string>][] {
    const out: [string, string, Record<string, string>][] = [];
    for (const [ns, byName] of this.table) for (const [name, keys] of byName) out.push([ns, name, Object.fromEntries(keys)]);
    return out;
  }

  /** Secret objects (`v1/Secret`, `Opaque`, data base64) for the API stand-in. */
  toObjects(): KubeObject[] {
    return this.entries().map(([namespace, name, data]) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
      type: 'Opaque',
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
    }));
  }

  private keysOf(namespace: string, name: string): [string, string][] {
    return [...(this.table.get(namespace)?.get(name) ?? new Map<string, string>())];
  }

  private declare(namespace: string, name: string, key: string): void {
    if (this.table.get(namespace)?.get(name)?.has(key)) return;
    this.set(namespace, name, key, testValue(name, key));
  }
}

/** 32 ASCII characters: `cv-` and a digest of the Secret name and key. */
export function testValue(name: string, key: string): string {
  return `cv-${createHash('sha256').update(`${name}/${key}`).digest('hex').slice(0, 29)}`;
}

/** Every `secretKeyRef` of a workload's containers (env) or of Helm-values-like `extraEnv`. */
export function secretKeyRefsOf(o: { spec?: any }): { name: string; key: string }[] {
  const refs: { name: string; key: string }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const r = (node as { secretKeyRef?: { name?: unknown; key?: unknown } }).secretKeyRef;
      if (r && typeof r.name === 'string' && typeof r.key === 'string') refs.push({ name: r.name, key: r.key });
      for (const v of Object.values(node)) visit(v);
    }
  };
  visit(o.spec);
  return refs;
}

import { Lazy } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { ExternalSecret, type ExternalSecretSpec } from '../../../imports/external-secrets.io';
import { ErrorCode, GatewrightError, type SecretRefModel, type StoreRefModel } from '../../model';
import { renderExternalSecretSpec, type SyncedKey, type SyncedSecret } from '../../targets/external-secrets/external-secret';
import type { RenderedSecretKey } from '../../targets/rendered-secret-key';
import { parentChartOf } from '../parent-chart';
import { AppPlan } from '../plan/app-plan';
import { storeRegistryOf } from './store-registry';

export { DEFAULT_REFRESH_INTERVAL } from '../../targets/external-secrets/external-secret';

interface Entry {
  readonly store: StoreRefModel;
  readonly keys: Map<string, SyncedKey>;
  readonly templates: Map<string, { template: string; owner: string }>;
  /** Who first needed the Secret: named by the namespace check. */
  readonly firstUser: string;
}

/**
 * Every Secret key that rendered manifests reference, for one namespace of the whole app:
 * one `ExternalSecret` per Kubernetes Secret, syncing **only** those keys. App-wide, so two
 * charts or gateways that use one Secret get one ExternalSecret (in the chart that used it
 * first), never two that replace each other; the spec is lazy so later routes still count.
 */
export class SecretSync extends Construct {
  /** The sync of `namespace` in `scope`'s app, created (in `scope`'s chart) on first use. */
  static of(scope: IConstruct, namespace: string | undefined): SecretSync {
    const ns = namespace ?? '';
    return AppPlan.of(scope).singleton(`secret-sync:${ns}`, () => new SecretSync(parentChartOf(scope), `gatewright-secrets-${namespace ?? 'default-ns'}`, namespace));
  }

  private readonly secrets = new Map<string, Entry>();

  private constructor(
    scope: Construct,
    id: string,
    private readonly namespace: string | undefined,
  ) {
    super(scope, id);
    AppPlan.of(this).addCheck(() => this.storeNamespaceErrors());
  }

  /** Registers what a renderer referenced; keys without a source are left to the user. */
  add(keys: readonly RenderedSecretKey[], usedBy: string): void {
    for (const k of keys) {
      if (k.kind === 'declared') {
        this.addDeclared(k.ref, usedBy);
        continue;
      }
      k.derived.inputs.forEach((ref) => this.addDeclared(ref, usedBy));
      const entry = this.secrets.get(k.derived.secretName);
      if (!entry) continue;
      const existing = entry.templates.get(k.derived.key);
      if (existing && existing.template !== k.template) {
        // Derived keys are allocated from their full inputs, so this means a digest collision.
        throw new GatewrightError({
          code: ErrorCode.CONFLICT,
          path: usedBy,
          field: `Secret "${k.derived.secretName}"`,
          problem: `derives key "${k.derived.key}" differently from ${existing.owner}`,
          fix: 'rename one of the input keys; this should not happen, please report it',
        });
      }
      entry.templates.set(k.derived.key, { template: k.template, owner: usedBy });
    }
  }

  private addDeclared(ref: SecretRefModel, usedBy: string): void {
    if (!ref.source) return;
    let entry = this.secrets.get(ref.secretName);
    if (!entry) {
      entry = { store: ref.source.store, keys: new Map(), templates: new Map(), firstUser: usedBy };
      this.secrets.set(ref.secretName, entry);
      this.emit(ref.secretName, entry);
    }
    const conflict = (problem: string) =>
      new GatewrightError({ code: ErrorCode.CONFLICT, path: usedBy, field: `Secret "${ref.secretName}"`, problem, fix: 'use one source per Kubernetes Secret key, or give the Secret another name' });
    if (entry.store.name !== ref.source.store.name || entry.store.kind !== ref.source.store.kind) {
      throw conflict(`is synced from store "${entry.store.name}" for ${entry.firstUser}, not from "${ref.source.store.name}"`);
    }
    const wanted: SyncedKey = { remoteKey: ref.source.remoteKey, property: ref.source.property };
    const existing = entry.keys.get(ref.key);
    if (existing && (existing.remoteKey !== wanted.remoteKey || existing.property !== wanted.property)) {
      throw conflict(`key "${ref.key}" is already synced from another secret-manager entry`);
    }
    entry.keys.set(ref.key, wanted);
  }

  private emit(secretName: string, entry: Entry): void {
    const secret = (): SyncedSecret => ({
      secretName,
      store: entry.store,
      keys: entry.keys,
      templates: new Map([...entry.templates].map(([k, v]) => [k, v.template])),
    });
    new ExternalSecret(this, secretName, {
      metadata: { name: secretName, ...(this.namespace ? { namespace: this.namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'gatewright' } },
      spec: Lazy.any({ produce: () => renderExternalSecretSpec(secret()) }) as unknown as ExternalSecretSpec,
    });
  }

  /**
   * ESO resolves a namespaced `SecretStore` in the ExternalSecret's own namespace: a store that
   * gatewright created in another namespace would never be found.
   */
  private storeNamespaceErrors(): string[] {
    const stores = storeRegistryOf(this);
    const errors: string[] = [];
    for (const [secretName, entry] of this.secrets) {
      if (entry.store.kind !== 'SecretStore') continue;
      const declared = stores.filter((s) => s.name === entry.store.name && s.kind === 'SecretStore');
      if (declared.length === 0 || declared.some((s) => (s.namespace ?? '') === (this.namespace ?? ''))) continue;
      errors.push(
        new GatewrightError({
          code: ErrorCode.CROSS_NAMESPACE,
          path: entry.firstUser,
          field: `Secret "${secretName}"`,
          problem: `is synced into namespace "${this.namespace ?? '(default)'}", where the gateway reads it, but SecretStore "${entry.store.name}" (${declared[0].path}) lives in "${declared[0].namespace ?? '(default)'}"; ESO looks a SecretStore up in the ExternalSecret's namespace, so the Secret would never sync`,
          fix: `create the store in namespace "${this.namespace ?? 'default'}" (its \`namespace\` prop), or use a ClusterSecretStore (fromClusterSecretStore)`,
        }).message,
      );
    }
    return errors;
  }
}

import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ExternalSecret, type ExternalSecretSpec } from '../../../imports/external-secrets.io';
import { ErrorCode, GatewrightError, type SecretRefModel, type StoreRefModel } from '../../model';
import type { RenderedSecretKey } from '../../targets/rendered-secret-key';
import { parentChartOf } from '../parent-chart';

/** Default ESO refresh interval: how soon a rotated secret reaches the cluster. */
export const DEFAULT_REFRESH_INTERVAL = '1h';

interface SyncedKey {
  readonly remoteKey: string;
  readonly property?: string;
}

interface SyncedSecret {
  readonly store: StoreRefModel;
  readonly keys: Map<string, SyncedKey>;
  readonly templates: Map<string, string>;
}

/**
 * Collects every Secret key that rendered manifests reference and emits one
 * `ExternalSecret` per Kubernetes Secret, syncing **only** those keys. One per chart and
 * namespace, created on first use; the spec is lazy so later routes still count.
 */
export class SecretSync extends Construct {
  /** The sync of `scope`'s chart for `namespace`, created on first use. */
  static of(scope: Construct, namespace: string | undefined): SecretSync {
    const chart = parentChartOf(scope);
    const id = `gatewright-secrets-${namespace ?? 'default-ns'}`;
    return (chart.node.tryFindChild(id) as SecretSync | undefined) ?? new SecretSync(chart, id, namespace);
  }

  private readonly secrets = new Map<string, SyncedSecret>();

  private constructor(
    scope: Construct,
    id: string,
    private readonly namespace: string | undefined,
  ) {
    super(scope, id);
  }

  /** Registers what a renderer referenced; keys without a source are left to the user. */
  add(keys: readonly RenderedSecretKey[], usedBy: string): void {
    for (const k of keys) {
      if (k.kind === 'declared') {
        this.addDeclared(k.ref, usedBy);
      } else {
        k.inputs.forEach((ref) => this.addDeclared(ref, usedBy));
        const entry = this.secrets.get(k.secretName);
        if (entry) entry.templates.set(k.key, k.template);
      }
    }
  }

  private addDeclared(ref: SecretRefModel, usedBy: string): void {
    if (!ref.source) return;
    let entry = this.secrets.get(ref.secretName);
    if (!entry) {
      entry = { store: ref.source.store, keys: new Map(), templates: new Map() };
      this.secrets.set(ref.secretName, entry);
      this.emit(ref.secretName, entry);
    }
    const conflict = (problem: string) =>
      new GatewrightError({ code: ErrorCode.CONFLICT, path: usedBy, field: `SecretRef(${ref.secretName}:${ref.key})`, problem, fix: 'use one source per Kubernetes Secret key, or give the Secret another name' });
    if (entry.store.name !== ref.source.store.name || entry.store.kind !== ref.source.store.kind) {
      throw conflict(`Secret "${ref.secretName}" is synced from store "${entry.store.name}" elsewhere, not "${ref.source.store.name}"`);
    }
    const wanted: SyncedKey = { remoteKey: ref.source.remoteKey, property: ref.source.property };
    const existing = entry.keys.get(ref.key);
    if (existing && (existing.remoteKey !== wanted.remoteKey || existing.property !== wanted.property)) {
      throw conflict(`key "${ref.key}" is already synced from "${existing.remoteKey}${existing.property ? `#${existing.property}` : ''}"`);
    }
    entry.keys.set(ref.key, wanted);
  }

  private emit(secretName: string, entry: SyncedSecret): void {
    new ExternalSecret(this, secretName, {
      metadata: {
        name: secretName,
        ...(this.namespace ? { namespace: this.namespace } : {}),
        labels: { 'app.kubernetes.io/managed-by': 'gatewright' },
      },
      spec: Lazy.any({ produce: () => this.specFor(secretName, entry) }) as unknown as ExternalSecretSpec,
    });
  }

  private specFor(secretName: string, entry: SyncedSecret): unknown {
    const keys = [...entry.keys.keys()].sort();
    const templates = [...entry.templates.keys()].sort();
    return {
      refreshInterval: DEFAULT_REFRESH_INTERVAL,
      secretStoreRef: { name: entry.store.name, kind: entry.store.kind },
      target: {
        name: secretName,
        creationPolicy: 'Owner',
        ...(templates.length
          ? {
              template: {
                engineVersion: 'v2',
                // Merge: the synced keys stay, the computed ones are added next to them.
                mergePolicy: 'Merge',
                data: Object.fromEntries(templates.map((k) => [k, entry.templates.get(k)!])),
              },
            }
          : {}),
      },
      data: keys.map((secretKey) => {
        const k = entry.keys.get(secretKey)!;
        return { secretKey, remoteRef: { key: k.remoteKey, ...(k.property ? { property: k.property } : {}) } };
      }),
    };
  }
}

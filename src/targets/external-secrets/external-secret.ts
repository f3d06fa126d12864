import type { StoreRefModel } from '../../model';

/** Default ESO refresh interval: how soon a rotated secret reaches the cluster. */
export const DEFAULT_REFRESH_INTERVAL = '1h';

/** One synced key: where in the secret manager it comes from. */
export interface SyncedKey {
  readonly remoteKey: string;
  readonly property?: string;
}

/** Everything one ExternalSecret materializes into one Kubernetes Secret. */
export interface SyncedSecret {
  readonly secretName: string;
  readonly store: StoreRefModel;
  /** Declared keys, by Secret key. */
  readonly keys: ReadonlyMap<string, SyncedKey>;
  /** Derived keys, by Secret key: the ESO template computing each. */
  readonly templates: ReadonlyMap<string, string>;
}

/**
 * The `spec` of the ExternalSecret for one Secret: exactly the keys in use, from one store,
 * plus the derived keys its template computes next to them (merge policy: the synced keys stay).
 * Keys are sorted, so the manifest does not change with declaration order.
 */
export function renderExternalSecretSpec(secret: SyncedSecret): Record<string, unknown> {
  const keys = [...secret.keys.keys()].sort();
  const templates = [...secret.templates.keys()].sort();
  return {
    refreshInterval: DEFAULT_REFRESH_INTERVAL,
    secretStoreRef: { name: secret.store.name, kind: secret.store.kind },
    target: {
      name: secret.secretName,
      creationPolicy: 'Owner',
      ...(templates.length
        ? { template: { engineVersion: 'v2', mergePolicy: 'Merge', data: Object.fromEntries(templates.map((k) => [k, secret.templates.get(k)!])) } }
        : {}),
    },
    data: keys.map((secretKey) => {
      const k = secret.keys.get(secretKey)!;
      return { secretKey, remoteRef: { key: k.remoteKey, ...(k.property ? { property: k.property } : {}) } };
    }),
  };
}

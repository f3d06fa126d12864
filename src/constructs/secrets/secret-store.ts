import type { StoreRefModel } from '../../model';
import { SecretRef } from './secret-ref';

/** Options for a {@link SecretRef} synced from a secret manager. */
export interface SecretRefFromStoreOptions {
  /** Secret id / name (AWS: name or ARN; OCI: secret name in the vault). */
  readonly remoteKey: string;
  /**
   * JSON property inside the remote secret.
   * @default - the whole remote value
   */
  readonly property?: string;
  /** Kubernetes Secret the value lands in (the one middlewares reference). */
  readonly secretName: string;
  /** Data key inside that Kubernetes Secret. */
  readonly key: string;
  /**
   * Full ARN of the remote secret (AWS only), so IAM grants can name it exactly.
   * @default - derived from remoteKey when it is an ARN
   */
  readonly arn?: string;
}

/** A store External Secrets Operator reads from. */
export interface ISecretStore {
  /** How ExternalSecrets point at this store. */
  readonly storeRef: StoreRefModel;
  /** A reference whose Kubernetes Secret gatewright materializes with an ExternalSecret. */
  secretRef(options: SecretRefFromStoreOptions): SecretRef;
}

/** @internal shared by the store implementations: a SecretRef an ExternalSecret will fill from `store` */
export function sourcedSecretRef(store: StoreRefModel, o: SecretRefFromStoreOptions): SecretRef {
  const arn = o.arn ?? (typeof o.remoteKey === 'string' && o.remoteKey.startsWith('arn:') ? o.remoteKey : undefined);
  return SecretRef._fromSource(o.secretName, o.key, {
    store,
    remoteKey: o.remoteKey,
    ...(o.property ? { property: o.property } : {}),
    ...(arn ? { arn } : {}),
  });
}

/** @internal a store that already exists in the cluster, referenced by name (what `fromClusterSecretStore` / `fromSecretStore` return) */
export class ExistingSecretStore implements ISecretStore {
  constructor(readonly storeRef: StoreRefModel) {}

  secretRef(options: SecretRefFromStoreOptions): SecretRef {
    return sourcedSecretRef(this.storeRef, options);
  }
}

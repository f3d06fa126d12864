import type { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { SecretStore, SecretStoreSpecProviderOraclePrincipalType } from '../../../imports/external-secrets.io';
import { dnsLabel, dnsSubdomain, parseOrThrow, type StoreRefModel } from '../../model';
import { parentChartOf } from '../parent-chart';
import type { SecretRef } from './secret-ref';
import { storeRegistryOf } from './store-registry';
import { ExistingSecretStore, sourcedSecretRef, type ISecretStore, type SecretRefFromStoreOptions } from './secret-store';
import { keysOf, rejectUnknownProps } from '../props/check-props';

/** Props of {@link OciVaultStore}. */
export interface OciVaultStoreProps {
  /** OCID of the vault (`ocid1.vault.oc1...`). */
  readonly vaultOcid: string;
  /** OCI region, e.g. `eu-frankfurt-1`. */
  readonly region: string;
  /**
   * Service account ESO authenticates as through OKE workload identity. Give it an IAM
   * policy for exactly this vault (see `stacks/oke`).
   */
  readonly serviceAccountName: string;
  /**
   * Compartment OCID, required by ESO when it must look secrets up by name across a
   * compartment.
   * @default - not set
   */
  readonly compartmentOcid?: string;
  /**
   * Name of the SecretStore.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the SecretStore.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

const ocid = (kind: string) =>
  z.string().regex(new RegExp(`^ocid1\\.${kind}\\.[a-z0-9-]+\\.[a-z0-9-]*(\\.[a-z0-9-]+)+$`), {
    message: `must be an OCI ${kind} OCID ("ocid1.${kind}.oc1.<region>.<id>")`,
  });

const propsSchema = z.object({
  vaultOcid: ocid('vault'),
  region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, { message: 'must be an OCI region such as "eu-frankfurt-1"' }),
  serviceAccountName: dnsSubdomain,
  compartmentOcid: ocid('compartment').optional(),
  name: dnsSubdomain,
  namespace: dnsLabel.optional(),
});

const OCI_VAULT_STORE_PROPS = keysOf<OciVaultStoreProps>()(['vaultOcid', 'region', 'serviceAccountName', 'compartmentOcid', 'name', 'namespace']);

/**
 * A namespaced External Secrets `SecretStore` for OCI Vault, authenticated with OKE
 * workload identity (`principalType: Workload`): no API keys in the cluster.
 */
export class OciVaultStore extends Construct implements ISecretStore {
  /** Reference an existing `ClusterSecretStore` backed by OCI Vault. */
  static fromClusterSecretStore(name: string): ISecretStore {
    return new ExistingSecretStore({ name, kind: 'ClusterSecretStore', provider: 'ociVault' });
  }

  /** Reference an existing namespaced `SecretStore` backed by OCI Vault. */
  static fromSecretStore(name: string): ISecretStore {
    return new ExistingSecretStore({ name, kind: 'SecretStore', provider: 'ociVault' });
  }

  readonly storeRef: StoreRefModel;
  /** The vault OCID. */
  readonly vaultOcid: string;
  /** The service account ESO uses (for the IAM policy statement). */
  readonly serviceAccountName: string;
  /** Namespace of the store and its service account. */
  readonly namespace?: string;

  constructor(scope: Construct, id: string, props: OciVaultStoreProps) {
    super(scope, id);
    rejectUnknownProps(props, OCI_VAULT_STORE_PROPS, this.node.path, 'OciVaultStore');
    const p = parseOrThrow(propsSchema, { ...props, name: props.name ?? id }, this.node.path);
    this.vaultOcid = p.vaultOcid;
    this.serviceAccountName = p.serviceAccountName;
    this.namespace = p.namespace ?? parentChartOf(this).namespace;
    this.storeRef = { name: p.name, kind: 'SecretStore', provider: 'ociVault' };
    storeRegistryOf(this).push({ name: p.name, kind: 'SecretStore', ...(this.namespace ? { namespace: this.namespace } : {}), path: this.node.path });
    const metadata: ApiObjectMetadata = { name: p.name, ...(this.namespace ? { namespace: this.namespace } : {}) };
    new SecretStore(this, 'Resource', {
      metadata,
      spec: {
        provider: {
          oracle: {
            vault: p.vaultOcid,
            region: p.region,
            principalType: SecretStoreSpecProviderOraclePrincipalType.WORKLOAD,
            serviceAccountRef: { name: p.serviceAccountName },
            ...(p.compartmentOcid ? { compartment: p.compartmentOcid } : {}),
          },
        },
      },
    });
  }

  secretRef(options: SecretRefFromStoreOptions): SecretRef {
    return sourcedSecretRef(this.storeRef, options);
  }
}

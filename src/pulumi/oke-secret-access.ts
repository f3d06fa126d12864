import { ServiceAccount } from '@pulumi/kubernetes/core/v1';
import type * as pulumi from '@pulumi/pulumi';
import { okeWorkloadPolicyFromSecrets } from './oke-workload-policy';
import type { ISecretAccess, SecretAccessContext, SecretAccessGrant } from './secret-access';

/** Options of {@link OkeSecretAccess.workloadIdentity}. */
export interface OkeWorkloadIdentityOptions {
  /** Compartment holding the vaults' secrets (`ocid1.compartment...`, or the tenancy OCID). */
  readonly compartmentOcid: string;
  /** OCID of the (enhanced) OKE cluster: workload identity exists on enhanced clusters only. */
  readonly clusterOcid: string;
  /**
   * Create the ServiceAccount each `OciVaultStore` authenticates as, in the store's namespace.
   * Turn off when the ServiceAccounts exist already (e.g. created by the ESO Helm release).
   * @default true
   */
  readonly createServiceAccounts?: boolean;
  /**
   * Creates the OCI IAM policy from the computed statements, e.g. with `@pulumi/oci`:
   * `(statements, opts) => new oci.identity.Policy('eso-read', { compartmentId, description, statements }, opts)`.
   * The ExternalSecrets are then applied after it. gatewright does not depend on `@pulumi/oci`.
   * @default - the statements are only an output (`ociPolicyStatements`), for a tenancy admin to create
   */
  readonly createPolicy?: (statements: string[], opts: pulumi.CustomResourceOptions) => pulumi.Resource;
}

/** Secret access on Oracle Kubernetes Engine (OKE). */
export class OkeSecretAccess {
  /**
   * OKE workload identity: an OCI IAM policy lets each `OciVaultStore`'s service account read
   * exactly the vault secrets read through that store (`read secret-bundles … where
   * target.secret.name = '…'`), so no API key lives in the cluster. No annotation is needed:
   * the policy names the service account.
   * @see https://docs.oracle.com/en-us/iaas/Content/ContEng/Tasks/contenggrantingworkloadaccesstoresources.htm
   */
  static workloadIdentity(options: OkeWorkloadIdentityOptions): ISecretAccess {
    return {
      grant(name: string, context: SecretAccessContext): SecretAccessGrant {
        const statements = okeWorkloadPolicyFromSecrets({
          compartmentOcid: options.compartmentOcid,
          clusterOcid: options.clusterOcid,
          secrets: context.secrets,
        });
        const resources: pulumi.Resource[] = [];
        if (options.createServiceAccounts ?? true) {
          const accounts = new Map<string, { namespace: string; name: string }>();
          for (const store of context.stores) {
            if (store.provider !== 'ociVault' || !store.serviceAccountName || !store.namespace) continue;
            accounts.set(`${store.namespace}/${store.serviceAccountName}`, { namespace: store.namespace, name: store.serviceAccountName });
          }
          for (const [key, sa] of [...accounts].sort(([a], [b]) => a.localeCompare(b))) {
            const id = accounts.size === 1 ? `${name}-${sa.name}` : `${name}-${key.replace('/', '-')}`;
            resources.push(
              new ServiceAccount(
                id,
                { metadata: { name: sa.name, namespace: sa.namespace, labels: { 'app.kubernetes.io/managed-by': 'gatewright' } } },
                { parent: context.parent, provider: context.provider, dependsOn: [...context.namespaces] },
              ),
            );
          }
        }
        if (options.createPolicy && statements.length) resources.push(options.createPolicy(statements, { parent: context.parent }));
        return { resources, outputs: { ociPolicyStatements: statements } };
      },
    };
  }
}

import type { Provider } from '@pulumi/kubernetes/provider';
import type * as pulumi from '@pulumi/pulumi';
import type { App } from 'cdk8s';
import type { ReferencedSecret, SecretStoreDescriptor } from './referenced-secrets';

/** What a {@link ISecretAccess} is given: the app and the secrets its routes and ExternalSecrets read. */
export interface SecretAccessContext {
  /** The component the grant's resources are created under (`{ parent }`). */
  readonly parent: pulumi.Resource;
  /** The synthesized app. */
  readonly app: App;
  /** Every remote secret the app reads, from `collectReferencedSecrets(app)`. */
  readonly secrets: readonly ReferencedSecret[];
  /** Every SecretStore / ClusterSecretStore the app declares. */
  readonly stores: readonly SecretStoreDescriptor[];
  /** The cluster, for ServiceAccounts the grant creates. */
  readonly provider: Provider;
  /** Namespaces the stack creates: a ServiceAccount in one of them must wait for it. */
  readonly namespaces: readonly pulumi.Resource[];
}

/** The resources a grant created and what it reports. */
export interface SecretAccessGrant {
  /** What must exist before the ExternalSecrets are applied (roles, policies, ServiceAccounts). */
  readonly resources: readonly pulumi.Resource[];
  /** Values worth a stack output (role ARNs, policy documents, OCI policy statements), by name. */
  readonly outputs: Readonly<Record<string, pulumi.Input<unknown>>>;
}

/**
 * How External Secrets Operator gets read access to exactly the secrets the app references:
 * `AwsSecretAccess.irsa(...)` / `AwsSecretAccess.podIdentity(...)` (from `gatewright/pulumi/aws`),
 * `OkeSecretAccess.workloadIdentity(...)`, or your own implementation.
 */
export interface ISecretAccess {
  /** Creates the grants under `context.parent`; `name` prefixes the resource names. */
  grant(name: string, context: SecretAccessContext): SecretAccessGrant;
}

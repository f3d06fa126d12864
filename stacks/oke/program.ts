/**
 * OKE: deploys the cdk8s app named by `gatewright:app` with GatewrightStack, External Secrets
 * Operator reading OCI Vault through OKE workload identity (no API key in the cluster). The OCI
 * IAM policy is an output (`ociPolicyStatements`) for a tenancy admin to create with
 * `oci iam policy create` (gatewright does not depend on `@pulumi/oci`; your own program can pass
 * `createPolicy` to create it).
 */
import { Provider } from '@pulumi/kubernetes/provider';
import * as pulumi from '@pulumi/pulumi';
import { GatewrightStack, loadAppBuilder, OkeSecretAccess } from '../../src/pulumi';
import { CONFIG_NAMESPACE, readAppStackConfig, type AppStackConfig } from '../app-config';

/** Everything the OKE stack reads from `pulumi config` (namespace `gatewright`). */
export interface OkeStackConfig extends AppStackConfig {
  /** `gatewright:kubeconfig` (secret) — e.g. from `oci ce cluster create-kubeconfig`. */
  readonly kubeconfig: pulumi.Output<string>;
  /** `gatewright:clusterOcid` — the enhanced OKE cluster. */
  readonly clusterOcid: string;
  /** `gatewright:compartmentOcid` — the compartment of the vault secrets. */
  readonly compartmentOcid: string;
  /** `gatewright:createServiceAccounts` — create each OciVaultStore's service account. Default true. */
  readonly createServiceAccounts: boolean;
}

/**
 * `gatewright:waitForSecrets` defaults to false on OKE: the policy that lets ESO read the vault
 * is an output of this stack, created by a tenancy admin afterwards, so on the first `pulumi up`
 * the ExternalSecrets cannot become Ready. Set it once the policy exists.
 */
export function readOkeConfig(config = new pulumi.Config(CONFIG_NAMESPACE)): OkeStackConfig {
  return {
    ...readAppStackConfig(config, false),
    kubeconfig: config.requireSecret('kubeconfig'),
    clusterOcid: config.require('clusterOcid'),
    compartmentOcid: config.require('compartmentOcid'),
    createServiceAccounts: config.getBoolean('createServiceAccounts') ?? true,
  };
}

export async function deployOke(cfg: OkeStackConfig = readOkeConfig(), baseDir = process.cwd()) {
  const build = await loadAppBuilder(cfg.app, { exportName: cfg.appExport, baseDir, source: 'gatewright:app' });
  const provider = new Provider('oke', { kubeconfig: cfg.kubeconfig, enableServerSideApply: true });
  const stack = new GatewrightStack('gatewright', {
    app: build,
    provider,
    secretAccess: OkeSecretAccess.workloadIdentity({
      compartmentOcid: cfg.compartmentOcid,
      clusterOcid: cfg.clusterOcid,
      createServiceAccounts: cfg.createServiceAccounts,
    }),
    createNamespaces: cfg.createNamespaces,
    waitForSecrets: cfg.waitForSecrets,
    oathkeeper: cfg.oathkeeperChartVersion ? { version: cfg.oathkeeperChartVersion } : {},
    externalSecrets: { install: cfg.installExternalSecrets },
  });
  return { namespaces: stack.namespaces, ...stack.outputs };
}

import { ErrorCode, GatewrightError, isDnsLabel, isDnsSubdomain } from '../model';
import { ociVaultSecretNames, type ReferencedSecret, type SecretStoreDescriptor } from './referenced-secrets';

/** Arguments of {@link okeWorkloadPolicyStatements}. */
export interface OkeWorkloadPolicyArgs {
  /**
   * Compartment holding the vault's secrets (`ocid1.compartment...`, or the tenancy OCID, which
   * the statement names as `in tenancy`).
   */
  readonly compartmentOcid: string;
  /** OCID of the (enhanced) OKE cluster the workload runs in. */
  readonly clusterOcid: string;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Service account the workload (External Secrets Operator) runs as. */
  readonly serviceAccountName: string;
  /** OCID of the vault. */
  readonly vaultOcid: string;
  /**
   * Names of the secrets to read. Each becomes its own statement with
   * `target.secret.name = '…'`, so no other secret of the vault is readable.
   * @default - every secret of the vault (the statement is scoped by `target.vault.id` only)
   */
  readonly secretNames?: readonly string[];
}

/**
 * `ocid1.<type>.<realm>.[region][.future use].<unique id>`: vaults and keys carry the optional
 * segment (`ocid1.vault.oc1.eu-frankfurt-1.b5qvocelaaaao.abtheljs…`), tenancies an empty region
 * (`ocid1.tenancy.oc1..aaaa…`). No quote or space can appear, so the literal cannot be escaped.
 * @see https://docs.oracle.com/en-us/iaas/Content/General/Concepts/identifiers.htm
 */
const OCID = /^ocid1\.[a-z0-9]+\.[a-z0-9]+\.[a-z0-9-]*(\.[a-z0-9]+)?\.[a-z0-9]+$/;
/** OCI Vault secret names: letters, digits, `-`, `_`, `.` (and nothing that could close the quoted literal). */
const OCI_SECRET_NAME = /^[A-Za-z0-9._-]{1,255}$/;

/**
 * The OCI IAM policy statements that let one OKE workload-identity service account read secret
 * bundles (the values) of one vault — or of exactly the named secrets in it:
 *
 * ```
 * Allow any-user to read secret-bundles in compartment id <C> where all {request.principal.type = 'workload',
 *   request.principal.namespace = '<NS>', request.principal.service_account = '<SA>',
 *   request.principal.cluster_id = '<CLUSTER>', target.vault.id = '<VAULT>', target.secret.name = '<NAME>'}
 * ```
 *
 * `read secret-bundles` is what ESO's Oracle provider needs for `GetSecretBundleByName`.
 * Create them with `oci.identity.Policy` (`@pulumi/oci`) or hand them to the tenancy admin.
 * @see https://docs.oracle.com/en-us/iaas/Content/ContEng/Tasks/contenggrantingworkloadaccesstoresources.htm
 * @see https://docs.oracle.com/en-us/iaas/Content/Identity/Reference/keypolicyreference.htm
 */
export function okeWorkloadPolicyStatements(args: OkeWorkloadPolicyArgs): string[] {
  const where = 'okeWorkloadPolicyStatements';
  const bad = (field: string, problem: string, fix: string) => new GatewrightError({ code: ErrorCode.INVALID_PROPS, path: where, field, problem, fix });
  for (const [field, value] of [
    ['compartmentOcid', args.compartmentOcid],
    ['clusterOcid', args.clusterOcid],
    ['vaultOcid', args.vaultOcid],
  ] as const) {
    if (!OCID.test(value)) throw bad(field, `"${value}" is not an OCID`, 'copy the OCID from the OCI console, e.g. "ocid1.vault.oc1.eu-frankfurt-1.<id>"');
  }
  if (!isDnsLabel(args.namespace)) throw bad('namespace', 'is not a Kubernetes namespace name', 'give the namespace of the service account');
  if (!isDnsSubdomain(args.serviceAccountName)) throw bad('serviceAccountName', 'is not a Kubernetes service account name', 'give the service account name');
  const names = [...new Set(args.secretNames ?? [])].sort();
  for (const n of names) if (!OCI_SECRET_NAME.test(n)) throw bad('secretNames', `"${n}" is not an OCI Vault secret name`, 'use letters, digits, "-", "_" and "." only');
  if (args.secretNames && !names.length) {
    throw bad('secretNames', 'is empty: the policy would grant nothing', 'omit secretNames to grant the whole vault, or reference a secret');
  }
  const principal = [
    "request.principal.type = 'workload'",
    `request.principal.namespace = '${args.namespace}'`,
    `request.principal.service_account = '${args.serviceAccountName}'`,
    `request.principal.cluster_id = '${args.clusterOcid}'`,
    `target.vault.id = '${args.vaultOcid}'`,
  ];
  // The documented locations are `tenancy | compartment id <ocid>`: the root compartment is named `tenancy`.
  const location = args.compartmentOcid.startsWith('ocid1.tenancy.') ? 'tenancy' : `compartment id ${args.compartmentOcid}`;
  const statement = (extra: string[]) => `Allow any-user to read secret-bundles in ${location} where all {${[...principal, ...extra].join(', ')}}`;
  return names.length ? names.map((n) => statement([`target.secret.name = '${n}'`])) : [statement([])];
}

/** Arguments of {@link okeWorkloadPolicyFromSecrets}. */
export interface OkeWorkloadPolicyFromSecretsArgs {
  /** Compartment holding the vaults' secrets (`ocid1.compartment...` or the tenancy OCID). */
  readonly compartmentOcid: string;
  /** OCID of the (enhanced) OKE cluster the workloads run in. */
  readonly clusterOcid: string;
  /** Remote secrets from `collectReferencedSecrets(chart)`; only OCI Vault ones are used. */
  readonly secrets: readonly ReferencedSecret[];
  /**
   * Namespace of the store's service account when the store does not say (ClusterSecretStore).
   * @default - the store's namespace
   */
  readonly namespace?: string;
}

/**
 * Statements for every OCI Vault store the chart reads, each limited to the secrets read
 * through it and to the store's own workload-identity service account.
 */
export function okeWorkloadPolicyFromSecrets(args: OkeWorkloadPolicyFromSecretsArgs): string[] {
  const keyOf = (store: SecretStoreDescriptor) => `${store.kind}|${store.namespace ?? ''}|${store.name}`;
  const stores = new Map<string, SecretStoreDescriptor>();
  for (const s of args.secrets) if (s.store.provider === 'ociVault') stores.set(keyOf(s.store), s.store);
  const statements: string[] = [];
  for (const [key, store] of stores) {
    const namespace = store.namespace ?? args.namespace;
    if (!store.vaultOcid || !store.serviceAccountName || !namespace) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: `${store.kind}/${store.name}`,
        problem: 'does not name its vault, service account and namespace, so the policy cannot be scoped',
        fix: 'declare the store with OciVaultStore in the chart (it sets all three), or pass namespace for a ClusterSecretStore',
      });
    }
    const mine = args.secrets.filter((s) => keyOf(s.store) === key);
    const names = ociVaultSecretNames(mine).get(store.vaultOcid) ?? [];
    statements.push(
      ...okeWorkloadPolicyStatements({
        compartmentOcid: args.compartmentOcid,
        clusterOcid: args.clusterOcid,
        namespace,
        serviceAccountName: store.serviceAccountName,
        vaultOcid: store.vaultOcid,
        secretNames: names,
      }),
    );
  }
  return [...new Set(statements)];
}

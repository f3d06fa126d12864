import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { ErrorCode, GatewrightError, secretRefsOfRoute, type ApiRouteModel, type StoreRefModel } from '../model';

/** Which secret manager a store reads. */
export type SecretProvider = StoreRefModel['provider'];

/** A SecretStore / ClusterSecretStore as declared in the chart, or as known from the model. */
export interface SecretStoreDescriptor {
  /** Name of the store object. */
  readonly name: string;
  /** Namespaced `SecretStore` or cluster-wide `ClusterSecretStore`. */
  readonly kind: 'SecretStore' | 'ClusterSecretStore';
  /** The secret manager the store reads. */
  readonly provider: SecretProvider;
  /**
   * Namespace of a namespaced store.
   * @default - none (a ClusterSecretStore, or a store whose chart sets no namespace)
   */
  readonly namespace?: string;
  /**
   * AWS or OCI region named on the store.
   * @default - unknown (a store known only by reference)
   */
  readonly region?: string;
  /**
   * OCI vault OCID (OCI Vault stores).
   * @default - unknown (AWS stores, or a store known only by reference)
   */
  readonly vaultOcid?: string;
  /**
   * Service account the store authenticates as (IRSA `auth.jwt.serviceAccountRef` or OKE workload identity).
   * @default - none (the store uses ESO's own credentials)
   */
  readonly serviceAccountName?: string;
}

/** One remote secret the deployed chart reads through External Secrets. */
export interface ReferencedSecret {
  /** The store the secret is read through. */
  readonly store: SecretStoreDescriptor;
  /** Secret name or ARN in AWS Secrets Manager; secret name in OCI Vault. */
  readonly remoteKey: string;
  /**
   * Exact ARN when the model knows it (AWS).
   * @default - unknown; grants derive the ARN from remoteKey, account and region
   */
  readonly arn?: string;
  /** Construct paths of the routes / ExternalSecrets that read it, sorted. */
  readonly usedBy: readonly string[];
}

/** Options for {@link collectReferencedSecrets}. */
export interface CollectReferencedSecretsOptions {
  /**
   * Stores that exist in the cluster but not in the chart (e.g. a platform `ClusterSecretStore`),
   * so ExternalSecrets pointing at them can be attributed to a secret manager.
   * @default []
   */
  readonly stores?: readonly SecretStoreDescriptor[];
}

/**
 * Every remote secret a cdk8s app or chart reads, computed from the construct tree so IAM
 * grants are never hand-listed:
 *
 * - the routes of every gateway (and every SecuredApi) — each SecretRef with a `source`;
 * - every `ExternalSecret` object (SecretSync's, and those other constructs emit), `data[].remoteRef.key`
 *   and `dataFrom[].extract.key`, attributed to a secret manager through the store it names.
 *
 * Throws when an ExternalSecret names a store whose secret manager cannot be told, because a
 * grant that silently misses a secret fails at sync time, far from the cause.
 */
export function collectReferencedSecrets(scope: IConstruct, options: CollectReferencedSecretsOptions = {}): ReferencedSecret[] {
  const constructs = scope.node.findAll();
  const stores = new StoreIndex(options.stores ?? []);
  for (const c of constructs) {
    if (c instanceof ApiObject && (c.kind === 'SecretStore' || c.kind === 'ClusterSecretStore')) {
      const d = describeStoreObject(c.toJson());
      if (d) stores.add(d);
    }
  }

  const found = new Map<string, { store: SecretStoreDescriptor; remoteKey: string; arn?: string; usedBy: Set<string> }>();
  const add = (store: SecretStoreDescriptor, remoteKey: string, arn: string | undefined, usedBy: string) => {
    const key = `${store.provider}|${store.kind}|${store.namespace ?? ''}|${store.name}|${remoteKey}`;
    const entry = found.get(key) ?? { store, remoteKey, usedBy: new Set<string>() };
    if (arn) entry.arn = arn;
    entry.usedBy.add(usedBy);
    found.set(key, entry);
  };

  const routes = new Map<string, { route: ApiRouteModel; namespace: string | undefined }>();
  for (const c of constructs) {
    for (const r of routesOf(c)) routes.set(`${r.route.path}|${r.route.host}|${r.route.pathPrefix}`, r);
  }
  for (const { route, namespace } of routes.values()) {
    for (const ref of secretRefsOfRoute(route)) {
      if (!ref.source) continue;
      // The engine reads the synced Secret in the gateway's namespace, so a namespaced store is
      // the one of that namespace: two charts may each have a store of the same name.
      const store = stores.resolve(ref.source.store.name, ref.source.store.kind, namespace) ?? ref.source.store;
      stores.add(store);
      add(store, ref.source.remoteKey, ref.source.arn, route.path);
    }
  }

  for (const c of constructs) {
    if (!(c instanceof ApiObject) || c.kind !== 'ExternalSecret') continue;
    const es = c.toJson() as ExternalSecretJson;
    const ref = es.spec?.secretStoreRef;
    if (!ref?.name) continue;
    const kind = ref.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore';
    const store = stores.resolve(ref.name, kind, es.metadata?.namespace);
    if (!store) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: c.node.path,
        field: 'spec.secretStoreRef',
        problem: `names ${kind} "${ref.name}", which is neither in the chart nor in the known stores, so its secret manager is unknown`,
        fix: 'declare the store in the chart (AwsSecretsManagerStore / OciVaultStore), or pass it in options.stores',
      });
    }
    const keys = [...(es.spec?.data ?? []).map((d) => d.remoteRef?.key), ...(es.spec?.dataFrom ?? []).map((d) => d.extract?.key)];
    for (const k of keys) if (k) add(store, k, undefined, c.node.path);
  }

  return [...found.values()]
    .map((e) => ({ store: e.store, remoteKey: e.remoteKey, ...(e.arn ? { arn: e.arn } : {}), usedBy: [...e.usedBy].sort() }))
    .sort((a, b) => `${a.store.name}|${a.remoteKey}`.localeCompare(`${b.store.name}|${b.remoteKey}`));
}

/** Every SecretStore / ClusterSecretStore object in the tree, described. */
export function collectSecretStores(scope: IConstruct): SecretStoreDescriptor[] {
  return scope.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && (c.kind === 'SecretStore' || c.kind === 'ClusterSecretStore'))
    .map((c) => describeStoreObject(c.toJson()))
    .filter((d): d is SecretStoreDescriptor => d !== undefined);
}

/** Where an AWS secret's ARN cannot be read from the model, the account and region to build it. */
export interface AwsArnContext {
  /** Account that owns the secrets. */
  readonly accountId: string;
  /** Region used when neither the ARN nor the store names one. */
  readonly region: string;
  /**
   * AWS partition.
   * @default 'aws'
   */
  readonly partition?: string;
}

/** AWS Secrets Manager secret names: letters, digits and `/_+=.@-` (no wildcard characters). */
const AWS_SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const AWS_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/**
 * The exact ARNs to grant for the AWS Secrets Manager secrets among `secrets`, sorted and
 * de-duplicated. A name becomes `arn:…:secret:NAME-??????`: Secrets Manager appends six random
 * characters to every ARN, and `?` matches exactly one, so the pattern cannot match a longer
 * name that merely starts with NAME (which `NAME*` would).
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html
 */
export function secretsManagerArns(secrets: readonly ReferencedSecret[], ctx: AwsArnContext): string[] {
  const arns = new Set<string>();
  for (const s of secrets) {
    if (s.store.provider !== 'awsSecretsManager') continue;
    const exact = s.arn ?? (s.remoteKey.startsWith('arn:') ? s.remoteKey : undefined);
    if (exact) {
      if (!AWS_SECRET_ARN.test(exact)) throw badSecret(s, `"${exact}" is not a Secrets Manager secret ARN (or contains wildcard characters)`);
      arns.add(exact);
      continue;
    }
    if (!AWS_SECRET_NAME.test(s.remoteKey)) throw badSecret(s, `"${s.remoteKey}" is not a Secrets Manager secret name (or contains wildcard characters)`);
    const region = s.store.region ?? ctx.region;
    arns.add(`arn:${ctx.partition ?? 'aws'}:secretsmanager:${region}:${ctx.accountId}:secret:${s.remoteKey}-??????`);
  }
  return [...arns].sort();
}

/** The OCI Vault secret names among `secrets`, per vault OCID. */
export function ociVaultSecretNames(secrets: readonly ReferencedSecret[]): Map<string | undefined, string[]> {
  const byVault = new Map<string | undefined, Set<string>>();
  for (const s of secrets) {
    if (s.store.provider !== 'ociVault') continue;
    const set = byVault.get(s.store.vaultOcid) ?? new Set<string>();
    set.add(s.remoteKey);
    byVault.set(s.store.vaultOcid, set);
  }
  return new Map([...byVault].map(([vault, names]) => [vault, [...names].sort()]));
}

function badSecret(s: ReferencedSecret, problem: string): GatewrightError {
  return new GatewrightError({
    code: ErrorCode.INVALID_PROPS,
    path: s.usedBy[0],
    field: 'remoteKey',
    problem,
    fix: 'reference one secret by its exact name or ARN; grants never use wildcards',
  });
}

interface ExternalSecretJson {
  metadata?: { namespace?: string };
  spec?: {
    secretStoreRef?: { name?: string; kind?: string };
    data?: { remoteRef?: { key?: string } }[];
    dataFrom?: { extract?: { key?: string } }[];
  };
}

interface SecretStoreJson {
  kind: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    provider?: {
      aws?: { service?: string; region?: string; auth?: { jwt?: { serviceAccountRef?: { name?: string } } } };
      oracle?: { vault?: string; region?: string; serviceAccountRef?: { name?: string } };
    };
  };
}

function describeStoreObject(json: SecretStoreJson): SecretStoreDescriptor | undefined {
  const name = json.metadata?.name;
  const provider = json.spec?.provider;
  if (!name || !provider) return undefined;
  const kind = json.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore';
  const namespace = kind === 'SecretStore' ? json.metadata?.namespace : undefined;
  const base = { name, kind, ...(namespace ? { namespace } : {}) } as const;
  if (provider.aws && provider.aws.service === 'SecretsManager') {
    const sa = provider.aws.auth?.jwt?.serviceAccountRef?.name;
    return { ...base, provider: 'awsSecretsManager', ...(provider.aws.region ? { region: provider.aws.region } : {}), ...(sa ? { serviceAccountName: sa } : {}) };
  }
  if (provider.oracle) {
    const sa = provider.oracle.serviceAccountRef?.name;
    return {
      ...base,
      provider: 'ociVault',
      ...(provider.oracle.region ? { region: provider.oracle.region } : {}),
      ...(provider.oracle.vault ? { vaultOcid: provider.oracle.vault } : {}),
      ...(sa ? { serviceAccountName: sa } : {}),
    };
  }
  return undefined;
}

/**
 * Routes a construct carries, with the namespace of the gateway serving them: a gateway's
 * `routes`, or a SecuredApi's `route`. Duck-typed to keep layers apart.
 */
function routesOf(c: IConstruct): { route: ApiRouteModel; namespace: string | undefined }[] {
  const candidate = c as unknown as { routes?: unknown; route?: unknown; _toGatewayModel?: unknown; gateway?: unknown };
  if (typeof candidate._toGatewayModel === 'function' && Array.isArray(candidate.routes)) {
    const namespace = gatewayNamespace(candidate);
    return (candidate.routes as ApiRouteModel[]).map((route) => ({ route, namespace }));
  }
  if (candidate.gateway && isRoute(candidate.route)) return [{ route: candidate.route, namespace: gatewayNamespace(candidate.gateway) }];
  return [];
}

function gatewayNamespace(gateway: unknown): string | undefined {
  const g = gateway as { _toGatewayModel?: () => { namespace?: string } };
  return typeof g._toGatewayModel === 'function' ? g._toGatewayModel().namespace : undefined;
}

function isRoute(value: unknown): value is ApiRouteModel {
  return typeof value === 'object' && value !== null && 'clientAuth' in value && 'upstreamAuth' in value && 'backend' in value;
}

class StoreIndex {
  private readonly stores: SecretStoreDescriptor[] = [];

  constructor(initial: readonly SecretStoreDescriptor[]) {
    initial.forEach((s) => this.add(s));
  }

  add(store: SecretStoreDescriptor): void {
    if (!this.stores.some((s) => s.name === store.name && s.kind === store.kind && s.namespace === store.namespace)) this.stores.push(store);
  }

  /** Exact namespace match first, then a store of that name and kind known without a namespace. */
  resolve(name: string, kind: string, namespace: string | undefined): SecretStoreDescriptor | undefined {
    const candidates = this.stores.filter((s) => s.name === name && s.kind === kind);
    if (kind === 'SecretStore' && namespace) {
      const exact = candidates.find((s) => s.namespace === namespace);
      if (exact) return exact;
    }
    const known = candidates.find((s) => !s.namespace || !namespace || kind === 'ClusterSecretStore');
    // A SecretStore of that name in another namespace is not the one: ESO looks in `namespace` only.
    return known ?? (kind === 'SecretStore' && namespace ? undefined : candidates[0]);
  }
}

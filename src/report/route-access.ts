import {
  backendHost,
  HTTP_METHODS,
  type AccessTopologyModel,
  type ApiRouteModel,
  type BackendModel,
  type CredentialValueModel,
  type GatewayModel,
  type SecretRefModel,
  type UpstreamCredentialModel,
} from '../model';

/**
 * The report's view of the model: one flat, JSON-friendly record per route that says who may
 * call what and with which credential the gateway calls the backend. Secret *addresses* only
 * (Kubernetes Secret, secret-manager path and key names); values never reach this layer
 * (plaintext is shown as the fact that it is plaintext).
 */
export interface SecretAddress {
  /** Kubernetes Secret and data key the engine reads. */
  readonly secretName: string;
  readonly key: string;
  /** Namespace of that Secret (the gateway's). */
  readonly namespace?: string;
  /** Where External Secrets syncs it from; absent when the Secret is managed by hand. */
  readonly source?: {
    readonly provider: string;
    readonly store: string;
    readonly storeKind: string;
    readonly remoteKey: string;
    readonly property?: string;
    readonly arn?: string;
  };
}

/** How one credential value is supplied. */
export type ValueSource =
  | { readonly kind: 'secret'; readonly secret: SecretAddress }
  | { readonly kind: 'requestHeader'; readonly header: string }
  | { readonly kind: 'plaintext' };

export interface UpstreamAccess {
  readonly kind: UpstreamCredentialModel['kind'];
  /** Header or query parameter name, or the token middleware name. */
  readonly name: string;
  /** Token endpoint (OAuth2 client credentials). */
  readonly tokenUrl?: string;
  /** Requested token scopes that are plain strings (public by contract). */
  readonly tokenScopes?: readonly string[];
  /** field → where its value comes from, e.g. `clientSecret` → secret. */
  readonly values: Readonly<Record<string, ValueSource>>;
}

export interface ClientAuthAccess {
  readonly kind: 'jwt' | 'apiKey' | 'oidcSession' | 'none';
  readonly public: boolean;
  readonly issuer?: string;
  readonly audience?: readonly string[];
  readonly algorithms?: readonly string[];
  readonly jwksUrl?: string;
  readonly requiredClaims?: Readonly<Record<string, string>>;
  readonly header?: string;
  readonly keys?: readonly SecretAddress[];
  readonly provider?: string;
}

export interface RouteAccess {
  readonly gateway: string;
  readonly gatewayPath: string;
  readonly engine: string;
  readonly namespace?: string;
  readonly route: string;
  readonly routePath: string;
  readonly host: string;
  readonly pathPrefix: string;
  /** Allowed methods; `['*']` when every method is allowed. */
  readonly methods: readonly string[];
  readonly clientAuth: ClientAuthAccess;
  readonly scopes: readonly string[];
  readonly claims: Readonly<Record<string, string>>;
  readonly upstream: readonly UpstreamAccess[];
  readonly rewrite?: { readonly from: string; readonly to: string };
  readonly backend: { readonly kind: string; readonly url: string; readonly service: string; readonly namespace?: string };
  /** Whether the caller's `Cookie` header reaches the backend. */
  readonly cookies: 'forwarded' | 'removed';
  /** NetworkPolicy names in the gateway's and (in-cluster) backend's namespace; undefined backend entry for external backends. */
  readonly networkPolicies: { readonly gatewayNamespace: readonly string[]; readonly backendNamespace?: readonly string[] };
}

export const ALL_METHODS: readonly string[] = HTTP_METHODS;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The methods a route allows, `['*']` for all. */
export function allowedMethods(route: ApiRouteModel): string[] {
  return route.authorization.methods.length === 0 ? ['*'] : [...route.authorization.methods];
}

/** Expanded method list (`*` → every method). */
export function expandMethods(methods: readonly string[]): string[] {
  return methods.includes('*') ? [...ALL_METHODS] : [...methods];
}

export function isReadMethod(m: string): boolean {
  return READ_METHODS.has(m);
}

export function secretAddress(ref: SecretRefModel, namespace: string | undefined): SecretAddress {
  return {
    secretName: ref.secretName,
    key: ref.key,
    ...(namespace ? { namespace } : {}),
    ...(ref.source
      ? {
          source: {
            provider: ref.source.store.provider,
            store: ref.source.store.name,
            storeKind: ref.source.store.kind,
            remoteKey: ref.source.remoteKey,
            ...(ref.source.property ? { property: ref.source.property } : {}),
            ...(ref.source.arn ? { arn: ref.source.arn } : {}),
          },
        }
      : {}),
  };
}

function valueSource(v: CredentialValueModel, namespace: string | undefined): ValueSource {
  switch (v.kind) {
    case 'secret':
      return { kind: 'secret', secret: secretAddress(v.ref, namespace) };
    case 'requestHeader':
      return { kind: 'requestHeader', header: v.header };
    case 'unsafePlaintext':
      return { kind: 'plaintext' };
  }
}

export function upstreamAccess(c: UpstreamCredentialModel, namespace: string | undefined): UpstreamAccess {
  switch (c.kind) {
    case 'header':
    case 'queryParam':
      return { kind: c.kind, name: c.name, values: { value: valueSource(c.value, namespace) } };
    case 'basicAuth':
      return { kind: c.kind, name: 'Authorization', values: { username: valueSource(c.username, namespace), password: valueSource(c.password, namespace) } };
    case 'oauth2ClientCredentials': {
      const values: Record<string, ValueSource> = {
        clientId: valueSource(c.clientId, namespace),
        clientSecret: valueSource(c.clientSecret, namespace),
      };
      const tokenScopes: string[] = [];
      c.scopes.forEach((s, i) => {
        if (s.kind === 'unsafePlaintext') tokenScopes.push(s.value);
        else values[`scopes[${i}]`] = valueSource(s, namespace);
      });
      if (c.tokenStore?.redis.username) values['redis.username'] = valueSource({ kind: 'secret', ref: c.tokenStore.redis.username }, namespace);
      if (c.tokenStore?.redis.password) values['redis.password'] = valueSource({ kind: 'secret', ref: c.tokenStore.redis.password }, namespace);
      if (c.tokenStore) values['store.encryptionKey'] = valueSource({ kind: 'secret', ref: c.tokenStore.encryptionKey }, namespace);
      return { kind: c.kind, name: c.name, tokenUrl: c.tokenUrl, ...(tokenScopes.length ? { tokenScopes } : {}), values };
    }
  }
}

function clientAuthAccess(route: ApiRouteModel, namespace: string | undefined): ClientAuthAccess {
  const a = route.clientAuth;
  switch (a.kind) {
    case 'jwt':
      return {
        kind: 'jwt',
        public: false,
        issuer: a.issuer,
        audience: [...a.audience],
        algorithms: [...a.algorithms],
        jwksUrl: a.jwksUrl,
        requiredClaims: { ...a.requiredClaims },
      };
    case 'apiKey':
      return { kind: 'apiKey', public: false, header: a.header, keys: a.keys.map((k) => secretAddress(k, namespace)) };
    case 'oidcSession':
      return { kind: 'oidcSession', public: false, provider: a.provider };
    case 'none':
      return { kind: 'none', public: true };
  }
}

export function backendAccess(b: BackendModel, gatewayNamespace: string | undefined): RouteAccess['backend'] {
  const namespace = b.namespace ?? (b.kind === 'service' ? gatewayNamespace : undefined);
  return {
    kind: b.kind,
    url: `${b.scheme}://${backendHost({ ...b, namespace }, gatewayNamespace ?? 'default')}:${b.port}`,
    service: b.serviceName,
    ...(namespace ? { namespace } : {}),
  };
}

function policiesIn(topology: AccessTopologyModel, namespace: string | undefined): string[] {
  return topology.networkPolicies.filter((p) => (p.namespace ?? undefined) === namespace).map((p) => p.name);
}

/** One {@link RouteAccess} per route, gateways in tree order, routes in attachment order. */
export function routeAccessList(topology: AccessTopologyModel): RouteAccess[] {
  return topology.gateways.flatMap((g) => g.routes.map((r) => routeAccess(topology, g, r)));
}

export function routeAccess(topology: AccessTopologyModel, g: GatewayModel, r: ApiRouteModel): RouteAccess {
  const backend = backendAccess(r.backend, g.namespace);
  return {
    gateway: g.name,
    gatewayPath: g.path,
    engine: g.engine,
    ...(g.namespace ? { namespace: g.namespace } : {}),
    route: r.name,
    routePath: r.path,
    host: r.host,
    pathPrefix: r.pathPrefix,
    methods: allowedMethods(r),
    clientAuth: clientAuthAccess(r, g.namespace),
    scopes: [...r.authorization.scopes],
    claims: { ...r.authorization.claims },
    upstream: r.upstreamAuth.map((c) => upstreamAccess(c, g.namespace)),
    ...(r.rewrite.kind === 'replacePrefix' ? { rewrite: { from: r.rewrite.from, to: r.rewrite.to } } : {}),
    backend,
    cookies: r.forwardCookies ? 'forwarded' : 'removed',
    networkPolicies: {
      gatewayNamespace: policiesIn(topology, g.namespace),
      ...(r.backend.kind === 'service' ? { backendNamespace: policiesIn(topology, backend.namespace) } : {}),
    },
  };
}

/** `api.example.com/echo` */
export function routeLocation(r: { host: string; pathPrefix: string }): string {
  return `${r.host}${r.pathPrefix}`;
}

const PROVIDER_LABEL: Record<string, string> = { awsSecretsManager: 'AWS Secrets Manager', ociVault: 'OCI Vault' };

/** `AWS Secrets Manager prod/orders#apiKey (store aws-sm) → Secret orders-creds/api-key` */
export function describeSecret(s: SecretAddress): string {
  const k8s = `Secret ${s.secretName}/${s.key}`;
  if (!s.source) return `${k8s} (no secret-manager source)`;
  const where = `${s.source.remoteKey}${s.source.property ? `#${s.source.property}` : ''}`;
  return `${PROVIDER_LABEL[s.source.provider] ?? s.source.provider} ${where} (${s.source.storeKind} ${s.source.store}) → ${k8s}`;
}

export function describeValueSource(v: ValueSource): string {
  switch (v.kind) {
    case 'secret':
      return describeSecret(v.secret);
    case 'requestHeader':
      return `copied from request header ${v.header}`;
    case 'plaintext':
      return 'PLAINTEXT in the manifests (value hidden)';
  }
}

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
  /** Kubernetes Secret the engine reads. */
  readonly secretName: string;
  /** Data key in that Secret. */
  readonly key: string;
  /**
   * Namespace of that Secret (the gateway's).
   * @default - none (the chart sets none)
   */
  readonly namespace?: string;
  /**
   * Where External Secrets syncs it from.
   * @default - none: the Secret is managed by hand
   */
  readonly source?: {
    /** Secret manager: `awsSecretsManager` or `ociVault`. */
    readonly provider: string;
    /** Name of the SecretStore / ClusterSecretStore. */
    readonly store: string;
    /** `SecretStore` or `ClusterSecretStore`. */
    readonly storeKind: string;
    /** Secret name (or ARN) in the secret manager. */
    readonly remoteKey: string;
    /**
     * JSON property of the remote secret.
     * @default - the whole value
     */
    readonly property?: string;
    /**
     * Exact ARN of an AWS secret.
     * @default - unknown
     */
    readonly arn?: string;
  };
}

/** How one credential value is supplied. */
export type ValueSource =
  | {
      /** Read from a Kubernetes Secret. */
      readonly kind: 'secret';
      /** Which Secret, and where it is synced from. */
      readonly secret: SecretAddress;
    }
  | {
      /** Copied from a header of the caller's request. */
      readonly kind: 'requestHeader';
      /** The header. */
      readonly header: string;
    }
  | {
      /** Written into the manifests (the value is never shown). */
      readonly kind: 'plaintext';
    };

/** One upstream credential of a route, as the report shows it. */
export interface UpstreamAccess {
  /** `header`, `queryParam`, `basicAuth` or `oauth2ClientCredentials`. */
  readonly kind: UpstreamCredentialModel['kind'];
  /** Header or query parameter name, or the token middleware name. */
  readonly name: string;
  /**
   * Token endpoint (OAuth2 client credentials).
   * @default - none (not an OAuth credential)
   */
  readonly tokenUrl?: string;
  /**
   * Requested token scopes that are plain strings (public by contract).
   * @default - none
   */
  readonly tokenScopes?: readonly string[];
  /** field → where its value comes from, e.g. `clientSecret` → secret. */
  readonly values: Readonly<Record<string, ValueSource>>;
}

/** Who may call a route, as the report shows it. */
export interface ClientAuthAccess {
  /** `jwt`, `apiKey`, `oidcSession` or `none`. */
  readonly kind: 'jwt' | 'apiKey' | 'oidcSession' | 'none';
  /** True for `ClientAuth.none()`: anyone may call. */
  readonly public: boolean;
  /**
   * Pinned token issuer (JWT).
   * @default - none (not JWT)
   */
  readonly issuer?: string;
  /**
   * Accepted audiences (JWT).
   * @default - none (not JWT)
   */
  readonly audience?: readonly string[];
  /**
   * Accepted signature algorithms (JWT).
   * @default - none (not JWT)
   */
  readonly algorithms?: readonly string[];
  /**
   * Where the verification keys come from (JWT).
   * @default - none (not JWT)
   */
  readonly jwksUrl?: string;
  /**
   * Claims that must have exactly these values (JWT).
   * @default - none
   */
  readonly requiredClaims?: Readonly<Record<string, string>>;
  /**
   * Header carrying the key (API key).
   * @default - none (not an API key)
   */
  readonly header?: string;
  /**
   * Secrets holding the accepted keys (API key).
   * @default - none (not an API key)
   */
  readonly keys?: readonly SecretAddress[];
  /**
   * Session provider (OIDC session).
   * @default - none (not a session)
   */
  readonly provider?: string;
}

/** One route: who may call what, and with which credential the gateway calls the backend. */
export interface RouteAccess {
  /** Gateway name. */
  readonly gateway: string;
  /** Construct path of the gateway. */
  readonly gatewayPath: string;
  /** Engine that serves the route. */
  readonly engine: string;
  /**
   * Namespace of the gateway.
   * @default - none (the chart sets none)
   */
  readonly namespace?: string;
  /** Route name (the SecuredApi's). */
  readonly route: string;
  /** Construct path of the SecuredApi. */
  readonly routePath: string;
  /** Public host. */
  readonly host: string;
  /** Public path prefix. */
  readonly pathPrefix: string;
  /** Allowed methods; `['*']` when every method is allowed. */
  readonly methods: readonly string[];
  /** Who may call. */
  readonly clientAuth: ClientAuthAccess;
  /** Scopes a token must carry (all of them). */
  readonly scopes: readonly string[];
  /** Claims a token must carry with exactly these values. */
  readonly claims: Readonly<Record<string, string>>;
  /** Credentials the gateway adds towards the backend. */
  readonly upstream: readonly UpstreamAccess[];
  /**
   * Path rewrite from the public prefix to the backend's.
   * @default - none (the path is passed on)
   */
  readonly rewrite?: {
    /** Public prefix. */
    readonly from: string;
    /** Backend prefix. */
    readonly to: string;
  };
  /** Where the gateway sends the request. */
  readonly backend: {
    /** `service` (in the cluster) or `externalName`. */
    readonly kind: string;
    /** `scheme://host:port` the gateway calls. */
    readonly url: string;
    /** Kubernetes Service name. */
    readonly service: string;
    /**
     * Namespace of the Service.
     * @default - none (external)
     */
    readonly namespace?: string;
  };
  /** Whether the caller's `Cookie` header reaches the backend. */
  readonly cookies: 'forwarded' | 'removed';
  /** NetworkPolicy names in the gateway's and (in-cluster) backend's namespace. */
  readonly networkPolicies: {
    /** Policies in the gateway's namespace. */
    readonly gatewayNamespace: readonly string[];
    /**
     * Policies in the backend's namespace.
     * @default - none listed (an external backend has no namespace)
     */
    readonly backendNamespace?: readonly string[];
  };
}

/** Every HTTP method a route can allow; what `*` stands for. */
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

/** GET, HEAD and OPTIONS: methods that read (the findings' split between read and write). */
export function isReadMethod(m: string): boolean {
  return READ_METHODS.has(m);
}

/** Where a SecretRef points: the Secret in `namespace` and, when synced, its secret-manager source. */
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

/** The report's view of one upstream credential: its kind, name and where each value comes from. */
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

/** The URL the gateway calls for a backend, with its Service and namespace. */
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

/** One route of gateway `g` as the report shows it. */
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

/** One line saying where a credential value comes from (never the value). */
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

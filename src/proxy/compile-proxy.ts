import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { ApiRouteModel, CredentialValueModel, OAuthClientCredentialsModel, ProxyConfigModel } from '../model';
import { headersInjectedByAnyRoute } from '../plan';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import type { Authenticator } from './auth/auth-result';
import { JwksKeyStore } from './auth/jwks-key-store';
import { JwtAuthenticator } from './auth/jwt-authenticator';
import { VerifiedTokenCache } from './auth/verified-token-cache';
import type { ProxyMetrics } from './ops/metrics';
import { compileRoute, type CompiledRoute } from './routing/compiled-route';
import type { SecretResolver } from './secrets/secret-resolver';
import { CredentialInjector } from './upstream/credential-injector';
import { OAuthTokenSource } from './upstream/oauth-token-source';
import { overrideOrigin } from './upstream/origin-overrides';
import type { TokenStores } from './upstream/token-store/token-stores';

/** Everything compiled from the config once at start-up. */
export interface CompiledProxy {
  readonly routes: readonly CompiledRoute[];
  readonly keyStores: readonly JwksKeyStore[];
  /** OAuth token sources by credential name. */
  readonly tokenSources: ReadonlyMap<string, OAuthTokenSource>;
}

export interface CompileDependencies {
  readonly secrets: SecretResolver;
  readonly dispatcher: Dispatcher;
  readonly metrics: ProxyMetrics;
  readonly tokenStores: TokenStores;
  readonly onTokenStoreSkipped: (credential: string, err: Error | undefined) => void;
}

/**
 * Compiles every route once: its request transformation (src/plan, for the whole set of
 * routes, so a header one route injects is removed on all of them), authenticator, credential
 * injector, rewrite and upstream. JWKS key stores and OAuth token sources are shared between
 * routes that name the same ones.
 */
export async function compileProxy(config: ProxyConfigModel, deps: CompileDependencies): Promise<CompiledProxy> {
  const { secrets, dispatcher, metrics } = deps;
  // One cache for every JWT route: its entry limit bounds the proxy's memory. Per route, a
  // proxy with many JWT routes and many distinct callers (tokens of a few KB each) would grow
  // to routes x limit x token size and be OOM-killed at the Deployment's memory limit.
  const verifiedTokens = new VerifiedTokenCache(config.limits.verifiedTokenCacheEntries);
  metrics.trackVerifiedTokens(() => verifiedTokens.size);
  const keyStores = new Map<string, JwksKeyStore>();
  let jwtRoutes = 0;
  const tokenSources = new Map<string, OAuthTokenSource>();
  const tokenSourcesByConfig = new Map<string, OAuthTokenSource>();

  const keyStoreFor = (jwksUrl: string): JwksKeyStore => {
    let store = keyStores.get(jwksUrl);
    if (!store) {
      store = new JwksKeyStore({
        url: overrideOrigin(jwksUrl, config.originOverrides),
        dispatcher,
        refetchCooldownMs: config.jwks.refetchCooldownSeconds * 1000,
        maxAgeMs: config.jwks.maxAgeSeconds * 1000,
        onKeysRemoved: (ids) => verifiedTokens.dropVerifiedWith(ids),
      });
      keyStores.set(jwksUrl, store);
    }
    return store;
  };

  const resolveValue = (v: CredentialValueModel): string | undefined =>
    v.kind === 'secret' ? secrets.resolve(v.ref) : v.kind === 'unsafePlaintext' ? v.value : undefined;

  const tokenSourceFor = async (c: OAuthClientCredentialsModel): Promise<OAuthTokenSource> => {
    const id = createHash('sha256').update(JSON.stringify(c)).digest('hex');
    let source = tokenSourcesByConfig.get(id);
    if (!source) {
      const store = c.tokenStore ? await deps.tokenStores.storeFor({ ...c, tokenStore: c.tokenStore }) : undefined;
      source = new OAuthTokenSource({
        model: c,
        tokenUrl: overrideOrigin(c.tokenUrl, config.originOverrides),
        dispatcher,
        retries: config.tokenRequests.retries,
        backoffMs: config.tokenRequests.backoffMillis,
        timeoutMs: config.tokenRequests.timeoutSeconds * 1000,
        store,
        credentials: () => {
          const clientId = resolveValue(c.clientId);
          const clientSecret = resolveValue(c.clientSecret);
          const scopes = c.scopes.map(resolveValue);
          if (clientId === undefined || clientSecret === undefined || scopes.some((s) => s === undefined)) return undefined;
          return { clientId, clientSecret, scopes: scopes as string[] };
        },
        onFetch: (result) => metrics.tokenRequests.inc({ credential: c.name, result }),
        onStore: (outcome, err) => {
          metrics.tokenStore.inc({ credential: c.name, outcome });
          if (outcome === 'unavailable') deps.onTokenStoreSkipped(c.name, err);
        },
      });
      tokenSourcesByConfig.set(id, source);
      tokenSources.set(c.name, source);
    }
    return source;
  };

  const authenticatorFor = (route: ApiRouteModel): Authenticator | undefined => {
    const auth = route.clientAuth;
    switch (auth.kind) {
      case 'jwt':
        return new JwtAuthenticator(auth, {
          keys: keyStoreFor(auth.jwksUrl),
          maxTokenBytes: config.limits.maxTokenBytes,
          cache: verifiedTokens,
          cacheKey: `${jwtRoutes++}\u0000`,
          onCache: (result) => metrics.jwtCache.inc({ result }),
        });
      case 'apiKey':
        return new ApiKeyAuthenticator(auth, secrets);
      case 'none':
        return undefined;
      case 'oidcSession':
        throw new Error(`route ${route.name}: oidcSession is not executed by the reference proxy`);
    }
  };

  // Token sources (and their store connections) first, so the injectors are built synchronously.
  const oauthSources = new Map<OAuthClientCredentialsModel, OAuthTokenSource>();
  for (const route of config.routes) {
    for (const c of route.upstreamAuth) if (c.kind === 'oauth2ClientCredentials') oauthSources.set(c, await tokenSourceFor(c));
  }
  const gateway = { injectedAnywhere: headersInjectedByAnyRoute(config.routes), stripRequestHeaders: config.stripRequestHeaders };
  const routes = config.routes.map((route) =>
    compileRoute(route, {
      authenticator: authenticatorFor(route),
      injector: new CredentialInjector(route.upstreamAuth, secrets, (c) => oauthSources.get(c)!),
      originOverrides: config.originOverrides,
      gateway,
    }),
  );
  return { routes, keyStores: [...keyStores.values()], tokenSources };
}

import type { ApiRouteModel } from '../../model';
import { backendHost, DEFAULT_UPSTREAM_TIMEOUT_SECONDS } from '../../model';
import type { Authenticator } from '../auth/auth-result';
import type { CredentialInjector } from '../upstream/credential-injector';
import { originOf, overrideOrigin } from '../upstream/origin-overrides';
import { compilePathRewriter, type PathRewriter } from './path-rewriter';

/** Everything per-route the request path needs, computed once at start-up. */
export interface CompiledRoute {
  readonly model: ApiRouteModel;
  readonly name: string;
  /** `undefined` for `ClientAuth.none()`. */
  readonly authenticator: Authenticator | undefined;
  readonly injector: CredentialInjector;
  readonly rewrite: PathRewriter;
  /** Origin connected to (after overrides). */
  readonly connectOrigin: string;
  /** Origin as the model names it: what logs show. */
  readonly upstream: string;
  /** `Host` sent upstream unless `preserveHost`. */
  readonly upstreamHost: string;
  /** Caller headers never forwarded: credentials, injected and claim headers. */
  readonly dropHeaders: ReadonlySet<string>;
  /**
   * Caller headers removed without further checks: `cookie` unless the route forwards
   * cookies (a caller may legitimately send several `Cookie` lines, so no duplicate check).
   */
  readonly removeHeaders: ReadonlySet<string>;
  /** Caller query parameters never forwarded: injected ones, and on JWT routes `access_token`. */
  readonly dropQuery: ReadonlySet<string>;
  /** JWT claims copied to upstream headers: [lower-case header, claim]. */
  readonly forwardClaims: readonly (readonly [string, string])[];
  readonly timeoutMs: number;
}

export interface RouteParts {
  readonly authenticator: Authenticator | undefined;
  readonly injector: CredentialInjector;
  readonly originOverrides: Readonly<Record<string, string>>;
}

export function compileRoute(model: ApiRouteModel, parts: RouteParts): CompiledRoute {
  const host = upstreamHostName(model.backend);
  const upstream = originOf(model.backend.scheme, host, model.backend.port);
  const forwardClaims = model.clientAuth.kind === 'jwt' ? Object.entries(model.clientAuth.forwardClaims).map(([h, c]) => [h.toLowerCase(), c] as const) : [];
  const drop = new Set<string>(['authorization']);
  for (const h of parts.authenticator?.credentialHeaders ?? []) drop.add(h);
  for (const h of parts.injector.headerNames) drop.add(h);
  for (const [h] of forwardClaims) drop.add(h);
  // RFC 6750 §2.3 lets a caller send its bearer token as `access_token` in the query. The
  // proxy only accepts the header form, but a backend must not receive the caller's token.
  const dropQuery = new Set<string>(parts.injector.queryNames);
  if (model.clientAuth.kind === 'jwt') dropQuery.add('access_token');
  const removeHeaders = new Set<string>(model.forwardCookies ? [] : ['cookie']);
  return {
    model,
    name: model.name,
    authenticator: parts.authenticator,
    injector: parts.injector,
    rewrite: compilePathRewriter(model.rewrite),
    connectOrigin: new URL(overrideOrigin(upstream, parts.originOverrides)).origin,
    upstream,
    upstreamHost: new URL(upstream).host,
    dropHeaders: drop,
    removeHeaders,
    dropQuery,
    forwardClaims,
    timeoutMs: (model.timeoutSeconds ?? DEFAULT_UPSTREAM_TIMEOUT_SECONDS) * 1000,
  };
}

/**
 * The host the proxy connects to. A Service backend without a namespace means "the gateway's
 * namespace" (as for Traefik, which looks it up next to the IngressRoute), where the proxy runs:
 * the bare Service name, which the pod's DNS search list resolves in its own namespace. Filling
 * in `default` would send requests, and the injected upstream credential, to a Service of that
 * name in another namespace.
 */
function upstreamHostName(backend: ApiRouteModel['backend']): string {
  return backend.kind === 'service' && backend.namespace === undefined ? backend.serviceName : backendHost(backend);
}

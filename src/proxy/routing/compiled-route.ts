import type { ApiRouteModel } from '../../model';
import { backendHost, DEFAULT_UPSTREAM_TIMEOUT_SECONDS, HTTP_METHODS } from '../../model';
import {
  callerCredentialHeader,
  ForwardingHeaderPolicy,
  GATEWAY_WRITTEN_FORWARDING_HEADERS,
  planRequestTransformation,
  type GatewayRequestContext,
  type RequestTransformation,
} from '../../plan';
import type { Authenticator } from '../auth/auth-result';
import type { CredentialInjector } from '../upstream/credential-injector';
import { originOf, overrideOrigin } from '../upstream/origin-overrides';
import { HeaderAction } from './header-action';
import { compilePathRewriter, type PathRewriter } from './path-rewriter';

export { HeaderAction };

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
  /** The plan's decision for this route's requests (src/plan/request-transformation.ts). */
  readonly transformation: RequestTransformation;
  /**
   * Lower-case caller header → action, for every header that does not simply pass: the
   * transformation's removals, every header the route injects (a caller must not pre-set one
   * the route sets only sometimes, such as a claim the token lacks), the forwarding headers the
   * proxy writes itself, and hop-by-hop headers.
   */
  readonly headerActions: ReadonlyMap<string, HeaderAction>;
  /** Caller query parameters removed: its `access_token` on JWT routes, copies of injected ones. */
  readonly removedQuery: ReadonlySet<string>;
  /** Methods the route serves: its list, or the ordinary methods when it has none. */
  readonly methods: ReadonlySet<string>;
  /** `Allow` header value of a 405 (RFC 9110 §15.5.6). */
  readonly allowHeader: string;
  /** JWT claims copied to upstream headers: [lower-case header, claim]. */
  readonly forwardClaims: readonly (readonly [string, string])[];
  readonly timeoutMs: number;
  /** `maxBodyBytes` of the model, or `undefined` for no limit. */
  readonly maxBodyBytes: number | undefined;
}

export interface RouteParts {
  readonly authenticator: Authenticator | undefined;
  readonly injector: CredentialInjector;
  readonly originOverrides: Readonly<Record<string, string>>;
  /** What the transformation needs to know about the whole proxy (headers injected anywhere, the strip list). */
  readonly gateway: GatewayRequestContext;
}

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) and those the proxy's HTTP machinery sets itself:
 * HTTP mechanics, not the request transformation. `expect` is answered by Node and must not
 * reach undici; `proxy-authorization` is meant for the first proxy, which is this one.
 */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings', 'expect'];

export function compileRoute(model: ApiRouteModel, parts: RouteParts): CompiledRoute {
  const host = upstreamHostName(model.backend);
  const upstream = originOf(model.backend.scheme, host, model.backend.port);
  const forwardClaims = model.clientAuth.kind === 'jwt' ? Object.entries(model.clientAuth.forwardClaims).map(([h, c]) => [h.toLowerCase(), c] as const) : [];
  const transformation = planRequestTransformation(model, parts.gateway);

  const actions = new Map<string, HeaderAction>();
  for (const h of HOP_BY_HOP) actions.set(h, HeaderAction.REMOVE);
  for (const r of transformation.remove) actions.set(r.header.toLowerCase(), HeaderAction.REMOVE);
  if (transformation.forwarding === ForwardingHeaderPolicy.OVERWRITE) {
    for (const h of GATEWAY_WRITTEN_FORWARDING_HEADERS) actions.set(h.toLowerCase(), HeaderAction.REMOVE);
  }
  // Injected headers and the caller's credential must be unambiguous: with two copies, the
  // proxy and a backend could each read another one.
  for (const i of transformation.inject) actions.set(i.header.toLowerCase(), HeaderAction.REMOVE_UNIQUE);
  const credential = callerCredentialHeader(model);
  if (credential) actions.set(credential.toLowerCase(), HeaderAction.REMOVE_UNIQUE);
  actions.set('host', HeaderAction.REMOVE_UNIQUE);
  // Cookies may come as several lines (HTTP/2 gateways split them): never a duplicate error.
  if (actions.has('cookie') && !transformation.inject.some((i) => i.header.toLowerCase() === 'cookie')) actions.set('cookie', HeaderAction.REMOVE);

  const methods = new Set<string>(model.authorization.methods.length > 0 ? model.authorization.methods : HTTP_METHODS);
  return {
    model,
    name: model.name,
    authenticator: parts.authenticator,
    injector: parts.injector,
    rewrite: compilePathRewriter(model.rewrite),
    connectOrigin: new URL(overrideOrigin(upstream, parts.originOverrides)).origin,
    upstream,
    upstreamHost: new URL(upstream).host,
    transformation,
    headerActions: actions,
    removedQuery: new Set(transformation.removeQuery),
    methods,
    allowHeader: [...methods].join(', '),
    forwardClaims,
    timeoutMs: (model.timeoutSeconds ?? DEFAULT_UPSTREAM_TIMEOUT_SECONDS) * 1000,
    maxBodyBytes: model.maxBodyBytes,
  };
}

const ORDINARY_METHODS: ReadonlySet<string> = new Set(HTTP_METHODS);

/**
 * Whether `method` is refused with 405 before authentication: a method outside the ordinary
 * ones (TRACE, PROPFIND, …) that the route does not list. An ordinary method outside a route's
 * list is refused after authentication (403), as on every engine.
 */
export function methodRefused(route: CompiledRoute, method: string): boolean {
  return !route.methods.has(method) && !ORDINARY_METHODS.has(method);
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

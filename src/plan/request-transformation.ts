import { externalHostHeader, type ApiRouteModel } from '../model';

/**
 * The one place that decides how a caller's request is changed on its way to a backend.
 * Every engine renders this transformation (Traefik and Traefik Hub as `headers`
 * Middlewares, Oathkeeper as its `header` mutator, the reference proxy at run time); none of
 * them decides on its own which headers go. Changing an invariant — a header that must never
 * reach a backend, say — is an edit to this file alone.
 *
 * Order, for every engine: client authentication first, then the removals below, then the
 * path rewrite, then the injections.
 */

/**
 * Headers through which gateways and authentication proxies tell a backend who the caller
 * is. A backend behind a gateway trusts them, so a caller must never be able to send its own:
 * every route removes them, and only the gateway itself sets them again (forwarded claims,
 * OAuth2 Proxy's answer). Canonical spelling; engines compare without case.
 */
export const IDENTITY_HEADERS: readonly string[] = [
  // OAuth2 Proxy (`--set-xauthrequest`, `--pass-user-headers`) and Traefik forwardAuth answers.
  'X-Auth-Request-User',
  'X-Auth-Request-Email',
  'X-Auth-Request-Groups',
  'X-Auth-Request-Preferred-Username',
  'X-Auth-Request-Access-Token',
  'X-Forwarded-User',
  'X-Forwarded-Email',
  'X-Forwarded-Groups',
  'X-Forwarded-Preferred-Username',
  'X-Forwarded-Access-Token',
  'Gap-Auth',
  'Gap-Signature',
  // Conventions of web servers, SSO agents and cloud edges that backends commonly trust.
  'Remote-User',
  'X-Remote-User',
  'X-Remote-Group',
  'X-User',
  'X-Email',
  'X-Webauth-User',
  'X-Authenticated-User',
  'X-Userinfo',
  'X-Consumer-Id',
  'X-Consumer-Username',
  'X-Amzn-Oidc-Data',
  'X-Amzn-Oidc-Identity',
  'X-Amzn-Oidc-Accesstoken',
  'X-Goog-Authenticated-User-Email',
  'X-Goog-Authenticated-User-Id',
  'X-Ms-Client-Principal',
  'X-Ms-Client-Principal-Id',
  'X-Ms-Client-Principal-Name',
  'Cf-Access-Authenticated-User-Email',
  'Cf-Access-Jwt-Assertion',
];

/**
 * Forwarding facts (RFC 7239 and its de-facto predecessors). A gateway writes them from the
 * connection it accepted; a caller's own copies are believed only from configured trusted
 * hops (RFC 7239 §8.1), and a third-party backend gets none of them.
 */
export const FORWARDING_HEADERS: readonly string[] = [
  'Forwarded',
  'X-Forwarded-For',
  'X-Forwarded-Host',
  'X-Forwarded-Proto',
  'X-Forwarded-Port',
  'X-Forwarded-Prefix',
  'X-Forwarded-Server',
  'X-Real-Ip',
  // What Traefik's forwardAuth tells an authentication server about the original request; a
  // backend that reads them would be told another method or URL than the one authorized.
  'X-Forwarded-Method',
  'X-Forwarded-Uri',
];

/**
 * The forwarding headers a gateway writes itself under {@link ForwardingHeaderPolicy.OVERWRITE}
 * (Traefik's own set): from the connection it accepted, or, from a trusted hop, extending that
 * hop's copies. Every other entry of {@link FORWARDING_HEADERS} is removed.
 */
export const GATEWAY_WRITTEN_FORWARDING_HEADERS: readonly string[] = [
  'X-Forwarded-For',
  'X-Forwarded-Host',
  'X-Forwarded-Proto',
  'X-Forwarded-Port',
  'X-Forwarded-Server',
  'X-Real-Ip',
];

/**
 * Headers that make some backends serve another URL than the request line names (IIS URL
 * Rewrite, Symfony, Zend and others honour them): a route's prefix check would be void if a
 * caller could set them.
 */
export const URL_OVERRIDE_HEADERS: readonly string[] = ['X-Original-Url', 'X-Rewrite-Url'];

/**
 * Headers with which frameworks (Express method-override, Rails, Symfony) let a request claim
 * another method than its request line: a route limited to GET would otherwise run a DELETE.
 */
export const METHOD_OVERRIDE_HEADERS: readonly string[] = ['X-Http-Method-Override', 'X-Http-Method', 'X-Method-Override'];

/** Headers a gateway adds itself toward third parties, which reveal the public request (Traefik's rewrite). */
export const REWRITE_TRACE_HEADERS: readonly string[] = ['X-Replaced-Path'];

/** Why a header is removed from the caller's request. */
export enum HeaderRemovalReason {
  /** The caller's own credential (bearer token, API key): meant for the gateway only. */
  CALLER_CREDENTIAL = 'caller-credential',
  /** First-party cookies of the public host, which a third-party backend must not receive. */
  CALLER_COOKIES = 'caller-cookies',
  /** An identity header only the gateway may set. */
  IDENTITY = 'identity',
  /** A forwarding fact the caller does not get to state. */
  FORWARDING = 'forwarding',
  /** A header that would make the backend serve another URL or method than the one authorized. */
  REQUEST_OVERRIDE = 'request-override',
  /** Named by the platform team (`stripRequestHeaders`). */
  CONFIGURED = 'configured',
}

/** What the gateway sets on the request, after the removals. */
export enum HeaderInjectionSource {
  /** An upstream credential (static header, BasicAuth, OAuth token). */
  UPSTREAM_CREDENTIAL = 'upstream-credential',
  /** A claim of the caller's verified token (`forwardClaims`). */
  CALLER_CLAIM = 'caller-claim',
  /** A claim of the fetched upstream token (`UpstreamOAuth.forwardHeaders`). */
  UPSTREAM_TOKEN_CLAIM = 'upstream-token-claim',
  /** An identity header of a session provider's answer (OAuth2 Proxy's `X-Auth-Request-*`). */
  SESSION_IDENTITY = 'session-identity',
}

export interface HeaderRemoval {
  /** Canonical spelling. */
  readonly header: string;
  readonly reason: HeaderRemovalReason;
}

export interface HeaderInjection {
  /** As the user declared it. */
  readonly header: string;
  readonly source: HeaderInjectionSource;
}

/** How forwarding headers reach the backend. */
export enum ForwardingHeaderPolicy {
  /** Written by the gateway from the connection; the caller's copies only from trusted hops. */
  OVERWRITE = 'overwrite',
  /** None at all: a third party learns nothing about the caller or the public request. */
  HIDE = 'hide',
}

/**
 * The transformation of one route's requests. Header lists name each header once (without
 * regard to case); no removal names a header the route injects, since the injection replaces it.
 */
export interface RequestTransformation {
  /**
   * Removed before client authentication: what only the gateway may state (identity headers,
   * URL and method overrides, `Forwarded`, the configured list). The same for every route of a
   * gateway, so engines may render it once per gateway.
   */
  readonly removeBeforeAuth: readonly HeaderRemoval[];
  /**
   * Removed after client authentication, before the backend: the caller's credential, the
   * caller's cookies for a third party, and — when forwarding headers are hidden — the
   * forwarding facts the gateway itself added (and Traefik's `X-Replaced-Path`, which reveals
   * the public path).
   */
  readonly removeAfterAuth: readonly HeaderRemoval[];
  /** Every removal, in order: what an engine that removes in one place (the reference proxy) applies. */
  readonly remove: readonly HeaderRemoval[];
  /** Headers the gateway sets after the removals. */
  readonly inject: readonly HeaderInjection[];
  /** Caller query parameters removed: its `access_token` (RFC 6750 §2.3) and copies of injected ones. */
  readonly removeQuery: readonly string[];
  readonly forwarding: ForwardingHeaderPolicy;
  /**
   * The `Host` an external backend must receive (its own name, no default port); absent when
   * the caller's Host is preserved or the backend is in the cluster.
   */
  readonly backendHost?: string;
}

/** Facts about the gateway serving the route that the transformation depends on. */
export interface GatewayRequestContext {
  /**
   * Headers the gateway injects on any of its routes (forwarded claims, session identity).
   * Each route removes them all: a backend shared by two routes must not believe a caller's
   * `X-Subject` on the route that does not set it.
   * @default []
   */
  readonly injectedAnywhere?: readonly string[];
  /**
   * Further headers the platform team wants removed from every request.
   * @default []
   */
  readonly stripRequestHeaders?: readonly string[];
  /**
   * `untrustedCallerHeaders(context)`, when the gateway has it already: it depends only on
   * the fields above, and a gateway plans every route against the same ones.
   * @default - computed from the fields above
   */
  readonly untrusted?: readonly HeaderRemoval[];
}

/** The headers this route sets, in the order they are set. */
export function injectedHeaders(route: ApiRouteModel): HeaderInjection[] {
  const out: HeaderInjection[] = [];
  const add = (header: string, source: HeaderInjectionSource) => {
    if (!out.some((h) => sameHeader(h.header, header))) out.push({ header, source });
  };
  for (const c of route.upstreamAuth) {
    if (c.kind === 'header') add(c.name, HeaderInjectionSource.UPSTREAM_CREDENTIAL);
    if (c.kind === 'basicAuth' || c.kind === 'oauth2ClientCredentials') add('Authorization', HeaderInjectionSource.UPSTREAM_CREDENTIAL);
  }
  for (const c of route.upstreamAuth) {
    if (c.kind === 'oauth2ClientCredentials') for (const h of Object.keys(c.forwardHeaders)) add(h, HeaderInjectionSource.UPSTREAM_TOKEN_CLAIM);
  }
  if (route.clientAuth.kind === 'jwt') for (const h of Object.keys(route.clientAuth.forwardClaims)) add(h, HeaderInjectionSource.CALLER_CLAIM);
  if (route.clientAuth.kind === 'oidcSession') for (const h of route.clientAuth.responseHeaders) add(h, HeaderInjectionSource.SESSION_IDENTITY);
  return out;
}

/** The header a caller presents its credential in, if the route authenticates one. */
export function callerCredentialHeader(route: ApiRouteModel): string | undefined {
  switch (route.clientAuth.kind) {
    case 'jwt':
      return 'Authorization';
    case 'apiKey':
      return route.clientAuth.header;
    default:
      return undefined;
  }
}

/** Lower-cased header names, for case-insensitive membership (RFC 9110 §5.1). */
class HeaderNameSet {
  private readonly names = new Set<string>();
  has(header: string): boolean {
    return this.names.has(header.toLowerCase());
  }
  /** Adds `header`; false when it was there already. */
  add(header: string): boolean {
    const key = header.toLowerCase();
    if (this.names.has(key)) return false;
    this.names.add(key);
    return true;
  }
}

const GATEWAY_WRITTEN = new Set(GATEWAY_WRITTEN_FORWARDING_HEADERS.map((h) => h.toLowerCase()));

/** Removals that do not depend on the route: the gateway-wide part of {@link RequestTransformation.removeBeforeAuth}. */
export function untrustedCallerHeaders(context: GatewayRequestContext = {}): HeaderRemoval[] {
  const out: HeaderRemoval[] = [];
  const seen = new HeaderNameSet();
  const add = (header: string, reason: HeaderRemovalReason) => {
    if (seen.add(header)) out.push({ header, reason });
  };
  for (const h of IDENTITY_HEADERS) add(h, HeaderRemovalReason.IDENTITY);
  for (const h of context.injectedAnywhere ?? []) add(h, HeaderRemovalReason.IDENTITY);
  for (const h of URL_OVERRIDE_HEADERS) add(h, HeaderRemovalReason.REQUEST_OVERRIDE);
  for (const h of METHOD_OVERRIDE_HEADERS) add(h, HeaderRemovalReason.REQUEST_OVERRIDE);
  // The gateway writes its own X-Forwarded-* set itself; `Forwarded`, the prefix and
  // forwardAuth's method/URI facts are headers it does not vouch for, so a caller's copies never pass.
  for (const h of FORWARDING_HEADERS) {
    if (!GATEWAY_WRITTEN.has(h.toLowerCase())) add(h, HeaderRemovalReason.FORWARDING);
  }
  for (const h of context.stripRequestHeaders ?? []) add(h, HeaderRemovalReason.CONFIGURED);
  return out;
}

/**
 * The request transformation of `route` on a gateway described by `context`: what is removed
 * from the caller's request and when, what is injected, and how forwarding headers are treated.
 * Linear in the number of headers involved: a gateway plans every route.
 */
export function planRequestTransformation(route: ApiRouteModel, context: GatewayRequestContext = {}): RequestTransformation {
  const inject = injectedHeaders(route);
  const injected = new HeaderNameSet();
  for (const i of inject) injected.add(i.header);
  const removeBeforeAuth = (context.untrusted ?? untrustedCallerHeaders(context)).filter((r) => !injected.has(r.header));
  const removed = new HeaderNameSet();
  for (const r of removeBeforeAuth) removed.add(r.header);
  const removeAfterAuth: HeaderRemoval[] = [];
  const add = (header: string, reason: HeaderRemovalReason) => {
    if (injected.has(header)) return;
    if (removed.add(header)) removeAfterAuth.push({ header, reason });
  };
  const credential = callerCredentialHeader(route);
  if (credential) add(credential, HeaderRemovalReason.CALLER_CREDENTIAL);
  if (!route.forwardCookies) add('Cookie', HeaderRemovalReason.CALLER_COOKIES);
  const forwarding = route.forwardingHeaders === 'hide' ? ForwardingHeaderPolicy.HIDE : ForwardingHeaderPolicy.OVERWRITE;
  if (forwarding === ForwardingHeaderPolicy.HIDE) {
    for (const h of FORWARDING_HEADERS) add(h, HeaderRemovalReason.FORWARDING);
    for (const h of REWRITE_TRACE_HEADERS) add(h, HeaderRemovalReason.FORWARDING);
  }
  const removeQuery: string[] = [];
  if (route.clientAuth.kind === 'jwt') removeQuery.push('access_token');
  for (const c of route.upstreamAuth) if (c.kind === 'queryParam' && !removeQuery.includes(c.name)) removeQuery.push(c.name);
  const backendHost = route.backend.kind === 'externalName' && !route.preserveHost ? externalHostHeader(route.backend) : undefined;
  return { removeBeforeAuth, removeAfterAuth, remove: [...removeBeforeAuth, ...removeAfterAuth], inject, removeQuery, forwarding, ...(backendHost ? { backendHost } : {}) };
}

/** Every header a gateway's routes inject, each once: the `injectedAnywhere` of its context. */
export function headersInjectedByAnyRoute(routes: readonly ApiRouteModel[]): string[] {
  const set = new InjectedHeaderSet();
  for (const route of routes) set.add(route);
  return [...set.headers];
}

/**
 * {@link headersInjectedByAnyRoute}, kept up to date as routes are added one by one: a gateway
 * asks for it once per route, so it must not rescan every route each time.
 */
export class InjectedHeaderSet {
  private readonly seen = new Set<string>();
  private readonly list: string[] = [];

  /** Adds the identity headers `route` injects. */
  add(route: ApiRouteModel): void {
    for (const h of injectedHeaders(route)) {
      if (h.source === HeaderInjectionSource.UPSTREAM_CREDENTIAL) continue;
      const key = h.header.toLowerCase();
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.list.push(h.header);
    }
  }

  /** The headers so far, first spelling of each, in the order routes injected them. */
  get headers(): readonly string[] {
    return this.list;
  }
}

/** HTTP header names compare without case (RFC 9110 §5.1). */
export function sameHeader(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

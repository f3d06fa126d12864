import { ErrorCode, GatewrightError, type ApiRouteModel, type GatewayModel } from '../../model';
import { renderIngressRoute } from '../traefik-common/ingress-route';
import { renderMethodGuard } from '../traefik-common/method-guard';
import type { RenderedTraefikRoute, TraefikObject } from '../traefik-common/rendered-object';
import { metadataFor } from '../traefik-common/object-metadata';
import { renderRewriteMiddleware } from '../traefik-common/rewrite-middleware';
import { authResponseHeadersOf, renderForwardAuthMiddleware, type ForwardAuthEndpoint } from './forward-auth-middleware';

/** What the open-source Traefik renderer produces for one route. */
export interface RenderedOssTraefikRoute extends RenderedTraefikRoute {
  /** True when the route's requests go through the reference proxy's forwardAuth endpoint. */
  readonly usesForwardAuth: boolean;
}

/**
 * Renders one route for open-source Traefik, which has no JWT or token-exchange middleware:
 * the reference proxy answers a `forwardAuth` sub-request instead (client auth, scopes,
 * methods, and the upstream credential in its response headers). Middleware order is
 * generated: forwardAuth (auth + credential) → strip the caller's credential (and, unless
 * forwarded, its cookies) → rewrite.
 * The first two are one `chain` (`<route>-auth`) when both exist, so no IngressRoute can
 * list one without the other.
 */
export function renderTraefikRoute(
  gateway: GatewayModel,
  route: ApiRouteModel,
  endpoint: ForwardAuthEndpoint,
  backendNamespace?: string,
): RenderedOssTraefikRoute {
  rejectUnsupported(route);
  const objects: TraefikObject[] = [];
  const steps: string[] = [];

  if (route.clientAuth.kind === 'oidcSession') {
    // The session provider (e.g. OAuth2 Proxy) renders its own forwardAuth Middleware.
    steps.push(route.clientAuth.middlewareName ?? `${route.clientAuth.provider}-forward-auth`);
  }

  const usesForwardAuth = route.clientAuth.kind === 'jwt' || route.clientAuth.kind === 'apiKey' || route.upstreamAuth.length > 0;
  const authSteps: string[] = [];
  if (usesForwardAuth) {
    const forwardAuth = renderForwardAuthMiddleware(gateway, route, endpoint);
    objects.push(forwardAuth);
    authSteps.push(forwardAuth.name);
  }
  const strip = renderStripCallerCredential(gateway, route);
  if (strip) {
    objects.push(strip);
    authSteps.push(strip.name);
  }
  if (authSteps.length > 1) {
    const name = `${route.name}-auth`;
    objects.push({
      kind: 'Middleware',
      name,
      props: { metadata: metadataFor(gateway, name), spec: { chain: { middlewares: authSteps.map((n) => ({ name: n })) } } },
    });
    steps.push(name);
  } else {
    steps.push(...authSteps);
  }

  const rewrite = renderRewriteMiddleware(gateway, route);
  if (rewrite) {
    objects.push(rewrite);
    steps.push(rewrite.name);
  }
  // Through forwardAuth the proxy enforces the methods (403, as inline), so the router rule
  // leaves them out: a rule with methods would let a method refused on `/okta/users` fall
  // through to a parent `/okta` route and be authorized by that route's policy instead.
  const routed = usesForwardAuth ? { ...route, authorization: { ...route.authorization, methods: [] } } : route;
  // Routes that bypass the proxy keep their methods in the rule, and a guard for the rest.
  const guard = renderMethodGuard(gateway, routed);
  if (guard) objects.push(guard);
  objects.push(renderIngressRoute({ gateway, route: routed, middlewares: steps, backendNamespace, methodGuard: guard?.name }));
  // Traefik objects reference no Secret: the proxy reads them, and mounts/syncs them itself.
  return { objects, shared: [], secretKeys: [], usesForwardAuth };
}

/**
 * Removes the caller's credential (their bearer token or API key), and its cookies when the
 * route does not forward them, before the request goes on. A header the proxy's answer sets
 * (listed in authResponseHeaders) is already replaced by forwardAuth and must not be emptied
 * here, or the upstream credential would go too.
 */
function renderStripCallerCredential(gateway: GatewayModel, route: ApiRouteModel): TraefikObject | undefined {
  const callerHeader = route.clientAuth.kind === 'jwt' ? 'Authorization' : route.clientAuth.kind === 'apiKey' ? route.clientAuth.header : undefined;
  const candidates = [...(callerHeader ? [callerHeader] : []), ...(route.forwardCookies ? [] : ['Cookie'])];
  const replaced = authResponseHeadersOf(route).map((h) => h.toLowerCase());
  const removed = candidates.filter((h) => !replaced.includes(h.toLowerCase()));
  if (removed.length === 0) return undefined;
  const name = `${route.name}-strip-caller`;
  return {
    kind: 'Middleware',
    name,
    // An empty value makes Traefik's headers middleware delete the header.
    props: {
      metadata: metadataFor(gateway, name),
      spec: { headers: { customRequestHeaders: Object.fromEntries(removed.map((h) => [h, ''])) } },
    },
  };
}

function rejectUnsupported(route: ApiRouteModel): void {
  for (const c of route.upstreamAuth) {
    if (c.kind === 'queryParam') {
      throw new GatewrightError({
        code: ErrorCode.UNSUPPORTED_BY_ENGINE,
        path: route.path,
        field: `upstreamAuth.queryParam(${c.name})`,
        problem:
          'is a query-parameter credential; open-source Traefik can only copy headers from a forwardAuth answer, so the proxy cannot add it to the request URL',
        fix: 'serve this API through a ReferenceProxyGateway (the proxy adds the parameter itself), or send the credential as a header',
      });
    }
  }
  if (route.clientAuth.kind === 'oidcSession' && route.upstreamAuth.length > 0) {
    throw new GatewrightError({
      code: ErrorCode.UNSUPPORTED_BY_ENGINE,
      path: route.path,
      field: 'upstreamAuth',
      problem: `combines an oidcSession (${route.clientAuth.provider}) with upstream credentials; the reference proxy cannot vouch for a session another component checked`,
      fix: 'use TraefikHubGateway for session-protected APIs with upstream credentials, or authenticate callers with ClientAuth.jwt',
    });
  }
}

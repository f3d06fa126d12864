import type { ApiRouteModel } from '../../model';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import type { RequestTransformation } from '../../plan/request-transformation';
import type { SessionMiddleware } from '../traefik-hub/client-auth-middleware';
import { renderBodyLimit } from '../traefik-common/body-limit';
import { renderBackendRequest } from '../traefik-common/header-removal';
import { renderServersTransport } from '../traefik-common/servers-transport';
import { renderIngressRoute } from '../traefik-common/ingress-route';
import { renderMethodGuard } from '../traefik-common/method-guard';
import type { MiddlewareRef, RenderedTraefikRoute, TraefikObject } from '../traefik-common/rendered-object';
import { renderRewriteMiddleware } from '../traefik-common/rewrite-middleware';
import type { TraefikGatewayTarget } from '../traefik-common/traefik-settings';
import { renderForwardAuthMiddleware, type ForwardAuthEndpoint } from './forward-auth-middleware';

/** What the open-source Traefik renderer produces for one route. */
export interface RenderedOssTraefikRoute extends RenderedTraefikRoute {
  /** True when the route's requests go through the reference proxy's forwardAuth endpoint. */
  readonly usesForwardAuth: boolean;
}

/** Everything the plan resolved for one route on an open-source Traefik gateway. */
export interface OssTraefikRouteInput {
  readonly gateway: TraefikGatewayTarget;
  readonly route: ApiRouteModel;
  readonly transformation: RequestTransformation;
  /** The gateway's Middleware removing caller-supplied identity and override headers (first on every route). */
  readonly untrustedHeaders: MiddlewareRef;
  /** The reference proxy's forwardAuth listener. */
  readonly endpoint: ForwardAuthEndpoint;
  /** The session provider's forwardAuth Middleware, for `oidcSession` routes. */
  readonly session?: SessionMiddleware;
  readonly backendNamespace?: string;
}

/** True when the reference proxy must answer this route's forwardAuth sub-requests. */
export function needsForwardAuth(route: ApiRouteModel): boolean {
  return route.clientAuth.kind === 'jwt' || route.clientAuth.kind === 'apiKey' || route.upstreamAuth.length > 0;
}

/**
 * One route on open-source Traefik, which has no JWT or token-exchange middleware: the
 * reference proxy answers a `forwardAuth` sub-request instead (client auth, scopes, methods,
 * and the upstream credential in its response headers). Middleware order is generated:
 * untrusted caller headers removed → session or forwardAuth (authentication, credential) →
 * body limit (a forwardAuth request carries no body, so Traefik enforces it) → rewrite → what the backend must not see removed (the credential the answer did not
 * replace, third-party cookies, hidden forwarding headers).
 */
export function renderTraefikRoute(input: OssTraefikRouteInput): RenderedOssTraefikRoute {
  const { gateway, route, transformation } = input;
  const objects: TraefikObject[] = [];
  const middlewares: MiddlewareRef[] = [input.untrustedHeaders];
  if (route.clientAuth.kind === 'oidcSession' && input.session) middlewares.push(input.session);

  const usesForwardAuth = needsForwardAuth(route);
  if (usesForwardAuth) {
    const forwardAuth = renderForwardAuthMiddleware(gateway, route, transformation, input.endpoint);
    objects.push(forwardAuth);
    middlewares.push({ name: forwardAuth.name });
  }
  const bodyLimit = renderBodyLimit(gateway, route);
  if (bodyLimit) {
    objects.push(bodyLimit);
    middlewares.push({ name: bodyLimit.name });
  }
  const rewrite = renderRewriteMiddleware(gateway, route);
  if (rewrite) {
    objects.push(rewrite);
    middlewares.push({ name: rewrite.name });
  }
  const strip = renderBackendRequest(gateway, routeObjectName(route.name, RouteObject.STRIP_CALLER), transformation);
  if (strip) {
    objects.push(strip);
    middlewares.push({ name: strip.name });
  }
  const transport = renderServersTransport(gateway, route);
  if (!transport.shared) objects.push(transport.object);
  // Through forwardAuth the proxy enforces the methods (403, as inline), so the router rule
  // leaves them out: a rule with methods would let a method refused on `/okta/users` fall
  // through to a parent `/okta` route and be authorized by that route's policy instead.
  const routed = usesForwardAuth ? { ...route, authorization: { ...route.authorization, methods: [] } } : route;
  // Routes that bypass the proxy keep their methods in the rule, and a guard for the rest.
  const guard = renderMethodGuard(gateway, routed);
  if (guard) objects.push(guard);
  objects.push(
    renderIngressRoute({
      gateway,
      route: routed,
      middlewares,
      backendNamespace: input.backendNamespace,
      methodGuard: guard?.name,
      serversTransport: transport.object.name,
      hostSetByMiddleware: transformation.backendHost !== undefined,
    }),
  );
  // Traefik objects reference no Secret: the proxy reads them, and mounts/syncs them itself.
  return { objects, shared: transport.shared ? [transport.object] : [], secretKeys: [], usesForwardAuth };
}

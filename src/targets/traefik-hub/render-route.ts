import type { ApiRouteModel } from '../../model';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import type { RequestTransformation } from '../../plan/request-transformation';
import { renderBodyLimit } from '../traefik-common/body-limit';
import { renderBackendRequest } from '../traefik-common/header-removal';
import { renderServersTransport } from '../traefik-common/servers-transport';
import { renderIngressRoute } from '../traefik-common/ingress-route';
import { renderMethodGuard } from '../traefik-common/method-guard';
import type { MiddlewareRef, RenderedTraefikRoute, TraefikObject } from '../traefik-common/rendered-object';
import { renderRewriteMiddleware } from '../traefik-common/rewrite-middleware';
import type { TraefikGatewayTarget } from '../traefik-common/traefik-settings';
import { renderHubClientAuth, type SessionMiddleware } from './client-auth-middleware';
import { renderHubUpstream } from './upstream-middlewares';

/** Everything the plan resolved for one route on a Traefik Hub gateway. */
export interface HubRouteInput {
  readonly gateway: TraefikGatewayTarget;
  readonly route: ApiRouteModel;
  readonly transformation: RequestTransformation;
  /** The gateway's Middleware removing caller-supplied identity and override headers (first on every route). */
  readonly untrustedHeaders: MiddlewareRef;
  /** The session provider's forwardAuth Middleware, for `oidcSession` routes. */
  readonly session?: SessionMiddleware;
  /** Namespace of the backend Service when it differs from the gateway's. */
  readonly backendNamespace?: string;
}

/**
 * One route on Traefik Hub. Middleware order is generated, never hand-ordered: untrusted caller
 * headers removed → client authentication → body limit → path rewrite → what the backend must not see
 * removed (caller credential, third-party cookies, hidden forwarding headers) → upstream
 * credential injected.
 */
export function renderTraefikHubRoute(input: HubRouteInput): RenderedTraefikRoute {
  const { gateway, route, transformation } = input;
  const auth = renderHubClientAuth(gateway, route, input.session);
  const bodyLimit = renderBodyLimit(gateway, route);
  const rewrite = renderRewriteMiddleware(gateway, route);
  const strip = renderBackendRequest(gateway, routeObjectName(route.name, RouteObject.STRIP_CALLER), transformation);
  const transport = renderServersTransport(gateway, route);
  const upstream = renderHubUpstream(gateway, route);
  const guard = renderMethodGuard(gateway, route);
  const owned: TraefikObject[] = [
    ...auth.objects,
    ...(bodyLimit ? [bodyLimit] : []),
    ...(rewrite ? [rewrite] : []),
    ...(strip ? [strip] : []),
    ...upstream.objects,
    ...(guard ? [guard] : []),
    ...(transport.shared ? [] : [transport.object]),
  ];
  const middlewares: MiddlewareRef[] = [
    input.untrustedHeaders,
    ...(auth.middleware ? [auth.middleware] : []),
    ...(bodyLimit ? [{ name: bodyLimit.name }] : []),
    ...(rewrite ? [{ name: rewrite.name }] : []),
    ...(strip ? [{ name: strip.name }] : []),
    ...(upstream.middlewareName ? [{ name: upstream.middlewareName }] : []),
  ];
  owned.push(
    renderIngressRoute({
      gateway,
      route,
      middlewares,
      backendNamespace: input.backendNamespace,
      methodGuard: guard?.name,
      serversTransport: transport.object.name,
      hostSetByMiddleware: transformation.backendHost !== undefined,
    }),
  );
  return { objects: owned, shared: [...upstream.shared, ...(transport.shared ? [transport.object] : [])], secretKeys: [...auth.secretKeys, ...upstream.secretKeys] };
}

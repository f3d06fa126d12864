import type { ApiRouteModel, GatewayModel } from '../../model';
import { renderIngressRoute } from '../traefik-common/ingress-route';
import { renderMethodGuard } from '../traefik-common/method-guard';
import type { RenderedTraefikRoute } from '../traefik-common/rendered-object';
import { renderRewriteMiddleware } from '../traefik-common/rewrite-middleware';
import { renderHubClientAuth } from './client-auth-middleware';
import { renderHubUpstream } from './upstream-middlewares';

/**
 * Renders one route for Traefik Hub. Middleware order is generated, never hand-ordered:
 * client authentication → strip the caller's credential and, unless forwarded, its cookies →
 * path rewrite → upstream credential injection.
 */
export function renderTraefikHubRoute(gateway: GatewayModel, route: ApiRouteModel, backendNamespace?: string): RenderedTraefikRoute {
  const auth = renderHubClientAuth(gateway, route);
  const rewrite = renderRewriteMiddleware(gateway, route);
  const upstream = renderHubUpstream(gateway, route);
  const guard = renderMethodGuard(gateway, route);
  const middlewares = [
    ...auth.middlewareNames,
    ...(rewrite ? [rewrite.name] : []),
    ...(upstream.middlewareName ? [upstream.middlewareName] : []),
  ];
  return {
    objects: [
      ...auth.objects,
      ...(rewrite ? [rewrite] : []),
      ...upstream.objects,
      ...(guard ? [guard] : []),
      renderIngressRoute({ gateway, route, middlewares, backendNamespace, methodGuard: guard?.name }),
    ],
    shared: upstream.shared,
    secretKeys: [...auth.secretKeys, ...upstream.secretKeys],
  };
}

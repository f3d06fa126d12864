import { traefikMiddleware } from '../traefik-common/middleware-object';
import type { ApiRouteModel } from '../../model';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import type { RequestTransformation } from '../../plan/request-transformation';
import type { TraefikObject } from '../traefik-common/rendered-object';

/** Where the reference proxy answers Traefik's forwardAuth sub-requests: its own listener. */
export interface ForwardAuthEndpoint {
  /** In-cluster host name of the proxy Service (`<svc>.<ns>.svc.cluster.local`). */
  readonly host: string;
  /** Service port of the forwardAuth listener (never the traffic port). */
  readonly port: number;
  /** Path prefix of the forwardAuth endpoint; the route name is appended. */
  readonly path: string;
}

/** `http://<host>:<port><path>/<route>`: one address per route, so the proxy knows which policy to run. */
export function forwardAuthAddress(endpoint: ForwardAuthEndpoint, route: ApiRouteModel): string {
  return `http://${endpoint.host}:${endpoint.port}${endpoint.path.replace(/\/$/, '')}/${route.name}`;
}

/**
 * The forwardAuth Middleware that sends a route's requests to the reference proxy for client
 * authentication, authorization and the upstream credential. The headers the proxy's answer
 * may set are exactly what the plan injects (upstream credential, forwarded claims): Traefik
 * deletes each listed header from the request before copying the answer's value, so none can
 * be smuggled in by the caller. Traefik sets X-Forwarded-Method/Proto/Host/Uri from the actual
 * request (trustForwardHeader off, so a caller cannot forge them); the body never leaves Traefik.
 */
export function renderForwardAuthMiddleware(
  gateway: { readonly namespace?: string },
  route: ApiRouteModel,
  transformation: RequestTransformation,
  endpoint: ForwardAuthEndpoint,
): TraefikObject {
  const name = routeObjectName(route.name, RouteObject.FORWARD_AUTH);
  const responseHeaders = transformation.inject.map((h) => h.header);
  return traefikMiddleware(gateway, name, {
    forwardAuth: {
      address: forwardAuthAddress(endpoint, route),
      trustForwardHeader: false,
      ...(responseHeaders.length ? { authResponseHeaders: responseHeaders } : {}),
    },
  });
}

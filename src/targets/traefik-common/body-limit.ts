import { traefikMiddleware } from './middleware-object';
import type { ApiRouteModel } from '../../model';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import type { TraefikObject } from './rendered-object';

/**
 * The route's `maxBodyBytes` as Traefik's `buffering` Middleware: Traefik reads the body before
 * forwarding and answers 413 when it grows past `maxRequestBodyBytes` (a declared
 * Content-Length above it is refused without reading). Placed after client authentication, so
 * an unauthenticated caller never makes the gateway buffer a body. Nothing without a limit.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/middlewares/buffering/
 */
export function renderBodyLimit(gateway: { readonly namespace?: string }, route: ApiRouteModel): TraefikObject | undefined {
  if (route.maxBodyBytes === undefined) return undefined;
  const name = routeObjectName(route.name, RouteObject.BODY_LIMIT);
  return traefikMiddleware(gateway, name, { buffering: { maxRequestBodyBytes: route.maxBodyBytes } });
}

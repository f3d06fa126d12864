import { traefikMiddleware } from './middleware-object';
import type { ApiRouteModel } from '../../model';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import type { TraefikObject } from './rendered-object';

/**
 * A route limited to some methods puts `Method(...)` in its router rule, so a request with
 * another method does not match it and Traefik tries the next route: a parent prefix
 * (`/okta` next to `/okta/users`), or a catch-all, would then serve it with *its* scopes and
 * credentials. The guard is a second rule on the same host and path, without methods, just
 * below the route's priority, whose middleware refuses everyone (an `ipAllowList` no client
 * address is in answers 403, as the reference proxy does for a refused method).
 */
export function renderMethodGuard(gateway: { readonly namespace?: string }, route: ApiRouteModel): TraefikObject | undefined {
  if (route.authorization.methods.length === 0) return undefined;
  const name = routeObjectName(route.name, RouteObject.METHOD_GUARD);
  // 255.255.255.255 is the limited broadcast address: never a client's source address.
  return traefikMiddleware(gateway, name, { ipAllowList: { sourceRange: ['255.255.255.255/32'] } });
}

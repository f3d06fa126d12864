import { traefikMiddleware } from './middleware-object';
import type { ApiRouteModel } from '../../model';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import { prefixRewriteRegex } from '../../plan/path-rewrite';
import type { TraefikObject } from './rendered-object';

/** `replacePathRegex` for a virtual endpoint, or nothing when the path passes unchanged. */
export function renderRewriteMiddleware(gateway: { readonly namespace?: string }, route: ApiRouteModel): TraefikObject | undefined {
  if (route.rewrite.kind === 'none') return undefined;
  const { regex, replacement } = prefixRewriteRegex(route.rewrite.from, route.rewrite.to);
  const name = routeObjectName(route.name, RouteObject.REWRITE);
  return traefikMiddleware(gateway, name, { replacePathRegex: { regex, replacement } });
}

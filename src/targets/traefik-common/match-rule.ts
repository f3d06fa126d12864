import type { ApiRouteModel } from '../../model';
import { re2Literal, ruleLiteral, type ValueLocation } from '../grammars';

/**
 * The router rule for a route. A prefix `/echo` matches `/echo` and `/echo/...` but never
 * `/echoes`: a plain `PathPrefix(`/echo`)` would let `/echoes` through un-rewritten. Every
 * value enters through the rule grammar's one literal function.
 */
export function renderMatchRule(route: ApiRouteModel, options: { readonly methods?: boolean } = {}): string {
  const at = (field: string): ValueLocation => ({ path: route.path, field });
  const parts = [hostMatcher(route.host, at('host'))];
  if (route.pathPrefix !== '/') {
    parts.push(`(Path(${ruleLiteral(route.pathPrefix, at('path'))}) || PathPrefix(${ruleLiteral(`${route.pathPrefix}/`, at('path'))}))`);
  }
  const methods = options.methods === false ? [] : route.authorization.methods;
  const method = (m: string) => `Method(${ruleLiteral(m, at('methods'))})`;
  if (methods.length === 1) parts.push(method(methods[0]));
  if (methods.length > 1) parts.push(`(${methods.map(method).join(' || ')})`);
  return parts.join(' && ');
}

const EXACT_HOST_RANK = 300; // above any wildcard suffix (a DNS name has at most 253 characters)
const HOST_RANK_STEP = 100_000; // above any path length

/**
 * Explicit router priority, so Traefik picks the route the reference proxy would: an exact
 * host before a wildcard (a longer wildcard suffix first), then the longest path prefix.
 * Traefik's default priority is the length of the rule *string*, which gets this wrong:
 * `/okta` limited to GET, POST and PUT renders a longer rule than `/okta/users` limited to
 * GET, so `GET /okta/users/1` would run the `/okta` route's scopes and credentials; and a
 * `HostRegexp` wildcard rule outranks the exact `Host` rule it should yield to.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/routing/rules-and-priority/#priority-calculation
 */
export function routePriority(route: ApiRouteModel): number {
  const hostRank = route.host.startsWith('*.') ? route.host.length - 1 : EXACT_HOST_RANK;
  // Twice the prefix length: the odd number just below is free for the route's method guard,
  // which must outrank every shorter prefix on the host but never the route itself.
  const pathRank = route.pathPrefix === '/' ? 0 : 2 * Math.min(route.pathPrefix.length, HOST_RANK_STEP / 2 - 1);
  return hostRank * HOST_RANK_STEP + pathRank;
}

/** The priority of a route's method guard: just below the route, above any shorter prefix. */
export function methodGuardPriority(route: ApiRouteModel): number {
  return routePriority(route) - 1;
}

/**
 * A priority above every gatewright route, for routes that must win on the same hosts (the
 * OAuth2 Proxy `/oauth2/` callback); still far below Traefik's reserved internal range.
 */
export const ABOVE_ALL_ROUTES_PRIORITY = (EXACT_HOST_RANK + 1) * HOST_RANK_STEP;

/** The host matcher: `Host` for a name, an anchored `HostRegexp` (Go RE2) for `*.example.com`. */
export function hostMatcher(host: string, at: ValueLocation): string {
  if (host.startsWith('*.')) {
    // HostRegexp takes a Go regexp in Traefik v3: one DNS label, then the literal suffix.
    return `HostRegexp(${ruleLiteral(`^[a-z0-9-]+\\.${re2Literal(host.slice(2))}$`, at)})`;
  }
  return `Host(${ruleLiteral(host, at)})`;
}

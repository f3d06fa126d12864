import type { ApiRouteModel } from '../../model';
import { MatchingStrategy } from './access-rule';

/**
 * `match.url` for a route. Oathkeeper matches `<scheme>://<host><path>` where the path has
 * already been cleaned (`path.Clean`: no `..`, `.`, `//` or trailing slash), so a prefix
 * `/jira` is written as "exactly `/jira`, or `/jira/` followed by anything" and `/jiraX`
 * never matches. Text outside `<...>` is quoted by Oathkeeper; only our own patterns go inside.
 *
 * The scheme accepts http and https: Oathkeeper usually sits behind a TLS-terminating
 * ingress and only sees `https` when it trusts `X-Forwarded-Proto`.
 */
export function renderMatchUrl(route: ApiRouteModel, strategy: MatchingStrategy): string {
  return strategy === MatchingStrategy.GLOB ? globUrl(route) : regexpUrl(route);
}

function regexpUrl(route: ApiRouteModel): string {
  const host = route.host.startsWith('*.') ? `<[a-z0-9-]+>.${route.host.slice(2)}` : route.host;
  const path = route.pathPrefix === '/' ? '/<.*>' : `${route.pathPrefix}<(/.*)?>`;
  return `<https?>://${host}${path}`;
}

function globUrl(route: ApiRouteModel): string {
  // `*` does not cross "." in Oathkeeper's globs (separators "." and "/"): one DNS label.
  const host = route.host.startsWith('*.') ? `<*>.${route.host.slice(2)}` : route.host;
  if (route.pathPrefix === '/') return `<{http,https}>://${host}/<**>`;
  const prefix = quoteGlob(route.pathPrefix);
  return `<{http,https}>://${host}<{${prefix},${prefix}/**}>`;
}

/** Inside `<...>` nothing is quoted for us; escape what gobwas/glob treats specially. */
function quoteGlob(literal: string): string {
  return literal.replace(/[*?[\]{}\\,!]/g, (c) => `\\${c}`);
}

import type { ApiRouteModel } from '../../model';
import { oathkeeperGlobLiteral, oathkeeperMatchText, re2Literal, type ValueLocation } from '../grammars';
import { MatchingStrategy } from './access-rule';

/**
 * `match.url` for a route. Oathkeeper matches `<scheme>://<Host header><path>` where the path
 * has been cleaned (`path.Clean`: no `..`, `.`, `//` or trailing slash) and decoded, so a prefix
 * `/jira` is written as "exactly `/jira`, or `/jira/` followed by anything" and `/jiraX` never
 * matches. Text outside `<...>` is quoted by Oathkeeper; only gatewright's own patterns go inside.
 *
 * The Host header is compared as the client sent it — with its port and its letter case — so
 * under the regexp strategy the host is a case-insensitive pattern with an optional port
 * (RFC 9110 §4.2.3: the host is case-insensitive). The scheme accepts http and https:
 * Oathkeeper usually sits behind a TLS-terminating load balancer.
 */
export function renderMatchUrl(route: ApiRouteModel, strategy: MatchingStrategy): string {
  const at = (field: string): ValueLocation => ({ path: route.path, field });
  return strategy === MatchingStrategy.GLOB ? globUrl(route, at) : regexpUrl(route, at);
}

function regexpUrl(route: ApiRouteModel, at: (field: string) => ValueLocation): string {
  oathkeeperMatchText(route.host, at('host'));
  const host = route.host.startsWith('*.') ? `[a-z0-9-]+\\.${re2Literal(route.host.slice(2))}` : re2Literal(route.host);
  const path = route.pathPrefix === '/' ? '/<.*>' : `${oathkeeperMatchText(route.pathPrefix, at('path'))}<(/.*)?>`;
  return `<https?>://<(?i:${host})(?::[0-9]{1,5})?>${path}`;
}

function globUrl(route: ApiRouteModel, at: (field: string) => ValueLocation): string {
  // `*` does not cross "." in Oathkeeper's globs (separators "." and "/"): one DNS label. Globs
  // have no case-insensitive form: hosts are matched as written (the capability table says so).
  const host = route.host.startsWith('*.') ? `<*>.${oathkeeperMatchText(route.host.slice(2), at('host'))}` : oathkeeperMatchText(route.host, at('host'));
  if (route.pathPrefix === '/') return `<{http,https}>://${host}/<**>`;
  const prefix = oathkeeperGlobLiteral(route.pathPrefix, at('path'));
  return `<{http,https}>://${host}<{${prefix},${prefix}/**}>`;
}

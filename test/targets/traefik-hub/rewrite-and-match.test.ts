import { describe, expect, it } from 'vitest';
import { apiRouteSchema } from '../../../src/model';
import { prefixRewriteRegex } from '../../../src/plan/path-rewrite';
import { ABOVE_ALL_ROUTES_PRIORITY, renderMatchRule, methodGuardPriority, routePriority } from '../../../src/targets/traefik-common/match-rule';
import type { ApiRouteModel } from '../../../src/model';

/** Applies a replacePathRegex the way Traefik does: replace when the regex matches, else leave. */
function rewrite(path: string, from: string, to: string): string {
  const { regex, replacement } = prefixRewriteRegex(from, to);
  const re = new RegExp(regex);
  return re.test(path) ? path.replace(re, replacement) : path;
}

describe('prefix rewrite regex', () => {
  it('maps the endpoint itself and everything below it', () => {
    expect(rewrite('/echo', '/echo', '/ic/api/1.0')).toBe('/ic/api/1.0');
    expect(rewrite('/echo/', '/echo', '/ic/api/1.0')).toBe('/ic/api/1.0/');
    expect(rewrite('/echo/a/b', '/echo', '/ic/api/1.0')).toBe('/ic/api/1.0/a/b');
  });

  it('does not match a sibling path that merely starts with the same letters', () => {
    expect(rewrite('/echoes', '/echo', '/ic/api/1.0')).toBe('/echoes');
    expect(rewrite('/x/echo', '/echo', '/ic/api/1.0')).toBe('/x/echo');
  });

  it('keeps the result absolute when the target is the root', () => {
    expect(rewrite('/echo', '/echo', '/')).toBe('/');
    expect(rewrite('/echo/a', '/echo', '/')).toBe('/a');
  });

  it('rewrites everything when the endpoint is the root', () => {
    expect(rewrite('/', '/', '/api')).toBe('/api/');
    expect(rewrite('/a/b', '/', '/api')).toBe('/api/a/b');
  });
});

describe('router match rule', () => {
  const route = (over: Record<string, unknown>) =>
    apiRouteSchema.parse({
      name: 'r',
      path: 'c/r',
      host: 'api.example.com',
      clientAuth: { kind: 'none' },
      backend: { kind: 'service', serviceName: 'svc', port: 80, scheme: 'http' },
      ...over,
    });

  it('matches the prefix and its subtree only', () => {
    expect(renderMatchRule(route({ pathPrefix: '/orders' }))).toBe('Host(`api.example.com`) && (Path(`/orders`) || PathPrefix(`/orders/`))');
  });

  it('omits the path for the root prefix', () => {
    expect(renderMatchRule(route({}))).toBe('Host(`api.example.com`)');
  });

  it('restricts methods', () => {
    expect(renderMatchRule(route({ authorization: { methods: ['GET', 'POST'] } }))).toBe(
      'Host(`api.example.com`) && (Method(`GET`) || Method(`POST`))',
    );
  });

  it('anchors a wildcard host', () => {
    expect(renderMatchRule(route({ host: '*.apps.example.com' }))).toBe('HostRegexp(`^[a-z0-9-]+\\.apps\\.example\\.com$`)');
  });
});

describe('router priority', () => {
  const route = (name: string, over: Record<string, unknown>) =>
    apiRouteSchema.parse({
      name,
      path: `c/${name}`,
      host: 'saas.example.com',
      clientAuth: { kind: 'none' },
      backend: { kind: 'service', serviceName: 'svc', port: 80, scheme: 'http' },
      ...over,
    });

  /** Traefik's router choice: highest priority first, the first whose rule matches wins. */
  function winner(routes: ApiRouteModel[], priorityOf: (r: ApiRouteModel) => number, host: string, path: string, method: string): string | undefined {
    const matches = (r: ApiRouteModel) =>
      (r.host.startsWith('*.') ? host.endsWith(r.host.slice(1)) && !host.slice(0, -r.host.length + 1).includes('.') : host === r.host) &&
      (r.pathPrefix === '/' || path === r.pathPrefix || path.startsWith(`${r.pathPrefix}/`)) &&
      (r.authorization.methods.length === 0 || (r.authorization.methods as string[]).includes(method));
    return [...routes].sort((a, b) => priorityOf(b) - priorityOf(a)).find(matches)?.name;
  }

  const okta = route('okta', { pathPrefix: '/okta', authorization: { methods: ['GET', 'POST', 'PUT'], scopes: ['okta:write'] } });
  const oktaUsers = route('okta-users', { pathPrefix: '/okta/users', authorization: { methods: ['GET'], scopes: ['okta:users:read'] } });

  it('lets the longer prefix win even when the shorter route lists more methods (rule length would not)', () => {
    const byRuleLength = (r: ApiRouteModel) => renderMatchRule(r).length;
    // Traefik's default: the /okta rule is longer, so it would swallow GET /okta/users/1.
    expect(winner([okta, oktaUsers], byRuleLength, 'saas.example.com', '/okta/users/1', 'GET')).toBe('okta');
    expect(winner([okta, oktaUsers], routePriority, 'saas.example.com', '/okta/users/1', 'GET')).toBe('okta-users');
    expect(winner([okta, oktaUsers], routePriority, 'saas.example.com', '/okta/groups', 'GET')).toBe('okta');
  });

  it('prefers an exact host to a wildcard, whose HostRegexp rule is longer', () => {
    const wild = route('wild', { host: '*.example.com' });
    const exact = route('exact', {});
    expect(winner([wild, exact], (r) => renderMatchRule(r).length, 'saas.example.com', '/x', 'GET')).toBe('wild');
    expect(winner([wild, exact], routePriority, 'saas.example.com', '/x', 'GET')).toBe('exact');
    expect(winner([wild, exact], routePriority, 'other.example.com', '/x', 'GET')).toBe('wild');
  });

  it('guards a method-limited route so other methods never fall through to a parent prefix', () => {
    /** Router entries as the IngressRoutes render them: each route, then its method guard. */
    type Entry = { name: string; route: ApiRouteModel; priority: number; methods: boolean };
    const entries = (routes: ApiRouteModel[]): Entry[] =>
      routes.flatMap((r) => [
        { name: r.name, route: r, priority: routePriority(r), methods: true },
        ...(r.authorization.methods.length ? [{ name: `${r.name}-guard`, route: r, priority: methodGuardPriority(r), methods: false }] : []),
      ]);
    const pick = (routes: ApiRouteModel[], path: string, method: string) =>
      entries(routes)
        .sort((a, b) => b.priority - a.priority)
        .find(
          (e) =>
            (e.route.pathPrefix === '/' || path === e.route.pathPrefix || path.startsWith(`${e.route.pathPrefix}/`)) &&
            (!e.methods || e.route.authorization.methods.length === 0 || (e.route.authorization.methods as string[]).includes(method)),
        )?.name;
    const publicRoot = route('root', {});
    // Without guards, PUT /okta/users/1 (refused by okta-users) would be served by /okta.
    expect(winner([okta, oktaUsers], routePriority, 'saas.example.com', '/okta/users/1', 'PUT')).toBe('okta');
    expect(pick([okta, oktaUsers, publicRoot], '/okta/users/1', 'PUT')).toBe('okta-users-guard');
    expect(pick([okta, oktaUsers, publicRoot], '/okta/users/1', 'GET')).toBe('okta-users');
    expect(pick([okta, oktaUsers, publicRoot], '/okta/groups', 'DELETE')).toBe('okta-guard');
    expect(pick([okta, oktaUsers, publicRoot], '/other', 'DELETE')).toBe('root');
    // The guard sits strictly between its route and every shorter prefix on the host.
    const oktaUser = route('okta-user', { pathPrefix: '/okta/user', authorization: { methods: ['GET'] } });
    expect(methodGuardPriority(oktaUsers)).toBeLessThan(routePriority(oktaUsers));
    expect(methodGuardPriority(oktaUsers)).toBeGreaterThan(routePriority(oktaUser));
  });

  it('stays below the OAuth2 Proxy callback priority and Traefik\'s reserved range', () => {
    const longest = route('long', { pathPrefix: `/${'a'.repeat(500)}` });
    expect(routePriority(longest)).toBeLessThan(ABOVE_ALL_ROUTES_PRIORITY);
    expect(ABOVE_ALL_ROUTES_PRIORITY).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });
});


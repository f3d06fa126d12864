import { describe, expect, it } from 'vitest';
import { apiRouteSchema, prefixRewriteRegex } from '../../../src/model';
import { renderMatchRule } from '../../../src/targets/traefik-common/match-rule';

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

import { describe, expect, it } from 'vitest';
import { apiRouteSchema, type ApiRouteModel } from '../../src/model';
import { compileRoute } from '../../src/proxy/routing/compiled-route';
import type { CredentialInjector } from '../../src/proxy/upstream/credential-injector';
import { route } from './support/test-proxy';
import { normalizeRequestTarget } from '../../src/proxy/routing/normalize-path';
import { AMBIGUOUS_ROUTE, hostCovers, normalizeHost, prefixCovers, RouteTable } from '../../src/proxy/routing/route-table';
import { compilePathRewriter } from '../../src/proxy/routing/path-rewriter';

describe('normalizeRequestTarget', () => {
  it('keeps plain paths and the raw query', () => {
    expect(normalizeRequestTarget('/echo/a?x=1&y=%2F')).toEqual({ ok: true, path: '/echo/a', encodedPath: '/echo/a', query: 'x=1&y=%2F' });
  });

  it('decodes for matching and re-encodes canonically for the upstream', () => {
    expect(normalizeRequestTarget('/ech%6F/a%20b')).toEqual({ ok: true, path: '/echo/a b', encodedPath: '/echo/a%20b', query: '' });
  });

  it('allows one trailing slash', () => {
    expect(normalizeRequestTarget('/echo/')).toMatchObject({ ok: true, path: '/echo/' });
  });

  it.each(['/a/../b', '/a/./b', '/a/%2e%2e/b', '/a/%2E./b', '/a//b', '/a%2fb', '/a%5Cb', '/a\\b', '/a/..;x/b', '/a/%252e%252e', '/a/%00', '/a/%zz', 'http://h/a', '*'])(
    'refuses %s',
    (target) => {
      expect(normalizeRequestTarget(target).ok).toBe(false);
    },
  );
});

describe('RouteTable', () => {
  const table = new RouteTable([
    { host: 'api.example.com', pathPrefix: '/', value: 'root' },
    { host: 'api.example.com', pathPrefix: '/echo', value: 'echo' },
    { host: 'api.example.com', pathPrefix: '/echo/admin', value: 'admin' },
    { host: '*.example.com', pathPrefix: '/', value: 'wild' },
  ]);

  it('picks the longest prefix on a segment boundary', () => {
    expect(table.match('api.example.com', '/echo/admin/x')).toBe('admin');
    expect(table.match('api.example.com', '/echo/adminx')).toBe('echo');
    expect(table.match('api.example.com', '/echoes')).toBe('root');
  });

  it('prefers exact hosts, then wildcards, and never matches the bare wildcard domain', () => {
    expect(table.match('other.example.com', '/x')).toBe('wild');
    expect(table.match('example.com', '/x')).toBeUndefined();
    expect(table.servesHost('other.example.com')).toBe(true);
    expect(table.servesHost('proxy.gateway.svc')).toBe(false);
  });

  it('resolve refuses spellings a lenient backend maps to another route, and only those', () => {
    expect(table.resolve('api.example.com', '/echo/admin/x')).toBe('admin');
    expect(table.resolve('api.example.com', '/echo;v=1/admin/x')).toBe(AMBIGUOUS_ROUTE);
    expect(table.resolve('api.example.com', '/echo/admin;x')).toBe(AMBIGUOUS_ROUTE);
    expect(table.resolve('api.example.com', '/ECHO/x')).toBe(AMBIGUOUS_ROUTE);
    expect(table.resolve('api.example.com', '/echo/Admin')).toBe(AMBIGUOUS_ROUTE);
    expect(table.resolve('api.example.com', '/echo./x')).toBe(AMBIGUOUS_ROUTE);
    expect(table.resolve('api.example.com', '/echo/admin /x')).toBe(AMBIGUOUS_ROUTE);
    expect(table.resolve('api.example.com', '/\uFF45cho/x')).toBe(AMBIGUOUS_ROUTE);
    expect(table.resolve('api.example.com', '/echo/x.')).toBe('echo');
    // The Kelvin sign lower-cases to "k".
    expect(new RouteTable([{ host: 'h.io', pathPrefix: '/', value: 'root' }, { host: 'h.io', pathPrefix: '/keys', value: 'keys' }]).resolve('h.io', '/\u212Aeys')).toBe(AMBIGUOUS_ROUTE);
    expect(table.resolve('api.example.com', '/echo/admin/x;v=1')).toBe('admin');
    expect(table.resolve('api.example.com', '/Other;x')).toBe('root');
    expect(table.resolve('other.example.com', '/ECHO')).toBe('wild');
    expect(table.resolve('nowhere.test', '/ECHO')).toBeUndefined();
    // Prefixes that differ only in case are the configuration's choice, not an attack.
    const cased = new RouteTable([{ host: 'h.io', pathPrefix: '/API', value: 'upper' }, { host: 'h.io', pathPrefix: '/api', value: 'lower' }]);
    expect(cased.resolve('h.io', '/api/x')).toBe('lower');
    expect(cased.resolve('h.io', '/API/x')).toBe('upper');
  });

  it('hostCovers and prefixCovers', () => {
    expect(hostCovers('*.example.com', 'a.example.com')).toBe(true);
    expect(hostCovers('*.example.com', 'example.com')).toBe(false);
    expect(hostCovers('API.example.com', 'api.example.com')).toBe(true);
    expect(prefixCovers('/echo', '/echo/x')).toBe(true);
    expect(prefixCovers('/echo', '/echoes')).toBe(false);
    expect(prefixCovers('/', '/anything')).toBe(true);
  });

  it('normalizes Host headers', () => {
    expect(normalizeHost('API.Example.com:8443')).toBe('api.example.com');
    expect(normalizeHost('api.example.com.')).toBe('api.example.com');
    expect(normalizeHost('[::1]:80')).toBe('[::1]');
    expect(normalizeHost('bad host')).toBeUndefined();
  });
});

describe('compilePathRewriter', () => {
  it('rewrites an anchored prefix exactly like the Traefik renderers', () => {
    const rw = compilePathRewriter({ kind: 'replacePrefix', from: '/echo', to: '/ic/api/v1' });
    expect(rw('/echo')).toBe('/ic/api/v1');
    expect(rw('/echo/x/y')).toBe('/ic/api/v1/x/y');
    expect(rw('/echoes')).toBe('/echoes');
    const strip = compilePathRewriter({ kind: 'replacePrefix', from: '/echo', to: '/' });
    expect(strip('/echo')).toBe('/');
    expect(strip('/echo/x')).toBe('/x');
  });
});

describe('compileRoute', () => {
  const compile = (backend: ApiRouteModel['backend']) =>
    compileRoute(
      apiRouteSchema.parse({ ...route({ name: 'svc' }), backend }),
      { authenticator: undefined, injector: { usesQuery: false } as unknown as CredentialInjector, originOverrides: {}, gateway: {} },
    );

  it('connects to a namespace-less Service in the proxy\'s own namespace, never in "default"', () => {
    const r = compile({ kind: 'service', serviceName: 'orders', port: 8080, scheme: 'http' });
    expect(r.connectOrigin).toBe('http://orders:8080');
    expect(r.upstreamHost).toBe('orders:8080');
    const explicit = compile({ kind: 'service', serviceName: 'orders', namespace: 'shop', port: 443, scheme: 'https' });
    expect(explicit.connectOrigin).toBe('https://orders.shop.svc');
  });
});

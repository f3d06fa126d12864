import { describe, expect, it } from 'vitest';
import { normalizeRequestTarget } from '../../src/proxy/routing/normalize-path';
import { normalizeHost, RouteTable } from '../../src/proxy/routing/route-table';
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

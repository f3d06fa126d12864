import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GatewrightError } from '../../src/model';
import { validateProxyConfig } from '../../src/proxy/config/load-proxy-config';
import { EchoUpstream, type Echo } from './support/echo-upstream';
import { AUDIENCE, ISSUER, TestIssuer } from './support/issuer';
import { rawRequest } from './support/raw-http';
import { TestTokenEndpoint } from './support/token-endpoint';
import { API_HOST, bearer, call, JWKS_URL, route, startTestProxy, TOKEN_URL, type TestProxy } from './support/test-proxy';

/**
 * Requests a production attacker would try against a gateway that protects a sub-tree of a
 * backend which also has public parts: path spellings the backend reads differently from the
 * gateway, method and URL override headers, and resource exhaustion through abandoned requests.
 */

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy;
let jwt: string;

beforeAll(async () => {
  [issuer, token, echo] = await Promise.all([TestIssuer.start(), TestTokenEndpoint.start(), EchoUpstream.start()]);
  gw = await startTestProxy({ issuer, token, echo }, [
    route({ name: 'root', pathPrefix: '/', clientAuth: { kind: 'none' } }),
    route({ name: 'admin', pathPrefix: '/admin' }),
    route({ name: 'reports', pathPrefix: '/Reports' }),
    route({ name: 'writers', pathPrefix: '/writers', authorization: { methods: ['GET', 'POST'] } }),
    route({ name: 'slow', pathPrefix: '/slow', clientAuth: { kind: 'none' } }),
    route({
      name: 'claims',
      clientAuth: { kind: 'jwt', jwksUrl: JWKS_URL, issuer: ISSUER, audience: [AUDIENCE], forwardClaims: { 'X-User-Name': 'name', 'X-Groups': 'groups', 'X-Note': 'note' } },
    }),
  ]);
  jwt = await issuer.sign();
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([issuer?.close(), token?.close(), echo?.close()]);
});

const reached = async (f: () => Promise<number>): Promise<{ status: number; reached: boolean }> => {
  const before = echo.requests.length;
  const status = await f();
  return { status, reached: echo.requests.length > before };
};

const rawGet = (path: string, headers: Record<string, string> = {}) =>
  rawRequest(gw.proxy.url, [`GET ${path} HTTP/1.1`, `Host: ${API_HOST}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: close', '', ''].join('\r\n'));

const forwardAuth = (name: string, headers: Record<string, string>) =>
  call(gw.proxy.forwardAuthUrl!, `/_gatewright/forward-auth/${name}`, {
    host: 'gatewright-proxy.gateway.svc',
    headers: { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': API_HOST, ...headers },
  });

describe('a protected prefix cannot be reached through a spelling the backend reads differently', () => {
  // Tomcat, Jetty and Spring drop `;params` from path segments; IIS drops trailing dots and
  // spaces; IIS, ASP.NET and many Spring setups match paths case-insensitively; some servers
  // fold fullwidth letters (NFKC). Each turns these into /admin/... upstream, while a literal
  // prefix match would hand them to the public root route without any auth.
  it.each([
    '/admin;jsessionid=x/users',
    '/admin;/users',
    '/admin%3Bx/users',
    '/;x/admin/users',
    '/admin;x',
    '/ADMIN/users',
    '/Admin',
    '/reports;x/q1',
    '/REPORTS/q1',
    '/admin./users',
    '/ADMIN%2e',
    '/admin%20/users',
    '/%EF%BD%81dmin/users',
  ])('refuses %s without calling the upstream', async (path) => {
    const r = await reached(async () => (await rawGet(path)).status);
    expect(r).toEqual({ status: 400, reached: false });
  });

  it('still serves paths whose parameters do not change the route', async () => {
    const inside = await call(gw.proxy.url, '/admin/users;v=1', { headers: bearer(jwt) });
    expect(inside.status).toBe(200);
    expect(inside.json<Echo>().url).toBe('/admin/users;v=1');
    expect((await call(gw.proxy.url, '/Reports/q1', { headers: bearer(jwt) })).status).toBe(200);
    expect((await call(gw.proxy.url, '/public;x=1/Page')).status).toBe(200);
    expect((await call(gw.proxy.url, '/files/v1.2/report.pdf')).status).toBe(200);
    expect((await call(gw.proxy.url, '/caf%C3%A9/men%C3%BC')).status).toBe(200);
    expect((await call(gw.proxy.url, '/admin/users')).status).toBe(401);
  });

  it('forwardAuth refuses an X-Forwarded-Uri that another route would own upstream', async () => {
    expect((await forwardAuth('root', { 'x-forwarded-uri': '/admin;x/users' })).status).toBe(400);
    expect((await forwardAuth('root', { 'x-forwarded-uri': '/ADMIN/users' })).status).toBe(400);
    expect((await forwardAuth('root', { 'x-forwarded-uri': '/public;x=1?y=2' })).status).toBe(200);
  });
});

describe('forwardAuth answers only for requests of the route it names', () => {
  it('403s a request on another host or outside the route prefix, before handing out anything', async () => {
    const otherPath = await forwardAuth('admin', { ...bearer(jwt), 'x-forwarded-uri': '/public/x' });
    expect(otherPath.status).toBe(403);
    const otherHost = await forwardAuth('admin', { ...bearer(jwt), 'x-forwarded-host': 'third-party.example.test', 'x-forwarded-uri': '/admin/x' });
    expect(otherHost.status).toBe(403);
    expect((await forwardAuth('admin', { ...bearer(jwt), 'x-forwarded-host': `${API_HOST}:443`, 'x-forwarded-uri': '/admin/x' })).status).toBe(200);
    expect(gw.logs.join('')).toContain('"outcome":"route_mismatch"');
  });
});

describe('method override headers cannot bypass a method allow-list', () => {
  it.each([
    ['X-HTTP-Method-Override', 'DELETE'],
    ['X-HTTP-Method', 'delete'],
    ['X-Method-Override', 'PUT'],
  ])('403 for POST with %s: %s', async (header, value) => {
    const r = await reached(async () => (await call(gw.proxy.url, '/writers/1', { method: 'POST', body: '{}', headers: { ...bearer(jwt), [header]: value } })).status);
    expect(r).toEqual({ status: 403, reached: false });
  });

  it('403 for POST with ?_method=DELETE', async () => {
    const r = await reached(async () => (await call(gw.proxy.url, '/writers/1?_method=DELETE', { method: 'POST', body: '{}', headers: bearer(jwt) })).status);
    expect(r).toEqual({ status: 403, reached: false });
  });

  it('allows an override to a method the route allows', async () => {
    expect((await call(gw.proxy.url, '/writers/1', { method: 'POST', body: '{}', headers: { ...bearer(jwt), 'x-http-method-override': 'GET' } })).status).toBe(200);
  });

  it('applies in forwardAuth mode too', async () => {
    const res = await forwardAuth('writers', { ...bearer(jwt), 'x-forwarded-method': 'POST', 'x-forwarded-uri': '/writers/1', 'x-http-method-override': 'DELETE' });
    expect(res.status).toBe(403);
  });
});

describe('caller headers that override the URL or the forwarding facts never reach the upstream', () => {
  it('drops X-Original-URL, X-Rewrite-URL, Forwarded, X-Forwarded-Prefix/Uri/Method', async () => {
    const res = await call(gw.proxy.url, '/public', {
      headers: {
        'x-original-url': '/admin/users',
        'x-rewrite-url': '/admin/users',
        forwarded: 'for=10.0.0.1;host=admin.internal;proto=https',
        'x-forwarded-prefix': '/admin',
        'x-forwarded-uri': '/admin/users',
        'x-forwarded-method': 'DELETE',
      },
    });
    expect(res.status).toBe(200);
    const seen = res.json<Echo>().headers;
    for (const h of ['x-original-url', 'x-rewrite-url', 'forwarded', 'x-forwarded-prefix', 'x-forwarded-uri', 'x-forwarded-method']) expect(seen[h], h).toBeUndefined();
    expect(seen['x-forwarded-host']).toBe(API_HOST);
  });

  it('forwardAuth refuses a request carrying X-Original-URL (Traefik would pass it to the backend)', async () => {
    expect((await forwardAuth('root', { 'x-forwarded-uri': '/public', 'x-original-url': '/admin/users' })).status).toBe(400);
  });
});

describe('abandoned requests release the upstream', () => {
  it('aborts the upstream exchange when the caller disconnects', async () => {
    const before = echo.closedEarly;
    const ac = new AbortController();
    const pending = request(`${gw.proxy.url}/slow?ms=3000`, { headers: { host: API_HOST }, signal: ac.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    ac.abort();
    await pending;
    for (let i = 0; i < 30 && echo.closedEarly === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(echo.closedEarly).toBe(before + 1);
  });

  it('logs an upstream that breaks off mid-body as an upstream error, and a caller that leaves as client_aborted', async () => {
    const before = gw.logs.length;
    const broken = await request(`${gw.proxy.url}/slow/reset`, { headers: { host: API_HOST } });
    expect(broken.statusCode).toBe(200);
    await expect(broken.body.text()).rejects.toThrow();
    const ac = new AbortController();
    const left = request(`${gw.proxy.url}/slow?ms=2000`, { headers: { host: API_HOST }, signal: ac.signal }).catch(() => undefined);
    setTimeout(() => ac.abort(), 100);
    await left;
    let records: { path?: string; outcome?: string; msg: string }[] = [];
    for (let i = 0; i < 20 && records.filter((r) => r.msg === 'request').length < 2; i++) {
      await new Promise((r) => setTimeout(r, 25));
      records = gw.logs.slice(before).map((l) => JSON.parse(l));
    }
    const outcomes = Object.fromEntries(records.filter((r) => r.msg === 'request').map((r) => [r.path, r.outcome]));
    expect(outcomes).toEqual({ '/slow/reset': 'upstream_error', '/slow': 'client_aborted' });
    expect(records.some((r) => r.msg === 'upstream response broke off')).toBe(true);
  });

  it('finishes shutdown within the grace period even when an upstream hangs', async () => {
    const local = await startTestProxy({ issuer, token, echo }, [route({ name: 'slow', pathPrefix: '/slow', clientAuth: { kind: 'none' } })], {
      config: { shutdownGraceSeconds: 1 },
    });
    const inflight = call(local.proxy.url, '/slow?ms=6000').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 150));
    const started = Date.now();
    await local.stop();
    expect(Date.now() - started).toBeLessThan(3000);
    await inflight;
  });
});

describe('forwarded claims', () => {
  const utf8 = (latin1: string | string[] | undefined) => Buffer.from(String(latin1), 'latin1').toString('utf8');

  it('forwards non-Latin-1 claim values as UTF-8 instead of failing the request, and drops control characters', async () => {
    const t = await issuer.sign({ name: 'José 李雷', groups: ['ops', 'Ünter'], note: 'a\u0001b' });
    const inline = await call(gw.proxy.url, '/claims/x', { headers: bearer(t) });
    expect(inline.status).toBe(200);
    const seen = inline.json<Echo>().headers;
    expect(utf8(seen['x-user-name'])).toBe('José 李雷');
    expect(utf8(seen['x-groups'])).toBe('["ops","Ünter"]');
    expect(seen['x-note']).toBeUndefined();

    const fa = await forwardAuth('claims', { ...bearer(t), 'x-forwarded-uri': '/claims/x' });
    expect(fa.status).toBe(200);
    expect(utf8(fa.headers['x-user-name'])).toBe('José 李雷');
  });
});

describe('shutdown with a hanging token endpoint', () => {
  it('still finishes within the grace period plus a moment', async () => {
    const local = await startTestProxy(
      { issuer, token, echo },
      [
        route({
          name: 'api',
          clientAuth: { kind: 'none' },
          upstreamAuth: [{ kind: 'oauth2ClientCredentials', name: 'hang', tokenUrl: TOKEN_URL, clientId: { kind: 'unsafePlaintext', value: 'c' }, clientSecret: { kind: 'unsafePlaintext', value: 's' } }],
        }),
      ],
      { config: { shutdownGraceSeconds: 1, tokenRequests: { retries: 0, backoffMillis: 10, timeoutSeconds: 8 } } },
    );
    token.delayMs = 6000;
    try {
      const pending = call(local.proxy.url, '/api').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      await local.stop();
      expect(Date.now() - started).toBeLessThan(3500);
      await pending;
    } finally {
      token.delayMs = 0;
    }
  });
});

describe('logs and config', () => {
  it('never logs the user-info of an absolute-form request target', async () => {
    const before = gw.logs.length;
    const { status } = await rawRequest(gw.proxy.url, `GET http://svc:hunter2-pass@${API_HOST}/public HTTP/1.1\r\nHost: ${API_HOST}\r\nConnection: close\r\n\r\n`);
    expect(status).toBe(400);
    const lines = gw.logs.slice(before).join('');
    expect(lines).toContain('"outcome":"bad_request"');
    expect(lines).not.toContain('hunter2-pass');
  });

  it('refuses two routes with the same host and path prefix (the second would be unreachable)', () => {
    try {
      validateProxyConfig({ version: 1, routes: [route({ name: 'one', pathPrefix: '/x', clientAuth: { kind: 'none' } }), route({ name: 'two', pathPrefix: '/x' })] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(GatewrightError);
      expect((err as GatewrightError).code).toBe(ErrorCode.DUPLICATE_ROUTE);
      expect((err as GatewrightError).field).toBe('routes.1.pathPrefix');
    }
  });
});

describe('connections and start-up', () => {
  it('keeps idle client connections longer than gateways reuse theirs (Traefik: 90 s)', async () => {
    const { response } = await rawRequest(gw.proxy.url, `GET /public HTTP/1.1\r\nHost: ${API_HOST}\r\n\r\n`);
    const timeout = Number(/keep-alive: timeout=(\d+)/i.exec(response)?.[1]);
    expect(timeout).toBeGreaterThan(90);
  });

  it('refuses a config whose admin port is the traffic port', () => {
    expect(() => validateProxyConfig({ version: 1, listen: { port: 8080, adminPort: 8080 }, routes: [] })).toThrow(/listen\.adminPort/);
  });

  it('main exits with an error, instead of hanging, when a port is taken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-busy-'));
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const file = join(dir, 'busy.json');
      writeFileSync(file, JSON.stringify({ version: 1, listen: { host: '127.0.0.1', port: 0, adminPort: (busy.address() as AddressInfo).port, forwardAuthPort: 0 }, routes: [] }));
      const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), [join(process.cwd(), 'src/proxy/main.ts'), '--config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      clearTimeout(timer);
      expect(code).toBe(1);
      expect(stderr).toContain('EADDRINUSE');
    } finally {
      busy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

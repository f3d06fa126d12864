import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GatewrightError } from '../../src/model';
import { loadProxyConfig } from '../../src/proxy/config/load-proxy-config';
import type { EchoUpstream, Echo } from './support/echo-upstream';
import type { TestIssuer } from './support/issuer';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { bearer, call, callOnNewConnection, route, startTestProxy, TOKEN_URL, type TestProxy } from './support/test-proxy';
import { startPeers, stopPeers } from './support/peers';

const SECRETS = {
  oauth: { id: 'ops-client-id-77', secret: 'ops-client-secret-Qw93' },
  backend: { key: 'ops-backend-key-5521' },
  weather: { key: 'ops-weather-key-8812' },
  callers: { alice: 'ops-alice-key-4410' },
  legacy: { user: 'ops-legacy-user', password: 'ops-legacy-password-0917' },
};
const ref = (secretName: string, key: string) => ({ kind: 'secret' as const, ref: { secretName, key } });

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy;

beforeAll(async () => {
  ({ issuer, token, echo } = await startPeers());
  gw = await startTestProxy(
    { issuer, token, echo },
    [
      route({
        name: 'oauth',
        upstreamAuth: [{ kind: 'oauth2ClientCredentials', name: 'ops-token', tokenUrl: TOKEN_URL, clientId: ref('oauth', 'id'), clientSecret: ref('oauth', 'secret') }],
      }),
      route({ name: 'header', upstreamAuth: [{ kind: 'header', name: 'X-Backend-Key', value: ref('backend', 'key') }] }),
      route({ name: 'query', clientAuth: { kind: 'none' }, upstreamAuth: [{ kind: 'queryParam', name: 'key', value: ref('weather', 'key') }] }),
      route({
        name: 'basic',
        clientAuth: { kind: 'apiKey', keys: [{ secretName: 'callers', key: 'alice' }] },
        upstreamAuth: [{ kind: 'basicAuth', username: ref('legacy', 'user'), password: ref('legacy', 'password') }],
      }),
      route({ name: 'missing', clientAuth: { kind: 'none' }, upstreamAuth: [{ kind: 'header', name: 'X-Key', value: ref('absent', 'key') }] }),
    ],
    { secrets: SECRETS },
  );
});

afterAll(() => stopPeers(gw, { issuer, token, echo }));

describe('operations', () => {
  it('never writes a token, key or Secret to the log', async () => {
    const jwts = [await issuer.sign(), await issuer.sign({ aud: 'wrong' }), await issuer.sign({ exp: Math.floor(Date.now() / 1000) - 3600 })];
    for (const t of jwts) {
      await call(gw.proxy.url, '/oauth/a?access_token=leak', { headers: bearer(t) });
      await call(gw.proxy.url, '/header', { headers: bearer(t) });
      await call(gw.proxy.forwardAuthUrl!, '/_gatewright/forward-auth/oauth', { host: 'gatewright-proxy.gateway.svc', headers: { ...bearer(t), 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/oauth' } });
    }
    await call(gw.proxy.url, '/query?key=caller-supplied-query-secret');
    await call(gw.proxy.url, '/basic', { headers: { 'x-api-key': SECRETS.callers.alice } });
    await call(gw.proxy.url, '/basic', { headers: { 'x-api-key': 'guessed-key-value-9' } });
    const logs = gw.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    const used = [
      ...jwts,
      ...jwts.map((t) => t.split('.')[2]),
      ...Object.values(SECRETS).flatMap((s) => Object.values(s)),
      'upstream-token-1',
      'caller-supplied-query-secret',
      'guessed-key-value-9',
      Buffer.from(`${SECRETS.legacy.user}:${SECRETS.legacy.password}`).toString('base64'),
      'leak',
    ];
    for (const value of used) expect(logs, `log contains a credential`).not.toContain(value);
  });

  it('writes one structured access record per request', async () => {
    const before = gw.logs.length;
    await call(gw.proxy.url, '/header/x?y=1', { headers: bearer(await issuer.sign({ sub: 'auditor-7' })) });
    const line = gw.logs.slice(before).map((l) => JSON.parse(l)).find((r) => r.msg === 'request');
    expect(line).toMatchObject({ mode: 'inline', method: 'GET', path: '/header/x', route: 'header', subject: 'auditor-7', outcome: 'allowed', status: 200, upstream: 'https://backend.example.test' });
    expect(typeof line.durationMs).toBe('number');
  });

  it('answers 500 and names the missing Secret key in the log (never a value) when a Secret is missing', async () => {
    const before = gw.logs.length;
    const res = await call(gw.proxy.url, '/missing');
    expect(res.status).toBe(500);
    expect(res.text).toBe('{"error":"gateway_misconfigured"}');
    expect(gw.logs.slice(before).join('')).toContain('absent/key');
  });

  it('serves /healthz, /readyz (naming missing Secrets) and Prometheus /metrics on the admin port', async () => {
    expect((await call(gw.proxy.adminUrl, '/healthz')).status).toBe(200);
    const ready = await call(gw.proxy.adminUrl, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json().reasons).toEqual(['missing Secret key absent/key']);
    const metrics = await call(gw.proxy.adminUrl, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/gatewright_proxy_requests_total\{route="header",outcome="allowed",status="200",mode="inline"\} \d+/);
    expect(metrics.text).toContain('gatewright_proxy_token_requests_total{credential="ops-token",result="success"} 1');
    expect(metrics.text).toContain('gatewright_proxy_jwt_cache_total{result="hit"}');
    expect((await call(gw.proxy.url, '/metrics', { host: 'api.example.test' })).status).toBe(404);
  });

  it('keeps accepting cached keys while the JWKS endpoint is down', async () => {
    issuer.down = true;
    try {
      const fresh = await issuer.sign({ sub: 'during-outage' });
      expect((await call(gw.proxy.url, '/header', { headers: bearer(fresh) })).status).toBe(200);
    } finally {
      issuer.down = false;
    }
  });

  it('streams the upstream response instead of buffering it', async () => {
    const local = await startTestProxy({ issuer, token, echo }, [route({ name: 'stream', pathPrefix: '/stream', clientAuth: { kind: 'none' } })]);
    try {
      const started = Date.now();
      const res = await request(`${local.proxy.url}/stream`, { headers: { host: 'api.example.test' } });
      const chunks: { text: string; at: number }[] = [];
      for await (const c of res.body) chunks.push({ text: c.toString(), at: Date.now() - started });
      expect(chunks.map((c) => c.text).join('')).toBe('first;second');
      expect(chunks[0].text).toBe('first;');
      // The upstream sends the second chunk 300 ms after the first; a buffering proxy would
      // deliver both together.
      expect(chunks[chunks.length - 1].at - chunks[0].at).toBeGreaterThan(150);
    } finally {
      await local.stop();
    }
  });

  it('answers 504 when the upstream exceeds the route timeout and 502 when it is unreachable', async () => {
    const local = await startTestProxy(
      { issuer, token, echo },
      [
        route({ name: 'slow', pathPrefix: '/slow', clientAuth: { kind: 'none' }, timeoutSeconds: 1 }),
        route({ name: 'gone', clientAuth: { kind: 'none' }, backend: { kind: 'externalName', serviceName: 'gone', externalName: 'gone.example.test', port: 443, scheme: 'https' } }),
      ],
      { config: { originOverrides: { 'https://gone.example.test': 'http://127.0.0.1:9' } } },
    );
    try {
      const slow = await call(local.proxy.url, '/slow?ms=1500');
      expect(slow.status).toBe(504);
      expect(slow.text).toBe('{"error":"upstream_timeout"}');
      const gone = await call(local.proxy.url, '/gone');
      expect(gone.status).toBe(502);
      expect(gone.text).toBe('{"error":"bad_gateway"}');
      expect(gone.text).not.toContain('127.0.0.1');
    } finally {
      await local.stop();
    }
  });

  it('drains in-flight requests on shutdown and refuses new connections', async () => {
    const local = await startTestProxy({ issuer, token, echo }, [route({ name: 'slow', pathPrefix: '/slow', clientAuth: { kind: 'none' } })]);
    const inflight = call(local.proxy.url, '/slow?ms=400');
    await new Promise((r) => setTimeout(r, 100));
    const stopping = local.stop();
    await new Promise((r) => setTimeout(r, 50));
    await expect(call(local.proxy.url, '/slow?ms=1')).rejects.toThrow();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(res.json<Echo>().url).toBe('/slow?ms=400');
    await stopping;
  });
});

describe('config and process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a config that fails the model, naming the field', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 1, routes: [route({ name: 'x', clientAuth: { kind: 'jwt', jwksUrl: 'http://idp.example.test/jwks', issuer: 'i', audience: ['a'] } })] }));
    try {
      loadProxyConfig(file);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(GatewrightError);
      expect((err as GatewrightError).code).toBe(ErrorCode.INVALID_PROPS);
      expect((err as GatewrightError).field).toBe('routes[0].clientAuth.jwksUrl');
    }
  });

  it('refuses routes the proxy cannot execute', () => {
    const file = join(dir, 'oidc.json');
    const r = route({ name: 'x', clientAuth: { kind: 'oidcSession', authAddress: 'http://oauth2-proxy.auth.svc/oauth2/auth', provider: 'oauth2-proxy' } });
    writeFileSync(file, JSON.stringify({ version: 1, routes: [r] }));
    expect(() => loadProxyConfig(file)).toThrow(/routes\.0\.clientAuth\.kind/);
  });

  const runMain = (args: string[]) => {
    const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), [join(process.cwd(), 'src/proxy/main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, out: () => stdout, err: () => stderr };
  };

  it('main exits 2 with a one-line reason for an invalid config', async () => {
    const file = join(dir, 'invalid.json');
    writeFileSync(file, JSON.stringify({ version: 1, listen: { port: 'eighty' }, routes: [] }));
    const run = runMain(['--config', file]);
    expect(await run.exited).toBe(2);
    expect(run.err()).toMatch(/^gatewright-proxy: refusing to start: \[.*invalid\.json\] listen\.port: /);
  });

  it('main on SIGTERM: reports not-ready but keeps serving new connections for shutdownDelaySeconds, then drains and exits 0', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        listen: { host: '127.0.0.1', port: 0, adminPort: 0, forwardAuthPort: 0 },
        shutdownDelaySeconds: 1,
        shutdownGraceSeconds: 5,
        originOverrides: { 'https://backend.example.test': echo.url },
        routes: [route({ name: 'slow', pathPrefix: '/slow', clientAuth: { kind: 'none' } })],
      }),
    );
    const run = runMain(['--config', file]);
    const deadline = Date.now() + 15_000;
    let url: string | undefined;
    let adminUrl: string | undefined;
    while (!(url && adminUrl) && Date.now() < deadline) {
      url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(run.out())?.[1];
      adminUrl = /"adminUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(run.out())?.[1];
      if (!(url && adminUrl)) await new Promise((r) => setTimeout(r, 50));
    }
    expect(url).toBeDefined();
    expect((await call(adminUrl!, '/readyz')).status).toBe(200);
    // Spans the end of the delay: it must still be drained, not cut.
    const inflight = call(url!, '/slow?ms=1500');
    await new Promise((r) => setTimeout(r, 150));
    const signalled = Date.now();
    run.child.kill('SIGTERM');

    // During the delay: endpoints are being updated, so the pod says not-ready...
    let ready = await call(adminUrl!, '/readyz');
    while (ready.status === 200 && Date.now() - signalled < 800) {
      await new Promise((r) => setTimeout(r, 20));
      ready = await call(adminUrl!, '/readyz');
    }
    expect(ready.status).toBe(503);
    expect(ready.json().reasons).toEqual(['shutting down']);
    // ...yet connections that were routed to it before the update are still accepted and served.
    const late = await callOnNewConnection(url!, '/slow?ms=1');
    expect(late.status).toBe(200);
    expect(Date.now() - signalled).toBeLessThan(1000);

    // After the delay: no new connections; the in-flight request finishes; the process exits.
    await new Promise((r) => setTimeout(r, Math.max(0, 1250 - (Date.now() - signalled))));
    await expect(callOnNewConnection(url!, '/slow?ms=1')).rejects.toThrow();
    expect((await inflight).status).toBe(200);
    expect(await run.exited).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1000);
    expect(run.out()).toContain('"msg":"stopped"');
  });
});

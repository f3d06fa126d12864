import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EchoUpstream, Echo } from './support/echo-upstream';
import type { TestIssuer } from './support/issuer';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { bearer, call, route, startTestProxy, TOKEN_URL, type TestProxy } from './support/test-proxy';
import { startPeers, stopPeers } from './support/peers';
import { secretEnvName } from '../../src/plan/derived-secrets';

const secret = (secretName: string, key: string) => ({ kind: 'secret' as const, ref: { secretName, key } });
/** htpasswd's SHA1 form, as Traefik Hub's apiKey middleware reads it. */
const htpasswdSha = (key: string) => `{SHA}${createHash('sha1').update(key).digest('base64')}`;

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
        upstreamAuth: [
          {
            kind: 'oauth2ClientCredentials',
            name: 'backend-token',
            tokenUrl: TOKEN_URL,
            clientId: secret('oauth-client', 'clientID'),
            clientSecret: secret('oauth-client', 'clientSecret'),
            scopes: [secret('oauth-client', 'scope')],
          },
        ],
      }),
      route({
        name: 'headers',
        upstreamAuth: [
          { kind: 'header', name: 'X-Backend-Key', value: secret('backend-keys', 'key'), prefix: 'SSWS ' },
          { kind: 'header', name: 'DD-APPLICATION-KEY', value: secret('dd', 'app-key') },
        ],
        clientAuth: { kind: 'jwt', jwksUrl: 'https://idp.example.test/jwks', issuer: 'https://idp.example.test/', audience: ['api.example.test'], forwardClaims: { 'X-Subject': 'sub' } },
      }),
      route({ name: 'query', clientAuth: { kind: 'none' }, upstreamAuth: [{ kind: 'queryParam', name: 'api_key', value: secret('weather', 'key') }] }),
      route({
        name: 'basic',
        clientAuth: { kind: 'apiKey', header: 'X-API-Key', keys: [{ secretName: 'callers', key: 'alice' }, { secretName: 'callers', key: 'bob' }] },
        upstreamAuth: [{ kind: 'basicAuth', username: secret('legacy', 'user'), password: secret('legacy', 'password') }],
      }),
      route({ name: 'hashed', clientAuth: { kind: 'apiKey', header: 'X-API-Key', keys: [{ secretName: 'hub-keys', key: 'carol' }] } }),
      route({ name: 'rewrite', pathPrefix: '/rewrite', rewrite: { kind: 'replacePrefix', from: '/rewrite', to: '/ic/api/flows/ECHO/1.0' } }),
      route({ name: 'preserve', preserveHost: true }),
      route({ name: 'nocookies', forwardCookies: false }),
      route({ name: 'cookies', forwardCookies: true }),
      route({
        name: 'cookiecred',
        forwardCookies: false,
        upstreamAuth: [{ kind: 'header', name: 'Cookie', value: secret('ui', 'session') }],
      }),
      route({ name: 'writers', authorization: { methods: ['GET', 'POST'], scopes: ['orders:write'], claims: { tenant: 'acme' } } }),
    ],
    {
      secrets: {
        'oauth-client': { clientID: 'client-id-1', clientSecret: 'client-secret-s3cr3t', scope: 'backend.read' },
        'backend-keys': { key: 'backend-key-value-1' },
        weather: { key: 'weather-key-value-1' },
        callers: { alice: 'alice-api-key-1', bob: 'bob-api-key-2' },
        'hub-keys': { carol: htpasswdSha('carol-api-key-3') },
        legacy: { user: 'svc-user', password: 'svc-pass-w0rd' },
        ui: { session: 'sid=backend-session-1' },
      },
      env: { [secretEnvName({ secretName: 'dd', key: 'app-key' })]: 'dd-app-key-from-env' },
      config: { secretRefreshSeconds: 1 },
    },
  );
});

afterAll(() => stopPeers(gw, { issuer, token, echo }));

describe('reference proxy, inline mode: every credential kind', () => {
  it('swaps the caller JWT for an OAuth client-credentials token', async () => {
    const jwt = await issuer.sign();
    const res = await call(gw.proxy.url, '/oauth/orders?x=1', { headers: bearer(jwt) });
    expect(res.status).toBe(200);
    const seen = res.json<Echo>();
    expect(seen.headers.authorization).toBe('Bearer upstream-token-1');
    expect(JSON.stringify(seen)).not.toContain(jwt);
    expect(seen.url).toBe('/oauth/orders?x=1');
    expect(seen.headers.host).toBe('backend.example.test');
    expect(token.seen).toHaveLength(1);
    expect(token.seen[0].authorization).toBe(`Basic ${Buffer.from('client-id-1:client-secret-s3cr3t').toString('base64')}`);
    expect(new URLSearchParams(token.seen[0].body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(token.seen[0].body).get('scope')).toBe('backend.read');
  });

  it('reuses the cached token for later requests', async () => {
    const jwt = await issuer.sign();
    for (let i = 0; i < 5; i++) expect((await call(gw.proxy.url, '/oauth', { headers: bearer(jwt) })).status).toBe(200);
    expect(token.seen).toHaveLength(1);
  });

  it('injects header credentials with their prefix, from a mounted file and from the environment', async () => {
    const jwt = await issuer.sign();
    const res = await call(gw.proxy.url, '/headers', { headers: { ...bearer(jwt), 'x-backend-key': 'caller-forged', 'x-subject': 'admin' } });
    expect(res.status).toBe(200);
    const seen = res.json<Echo>();
    expect(seen.headers['x-backend-key']).toBe('SSWS backend-key-value-1');
    expect(seen.headers['dd-application-key']).toBe('dd-app-key-from-env');
    expect(seen.headers['x-subject']).toBe('user-123');
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('sets query-parameter credentials and drops the caller copy', async () => {
    const res = await call(gw.proxy.url, '/query/forecast?city=Oslo&api_key=forged&api%5Fkey=forged2');
    expect(res.status).toBe(200);
    expect(res.json<Echo>().url).toBe('/query/forecast?city=Oslo&api_key=weather-key-value-1');
  });

  it("never forwards a caller's access_token query parameter (RFC 6750 §2.3) on a JWT route", async () => {
    const jwt = await issuer.sign();
    const res = await call(gw.proxy.url, `/headers/x?a=1&access_token=${jwt}&access%5Ftoken=${jwt}&b=2`, { headers: bearer(jwt) });
    expect(res.status).toBe(200);
    expect(res.json<Echo>().url).toBe('/headers/x?a=1&b=2');
    // Routes whose callers are not bearer-token holders pass the parameter on untouched.
    expect((await call(gw.proxy.url, '/query/x?access_token=not-ours')).json<Echo>().url).toBe('/query/x?access_token=not-ours&api_key=weather-key-value-1');
  });

  it('authenticates API-key callers and sends BasicAuth upstream, without the caller key', async () => {
    const res = await call(gw.proxy.url, '/basic', { headers: { 'x-api-key': 'bob-api-key-2' } });
    expect(res.status).toBe(200);
    const seen = res.json<Echo>();
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('svc-user:svc-pass-w0rd').toString('base64')}`);
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect((await call(gw.proxy.url, '/basic', { headers: { 'x-api-key': 'bob-api-key-3' } })).status).toBe(401);
    expect((await call(gw.proxy.url, '/basic')).status).toBe(401);
  });

  it('accepts API keys stored as htpasswd {SHA} values (one Secret for Traefik Hub and the proxy)', async () => {
    const ok = await call(gw.proxy.url, '/hashed', { headers: { 'x-api-key': 'carol-api-key-3' } });
    expect(ok.status).toBe(200);
    expect(ok.json<Echo>().headers['x-api-key']).toBeUndefined();
    expect((await call(gw.proxy.url, '/hashed', { headers: { 'x-api-key': 'carol-api-key-4' } })).status).toBe(401);
    // The stored hash is not a key: presenting it is just another wrong key.
    expect((await call(gw.proxy.url, '/hashed', { headers: { 'x-api-key': htpasswdSha('carol-api-key-3') } })).status).toBe(401);
    // Plain values keep working next to it.
    expect((await call(gw.proxy.url, '/basic', { headers: { 'x-api-key': 'bob-api-key-2' } })).status).toBe(200);
  });

  it('picks up a rotated API key from the mounted file without a restart', async () => {
    expect((await call(gw.proxy.url, '/basic', { headers: { 'x-api-key': 'alice-api-key-1' } })).status).toBe(200);
    gw.writeSecret('callers', 'alice', 'alice-api-key-rotated');
    await new Promise((r) => setTimeout(r, 1300));
    expect((await call(gw.proxy.url, '/basic', { headers: { 'x-api-key': 'alice-api-key-rotated' } })).status).toBe(200);
    expect((await call(gw.proxy.url, '/basic', { headers: { 'x-api-key': 'alice-api-key-1' } })).status).toBe(401);
  });

  it('rewrites a virtual endpoint with the anchored prefix regex', async () => {
    const jwt = await issuer.sign();
    expect((await call(gw.proxy.url, '/rewrite/sub/path?q=1', { headers: bearer(jwt) })).json<Echo>().url).toBe('/ic/api/flows/ECHO/1.0/sub/path?q=1');
    expect((await call(gw.proxy.url, '/rewrite', { headers: bearer(jwt) })).json<Echo>().url).toBe('/ic/api/flows/ECHO/1.0');
  });

  it('sends the backend host unless preserveHost, and X-Forwarded-Host either way', async () => {
    const jwt = await issuer.sign();
    const seen = (await call(gw.proxy.url, '/preserve', { headers: bearer(jwt) })).json<Echo>();
    expect(seen.headers.host).toBe('api.example.test');
    expect(seen.headers['x-forwarded-host']).toBe('api.example.test');
  });

  it('never forwards the caller Cookie when the route does not forward cookies, however many lines it sends', async () => {
    const jwt = await issuer.sign();
    const one = await call(gw.proxy.url, '/nocookies', { headers: { ...bearer(jwt), cookie: 'session=first-party-secret' } });
    expect(one.status).toBe(200);
    expect(one.json<Echo>().headers.cookie).toBeUndefined();
    const two = await call(gw.proxy.url, '/nocookies', { headers: { ...bearer(jwt), cookie: ['a=1', 'session=first-party-secret'] } });
    expect(two.status).toBe(200);
    expect(two.json<Echo>().rawHeaders.map((h) => h.toLowerCase())).not.toContain('cookie');
  });

  it('forwards the caller Cookie when the route forwards cookies', async () => {
    const jwt = await issuer.sign();
    const seen = (await call(gw.proxy.url, '/cookies', { headers: { ...bearer(jwt), cookie: 'session=first-party' } })).json<Echo>();
    expect(seen.headers.cookie).toBe('session=first-party');
  });

  it('sends an injected Cookie credential instead of the caller cookies', async () => {
    const jwt = await issuer.sign();
    const seen = (await call(gw.proxy.url, '/cookiecred', { headers: { ...bearer(jwt), cookie: 'session=first-party' } })).json<Echo>();
    expect(seen.headers.cookie).toBe('sid=backend-session-1');
  });

  it('strips hop-by-hop response headers and those the upstream lists in Connection', async () => {
    const jwt = await issuer.sign();
    const res = await call(gw.proxy.url, '/preserve', { headers: bearer(jwt) });
    expect(res.headers['x-upstream']).toBe('echo');
    expect(res.headers['x-upstream-private']).toBeUndefined();
  });

  it('enforces methods, scopes and claims with 403', async () => {
    const ok = await issuer.sign({ tenant: 'acme' });
    expect((await call(gw.proxy.url, '/writers', { headers: bearer(ok) })).status).toBe(200);
    expect((await call(gw.proxy.url, '/writers', { method: 'DELETE', headers: bearer(ok) })).status).toBe(403);
    const wrongTenant = await issuer.sign({ tenant: 'evil' });
    expect((await call(gw.proxy.url, '/writers', { headers: bearer(wrongTenant) })).status).toBe(403);
    const readOnly = await issuer.sign({ tenant: 'acme', scope: undefined, scp: ['orders:read'] });
    const denied = await call(gw.proxy.url, '/writers', { headers: bearer(readOnly) });
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).toBe('Bearer realm="gatewright", error="insufficient_scope", scope="orders:write"');
    const scp = await issuer.sign({ tenant: 'acme', scope: undefined, scp: ['orders:write'] });
    expect((await call(gw.proxy.url, '/writers', { headers: bearer(scp) })).status).toBe(200);
  });

  it('streams request bodies upstream', async () => {
    const jwt = await issuer.sign();
    const body = 'x'.repeat(200_000);
    const res = await call(gw.proxy.url, '/preserve', { method: 'POST', headers: { ...bearer(jwt), 'content-type': 'text/plain' }, body });
    expect(res.json<Echo>().body).toHaveLength(200_000);
  });

  it('answers 404 for an unknown host or path, without calling anything', async () => {
    expect((await call(gw.proxy.url, '/nowhere')).status).toBe(404);
    expect((await call(gw.proxy.url, '/oauth', { host: 'other.example.test' })).status).toBe(404);
    expect((await call(gw.proxy.url, '/oauthx')).status).toBe(404);
  });
});

describe('reference proxy, forwardAuth mode', () => {
  const fa = (name: string, headers: Record<string, string>) =>
    call(gw.proxy.forwardAuthUrl!, `/_gatewright/forward-auth/${name}`, {
      host: 'gatewright-proxy.gateway.svc',
      headers: { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.test', 'x-forwarded-uri': `/${name}/x?y=1`, ...headers },
    });

  it('answers 200 with the upstream credential headers for Traefik to copy', async () => {
    const jwt = await issuer.sign();
    const res = await fa('oauth', bearer(jwt));
    expect(res.status).toBe(200);
    expect(res.headers.authorization).toMatch(/^Bearer upstream-token-\d+$/);
    const h = await fa('headers', bearer(jwt));
    expect(h.headers['x-backend-key']).toBe('SSWS backend-key-value-1');
    expect(h.headers['x-subject']).toBe('user-123');
  });

  it('answers 401 without a token and 403 for a forbidden method', async () => {
    const none = await fa('oauth', {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="gatewright"');
    const jwt = await issuer.sign({ tenant: 'acme' });
    expect((await fa('writers', { ...bearer(jwt), 'x-forwarded-method': 'DELETE' })).status).toBe(403);
  });

  it('refuses query-parameter credentials with a config error (500)', async () => {
    const res = await fa('query', {});
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ error: 'gateway_misconfigured' });
  });

  it('rejects a traversal in X-Forwarded-Uri and unknown route names', async () => {
    const jwt = await issuer.sign();
    expect((await fa('oauth', { ...bearer(jwt), 'x-forwarded-uri': '/oauth/../admin' })).status).toBe(400);
    expect((await fa('nope', bearer(jwt))).status).toBe(404);
  });
});

describe('Secret files with a trailing newline (kubectl create secret --from-file, echo)', () => {
  it('use the value without its final line break, and /readyz names (never shows) a key with other control characters', async () => {
    const local = await startTestProxy(
      { issuer, token, echo },
      [
        route({
          name: 'newline',
          clientAuth: { kind: 'apiKey', header: 'X-API-Key', keys: [{ secretName: 'nl-callers', key: 'erin' }] },
          upstreamAuth: [
            { kind: 'basicAuth', username: secret('nl-legacy', 'user'), password: secret('nl-legacy', 'password') },
            { kind: 'header', name: 'X-Backend-Key', value: secret('nl-backend', 'key') },
          ],
        }),
        route({ name: 'broken', clientAuth: { kind: 'none' }, upstreamAuth: [{ kind: 'header', name: 'X-Broken', value: secret('nl-broken', 'key') }] }),
        route({ name: 'env', clientAuth: { kind: 'none' }, upstreamAuth: [{ kind: 'header', name: 'X-Env', value: secret('nl-env', 'key') }] }),
      ],
      {
        secrets: {
          'nl-callers': { erin: 'erin-api-key-5\n' },
          'nl-legacy': { user: 'svc-user\r\n', password: 'svc-pass-w0rd\n' },
          'nl-backend': { key: 'backend-key-value-9\n' },
          'nl-broken': { key: 'line-one\nline-two\n' },
        },
        // Environment values are taken as they are.
        env: { [secretEnvName({ secretName: 'nl-env', key: 'key' })]: 'env-value-7\n' },
      },
    );
    try {
      const res = await call(local.proxy.url, '/newline', { headers: { 'x-api-key': 'erin-api-key-5' } });
      expect(res.status).toBe(200);
      const seen = res.json<Echo>();
      expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('svc-user:svc-pass-w0rd').toString('base64')}`);
      expect(seen.headers['x-backend-key']).toBe('backend-key-value-9');
      expect((await call(local.proxy.url, '/newline', { headers: { 'x-api-key': 'erin-api-key-6' } })).status).toBe(401);

      const ready = await call(local.proxy.adminUrl, '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json().reasons).toEqual(['Secret key nl-broken/key contains control characters', 'Secret key nl-env/key contains control characters']);
      expect(ready.text).not.toContain('line-');
      expect(ready.text).not.toContain('env-value');
    } finally {
      await local.stop();
    }
  });
});

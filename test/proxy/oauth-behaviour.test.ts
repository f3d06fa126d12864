import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyConfigInput } from '../../src/model';
import { EchoUpstream, type Echo } from './support/echo-upstream';
import { eventually, metricValue } from './support/eventually';
import { TestIssuer } from './support/issuer';
import { TestTokenEndpoint } from './support/token-endpoint';
import { API_HOST, bearer, call, route, startTestProxy, TOKEN_URL, type TestProxy } from './support/test-proxy';

const CLIENT_SECRET = 'oauth-client-secret-Zx81';

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy | undefined;
let jwt: string;

beforeAll(async () => {
  [issuer, token, echo] = await Promise.all([TestIssuer.start(), TestTokenEndpoint.start(), EchoUpstream.start()]);
  jwt = await issuer.sign();
});

afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  token.reset();
  echo.rejectTokens.clear();
});

afterAll(async () => {
  await Promise.all([issuer?.close(), token?.close(), echo?.close()]);
});

async function startOAuthProxy(refreshSkewSeconds = 60, config: Partial<ProxyConfigInput> = {}, tokenUrl = TOKEN_URL, acceptedTokenTypes?: string[]): Promise<TestProxy> {
  gw = await startTestProxy(
    { issuer, token, echo },
    [
      route({
        name: 'api',
        clientAuth: { kind: 'none' },
        upstreamAuth: [
          {
            kind: 'oauth2ClientCredentials',
            name: 'backend-token',
            tokenUrl,
            clientId: { kind: 'secret', ref: { secretName: 'oauth', key: 'id' } },
            clientSecret: { kind: 'secret', ref: { secretName: 'oauth', key: 'secret' } },
            authMethod: 'client_secret_post',
            refreshSkewSeconds,
            ...(acceptedTokenTypes ? { acceptedTokenTypes } : {}),
          },
        ],
      }),
    ],
    { secrets: { oauth: { id: 'client-1', secret: CLIENT_SECRET } }, config },
  );
  return gw;
}

const upstreamAuth = async (g: TestProxy, init: Parameters<typeof call>[2] = {}) => {
  const res = await call(g.proxy.url, '/api', init);
  return { status: res.status, auth: res.status === 200 ? (res.json<Echo>().headers.authorization as string | undefined) : undefined, text: res.text };
};

describe('OAuth2 client credentials toward the upstream', () => {
  it('1,000 concurrent requests cause exactly one token request', { timeout: 90_000 }, async () => {
    const g = await startOAuthProxy();
    // The token endpoint answers only once all 1,000 requests are inside the proxy: each of
    // them found no token and waits for the one request in flight.
    let release!: () => void;
    token.hold = new Promise<void>((r) => (release = r));
    const client = new Agent({ connections: 1000, keepAliveTimeout: 1000 });
    try {
      const pending = Promise.all(
        Array.from({ length: 1000 }, async () => {
          const res = await request(`${g.proxy.url}/api`, { headers: { host: API_HOST }, dispatcher: client });
          await res.body.dump();
          return res.statusCode;
        }),
      );
      await eventually(async () => (await metricValue(g.proxy.metrics.inFlight)) >= 1000, '1,000 requests in flight');
      release();
      const results = await pending;
      expect(results.filter((s) => s === 200)).toHaveLength(1000);
      expect(token.seen).toHaveLength(1);
      expect(new URLSearchParams(token.seen[0].body).get('client_secret')).toBe(CLIENT_SECRET);
    } finally {
      release();
      await client.close();
    }
  });

  it('refreshes in the background before expiry, so no request uses an expired token', async () => {
    const g = await startOAuthProxy();
    token.expiresIn = 2;
    expect((await upstreamAuth(g)).auth).toBe('Bearer upstream-token-1');
    // Requests keep flowing; once inside the refresh window (the last tenth of the lifetime)
    // one of them triggers the refresh, and the others go on with the still-valid token.
    const seen = new Set<string | undefined>();
    await eventually(async () => {
      const r = await upstreamAuth(g);
      expect(r.status).toBe(200);
      seen.add(r.auth);
      return token.issued >= 2;
    }, 'the background refresh');
    await token.requestsSeen(2);
    expect((await upstreamAuth(g)).auth).toBe('Bearer upstream-token-2');
    expect(token.seen).toHaveLength(2);
    expect([...seen].every((a) => a === 'Bearer upstream-token-1' || a === 'Bearer upstream-token-2')).toBe(true);
  });

  it('refuses (502) a token whose token_type is not Bearer, instead of sending it as one (RFC 6749 §7.1)', async () => {
    for (const type of ['mac', 'DPoP', undefined]) {
      const g = await startOAuthProxy();
      token.tokenType = type;
      const res = await upstreamAuth(g);
      expect(res.status).toBe(502);
      expect(JSON.parse(res.text)).toEqual({ error: 'bad_gateway' });
      const before = echo.requests.length;
      // Within the failure pause the same answer comes at once, without another token request.
      expect((await upstreamAuth(g)).status).toBe(502);
      expect(token.seen).toHaveLength(1);
      expect(echo.requests.length).toBe(before);
      const line = g.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'upstream token refused');
      expect(line).toMatchObject({ level: 50, route: 'api' });
      expect(JSON.stringify(g.logs)).not.toContain('upstream-token-1');
      await g.stop();
      gw = undefined;
      token.reset();
    }
  });

  it('accepts another token_type when the credential lists it, compared without case', async () => {
    const g = await startOAuthProxy(60, {}, TOKEN_URL, ['Bearer', 'N_A']);
    token.tokenType = 'n_a';
    expect((await upstreamAuth(g)).auth).toBe('Bearer upstream-token-1');
    expect(g.proxy.tokenSources.get('backend-token')!.requests).toBe(1);
  });

  it('retries network errors and 5xx with exponential backoff', async () => {
    const g = await startOAuthProxy();
    token.plan = [500, 502, 200];
    const res = await upstreamAuth(g);
    expect(res.status).toBe(200);
    expect(res.auth).toBe('Bearer upstream-token-1');
    expect(token.seen).toHaveLength(3);
    const gap1 = token.seen[1].at - token.seen[0].at;
    const gap2 = token.seen[2].at - token.seen[1].at;
    expect(gap1).toBeGreaterThanOrEqual(18);
    expect(gap2).toBeGreaterThanOrEqual(38);
  });

  it('does not retry a 400 or 401 from the token endpoint', async () => {
    for (const status of [400, 401]) {
      const g = await startOAuthProxy();
      token.plan = [status];
      expect((await upstreamAuth(g)).status).toBe(503);
      expect(token.seen).toHaveLength(1);
      await g.stop();
      gw = undefined;
      token.reset();
    }
  });

  it('does not send a token request per caller request after the token endpoint refused the client', async () => {
    const g = await startOAuthProxy();
    token.plan = [401, 200];
    for (let i = 0; i < 10; i++) expect((await upstreamAuth(g)).status).toBe(503);
    expect(token.seen).toHaveLength(1);
    // A moment later (the pause is at least 1 s) the next request tries again, and recovers.
    await new Promise((r) => setTimeout(r, 1100));
    const res = await upstreamAuth(g);
    expect(res).toMatchObject({ status: 200, auth: 'Bearer upstream-token-1' });
    expect(token.seen).toHaveLength(2);
  });

  it('answers 503 when the token endpoint is down, leaking nothing', async () => {
    const g = await startOAuthProxy();
    token.plan = [503];
    const res = await upstreamAuth(g);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toEqual({ error: 'upstream_credentials_unavailable' });
    expect(token.seen).toHaveLength(4); // first try + 3 retries
    const everything = res.text + g.logs.join('');
    expect(everything).not.toContain(CLIENT_SECRET);
    expect(everything).not.toContain('token-endpoint-internal-detail');
    expect(everything).not.toContain('client-1');
  });

  it('answers 503 when the token endpoint does not even accept connections', async () => {
    const g = await startOAuthProxy(60, { originOverrides: { 'https://down.example.test': 'http://127.0.0.1:9' } }, 'https://down.example.test/token');
    const res = await upstreamAuth(g);
    expect(res.status).toBe(503);
    expect(res.text).toBe('{"error":"upstream_credentials_unavailable"}');
    expect(g.logs.join('')).not.toContain(CLIENT_SECRET);
  });

  it('refreshes exactly once when the upstream rejects the token with 401, then retries', async () => {
    const g = await startOAuthProxy();
    echo.rejectTokens.add('upstream-token-1');
    const results = await Promise.all(Array.from({ length: 20 }, () => upstreamAuth(g)));
    // The first request fetched token 1 alone; all 401s on it share one refresh.
    expect(results.every((r) => r.status === 200 && r.auth === 'Bearer upstream-token-2')).toBe(true);
    expect(token.seen).toHaveLength(2);
  });

  it('gives up after one refresh when the upstream keeps answering 401', async () => {
    const g = await startOAuthProxy();
    echo.rejectTokens.add('upstream-token-1');
    echo.rejectTokens.add('upstream-token-2');
    expect((await upstreamAuth(g)).status).toBe(401);
    expect(token.seen).toHaveLength(2);
  });

  it('does not replay a request with a body after a 401', async () => {
    const g = await startOAuthProxy();
    echo.rejectTokens.add('upstream-token-1');
    const res = await call(g.proxy.url, '/api', { method: 'POST', body: '{"order":1}', headers: { ...bearer(jwt), 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(token.seen).toHaveLength(1);
  });
});

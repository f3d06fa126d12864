import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EchoUpstream } from './support/echo-upstream';
import { ISSUER, type TestIssuer } from './support/issuer';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { bearer, call, JWKS_URL, route, startTestProxy, type TestProxy } from './support/test-proxy';
import { startPeers, stopPeers } from './support/peers';

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy;

beforeAll(async () => {
  ({ issuer, token, echo } = await startPeers());
  gw = await startTestProxy(
    { issuer, token, echo },
    [route({ name: 'strict', clientAuth: { kind: 'jwt', jwksUrl: JWKS_URL, issuer: ISSUER, audience: ['api.example.test'], clockToleranceSeconds: 0 } })],
    { config: { jwks: { refetchCooldownSeconds: 0, maxAgeSeconds: 600 } } },
  );
});

afterAll(() => stopPeers(gw, { issuer, token, echo }));

const cacheCount = async (result: 'hit' | 'miss') => {
  const text = (await call(gw.proxy.adminUrl, '/metrics')).text;
  return Number(new RegExp(`gatewright_proxy_jwt_cache_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

describe('verified-token cache and JWKS', () => {
  it('verifies a token once and serves repeats from the cache', async () => {
    const t = await issuer.sign();
    const misses = await cacheCount('miss');
    for (let i = 0; i < 5; i++) expect((await call(gw.proxy.url, '/strict', { headers: bearer(t) })).status).toBe(200);
    expect((await cacheCount('miss')) - misses).toBe(1);
    expect(await cacheCount('hit')).toBeGreaterThanOrEqual(4);
  });

  it('bounds the verified-token cache for the whole proxy, not per route', async () => {
    const local = await startTestProxy({ issuer, token, echo }, [route({ name: 'one' }), route({ name: 'two' }), route({ name: 'three' })], {
      config: { limits: { maxHeaderBytes: 16384, maxTokenBytes: 8192, verifiedTokenCacheEntries: 4 } },
    });
    try {
      const tokens = await Promise.all(Array.from({ length: 4 }, (_, i) => issuer.sign({ sub: `bounded-${i}` })));
      for (const r of ['one', 'two', 'three']) for (const t of tokens) expect((await call(local.proxy.url, `/${r}`, { headers: bearer(t) })).status).toBe(200);
      const metrics = (await call(local.proxy.adminUrl, '/metrics')).text;
      expect(Number(/gatewright_proxy_jwt_cache_entries (\d+)/.exec(metrics)?.[1])).toBe(4);
      // A token verified for one route is not taken as verified for another.
      const onlyOne = await issuer.sign({ sub: 'bounded-x' });
      expect((await call(local.proxy.url, '/one', { headers: bearer(onlyOne) })).status).toBe(200);
      const misses = async () => Number(/gatewright_proxy_jwt_cache_total\{result="miss"\} (\d+)/.exec((await call(local.proxy.adminUrl, '/metrics')).text)?.[1]);
      const before = await misses();
      expect((await call(local.proxy.url, '/two', { headers: bearer(onlyOne) })).status).toBe(200);
      expect((await misses()) - before).toBe(1);
    } finally {
      await local.stop();
    }
  });

  it('rejects a cached token once it expires', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const t = await issuer.sign({ exp });
    expect((await call(gw.proxy.url, '/strict', { headers: bearer(t) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    expect((await call(gw.proxy.url, '/strict', { headers: bearer(t) })).status).toBe(401);
  });

  it('accepts a rotated-in key after refetching the JWKS, and drops tokens of a removed key', async () => {
    const old = await issuer.sign();
    expect((await call(gw.proxy.url, '/strict', { headers: bearer(old) })).status).toBe(200);
    const next = await issuer.addKey('key-2');
    issuer.published = [next];
    const fresh = await issuer.sign({}, { key: next });
    expect((await call(gw.proxy.url, '/strict', { headers: bearer(fresh) })).status).toBe(200);
    // The key set changed: cached verifications of the removed key are gone.
    expect((await call(gw.proxy.url, '/strict', { headers: bearer(old) })).status).toBe(401);
    issuer.published = [issuer.keys[0], next];
  });

  it('keeps serving through a key rotation: old and new keys verify until the old one leaves the JWKS', async () => {
    const local = await startTestProxy({ issuer, token, echo }, [route({ name: 'rotation' })], { config: { jwks: { refetchCooldownSeconds: 0, maxAgeSeconds: 1 } } });
    const status = async (jwt: string) => (await call(local.proxy.url, '/rotation', { headers: bearer(jwt) })).status;
    const original = issuer.published;
    try {
      const oldKey = issuer.keys[0];
      const newKey = await issuer.addKey('key-rotating-in');
      // Step 1 of a rotation: the issuer publishes both keys, still signing with the old one.
      issuer.published = [oldKey, newKey];
      expect(await status(await issuer.sign({ sub: 'before' }, { key: oldKey }))).toBe(200);
      // Step 2: it starts signing with the new key; tokens of both keys are in circulation.
      expect(await status(await issuer.sign({ sub: 'after' }, { key: newKey }))).toBe(200);
      expect(await status(await issuer.sign({ sub: 'late' }, { key: oldKey }))).toBe(200);
      // Step 3: the old key leaves the JWKS; once the proxy's copy is refreshed, its tokens fail.
      issuer.published = [newKey];
      await new Promise((r) => setTimeout(r, 1100));
      const retired = await issuer.sign({ sub: 'retired' }, { key: oldKey });
      // The refresh runs in the background after maxAge: poll, bounded (30 x 100 ms).
      let last = await status(retired);
      for (let i = 0; i < 30 && last !== 401; i++) {
        await new Promise((r) => setTimeout(r, 100));
        last = await status(retired);
      }
      expect(last).toBe(401);
      expect(await status(await issuer.sign({ sub: 'current' }, { key: newKey }))).toBe(200);
    } finally {
      issuer.published = original;
      await local.stop();
    }
  });

  it('keeps verifying with stale cached keys while the JWKS endpoint is down', async () => {
    const local = await startTestProxy({ issuer, token, echo }, [route({ name: 'stale' })], { config: { jwks: { refetchCooldownSeconds: 0, maxAgeSeconds: 1 } } });
    try {
      expect((await call(local.proxy.url, '/stale', { headers: bearer(await issuer.sign()) })).status).toBe(200);
      issuer.down = true;
      await new Promise((r) => setTimeout(r, 1100));
      // Keys are stale now and every refresh fails; the cached key still verifies new tokens.
      expect((await call(local.proxy.url, '/stale', { headers: bearer(await issuer.sign({ sub: 'another' })) })).status).toBe(200);
      expect((await call(local.proxy.url, '/stale', { headers: bearer(await issuer.sign({ sub: 'third' })) })).status).toBe(200);
    } finally {
      issuer.down = false;
      await local.stop();
    }
  });

  it('does not send a JWKS request per verification while the endpoint is down', async () => {
    const local = await startTestProxy({ issuer, token, echo }, [route({ name: 'outage' })], { config: { jwks: { refetchCooldownSeconds: 30, maxAgeSeconds: 1 } } });
    try {
      expect((await call(local.proxy.url, '/outage', { headers: bearer(await issuer.sign()) })).status).toBe(200);
      issuer.down = true;
      await new Promise((r) => setTimeout(r, 1100));
      const fresh = await Promise.all(Array.from({ length: 20 }, (_, i) => issuer.sign({ sub: `outage-${i}` })));
      const before = issuer.jwksRequests;
      const started = Date.now();
      // Each token is new (a cache miss, so its key is looked up); the keys are stale.
      for (const t of fresh) expect((await call(local.proxy.url, '/outage', { headers: bearer(t) })).status).toBe(200);
      // The refresh timer (every maxAgeSeconds) may fire meanwhile; verifications add nothing.
      const timerPeriods = Math.ceil((Date.now() - started) / 1000);
      expect(issuer.jwksRequests - before).toBeLessThanOrEqual(1 + timerPeriods);
    } finally {
      issuer.down = false;
      await local.stop();
    }
  });

  it('does not send a JWKS request per request when it was never reachable', async () => {
    issuer.down = true;
    const local = await startTestProxy({ issuer, token, echo }, [route({ name: 'cold' })]);
    try {
      const t = await issuer.sign();
      const before = issuer.jwksRequests;
      for (let i = 0; i < 10; i++) expect((await call(local.proxy.url, '/cold', { headers: bearer(t) })).status).toBe(503);
      expect(issuer.jwksRequests - before).toBe(1);
    } finally {
      issuer.down = false;
      await local.stop();
    }
  });

  it('answers 503 (not 401) when the JWKS was never reachable', async () => {
    issuer.down = true;
    const local = await startTestProxy({ issuer, token, echo }, [route({ name: 'cold' })]);
    try {
      const res = await call(local.proxy.url, '/cold', { headers: bearer(await issuer.sign()) });
      expect(res.status).toBe(503);
      expect(res.text).toBe('{"error":"temporarily_unavailable"}');
    } finally {
      issuer.down = false;
      await local.stop();
    }
  });
});

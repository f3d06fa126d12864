import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EchoUpstream } from './support/echo-upstream';
import { eventually, metricValue } from './support/eventually';
import type { TestIssuer } from './support/issuer';
import { startPeers, stopPeers } from './support/peers';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { API_HOST, bearer, call, route, startTestProxy, type TestProxy } from './support/test-proxy';

/**
 * The verified-token cache must not outlive a key: the JWKS is refreshed on a timer, with or
 * without traffic, and tokens verified with a key that left the set are dropped. Concurrent
 * verifications of one token share one signature check.
 */

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let local: TestProxy | undefined;

beforeAll(async () => {
  ({ issuer, token, echo } = await startPeers());
});

afterEach(async () => {
  await local?.stop();
  local = undefined;
  issuer.hold = undefined;
  issuer.published = [issuer.keys[0]];
});

afterAll(() => stopPeers(undefined, { issuer, token, echo }));

const status = async (t: string) => (await call(local!.proxy.url, '/revoke', { headers: bearer(t) })).status;
const cacheCount = (result: string) => metricValue(local!.proxy.metrics.jwtCache, { result });

describe('key revocation', () => {
  it('refetches the JWKS on its own timer and stops accepting cached tokens whose key was removed', async () => {
    const second = await issuer.addKey('key-2');
    issuer.published = [issuer.keys[0], second];
    local = await startTestProxy({ issuer, token, echo }, [route({ name: 'revoke' })], { config: { jwks: { refetchCooldownSeconds: 30, maxAgeSeconds: 1 } } });
    const kept = await issuer.sign({ sub: 'kept' });
    const revoked = await issuer.sign({ sub: 'revoked' }, { key: second });
    expect(await status(kept)).toBe(200);
    expect(await status(revoked)).toBe(200);
    expect(await status(revoked)).toBe(200);
    expect(await cacheCount('hit')).toBe(1);

    // The issuer revokes key-2. No request arrives; the proxy's timer fetches the new set.
    issuer.published = [issuer.keys[0]];
    await issuer.jwksAnswered(issuer.jwksAnswers + 1);
    await eventually(async () => (await status(revoked)) === 401, 'the revoked key to stop verifying cached tokens');
    // Tokens of the key that stayed are still served from the cache, not verified again.
    const misses = await cacheCount('miss');
    expect(await status(kept)).toBe(200);
    expect(await cacheCount('miss')).toBe(misses);
  });
});

describe('single-flight verification', () => {
  it('verifies a token once, whatever the number of concurrent requests bearing it', { timeout: 90_000 }, async () => {
    local = await startTestProxy({ issuer, token, echo }, [route({ name: 'revoke', clientAuth: { kind: 'jwt', jwksUrl: 'https://idp.example.test/jwks', issuer: 'https://idp.example.test/', audience: ['api.example.test'] } })]);
    const t = await issuer.sign({ sub: 'burst' });
    // The JWKS answer waits until all 1,000 cold requests are inside the proxy.
    let release!: () => void;
    issuer.hold = new Promise<void>((r) => (release = r));
    const client = new Agent({ connections: 1000, keepAliveTimeout: 1000 });
    try {
      const pending = Promise.all(
        Array.from({ length: 1000 }, async () => {
          const res = await request(`${local!.proxy.url}/revoke`, { headers: { host: API_HOST, ...bearer(t) }, dispatcher: client });
          await res.body.dump();
          return res.statusCode;
        }),
      );
      await eventually(async () => (await metricValue(local!.proxy.metrics.inFlight)) >= 1000, '1,000 requests in flight');
      release();
      const statuses = await pending;
      expect(statuses.filter((s) => s === 200)).toHaveLength(1000);
      expect(await cacheCount('miss')).toBe(1);
      expect((await cacheCount('shared')) + (await cacheCount('hit'))).toBe(999);
    } finally {
      release();
      await client.close();
    }
  });

  it('shares a failed verification too: every request with a bad token gets 401', async () => {
    local = await startTestProxy({ issuer, token, echo }, [route({ name: 'revoke' })]);
    const rogue = await issuer.sign({}, { key: await issuer.addKey('rogue-sf') });
    const statuses = await Promise.all(Array.from({ length: 50 }, () => status(rogue)));
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(await cacheCount('hit')).toBe(0);
  });
});

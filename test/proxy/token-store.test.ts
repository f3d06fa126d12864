import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TokenCipher } from '../../src/proxy/upstream/token-store/token-cipher';
import type { Echo, EchoUpstream } from './support/echo-upstream';
import { eventually, metricValue } from './support/eventually';
import type { TestIssuer } from './support/issuer';
import { startPeers, stopPeers } from './support/peers';
import { REDIS_MISSING_REASON, redisMissing, TestRedis } from './support/redis-server';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { call, route, startTestProxy, TOKEN_URL, type TestProxy } from './support/test-proxy';

/**
 * Several replicas share one upstream token through Redis (the model's `tokenStore`): one
 * token request per lifetime across replicas, tokens encrypted at rest, the in-memory cache
 * first, and a Redis that is down never fails a request.
 */

const ENCRYPTION_KEY = 'k'.repeat(16) + 'y'.repeat(16);
const SECRETS = { oauth: { id: 'store-client', secret: 'store-client-secret-Pq71' }, store: { key: ENCRYPTION_KEY } };

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let redis: TestRedis | undefined;
const proxies: TestProxy[] = [];

if (redisMissing) console.warn(REDIS_MISSING_REASON);

describe.skipIf(redisMissing)('shared OAuth token store (Redis)', () => {
  beforeAll(async () => {
    ({ issuer, token, echo } = await startPeers());
  });
  beforeEach(async () => {
    redis = await TestRedis.start();
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
    await redis?.kill();
    token.reset();
  });
  afterAll(() => stopPeers(undefined, { issuer, token, echo }));

  async function replica(options: { encryptionKey?: string; endpoint?: string } = {}): Promise<TestProxy> {
    const p = await startTestProxy(
      { issuer, token, echo },
      [
        route({
          name: 'api',
          clientAuth: { kind: 'none' },
          upstreamAuth: [
            {
              kind: 'oauth2ClientCredentials',
              name: 'shared-token',
              tokenUrl: TOKEN_URL,
              clientId: { kind: 'secret', ref: { secretName: 'oauth', key: 'id' } },
              clientSecret: { kind: 'secret', ref: { secretName: 'oauth', key: 'secret' } },
              tokenStore: { redis: { endpoints: [options.endpoint ?? redis!.endpoint] }, encryptionKey: { secretName: 'store', key: 'key' } },
            },
          ],
        }),
      ],
      { secrets: { ...SECRETS, store: { key: options.encryptionKey ?? ENCRYPTION_KEY } } },
    );
    proxies.push(p);
    return p;
  }

  const upstreamAuth = async (p: TestProxy) => {
    const res = await call(p.proxy.url, '/api');
    expect(res.status).toBe(200);
    return res.json<Echo>().headers.authorization;
  };

  it('two replicas asked at once make one token request between them', async () => {
    const [a, b] = [await replica(), await replica()];
    let release!: () => void;
    token.hold = new Promise<void>((r) => (release = r));
    const pending = Promise.all([...Array.from({ length: 20 }, () => upstreamAuth(a)), ...Array.from({ length: 20 }, () => upstreamAuth(b))]);
    // One replica holds the lock and waits for the token endpoint; the other waits for it.
    await token.requestsSeen(1);
    await eventually(async () => (await metricValue(b.proxy.metrics.inFlight)) + (await metricValue(a.proxy.metrics.inFlight)) >= 40, 'both replicas waiting');
    release();
    expect(new Set(await pending)).toEqual(new Set(['Bearer upstream-token-1']));
    expect(token.seen).toHaveLength(1);
    const outcomes = async (p: TestProxy) => ({ fetched: await metricValue(p.proxy.metrics.tokenStore, { outcome: 'fetched' }), waited: await metricValue(p.proxy.metrics.tokenStore, { outcome: 'waited' }) });
    expect([await outcomes(a), await outcomes(b)]).toEqual(expect.arrayContaining([{ fetched: 1, waited: 0 }, { fetched: 0, waited: 1 }]));
  });

  it('a replica started later uses the stored token instead of requesting one', async () => {
    const a = await replica();
    expect(await upstreamAuth(a)).toBe('Bearer upstream-token-1');
    const b = await replica();
    expect(await upstreamAuth(b)).toBe('Bearer upstream-token-1');
    expect(token.seen).toHaveLength(1);
    expect(await metricValue(b.proxy.metrics.tokenStore, { outcome: 'shared' })).toBe(1);
  });

  it('stores the token encrypted (AES-GCM, bound to its key), never in clear text, and releases the lock', async () => {
    const a = await replica();
    expect(await upstreamAuth(a)).toBe('Bearer upstream-token-1');
    const inspect = new Redis({ host: '127.0.0.1', port: redis!.port, lazyConnect: true });
    try {
      await inspect.connect();
      const keys = await inspect.keys('*');
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^gatewright:oauth:shared-token:[0-9a-f]{32}$/);
      const stored = (await inspect.get(keys[0]))!;
      expect(stored).toMatch(/^v1\./);
      expect(stored).not.toContain('upstream-token-1');
      expect(Buffer.from(stored.slice(3), 'base64url').toString('latin1')).not.toContain('upstream-token');
      const opened = TokenCipher.fromSecretValue(ENCRYPTION_KEY).open(stored, keys[0]);
      expect(JSON.parse(opened!)).toMatchObject({ accessToken: 'upstream-token-1' });
      // Bound to its key: the same value under another key does not decrypt.
      expect(TokenCipher.fromSecretValue(ENCRYPTION_KEY).open(stored, `${keys[0]}x`)).toBeUndefined();
      expect(await inspect.pttl(keys[0])).toBeGreaterThan(3_500_000);
    } finally {
      inspect.disconnect();
    }
  });

  it('a replica with another encryption key cannot read the stored token, and requests its own', async () => {
    const a = await replica();
    expect(await upstreamAuth(a)).toBe('Bearer upstream-token-1');
    const b = await replica({ encryptionKey: 'z'.repeat(32) });
    expect(await upstreamAuth(b)).toBe('Bearer upstream-token-2');
    expect(token.seen).toHaveLength(2);
  });

  it('refreshes once per lifetime across replicas', async () => {
    token.expiresIn = 2;
    const [a, b] = [await replica(), await replica()];
    expect(await upstreamAuth(a)).toBe('Bearer upstream-token-1');
    expect(await upstreamAuth(b)).toBe('Bearer upstream-token-1');
    // Both replicas keep serving; inside the refresh window (the last tenth of the lifetime)
    // one of them requests the next token, the other picks it up from Redis.
    await eventually(async () => (await upstreamAuth(a)) === 'Bearer upstream-token-2' && (await upstreamAuth(b)) === 'Bearer upstream-token-2', 'both replicas on the refreshed token');
    expect(token.seen).toHaveLength(2);
  });

  it('keeps serving when Redis goes down, from memory, and a replica started meanwhile requests its own token', async () => {
    const a = await replica();
    expect(await upstreamAuth(a)).toBe('Bearer upstream-token-1');
    await redis!.kill();
    for (let i = 0; i < 10; i++) expect(await upstreamAuth(a)).toBe('Bearer upstream-token-1');
    const b = await replica();
    expect(await upstreamAuth(b)).toBe('Bearer upstream-token-2');
    expect(await metricValue(b.proxy.metrics.tokenStore, { outcome: 'unavailable' })).toBe(1);
    expect(b.logs.some((l) => JSON.parse(l).msg === 'shared token store skipped; token requested by this replica alone')).toBe(true);
    expect(b.logs.join('')).not.toContain(ENCRYPTION_KEY);
  });

  it('starts and serves with no Redis at all', async () => {
    const a = await replica({ endpoint: '127.0.0.1:9' });
    expect(await upstreamAuth(a)).toBe('Bearer upstream-token-1');
    expect(await upstreamAuth(a)).toBe('Bearer upstream-token-1');
    expect(token.seen).toHaveLength(1);
  });
});

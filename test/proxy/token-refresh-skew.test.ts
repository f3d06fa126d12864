import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { oauthClientCredentialsSchema } from '../../src/model';
import { OAuthTokenSource } from '../../src/proxy/upstream/oauth-token-source';
import { eventually } from './support/eventually';
import { TestTokenEndpoint } from './support/token-endpoint';

/**
 * The refresh ahead of expiry is a tenth of the token's lifetime, at most `refreshSkewSeconds`:
 * short-lived tokens are not refreshed twice as often as they need to be. Driven by a fake
 * clock against a real token endpoint, so no test waits for a token to age.
 */

let endpoint: TestTokenEndpoint;
const dispatcher = new Agent();

beforeAll(async () => {
  endpoint = await TestTokenEndpoint.start();
});
beforeEach(() => endpoint.reset());
afterAll(async () => {
  await dispatcher.close();
  await endpoint.close();
});

function sourceWithClock(clock: { now: number }, refreshSkewSeconds?: number): OAuthTokenSource {
  return new OAuthTokenSource({
    model: oauthClientCredentialsSchema.parse({
      kind: 'oauth2ClientCredentials',
      name: 'skew',
      tokenUrl: 'https://auth.example.test/token',
      clientId: { kind: 'unsafePlaintext', value: 'c' },
      clientSecret: { kind: 'unsafePlaintext', value: 's' },
      ...(refreshSkewSeconds !== undefined ? { refreshSkewSeconds } : {}),
    }),
    tokenUrl: `${endpoint.url}/token`,
    dispatcher,
    credentials: () => ({ clientId: 'c', clientSecret: 's', scopes: [] }),
    retries: 0,
    backoffMs: 10,
    timeoutMs: 5000,
    now: () => clock.now,
  });
}

/** Advances the clock in steps, asking for the token at each, and counts the token requests. */
async function requestsOver(source: OAuthTokenSource, clock: { now: number }, seconds: number, stepMs = 100): Promise<number> {
  const end = clock.now + seconds * 1000;
  await source.get();
  for (; clock.now < end; clock.now += stepMs) {
    const before = endpoint.issued;
    await source.get();
    // A background refresh started: let it land before the clock moves on.
    if (source.requests > before) await eventually(() => endpoint.issued === source.requests && (source.get() as { accessToken: string }).accessToken === `upstream-token-${source.requests}`, 'the refreshed token');
  }
  return source.requests;
}

describe('refresh ahead of expiry', () => {
  it('refreshes a 10 s token after 9 s: 7 token requests a minute, not 12', async () => {
    endpoint.expiresIn = 10;
    const clock = { now: 1_000_000 };
    expect(await requestsOver(sourceWithClock(clock), clock, 60)).toBe(7);
  });

  it('refreshes a 1 h token 60 s early (the refreshSkewSeconds cap), not 6 minutes early', async () => {
    endpoint.expiresIn = 3600;
    const clock = { now: 1_000_000 };
    const source = sourceWithClock(clock);
    await source.get();
    clock.now += 3_539_900;
    await source.get();
    expect(source.requests).toBe(1);
    clock.now += 100;
    await source.get();
    expect(source.requests).toBe(2);
  });

  it('a smaller refreshSkewSeconds caps the refresh of a short token too', async () => {
    endpoint.expiresIn = 100;
    const clock = { now: 1_000_000 };
    const source = sourceWithClock(clock, 2);
    await source.get();
    clock.now += 97_900;
    await source.get();
    expect(source.requests).toBe(1);
    clock.now += 100;
    await source.get();
    expect(source.requests).toBe(2);
  });
});

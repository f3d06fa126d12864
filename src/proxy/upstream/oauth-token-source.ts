import { decodeJwt } from 'jose';
import type { Dispatcher } from 'undici';
import type { OAuthClientCredentialsModel } from '../../model';
import { claimEquals } from '../auth/claim-equals';
import { claimHeaderValue } from './upstream-headers';
import { TokenStoreUnavailableError, type SharedToken, type SharedTokenStore } from './token-store/shared-token-store';
import { InvalidTokenStoreKeyError } from './token-store/token-cipher';

/** The token could not be obtained: callers answer 503 and reveal nothing more. */
export class TokenUnavailableError extends Error {
  readonly code: string = 'ERR_GW_TOKEN_UNAVAILABLE';
}

/**
 * The token endpoint answered with a token of a type the credential does not accept
 * (`acceptedTokenTypes`, RFC 6749 §7.1): the upstream gateway's answer is unusable (502).
 */
export class TokenTypeRefusedError extends TokenUnavailableError {
  override readonly code = 'ERR_GW_TOKEN_TYPE_REFUSED';
}

/** A token as used on a request, with the headers derived from its claims. */
export interface UpstreamToken extends SharedToken {
  /** `forwardHeaders` of the model, resolved from the token's claims. */
  readonly claimHeaders: Readonly<Record<string, string>>;
}

export interface OAuthTokenSourceOptions {
  readonly model: OAuthClientCredentialsModel;
  /** Token URL actually called (after origin overrides). */
  readonly tokenUrl: string;
  readonly dispatcher: Dispatcher;
  /** Resolves client id, secret and scopes at request time (Secrets may rotate). */
  readonly credentials: () => { clientId: string; clientSecret: string; scopes: string[] } | undefined;
  readonly retries: number;
  readonly backoffMs: number;
  readonly timeoutMs: number;
  /** Lifetime assumed when the server sends no `expires_in`. */
  readonly defaultLifetimeSeconds?: number;
  /**
   * Where replicas share the token (`tokenStore`): consulted before the token endpoint, and
   * holding the lock that makes one replica request the next token. Unreachable, it is skipped.
   */
  readonly store?: SharedTokenStore;
  readonly onFetch?: (result: 'success' | 'failure' | 'retry') => void;
  /** How a token was obtained through the shared store, or that the store was skipped. */
  readonly onStore?: (outcome: 'shared' | 'fetched' | 'waited' | 'unavailable', err?: Error) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

class PermanentTokenError extends Error {}

/** A refresh ahead of expiry by this share of the lifetime, capped by `refreshSkewSeconds`. */
const REFRESH_SHARE = 0.1;

/**
 * OAuth2 client-credentials tokens for one upstream credential (RFC 6749 §4.4): fetched on first
 * use, cached until expiry, refreshed in the background ahead of it (a tenth of the lifetime,
 * at most the model's skew), single-flight (any number of concurrent requests share one token
 * request), and retried with exponential backoff on network errors and 5xx — never on 4xx,
 * which retrying cannot fix. With a shared store, replicas share the token too: the store is
 * read before the token endpoint is asked, and only the replica holding the store's lock asks.
 * Errors never carry the client secret or the server's response body.
 */
export class OAuthTokenSource {
  private current: UpstreamToken | undefined;
  private inflight: Promise<UpstreamToken> | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Number of HTTP requests sent to the token endpoint. */
  requests = 0;

  constructor(private readonly options: OAuthTokenSourceOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** A usable token; fetches one (shared with concurrent callers) when none is valid. */
  get(): Promise<UpstreamToken> | UpstreamToken {
    const token = this.current;
    const now = this.now();
    if (token && now < token.expiresAt) {
      if (now >= this.refreshAt(token) && now >= this.backgroundPausedUntil) {
        void this.fetchShared().catch(() => {
          // Keep using the still-valid token; try again a little later, not on every request.
          this.backgroundPausedUntil = this.now() + this.failurePauseMs();
        });
      }
      return token;
    }
    return this.fetchShared();
  }

  /**
   * After a failed fetch (retries exhausted, or a 4xx such as a wrong client secret), requests
   * fail fast for a moment instead of each sending its own token request: an identity provider
   * would otherwise see the gateway's request rate, and may lock the client out for it.
   */
  private failedUntil = 0;
  private lastFailure: TokenUnavailableError | undefined;

  /**
   * Drops `rejected` (an upstream answered 401 to it) and returns a fresh token. Concurrent
   * callers that saw the same rejected token share a single refresh.
   */
  async refreshAfterRejection(rejected: string): Promise<UpstreamToken> {
    if (this.current?.accessToken === rejected) {
      this.current = undefined;
      this.rejected = rejected;
    }
    if (this.current) return this.current;
    return this.fetchShared();
  }

  /** A token an upstream refused: never adopted again from the shared store. */
  private rejected: string | undefined;
  private backgroundPausedUntil = 0;

  private failurePauseMs(): number {
    return Math.max(1000, this.options.backoffMs * 4);
  }

  private refreshAt(token: SharedToken): number {
    const lifetime = token.expiresAt - token.fetchedAt;
    return token.expiresAt - Math.min(this.options.model.refreshSkewSeconds * 1000, lifetime * REFRESH_SHARE);
  }

  private fetchShared(): Promise<UpstreamToken> {
    if (!this.inflight && this.now() < this.failedUntil) {
      const failure = this.lastFailure;
      const message = `token request for "${this.options.model.name}" failed recently; not retried yet`;
      return Promise.reject(failure instanceof TokenTypeRefusedError ? new TokenTypeRefusedError(message) : new TokenUnavailableError(message));
    }
    if (!this.inflight) {
      this.inflight = (this.options.store ? this.obtainThroughStore(this.options.store) : this.fetchWithRetries()).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  /**
   * The shared store first: a token another replica stored, not yet due for refresh, is used
   * as is. Otherwise the replica that takes the lock asks the token endpoint and stores the
   * answer; the others wait for it. Any store failure falls back to asking alone.
   */
  private async obtainThroughStore(store: SharedTokenStore): Promise<UpstreamToken> {
    let release: (() => Promise<void>) | undefined;
    try {
      const shared = await this.readUsable(store);
      if (shared) return this.adopt(shared, 'shared');
      release = await store.lock(this.lockTtlMs());
      if (!release) {
        const waited = await this.waitForOtherReplica(store);
        if (waited) return this.adopt(waited, 'waited');
        release = await store.lock(this.lockTtlMs());
      }
      if (release) {
        // Another replica may have stored a token between our read and our lock.
        const again = await this.readUsable(store);
        if (again) return this.adopt(again, 'shared');
      }
    } catch (err) {
      if (!(err instanceof TokenStoreUnavailableError) && !(err instanceof InvalidTokenStoreKeyError)) throw err;
      this.options.onStore?.('unavailable', err);
      return this.fetchWithRetries();
    }
    try {
      const token = await this.fetchWithRetries();
      await store.write(token).then(
        () => this.options.onStore?.('fetched'),
        (err: Error) => this.options.onStore?.('unavailable', err),
      );
      return token;
    } finally {
      await release?.().catch(() => undefined);
    }
  }

  private async readUsable(store: SharedTokenStore): Promise<SharedToken | undefined> {
    const token = await store.read();
    if (!token || token.accessToken === this.rejected) return undefined;
    const now = this.now();
    // Ours already, and due for refresh: not a reason to skip the request.
    if (now >= this.refreshAt(token)) return undefined;
    return token;
  }

  /**
   * Polls the store while another replica holds the lock, until its token appears or the lock
   * is gone (it failed or died): at most the lock's lifetime.
   */
  private async waitForOtherReplica(store: SharedTokenStore): Promise<SharedToken | undefined> {
    const deadline = this.now() + this.lockTtlMs();
    for (let pause = 20; this.now() < deadline; pause = Math.min(pause * 2, 200)) {
      await this.sleep(pause);
      const token = await this.readUsable(store);
      if (token) return token;
      const release = await store.lock(this.lockTtlMs());
      if (release) {
        await release();
        return undefined;
      }
    }
    return undefined;
  }

  /** Longest a token request with all its retries can take: how long the lock is held at most. */
  private lockTtlMs(): number {
    const retries = this.options.retries;
    return this.options.timeoutMs * (retries + 1) + this.options.backoffMs * (2 ** retries - 1) + 1000;
  }

  private adopt(shared: SharedToken, outcome: 'shared' | 'waited'): UpstreamToken {
    const token = { ...shared, claimHeaders: this.claimHeaders(shared.accessToken) };
    this.current = token;
    this.options.onStore?.(outcome);
    return token;
  }

  private async fetchWithRetries(): Promise<UpstreamToken> {
    for (let attempt = 0; ; attempt++) {
      try {
        const token = await this.fetchOnce();
        this.current = token;
        this.options.onFetch?.('success');
        return token;
      } catch (err) {
        if (err instanceof PermanentTokenError || err instanceof TokenTypeRefusedError || attempt >= this.options.retries) {
          this.failedUntil = this.now() + this.failurePauseMs();
          this.options.onFetch?.('failure');
          const message = `token request for "${this.options.model.name}" failed: ${(err as Error).message}`;
          this.lastFailure = err instanceof TokenTypeRefusedError ? new TokenTypeRefusedError(message) : new TokenUnavailableError(message);
          throw this.lastFailure;
        }
        this.options.onFetch?.('retry');
        await this.sleep(this.options.backoffMs * 2 ** attempt);
      }
    }
  }

  private async fetchOnce(): Promise<UpstreamToken> {
    const creds = this.options.credentials();
    if (!creds) throw new PermanentTokenError('client credentials are not configured (missing Secret)');
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (creds.scopes.length > 0) form.set('scope', creds.scopes.join(' '));
    if (this.options.model.audience) form.set('audience', this.options.model.audience);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.options.model.authMethod === 'client_secret_basic') {
      // RFC 6749 §2.3.1: both parts are form-urlencoded before Base64.
      const pair = `${formEncode(creds.clientId)}:${formEncode(creds.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    } else {
      form.set('client_id', creds.clientId);
      form.set('client_secret', creds.clientSecret);
    }
    const url = new URL(this.options.tokenUrl);
    this.requests++;
    const sentAt = this.now();
    let res: Dispatcher.ResponseData;
    try {
      res = await this.options.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
        body: form.toString(),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
    } catch (err) {
      throw new Error(`network error (${(err as { code?: string }).code ?? 'unknown'})`);
    }
    if (res.statusCode >= 500 || res.statusCode === 429) {
      await res.body.dump();
      throw new Error(`token endpoint answered ${res.statusCode}`);
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new PermanentTokenError(`token endpoint answered ${res.statusCode}`);
    }
    let body: { access_token?: unknown; expires_in?: unknown; token_type?: unknown };
    try {
      body = (await res.body.json()) as typeof body;
    } catch {
      throw new Error('token response is not JSON');
    }
    if (typeof body.access_token !== 'string' || body.access_token === '' || /[\r\n\0]/.test(body.access_token)) {
      throw new PermanentTokenError('token response has no usable access_token');
    }
    // RFC 6749 §7.1: a client must not use a token whose type it does not understand; a
    // `mac` or `DPoP` token sent as a bearer token would be refused upstream, or worse, leak.
    const tokenType = typeof body.token_type === 'string' ? body.token_type.toLowerCase() : undefined;
    if (tokenType === undefined || !this.options.model.acceptedTokenTypes.some((t) => t.toLowerCase() === tokenType)) {
      throw new TokenTypeRefusedError(tokenType === undefined ? 'token response has no token_type' : 'token response has a token_type the credential does not accept');
    }
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : Number(body.expires_in) > 0 ? Number(body.expires_in) : (this.options.defaultLifetimeSeconds ?? 300);
    return {
      accessToken: body.access_token,
      fetchedAt: sentAt,
      expiresAt: sentAt + lifetime * 1000,
      claimHeaders: this.claimHeaders(body.access_token),
    };
  }

  private claimHeaders(token: string): Record<string, string> {
    const m = this.options.model;
    const wanted = Object.keys(m.claims).length > 0 || Object.keys(m.forwardHeaders).length > 0;
    if (!wanted) return {};
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new PermanentTokenError('token is not a JWT but claims checks or forwarded claims are configured');
    }
    for (const [claim, expected] of Object.entries(m.claims)) {
      if (!claimEquals(claims[claim], expected)) throw new PermanentTokenError(`token claim "${claim}" does not have the required value`);
    }
    const headers: Record<string, string> = {};
    for (const [header, claim] of Object.entries(m.forwardHeaders)) {
      const value = claimHeaderValue(claims[claim]);
      if (value !== undefined) headers[header.toLowerCase()] = value;
    }
    return headers;
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

import { decodeJwt } from 'jose';
import type { Dispatcher } from 'undici';
import type { OAuthClientCredentialsModel } from '../../model';
import { claimEquals } from '../auth/claim-equals';
import { claimHeaderValue } from './upstream-headers';

/** The token could not be obtained: callers answer 503 and reveal nothing more. */
export class TokenUnavailableError extends Error {
  readonly code = 'ERR_GW_TOKEN_UNAVAILABLE';
}

/** A token as used on a request, with the headers derived from its claims. */
export interface UpstreamToken {
  readonly accessToken: string;
  /** Epoch ms at which the token was requested. */
  readonly fetchedAt: number;
  /** Epoch ms at which the token expires. */
  readonly expiresAt: number;
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
  readonly onFetch?: (result: 'success' | 'failure' | 'retry') => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

class PermanentTokenError extends Error {}

/**
 * OAuth2 client-credentials tokens for one upstream credential (RFC 6749 §4.4): fetched on first
 * use, cached until expiry minus the model's skew, refreshed in the background once inside the
 * skew window, single-flight (any number of concurrent requests share one token request), and
 * retried with exponential backoff on network errors and 5xx — never on 4xx, which retrying
 * cannot fix. Errors never carry the client secret or the server's response body.
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

  /**
   * Drops `rejected` (an upstream answered 401 to it) and returns a fresh token. Concurrent
   * callers that saw the same rejected token share a single refresh.
   */
  async refreshAfterRejection(rejected: string): Promise<UpstreamToken> {
    if (this.current?.accessToken === rejected) this.current = undefined;
    if (this.current) return this.current;
    return this.fetchShared();
  }

  private backgroundPausedUntil = 0;

  private failurePauseMs(): number {
    return Math.max(1000, this.options.backoffMs * 4);
  }

  private refreshAt(token: UpstreamToken): number {
    // A skew larger than half the lifetime would refresh on every request.
    const lifetime = token.expiresAt - token.fetchedAt;
    const skew = Math.min(this.options.model.refreshSkewSeconds * 1000, lifetime / 2);
    return token.expiresAt - skew;
  }

  private fetchShared(): Promise<UpstreamToken> {
    if (!this.inflight && this.now() < this.failedUntil) {
      return Promise.reject(new TokenUnavailableError(`token request for "${this.options.model.name}" failed recently; not retried yet`));
    }
    if (!this.inflight) {
      this.inflight = this.fetchWithRetries().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async fetchWithRetries(): Promise<UpstreamToken> {
    for (let attempt = 0; ; attempt++) {
      try {
        const token = await this.fetchOnce();
        this.current = token;
        this.options.onFetch?.('success');
        return token;
      } catch (err) {
        if (err instanceof PermanentTokenError || attempt >= this.options.retries) {
          this.failedUntil = this.now() + this.failurePauseMs();
          this.options.onFetch?.('failure');
          throw new TokenUnavailableError(`token request for "${this.options.model.name}" failed: ${(err as Error).message}`);
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

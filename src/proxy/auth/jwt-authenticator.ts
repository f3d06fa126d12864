import type { IncomingHttpHeaders } from 'node:http';
import { jwtVerify, type JWTPayload } from 'jose';
import type { JwtClientAuthModel } from '../../model';
import { bearerChallenge, type AuthResult, type Authenticator } from './auth-result';
import { claimEquals } from './claim-equals';
import { JwksUnavailableError, type JwksKeyStore } from './jwks-key-store';
import type { VerifiedTokenCache } from './verified-token-cache';

export interface JwtAuthenticatorOptions {
  readonly keys: JwksKeyStore;
  readonly maxTokenBytes: number;
  /**
   * Verified tokens, usually one cache shared by every route so that the entry limit bounds
   * the proxy's memory whatever the number of routes; entries are per token and `cacheKey`.
   */
  readonly cache: VerifiedTokenCache;
  /** This route's entries in the shared cache (its checks differ from other routes'). */
  readonly cacheKey: string;
  /**
   * Counts verified-token cache lookups: `hit`, `miss` (a verification started), `shared`
   * (joined the verification of the same token already under way).
   */
  readonly onCache?: (result: 'hit' | 'miss' | 'shared') => void;
  readonly now?: () => number;
}

/** Base64url segments of a compact JWS; anything else is rejected before any parsing. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const INVALID: AuthResult = { ok: false, status: 401, error: 'invalid_token', outcome: 'invalid_credentials', challenge: bearerChallenge('invalid_token') };
const MISSING: AuthResult = { ok: false, status: 401, error: 'missing_token', outcome: 'missing_credentials', challenge: bearerChallenge() };

/**
 * Bearer JWT client auth: issuer, audience and algorithm allow-list pinned from the model,
 * `exp` required, exp/nbf/iat checked with the model's clock tolerance, required claims by
 * equality. Verified tokens are cached until `exp`; time claims are re-checked on every hit.
 */
export class JwtAuthenticator implements Authenticator {
  readonly cache: VerifiedTokenCache;
  private readonly now: () => number;
  private readonly toleranceMs: number;
  /**
   * Verifications under way, by cache key: concurrent requests with one uncached token share
   * one signature check instead of each paying for RS256 (a cold burst of 1,000 requests with
   * one token ran over 200 verifications without this).
   */
  private readonly inflight = new Map<string, Promise<AuthResult>>();

  constructor(
    private readonly model: JwtClientAuthModel,
    private readonly options: JwtAuthenticatorOptions,
  ) {
    this.cache = options.cache;
    this.now = options.now ?? Date.now;
    this.toleranceMs = model.clockToleranceSeconds * 1000;
  }

  authenticate(headers: IncomingHttpHeaders): AuthResult | Promise<AuthResult> {
    const header = headers.authorization;
    if (header === undefined) return MISSING;
    // RFC 6750 §2.1: `Bearer` followed by one space and a b64token.
    if (header.length < 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return MISSING;
    const token = header.slice(7);
    if (token.length > this.options.maxTokenBytes) return INVALID;
    const now = this.now();
    const cached = this.cache.get(token, this.options.cacheKey, now);
    if (cached) {
      this.options.onCache?.('hit');
      return this.timeClaimsValid(cached, now) ? accepted(cached) : INVALID;
    }
    // Only a token that is not a verified one needs its shape checked (before any parsing).
    if (!COMPACT_JWS.test(token)) return INVALID;
    const pending = this.inflight.get(token);
    if (pending) {
      this.options.onCache?.('shared');
      return pending;
    }
    this.options.onCache?.('miss');
    const verification = this.verify(token).finally(() => this.inflight.delete(token));
    this.inflight.set(token, verification);
    return verification;
  }

  private async verify(token: string): Promise<AuthResult> {
    let payload: JWTPayload;
    let keyId = '';
    const generation = this.options.keys.generation;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (h) => {
          const found = await this.options.keys.keyFor(h);
          keyId = found.id;
          return found.key;
        },
        {
        issuer: this.model.issuer,
        audience: this.model.audience,
        algorithms: this.model.algorithms,
        clockTolerance: this.model.clockToleranceSeconds,
        requiredClaims: ['exp'],
          currentDate: new Date(this.now()),
        },
      ));
    } catch (err) {
      if (err instanceof JwksUnavailableError) {
        return { ok: false, status: 503, error: 'temporarily_unavailable', outcome: 'auth_unavailable' };
      }
      return INVALID;
    }
    const now = this.now();
    if (!this.timeClaimsValid(payload, now)) return INVALID;
    for (const [claim, expected] of Object.entries(this.model.requiredClaims)) {
      if (!claimEquals(payload[claim], expected)) return INVALID;
    }
    // A key-set change during verification (a background refresh retiring the key) already
    // cleared the cache; caching this result now would resurrect the retired key until exp.
    if (this.options.keys.generation === generation) {
      this.cache.set(token, this.options.cacheKey, payload, (payload.exp as number) * 1000 + this.toleranceMs, keyId);
    }
    return accepted(payload);
  }

  /** exp, nbf and iat against the clock, each with the model's tolerance (RFC 7519 §4.1). */
  private timeClaimsValid(p: JWTPayload, now: number): boolean {
    const t = this.toleranceMs;
    if (typeof p.exp !== 'number' || p.exp * 1000 <= now - t) return false;
    if (p.nbf !== undefined && (typeof p.nbf !== 'number' || p.nbf * 1000 > now + t)) return false;
    if (p.iat !== undefined && (typeof p.iat !== 'number' || p.iat * 1000 > now + t)) return false;
    return true;
  }
}

function accepted(claims: JWTPayload): AuthResult {
  return { ok: true, subject: typeof claims.sub === 'string' ? claims.sub : 'unknown-subject', claims };
}

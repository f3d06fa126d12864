import type { IncomingHttpHeaders } from 'node:http';
import type { JWTPayload } from 'jose';
import type { JwtClientAuthModel } from '../../model';
import { bearerChallenge, type AuthResult, type Authenticator } from './auth-result';
import { claimEquals } from './claim-equals';
import { JwksUnavailableError, type JwksKeyStore, type VerificationKey } from './jwks-key-store';
import { parseCompactJws } from './compact-jws';
import { jwsSignatureValid, type JwtAlgorithm } from './jws-signature';
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
  private readonly algorithms: ReadonlySet<JwtAlgorithm>;
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
    this.algorithms = new Set(model.algorithms);
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
    const generation = this.options.keys.generation;
    const parsed = parseCompactJws(token, this.algorithms);
    if (!parsed) return INVALID;
    let key: VerificationKey;
    try {
      key = await this.options.keys.keyFor(parsed.header);
    } catch (err) {
      if (err instanceof JwksUnavailableError) {
        return { ok: false, status: 503, error: 'temporarily_unavailable', outcome: 'auth_unavailable' };
      }
      return INVALID;
    }
    if (!jwsSignatureValid(parsed.header.alg, key.key, parsed.signingInput, parsed.signature)) return INVALID;
    const payload = parsed.payload();
    if (!payload || !this.claimsValid(payload, this.now())) return INVALID;
    // A key-set change during verification (a background refresh retiring the key) already
    // dropped that key's tokens; caching this result now would resurrect the retired key until exp.
    if (this.options.keys.generation === generation) {
      this.cache.set(token, this.options.cacheKey, payload, (payload.exp as number) * 1000 + this.toleranceMs, key.id);
    }
    return accepted(payload);
  }

  /**
   * The claims of a token whose signature is valid (RFC 7519 §4.1): `iss` is the pinned
   * issuer, `aud` names one of the pinned audiences, `exp` is present, the time claims hold with
   * the tolerance, and the required claims are equal.
   */
  private claimsValid(p: JWTPayload, now: number): boolean {
    if (p.iss !== this.model.issuer) return false;
    const aud = p.aud;
    if (typeof aud === 'string' ? !this.model.audience.includes(aud) : !Array.isArray(aud) || !aud.some((a) => typeof a === 'string' && this.model.audience.includes(a))) return false;
    if (p.sub !== undefined && typeof p.sub !== 'string') return false;
    if (!this.timeClaimsValid(p, now)) return false;
    for (const [claim, expected] of Object.entries(this.model.requiredClaims)) {
      if (!claimEquals(p[claim], expected)) return false;
    }
    return true;
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

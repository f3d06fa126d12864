import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Dispatcher } from 'undici';

/** Raised when no key can be found for a token: the caller's problem (401). */
export class UnknownSigningKeyError extends Error {
  readonly code = 'ERR_GW_UNKNOWN_KID';
}

/** Raised when keys are needed and the JWKS was never fetched successfully: the gateway's problem (503). */
export class JwksUnavailableError extends Error {
  readonly code = 'ERR_GW_JWKS_UNAVAILABLE';
}

export interface JwksKeyStoreOptions {
  /** URL actually fetched (after origin overrides). */
  readonly url: string;
  readonly dispatcher: Dispatcher;
  /** Minimum time between fetches caused by an unknown `kid`. */
  readonly refetchCooldownMs: number;
  /** Age after which keys are refreshed in the background, and the period of the refresh timer. */
  readonly maxAgeMs: number;
  readonly timeoutMs?: number;
  /**
   * Called when keys left the set, with their {@link VerificationKey.id}s, so tokens verified
   * with them can be dropped from caches.
   */
  readonly onKeysRemoved?: (ids: ReadonlySet<string>) => void;
  readonly now?: () => number;
}


/** A key to verify one token with, and an identity that changes with the key material. */
export interface VerificationKey {
  readonly key: KeyObject;
  /** `<jwks url>#<kid>:<modulus or x>`: what a verified-token cache remembers the key by. */
  readonly id: string;
}

/** Minimum time between JWKS fetches after a failed one (at start-up, and for age refreshes). */
const COLD_RETRY_GAP_MS = 1000;

/**
 * A JWKS cache: fetched on first use, refreshed on a timer whether or not tokens are verified
 * (a proxy answering from its verified-token cache must still notice a revoked key), refetched
 * when a token names an unknown `kid` (at most once per cool-down, so random kids cannot turn
 * the gateway into a JWKS flooder). When the endpoint is down, the keys already fetched keep
 * working.
 */
export class JwksKeyStore {
  private jwks: JWK[] = [];
  private readonly imported = new Map<string, VerificationKey | null>();
  private fetchedAt = -Infinity;
  private lastAttemptAt = -Infinity;
  private lastFailureAt = -Infinity;
  private inflight: Promise<void> | undefined;
  private loadedOnce = false;
  private readonly now: () => number;

  constructor(private readonly options: JwksKeyStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Number of successful JWKS fetches (for metrics and tests). */
  fetches = 0;

  /**
   * Bumped whenever a fetch changes the key set. A verification that started under an older
   * generation must not be cached: its key may have just been retired.
   */
  generation = 0;

  private timer: NodeJS.Timeout | undefined;

  /** Refreshes every `maxAgeMs` from now on; the timer never keeps the process alive. */
  startRefreshing(): void {
    this.stopRefreshing();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.options.maxAgeMs);
    this.timer.unref();
  }

  stopRefreshing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The verification key for a token's protected header. */
  async keyFor(header: { readonly alg?: string; readonly kid?: string }): Promise<VerificationKey> {
    const alg = header.alg;
    if (!alg) throw new UnknownSigningKeyError('token has no alg');
    // A failed fetch is not retried by every request that follows it: while the endpoint is
    // down, verifications would otherwise turn into a stream of JWKS requests at the gateway's
    // request rate, aimed at an identity provider that is already struggling.
    const sinceFailure = this.now() - this.lastFailureAt;
    if (!this.loadedOnce) {
      if (sinceFailure >= COLD_RETRY_GAP_MS) await this.refresh().catch(() => undefined);
      if (!this.loadedOnce) throw new JwksUnavailableError('JWKS could not be fetched');
    } else if (this.now() - this.fetchedAt > this.options.maxAgeMs && sinceFailure >= Math.max(COLD_RETRY_GAP_MS, this.options.refetchCooldownMs)) {
      void this.refresh().catch(() => undefined);
    }
    let jwk = this.find(header.kid, alg);
    if (!jwk && this.now() - this.lastAttemptAt >= this.options.refetchCooldownMs) {
      await this.refresh().catch(() => undefined);
      jwk = this.find(header.kid, alg);
    }
    const key = jwk && this.importKey(jwk);
    if (!key) throw new UnknownSigningKeyError('no matching key');
    return key;
  }

  private keyId(jwk: JWK): string {
    return `${this.options.url}#${jwk.kid ?? ''}:${jwk.n ?? jwk.x ?? ''}`;
  }

  private find(kid: string | undefined, alg: string): JWK | undefined {
    const usable = this.jwks.filter(
      (k) => (k.use === undefined || k.use === 'sig') && (k.alg === undefined || k.alg === alg) && ktyFits(k.kty, alg),
    );
    if (kid !== undefined) return usable.find((k) => k.kid === kid);
    // Without a kid, only an unambiguous key set may be used.
    return usable.length === 1 ? usable[0] : undefined;
  }

  /** The node:crypto key of a JWK, imported once; `null` for a JWK node:crypto refuses. */
  private importKey(jwk: JWK): VerificationKey | null {
    const id = this.keyId(jwk);
    let key = this.imported.get(id);
    if (key === undefined) {
      try {
        // Public parameters only: a JWK that also carries private ones is imported as public.
        const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk as JWK & Record<string, unknown>;
        key = { key: createPublicKey({ key: publicPart as import('node:crypto').JsonWebKey, format: 'jwk' }), id };
      } catch {
        key = null;
      }
      this.imported.set(id, key);
    }
    return key;
  }

  /** Fetches the JWKS now; concurrent callers share one request. */
  refresh(): Promise<void> {
    if (!this.inflight) {
      this.lastAttemptAt = this.now();
      this.inflight = this.fetchKeys()
        .catch((err: unknown) => {
          this.lastFailureAt = this.now();
          throw err;
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }

  private async fetchKeys(): Promise<void> {
    const res = await this.options.dispatcher.request({
      origin: new URL(this.options.url).origin,
      path: pathAndQuery(this.options.url),
      method: 'GET',
      headers: { accept: 'application/json' },
      headersTimeout: this.options.timeoutMs ?? 5000,
      bodyTimeout: this.options.timeoutMs ?? 5000,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`JWKS endpoint answered ${res.statusCode}`);
    }
    const doc = (await res.body.json()) as { keys?: unknown };
    if (!doc || !Array.isArray(doc.keys)) throw new Error('JWKS document has no "keys" array');
    const keys = doc.keys.filter((k): k is JWK => typeof k === 'object' && k !== null && typeof (k as JWK).kty === 'string');
    const before = new Set(this.jwks.map((k) => this.keyId(k)));
    const after = new Set(keys.map((k) => this.keyId(k)));
    this.jwks = keys;
    this.fetchedAt = this.now();
    this.fetches++;
    const removed = new Set([...before].filter((id) => !after.has(id)));
    if (this.loadedOnce && removed.size > 0) {
      this.generation++;
      this.imported.clear();
      if (removed.size > 0) this.options.onKeysRemoved?.(removed);
    }
    this.loadedOnce = true;
  }
}

function ktyFits(kty: string | undefined, alg: string): boolean {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return kty === 'RSA';
  if (alg.startsWith('ES')) return kty === 'EC';
  if (alg === 'EdDSA' || alg === 'Ed25519') return kty === 'OKP';
  return false;
}

function pathAndQuery(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

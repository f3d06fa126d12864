import type { JWTPayload } from 'jose';

interface CachedToken {
  /** The route (authenticator) whose checks the token passed: routes differ in issuer, audience, claims. */
  readonly route: string;
  readonly payload: JWTPayload;
  /** Epoch ms after which the entry is useless (exp plus tolerance). */
  readonly expiresAt: number;
  /** The key the signature was verified with (`VerificationKey.id`). */
  readonly keyId: string;
  /** The same token verified by another route. */
  next: CachedToken | undefined;
}

/**
 * Tokens whose signature and static claims were already verified, so RS256 is paid once per
 * token rather than once per request (see DESIGN performance notes). Shared by every JWT route
 * (entries are per token and route), so its bound holds whatever the number of routes: the
 * oldest tokens are evicted when full. Time claims are re-checked by the caller on every hit.
 */
export class VerifiedTokenCache {
  /** Keyed by the token itself: no key string is built per lookup. */
  private readonly entries = new Map<string, CachedToken>();
  private count = 0;

  constructor(private readonly maxEntries: number) {}

  get(token: string, route: string, now: number): JWTPayload | undefined {
    for (let e = this.entries.get(token); e !== undefined; e = e.next) {
      if (e.route !== route) continue;
      if (now >= e.expiresAt) {
        this.remove(token, (x) => x === e);
        return undefined;
      }
      return e.payload;
    }
    return undefined;
  }

  set(token: string, route: string, payload: JWTPayload, expiresAt: number, keyId: string): void {
    if (this.maxEntries === 0) return;
    this.remove(token, (x) => x.route === route);
    while (this.count >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value, () => true);
    }
    this.entries.set(token, { route, payload, expiresAt, keyId, next: this.entries.get(token) });
    this.count++;
  }

  /** Drops every token verified with one of these keys: they left their JWKS (revoked or rotated out). */
  dropVerifiedWith(keyIds: ReadonlySet<string>): void {
    for (const token of [...this.entries.keys()]) this.remove(token, (e) => keyIds.has(e.keyId));
  }

  clear(): void {
    this.entries.clear();
    this.count = 0;
  }

  /** Verified (token, route) pairs held. */
  get size(): number {
    return this.count;
  }

  private remove(token: string, which: (e: CachedToken) => boolean): void {
    let kept: CachedToken | undefined;
    for (let e = this.entries.get(token); e !== undefined; e = e.next) {
      if (which(e)) this.count--;
      else kept = { ...e, next: kept };
    }
    if (kept) this.entries.set(token, kept);
    else this.entries.delete(token);
  }
}

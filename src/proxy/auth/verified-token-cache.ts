import type { JWTPayload } from 'jose';

interface CachedToken {
  readonly payload: JWTPayload;
  /** Epoch ms after which the entry is useless (exp plus tolerance). */
  readonly expiresAt: number;
  /** The key the signature was verified with (`VerificationKey.id`). */
  readonly keyId: string;
}

/**
 * Tokens whose signature and static claims were already verified, so RS256 is paid once per
 * token rather than once per request (see DESIGN performance notes). Bounded: the oldest entry
 * is evicted when full. Time claims are re-checked by the caller on every hit.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, CachedToken>();

  constructor(private readonly maxEntries: number) {}

  get(token: string, now: number): JWTPayload | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (now >= hit.expiresAt) {
      this.entries.delete(token);
      return undefined;
    }
    return hit.payload;
  }

  set(token: string, payload: JWTPayload, expiresAt: number, keyId: string): void {
    if (this.maxEntries === 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { payload, expiresAt, keyId });
  }

  /** Drops every token verified with one of these keys: they left their JWKS (revoked or rotated out). */
  dropVerifiedWith(keyIds: ReadonlySet<string>): void {
    for (const [token, entry] of this.entries) if (keyIds.has(entry.keyId)) this.entries.delete(token);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

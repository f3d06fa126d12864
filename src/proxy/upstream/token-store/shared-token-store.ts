/** A token as replicas share it. */
export interface SharedToken {
  readonly accessToken: string;
  /** Epoch ms at which the token was requested. */
  readonly fetchedAt: number;
  /** Epoch ms at which the token expires. */
  readonly expiresAt: number;
}

/** The store could not be reached or answered garbage: callers fall back to their own cache. */
export class TokenStoreUnavailableError extends Error {
  readonly code = 'ERR_GW_TOKEN_STORE_UNAVAILABLE';
}

/**
 * Where replicas share one upstream credential's token, so the token endpoint sees one request
 * per token lifetime whatever the number of proxies (Traefik Hub's `store.redis`). Every method
 * rejects with {@link TokenStoreUnavailableError} when the store cannot be used.
 */
export interface SharedTokenStore {
  /** The stored token, or `undefined` (none, expired, or not readable with the current key). */
  read(): Promise<SharedToken | undefined>;
  /** Stores `token` until it expires. */
  write(token: SharedToken): Promise<void>;
  /**
   * Takes the right to request the next token, for at most `ttlMs` (a replica that dies
   * holding it blocks the others no longer). Resolves to a release function, or `undefined`
   * when another replica holds it.
   */
  lock(ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The encryption key is not 16, 24 or 32 bytes: the store cannot be used. */
export class InvalidTokenStoreKeyError extends Error {
  readonly code = 'ERR_GW_TOKEN_STORE_KEY';
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/**
 * AES-GCM for tokens at rest in a shared store. The key is the Secret's value as bytes (16,
 * 24 or 32 characters: AES-128/192/256, the lengths Traefik Hub's `store.redis` key takes).
 * Each value has a fresh 96-bit IV (NIST SP 800-38D §8.2.2), and the store key is bound as
 * additional data, so a value copied to another entry does not decrypt there.
 * Format: `v1.<base64url(iv | ciphertext | tag)>`.
 */
export class TokenCipher {
  private readonly algorithm: string;

  constructor(private readonly key: Buffer) {
    if (![16, 24, 32].includes(key.length)) {
      throw new InvalidTokenStoreKeyError(`the token store encryption key has ${key.length} bytes; it needs 16, 24 or 32`);
    }
    this.algorithm = `aes-${key.length * 8}-gcm`;
  }

  static fromSecretValue(value: string): TokenCipher {
    return new TokenCipher(Buffer.from(value, 'utf8'));
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(this.algorithm as 'aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The plaintext, or `undefined` when the value was not sealed with this key for `boundTo`. */
  open(sealed: string, boundTo: string): string | undefined {
    if (!sealed.startsWith(`${VERSION}.`)) return undefined;
    const bytes = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv(this.algorithm as 'aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

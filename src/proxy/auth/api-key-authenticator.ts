import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyClientAuthModel } from '../../model';
import { secretRefId, type SecretResolver } from '../secrets/secret-resolver';
import type { AuthResult, Authenticator } from './auth-result';

const CHALLENGE = 'ApiKey realm="gatewright"';

/** htpasswd's SHA1 form, `{SHA}<base64(sha1(key))>`, which Traefik Hub's apiKey middleware reads too. */
const HTPASSWD_SHA = '{SHA}';
const SHA1_BYTES = 20;

/** What a stored value is compared with: the digest of the presented key by one algorithm. */
interface Expected {
  readonly algorithm: 'sha1' | 'sha256';
  readonly digest: Buffer;
}

/**
 * API-key client auth: the key in the configured header is compared, in constant time, with
 * every accepted key held in Secrets (read through the resolver, so rotation applies without
 * restart). A Secret value is either the plain key or its htpasswd SHA1 hash
 * (`{SHA}<base64(sha1(key))>`), so one Secret serves Traefik Hub and the proxy alike. The
 * subject is the id of the Secret key that matched, never the key.
 */
export class ApiKeyAuthenticator implements Authenticator {
  private readonly header: string;
  private expected = new Map<string, Expected | undefined>();

  constructor(
    private readonly model: ApiKeyClientAuthModel,
    private readonly secrets: SecretResolver,
  ) {
    this.header = model.header.toLowerCase();
  }

  authenticate(headers: IncomingHttpHeaders): AuthResult {
    const presented = headers[this.header];
    if (presented === undefined || presented === '') {
      return { ok: false, status: 401, error: 'missing_api_key', outcome: 'missing_credentials', challenge: CHALLENGE };
    }
    if (typeof presented !== 'string') {
      return { ok: false, status: 401, error: 'invalid_api_key', outcome: 'invalid_credentials', challenge: CHALLENGE };
    }
    const digests: Partial<Record<Expected['algorithm'], Buffer>> = {};
    let matched: string | undefined;
    let configured = 0;
    // Every key is compared, whatever matches first, so timing says nothing about which.
    for (const ref of this.model.keys) {
      const value = this.secrets.resolve(ref);
      const expected = value === undefined || value === '' ? undefined : this.expectedFor(value);
      if (!expected) continue;
      configured++;
      const digest = (digests[expected.algorithm] ??= hash(expected.algorithm, presented));
      if (timingSafeEqual(digest, expected.digest) && matched === undefined) matched = `apikey:${secretRefId(ref)}`;
    }
    if (configured === 0) return { ok: false, status: 500, error: 'gateway_misconfigured', outcome: 'misconfigured' };
    if (matched === undefined) {
      return { ok: false, status: 401, error: 'invalid_api_key', outcome: 'invalid_credentials', challenge: CHALLENGE };
    }
    return { ok: true, subject: matched };
  }

  /**
   * A plain key is compared by its SHA-256 (equal lengths for `timingSafeEqual`); a `{SHA}`
   * value by the SHA1 it holds. A `{SHA}` value that is no SHA1 digest accepts nothing.
   */
  private expectedFor(value: string): Expected | undefined {
    if (this.expected.has(value)) return this.expected.get(value);
    if (this.expected.size > 64) this.expected = new Map();
    let e: Expected | undefined;
    if (value.startsWith(HTPASSWD_SHA)) {
      const digest = Buffer.from(value.slice(HTPASSWD_SHA.length), 'base64');
      e = digest.length === SHA1_BYTES ? { algorithm: 'sha1', digest } : undefined;
    } else {
      e = { algorithm: 'sha256', digest: hash('sha256', value) };
    }
    this.expected.set(value, e);
    return e;
  }
}

function hash(algorithm: Expected['algorithm'], value: string): Buffer {
  return createHash(algorithm).update(value, 'utf8').digest();
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyClientAuthModel } from '../../model';
import { secretRefId, type SecretResolver } from '../secrets/secret-resolver';
import type { AuthResult, Authenticator } from './auth-result';

const CHALLENGE = 'ApiKey realm="gatewright"';

/**
 * API-key client auth: the key in the configured header is compared, in constant time, with
 * every accepted key held in Secrets (read through the resolver, so rotation applies without
 * restart). The subject is the id of the Secret key that matched, never the key.
 */
export class ApiKeyAuthenticator implements Authenticator {
  readonly credentialHeaders: readonly string[];
  private readonly header: string;
  private digests = new Map<string, Buffer>();

  constructor(
    private readonly model: ApiKeyClientAuthModel,
    private readonly secrets: SecretResolver,
  ) {
    this.header = model.header.toLowerCase();
    this.credentialHeaders = [this.header];
  }

  authenticate(headers: IncomingHttpHeaders): AuthResult {
    const presented = headers[this.header];
    if (presented === undefined || presented === '') {
      return { ok: false, status: 401, error: 'missing_api_key', outcome: 'missing_credentials', challenge: CHALLENGE };
    }
    if (typeof presented !== 'string') {
      return { ok: false, status: 401, error: 'invalid_api_key', outcome: 'invalid_credentials', challenge: CHALLENGE };
    }
    const digest = sha256(presented);
    let matched: string | undefined;
    let configured = 0;
    // Every key is compared, whatever matches first, so timing says nothing about which.
    for (const ref of this.model.keys) {
      const value = this.secrets.resolve(ref);
      if (value === undefined || value === '') continue;
      configured++;
      if (timingSafeEqual(digest, this.digestOf(value)) && matched === undefined) matched = `apikey:${secretRefId(ref)}`;
    }
    if (configured === 0) return { ok: false, status: 500, error: 'gateway_misconfigured', outcome: 'misconfigured' };
    if (matched === undefined) {
      return { ok: false, status: 401, error: 'invalid_api_key', outcome: 'invalid_credentials', challenge: CHALLENGE };
    }
    return { ok: true, subject: matched };
  }

  private digestOf(value: string): Buffer {
    let d = this.digests.get(value);
    if (!d) {
      if (this.digests.size > 64) this.digests = new Map();
      d = sha256(value);
      this.digests.set(value, d);
    }
    return d;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

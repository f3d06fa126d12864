import type { JWTPayload } from 'jose';
import type { JwtAlgorithm } from './jws-signature';

/** A compact JWS split and its protected header checked; the payload is parsed only on demand. */
export interface CompactJws {
  readonly header: { readonly alg: JwtAlgorithm; readonly kid?: string };
  /** `<header>.<payload>` exactly as sent: what the signature covers (RFC 7515 §5.2). */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
  /** The claims set, or `undefined` when it is not a JSON object. Call after the signature checks out. */
  payload(): JWTPayload | undefined;
}

/**
 * Splits a compact JWS (RFC 7515 §7.1) whose three segments are already known to be base64url
 * text, and checks its protected header: a JSON object whose `alg` is one of `allowed` (never
 * `none`, never HMAC: the model admits neither), whose `kid`, if any, is a string, and without
 * `crit` (no extension is understood, so any is refused, RFC 7515 §4.1.11) or `b64: false`
 * (unencoded payloads, RFC 7797). Key-carrying headers (`jwk`, `jku`, `x5u`, `x5c`) are never
 * read: keys come from the route's JWKS alone.
 */
export function parseCompactJws(token: string, allowed: ReadonlySet<JwtAlgorithm>): CompactJws | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || second === token.length - 1 || token.indexOf('.', second + 1) !== -1) return undefined;
  const header = parseJsonObject(token.slice(0, first));
  if (!header) return undefined;
  const alg = header.alg;
  if (typeof alg !== 'string' || !allowed.has(alg as JwtAlgorithm)) return undefined;
  if (header.kid !== undefined && typeof header.kid !== 'string') return undefined;
  if (header.crit !== undefined || (header.b64 !== undefined && header.b64 !== true)) return undefined;
  const signature = Buffer.from(token.slice(second + 1), 'base64url');
  if (signature.length === 0) return undefined;
  return {
    header: { alg: alg as JwtAlgorithm, ...(header.kid !== undefined ? { kid: header.kid as string } : {}) },
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
    signature,
    payload: () => parseJsonObject(token.slice(first + 1, second)) as JWTPayload | undefined,
  };
}

function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { JwtClientAuthModel } from '../../src/model';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface KeyPairForAlg {
  readonly kid: string;
  readonly privateKey: PrivateKey;
  readonly publicJwk: JWK;
  /** Same `kid`, different key: what a forger without the private key can do. */
  readonly forgedKey: PrivateKey;
}

/** How a test token is made; every field has the "honest caller" default. */
export interface TokenOptions {
  /** Signing algorithm. @default the route's first allowed algorithm */
  readonly alg?: string;
  /** Put the key id in the header. @default true */
  readonly withKid?: boolean;
  /** Sign with a key the JWKS does not publish (same kid). @default false */
  readonly forged?: boolean;
  /** Claims merged over the defaults; `undefined` values delete a default claim. */
  readonly claims?: Record<string, unknown>;
}

/**
 * The caller-side identity provider for one JWKS URL of the model: a key per JWS algorithm
 * the routes allow (made at run time), the JWKS document, and honest or broken tokens for a
 * route's `ClientAuth.jwt` (issuer, audience, scopes and claims taken from the model).
 */
export class JwtIssuer {
  readonly jwksUrl: string;
  private readonly keys = new Map<string, KeyPairForAlg>();

  constructor(jwksUrl: string) {
    this.jwksUrl = jwksUrl;
  }

  /** Makes (once) the keys for every algorithm in `algorithms`. */
  async ensureKeys(algorithms: readonly string[]): Promise<void> {
    for (const alg of algorithms) {
      if (this.keys.has(alg)) continue;
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
      const forged = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
      const kid = `conformance-${alg.toLowerCase()}`;
      this.keys.set(alg, { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, forgedKey: forged.privateKey });
    }
  }

  /** The JWKS document: every public key, one per algorithm. */
  jwks(): { keys: JWK[] } {
    return { keys: [...this.keys.values()].map((k) => k.publicJwk) };
  }

  /**
   * A token for `auth` carrying `scopes` and the route's required claims, valid for five
   * minutes unless `options` break it.
   */
  async token(auth: JwtClientAuthModel, scopes: readonly string[], requiredClaims: Readonly<Record<string, string>>, options: TokenOptions = {}): Promise<string> {
    const alg = options.alg ?? auth.algorithms[0];
    const key = this.keys.get(alg);
    if (!key) throw new Error(`no ${alg} key for ${this.jwksUrl}; call ensureKeys first`);
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: auth.issuer,
      aud: auth.audience[0],
      sub: 'conformance-caller',
      iat: now,
      exp: now + 300,
      ...(scopes.length ? { scope: scopes.join(' ') } : {}),
      ...auth.requiredClaims,
      ...requiredClaims,
      ...options.claims,
    };
    for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
    const header: { alg: string; typ: string; kid?: string } = { alg, typ: 'JWT' };
    if (options.withKid !== false) header.kid = key.kid;
    return new SignJWT(claims as JWTPayload).setProtectedHeader(header).sign(options.forged ? key.forgedKey : key.privateKey);
  }
}

import { constants, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { JWT_ALGORITHMS } from '../../model';

export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

interface AlgorithmSpec {
  /** Digest of the signing input; `null` for EdDSA, which hashes internally. */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  readonly keyType: 'rsa' | 'ec' | 'okp';
  readonly pss?: true;
  /** EC: the curve the key must be on, and the size of r and of s in the signature (RFC 7518 §3.4). */
  readonly curve?: 'prime256v1' | 'secp384r1' | 'secp521r1';
  readonly coordinateBytes?: number;
}

/** RFC 7518 §3 and RFC 8037: every algorithm the model admits, and what it demands of key and signature. */
const ALGORITHMS: Readonly<Record<JwtAlgorithm, AlgorithmSpec>> = {
  RS256: { hash: 'sha256', keyType: 'rsa' },
  RS384: { hash: 'sha384', keyType: 'rsa' },
  RS512: { hash: 'sha512', keyType: 'rsa' },
  PS256: { hash: 'sha256', keyType: 'rsa', pss: true },
  PS384: { hash: 'sha384', keyType: 'rsa', pss: true },
  PS512: { hash: 'sha512', keyType: 'rsa', pss: true },
  ES256: { hash: 'sha256', keyType: 'ec', curve: 'prime256v1', coordinateBytes: 32 },
  ES384: { hash: 'sha384', keyType: 'ec', curve: 'secp384r1', coordinateBytes: 48 },
  ES512: { hash: 'sha512', keyType: 'ec', curve: 'secp521r1', coordinateBytes: 66 },
  EdDSA: { hash: null, keyType: 'okp' },
};

/** RFC 7518 §3.3 and §3.5: RSA keys of at least 2048 bits. */
const MIN_RSA_BITS = 2048;

/**
 * Checks a JWS signature with node:crypto, synchronously: the signature of a compact JWS
 * (`signingInput` = `<header>.<payload>` as sent) made with `alg` by `key`. The key must suit
 * the algorithm (type, RSA size, EC curve), and an EC signature must be the fixed-size `r || s`
 * JOSE uses. WebCrypto, through which jose verifies, added a thread-pool hop and its own
 * bookkeeping: about twice the CPU of the signature check itself (see `npm run bench`, every
 * token a cache miss).
 */
export function jwsSignatureValid(alg: JwtAlgorithm, key: KeyObject, signingInput: Buffer, signature: Buffer): boolean {
  const spec = ALGORITHMS[alg];
  if (!spec || key.type !== 'public') return false;
  const details = key.asymmetricKeyDetails;
  switch (spec.keyType) {
    case 'rsa':
      if (key.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < MIN_RSA_BITS) return false;
      return verifySignature(spec.hash, signingInput, spec.pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : key, signature);
    case 'ec':
      if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== spec.curve || signature.length !== 2 * spec.coordinateBytes!) return false;
      return verifySignature(spec.hash, signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'okp':
      if (key.asymmetricKeyType !== 'ed25519' && key.asymmetricKeyType !== 'ed448') return false;
      return verifySignature(null, signingInput, key, signature);
  }
}

import { constants, createSign, generateKeyPairSync, KeyObject, sign as signRaw, type SignKeyObjectInput } from 'node:crypto';
import { base64url, exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EchoUpstream } from './support/echo-upstream';
import { AUDIENCE, ISSUER, type TestIssuer } from './support/issuer';
import { startPeers, stopPeers } from './support/peers';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { bearer, call, JWKS_URL, route, startTestProxy, type TestProxy } from './support/test-proxy';

/**
 * The proxy checks JWS signatures with node:crypto itself (jose signs the tokens here, so the
 * two implementations check each other): every algorithm the model admits verifies, and a key
 * or signature that does not suit the algorithm never does.
 */

let issuer: TestIssuer;
let tokens: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy;

const ALL = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ iss: ISSUER, aud: AUDIENCE, sub: 'jws-user', iat: now(), exp: now() + 300 });
const b64 = (o: unknown) => base64url.encode(JSON.stringify(o));

beforeAll(async () => {
  ({ issuer, token: tokens, echo } = await startPeers());
  for (const alg of ALL) await issuer.addKey(`k-${alg}`, alg);
  issuer.published = [...issuer.keys];
  gw = await startTestProxy({ issuer, token: tokens, echo }, [
    route({ name: 'any', clientAuth: { kind: 'jwt', jwksUrl: JWKS_URL, issuer: ISSUER, audience: [AUDIENCE, 'second-audience'], algorithms: [...ALL] } }),
    route({ name: 'rs', clientAuth: { kind: 'jwt', jwksUrl: JWKS_URL, issuer: ISSUER, audience: [AUDIENCE] } }),
  ], { config: { jwks: { refetchCooldownSeconds: 0, maxAgeSeconds: 600 } } });
});

afterAll(() => stopPeers(gw, { issuer, token: tokens, echo }));

const status = async (path: string, t: string) => (await call(gw.proxy.url, path, { headers: bearer(t) })).status;
const keyOf = (alg: string) => issuer.keys.find((k) => k.kid === `k-${alg}`)!;

describe('JWS verification with node:crypto', () => {
  it.each(ALL)('accepts a %s token signed by its JWKS key', async (alg) => {
    expect(await status('/any', await issuer.sign({ sub: alg }, { key: keyOf(alg), alg }))).toBe(200);
  });

  it('refuses an algorithm outside the route allow-list even with a valid signature', async () => {
    expect(await status('/rs', await issuer.sign({}, { key: keyOf('ES256'), alg: 'ES256' }))).toBe(401);
    expect(await status('/rs', await issuer.sign({}, { key: keyOf('PS256'), alg: 'PS256' }))).toBe(401);
  });

  it('refuses a key of the wrong type or curve for the alg, whatever the header says', async () => {
    // A P-384 key's signature under an ES256 header naming it: the JWKS entry is for ES384.
    const p384 = privateOf('ES384');
    expect(await status('/any', token({ alg: 'ES256', kid: 'k-ES384' }, claims(), { key: p384, dsaEncoding: 'ieee-p1363' }, 'sha256'))).toBe(401);
    // A JWKS entry without `alg` does not help: the curve must be ES256's.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    publish('no-alg-p384', { ...(await exportJWK(publicKey)), kid: 'no-alg-p384', use: 'sig' });
    expect(await status('/any', token({ alg: 'ES256', kid: 'no-alg-p384' }, claims(), { key: privateKey, dsaEncoding: 'ieee-p1363' }, 'sha256'))).toBe(401);
    // An RSA JWKS key without `alg`, signed with PKCS#1 v1.5, presented as PS256.
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publish('no-alg-rsa', { ...(await exportJWK(rsa.publicKey)), kid: 'no-alg-rsa', use: 'sig' });
    expect(await status('/any', token({ alg: 'PS256', kid: 'no-alg-rsa' }, claims(), rsa.privateKey, 'sha256'))).toBe(401);
    expect(await status('/any', token({ alg: 'PS256', kid: 'no-alg-rsa' }, claims(), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, 'sha256'))).toBe(200);
  });

  it('refuses an ECDSA signature in DER instead of the fixed-size r || s of JOSE', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    publish('der-key', { ...(await exportJWK(publicKey)), kid: 'der-key', alg: 'ES256', use: 'sig' });
    const input = `${b64({ alg: 'ES256', kid: 'der-key' })}.${b64(claims())}`;
    const der = createSign('sha256').update(input).sign(privateKey);
    expect(await status('/any', token({ alg: 'ES256', kid: 'der-key' }, claims(), { key: privateKey, dsaEncoding: 'ieee-p1363' }, 'sha256'))).toBe(200);
    expect(await status('/any', `${input}.${base64url.encode(der)}`)).toBe(401);
  });

  it('refuses an RSA key shorter than 2048 bits (RFC 7518 §3.3)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    publish('short-rsa', { ...(await exportJWK(publicKey)), kid: 'short-rsa', alg: 'RS256', use: 'sig' });
    const long = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publish('long-rsa', { ...(await exportJWK(long.publicKey)), kid: 'long-rsa', alg: 'RS256', use: 'sig' });
    expect(await status('/any', token({ alg: 'RS256', kid: 'long-rsa' }, claims(), long.privateKey, 'sha256'))).toBe(200);
    expect(await status('/any', token({ alg: 'RS256', kid: 'short-rsa' }, claims(), privateKey, 'sha256'))).toBe(401);
  });

  it('refuses crit and b64:false headers, which it does not understand (RFC 7515 §4.1.11, RFC 7797)', async () => {
    const key = privateOf('RS256');
    expect(await status('/any', token({ alg: 'RS256', kid: 'k-RS256' }, claims(), key, 'sha256'))).toBe(200);
    for (const extra of [{ crit: ['exp'], exp: 1 }, { b64: false, crit: ['b64'] }, { b64: false }, { crit: [] }]) {
      expect(await status('/any', token({ alg: 'RS256', kid: 'k-RS256', ...extra }, claims(), key, 'sha256')), JSON.stringify(extra)).toBe(401);
    }
  });

  it('checks iss, aud (string or array) and the type of sub', async () => {
    const key = keyOf('RS256');
    const signed = (c: Record<string, unknown>) => new SignJWT({ ...claims(), ...c }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    expect(await status('/any', await signed({ aud: ['other', 'second-audience'] }))).toBe(200);
    expect(await status('/any', await signed({ aud: ['other'] }))).toBe(401);
    expect(await status('/any', await signed({ aud: 42 }))).toBe(401);
    expect(await status('/any', await signed({ aud: undefined }))).toBe(401);
    expect(await status('/any', await signed({ iss: `${ISSUER}x` }))).toBe(401);
    expect(await status('/any', await signed({ sub: 7 }))).toBe(401);
  });

  it('refuses tokens whose header or payload is not a JSON object', async () => {
    const key = privateOf('RS256');
    const sign = (input: string) => `${input}.${base64url.encode(signRaw('sha256', Buffer.from(input), key))}`;
    expect(await status('/any', sign(`${base64url.encode('[1]')}.${b64(claims())}`))).toBe(401);
    expect(await status('/any', sign(`${b64({ alg: 'RS256', kid: 'k-RS256' })}.${base64url.encode('"text"')}`))).toBe(401);
    expect(await status('/any', sign(`${b64({ alg: 'RS256', kid: 7 })}.${b64(claims())}`))).toBe(401);
    expect(await status('/any', sign(`${b64({ alg: 'RS256', kid: 'k-RS256' })}.${b64(claims())}`))).toBe(200);
  });
});

/** The node:crypto private key of one of the issuer's keys. */
function privateOf(alg: string): KeyObject {
  return KeyObject.from(keyOf(alg).privateKey as unknown as Parameters<typeof KeyObject.from>[0]);
}

/** Adds a key to the published JWKS (the proxy fetches it on its unknown kid). */
function publish(kid: string, publicJwk: Record<string, unknown>): void {
  issuer.published = [...issuer.published, { kid, privateKey: undefined as never, publicJwk }];
}

/** A compact JWS with exactly this header, signed with node:crypto. */
function token(header: Record<string, unknown>, payload: Record<string, unknown>, key: SignKeyObjectInput | KeyObject, hash: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${base64url.encode(signRaw(hash, Buffer.from(input), key))}`;
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: PrivateKey;
  readonly publicJwk: JWK;
}

export const ISSUER = 'https://idp.example.test/';
export const AUDIENCE = 'api.example.test';

/** A local identity provider: RS256 keys made at run time, a JWKS endpoint and a token minter. */
export class TestIssuer {
  readonly keys: SigningKey[] = [];
  /** Keys served by /jwks (a subset of `keys` when a test hides one). */
  published: SigningKey[] = [];
  jwksRequests = 0;
  down = false;
  /** JWKS answers wait for this (a test releases them once its requests are in flight). */
  hold: Promise<void> | undefined;
  /** JWKS requests answered so far. */
  jwksAnswers = 0;
  private readonly waiters: (() => void)[] = [];
  private server: Server | undefined;
  url = '';

  static async start(): Promise<TestIssuer> {
    const issuer = new TestIssuer();
    const key = await issuer.addKey('key-1');
    issuer.published = [key];
    issuer.server = createServer((req, res) => {
      if (req.url === '/jwks') {
        issuer.jwksRequests++;
        void (async () => {
          if (issuer.hold) await issuer.hold;
          if (issuer.down) res.writeHead(503).end();
          else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: issuer.published.map((k) => k.publicJwk) }));
          issuer.jwksAnswers++;
          for (const w of issuer.waiters.splice(0)) w();
        })();
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => issuer.server!.listen(0, '127.0.0.1', r));
    issuer.url = `http://127.0.0.1:${(issuer.server.address() as AddressInfo).port}`;
    return issuer;
  }

  /** Resolves once `count` JWKS requests have been answered in all. */
  async jwksAnswered(count: number): Promise<void> {
    while (this.jwksAnswers < count) await new Promise<void>((r) => this.waiters.push(r));
  }

  async addKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const key = { kid, privateKey, publicJwk };
    this.keys.push(key);
    return key;
  }

  /** A token with sane defaults (iss, aud, sub, exp in 5 minutes) that `claims` override. */
  async sign(claims: JWTPayload = {}, options: { key?: SigningKey; kid?: string | null; alg?: string } = {}): Promise<string> {
    const key = options.key ?? this.keys[0];
    const now = Math.floor(Date.now() / 1000);
    const header: { alg: string; kid?: string; typ: string } = { alg: options.alg ?? 'RS256', typ: 'JWT' };
    if (options.kid !== null) header.kid = options.kid ?? key.kid;
    return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'user-123', iat: now, exp: now + 300, scope: 'orders:read orders:write', ...claims })
      .setProtectedHeader(header)
      .sign(key.privateKey);
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}

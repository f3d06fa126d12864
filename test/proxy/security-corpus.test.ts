import { base64url, exportSPKI, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EchoUpstream } from './support/echo-upstream';
import { AUDIENCE, ISSUER, type TestIssuer } from './support/issuer';
import { rawRequest } from './support/raw-http';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { route, startTestProxy, type TestProxy } from './support/test-proxy';
import { startPeers, stopPeers } from './support/peers';

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy;

beforeAll(async () => {
  ({ issuer, token, echo } = await startPeers());
  gw = await startTestProxy(
    { issuer, token, echo },
    [
      route({
        name: 'secure',
        authorization: { scopes: ['orders:read'] },
        upstreamAuth: [{ kind: 'header', name: 'X-Backend-Key', value: { kind: 'secret', ref: { secretName: 'backend', key: 'key' } } }],
      }),
      route({ name: 'public', clientAuth: { kind: 'none' } }),
      route({ name: 'keyed', clientAuth: { kind: 'apiKey', header: 'X-API-Key', keys: [{ secretName: 'callers', key: 'alice' }] } }),
    ],
    { secrets: { backend: { key: 'injected-backend-key' }, callers: { alice: 'alice-key-123' } } },
  );
});

afterAll(() => stopPeers(gw, { issuer, token, echo }));

const now = () => Math.floor(Date.now() / 1000);
const b64 = (o: unknown) => base64url.encode(JSON.stringify(o));

function get(path: string, headers: Record<string, string> = {}, host = 'api.example.test'): string {
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: close'];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

interface Hostile {
  readonly name: string;
  readonly request: () => Promise<string> | string;
  readonly status: number;
  /** The request reaches the upstream (only for cases where the attack must be neutralised, not refused). */
  readonly reachesUpstream?: boolean;
}

const bearerGet = (t: string) => get('/secure/orders', { Authorization: `Bearer ${t}` });

const corpus: Hostile[] = [
  // Token presence and shape
  { name: 'no credentials at all', request: () => get('/secure/orders'), status: 401 },
  { name: 'Basic scheme instead of Bearer', request: () => get('/secure/orders', { Authorization: 'Basic dXNlcjpwYXNz' }), status: 401 },
  { name: 'alg none, empty signature', request: () => bearerGet(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 300, scope: 'orders:read' })}.`), status: 401 },
  { name: 'alg none with a kid and a fake signature', request: () => bearerGet(`${b64({ alg: 'none', kid: 'key-1' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 300, scope: 'orders:read' })}.AAAA`), status: 401 },
  {
    name: 'HS256 signed with the RSA public key (key confusion)',
    request: async () => {
      const pem = await exportSPKI((await importJWK(issuer.keys[0].publicJwk, 'RS256')) as Parameters<typeof exportSPKI>[0]);
      const t = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 300, scope: 'orders:read' })
        .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
        .sign(new TextEncoder().encode(pem));
      return bearerGet(t);
    },
    status: 401,
  },
  { name: 'unknown kid', request: async () => bearerGet(await issuer.sign({}, { key: await issuer.addKey('rogue-1') })), status: 401 },
  { name: 'known kid, signed by another key', request: async () => bearerGet(await issuer.sign({}, { key: { ...(await issuer.addKey('rogue-2')), kid: 'key-1' } })), status: 401 },
  { name: 'no kid, signed by another key', request: async () => bearerGet(await issuer.sign({}, { key: await issuer.addKey('rogue-3'), kid: null })), status: 401 },
  {
    name: 'attacker key embedded in the header (jwk) and advertised by jku',
    request: async () => {
      const rogue = await issuer.addKey('rogue-embedded');
      const t = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 300, scope: 'orders:read' })
        .setProtectedHeader({ alg: 'RS256', jwk: rogue.publicJwk, jku: 'https://evil.example.test/jwks' })
        .sign(rogue.privateKey);
      return bearerGet(t);
    },
    status: 401,
  },
  { name: 'kid with path traversal and injection characters', request: async () => bearerGet(await issuer.sign({}, { kid: "../../../../dev/null' OR '1'='1" })), status: 401 },
  { name: 'expired beyond the clock tolerance', request: async () => bearerGet(await issuer.sign({ iat: now() - 600, exp: now() - 120 })), status: 401 },
  { name: 'nbf in the future', request: async () => bearerGet(await issuer.sign({ nbf: now() + 600 })), status: 401 },
  { name: 'iat in the future', request: async () => bearerGet(await issuer.sign({ iat: now() + 600 })), status: 401 },
  { name: 'no exp claim', request: async () => bearerGet(await issuer.sign({ exp: undefined })), status: 401 },
  { name: 'wrong issuer', request: async () => bearerGet(await issuer.sign({ iss: 'https://evil.example.test/' })), status: 401 },
  { name: 'wrong audience', request: async () => bearerGet(await issuer.sign({ aud: 'other-api' })), status: 401 },
  { name: 'missing required scope', request: async () => bearerGet(await issuer.sign({ scope: 'orders:write' })), status: 403 },
  {
    name: 'tampered signature',
    request: async () => {
      const t = await issuer.sign();
      const last = t[t.length - 2] === 'A' ? 'B' : 'A';
      return bearerGet(`${t.slice(0, -2)}${last}${t.slice(-1)}`);
    },
    status: 401,
  },
  {
    name: 'tampered payload (scope escalated, signature kept)',
    request: async () => {
      const [h, , s] = (await issuer.sign({ scope: 'none' })).split('.');
      return bearerGet(`${h}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 300, scope: 'orders:read' })}.${s}`);
    },
    status: 401,
  },
  { name: 'oversized token', request: async () => bearerGet(await issuer.sign({ pad: 'x'.repeat(9000) })), status: 401 },
  { name: 'two tokens in one header', request: async () => get('/secure/orders', { Authorization: `Bearer ${await issuer.sign()} ${await issuer.sign()}` }), status: 401 },
  { name: 'token in the query string instead of the header', request: async () => get(`/secure/orders?access_token=${await issuer.sign()}`), status: 401 },
  { name: 'duplicate Authorization headers', request: async () => get('/secure/orders', { Authorization: `Bearer ${await issuer.sign()}`, authorization: 'Bearer x.y.z' }), status: 400 },
  { name: 'duplicate API-key headers', request: () => get('/keyed', { 'X-API-Key': 'alice-key-123', 'x-api-key': 'guess' }), status: 400 },
  { name: 'wrong API key', request: () => get('/keyed', { 'X-API-Key': 'alice-key-124' }), status: 401 },
  // Paths: a public prefix must never lead into a protected one
  { name: 'dot-dot traversal', request: () => get('/public/../secure/orders'), status: 400 },
  { name: 'encoded dot-dot', request: () => get('/public/%2e%2e/secure/orders'), status: 400 },
  { name: 'mixed-case encoded dot-dot', request: () => get('/public/%2E%2e/secure/orders'), status: 400 },
  { name: 'double-encoded dot-dot', request: () => get('/public/%252e%252e/secure/orders'), status: 400 },
  { name: 'dot-dot with encoded slash', request: () => get('/public/..%2fsecure/orders'), status: 400 },
  { name: 'encoded slash joining prefixes', request: () => get('/public%2f..%2fsecure'), status: 400 },
  { name: 'empty segment', request: () => get('/public//secure/orders'), status: 400 },
  { name: 'Tomcat-style ..;', request: () => get('/public/..;/secure/orders'), status: 400 },
  { name: 'backslash traversal', request: () => get('/public\\..\\secure'), status: 400 },
  { name: 'encoded NUL', request: () => get('/public/a%00b'), status: 400 },
  { name: 'malformed percent-encoding', request: () => get('/public/%zz'), status: 400 },
  // RFC 9112 §3.2.2: routed by the target's authority, which must be a served host.
  { name: 'absolute-form request target for a served host, no token', request: () => get('http://api.example.test/secure/orders'), status: 401 },
  { name: 'absolute-form request target for another host', request: () => get('http://evil.example.test/secure/orders'), status: 404 },
  { name: 'absolute-form request target with user-info', request: () => get('http://user:pass@api.example.test/secure/orders'), status: 400 },
  { name: 'absolute-form request target with a traversal', request: () => get('http://api.example.test/public/../secure/orders'), status: 400 },
  { name: 'Host with user-info (RFC 9112 §3.2)', request: () => get('/public', {}, 'api.example.test@evil.test'), status: 400 },
  { name: 'Host with a non-numeric port', request: () => get('/public', {}, 'api.example.test:x80'), status: 400 },
  { name: 'prefix boundary (/securex is not /secure)', request: async () => get('/securex', { Authorization: `Bearer ${await issuer.sign()}` }), status: 404 },
  { name: 'unknown host', request: () => get('/public', {}, 'evil.example.test'), status: 404 },
  // Framing and header smuggling
  { name: 'Content-Length and Transfer-Encoding together', request: () => 'POST /public HTTP/1.1\r\nHost: api.example.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', status: 400 },
  { name: 'duplicate, conflicting Content-Length', request: () => 'POST /public HTTP/1.1\r\nHost: api.example.test\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde', status: 400 },
  { name: 'obfuscated Transfer-Encoding', request: () => 'POST /public HTTP/1.1\r\nHost: api.example.test\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n', status: 400 },
  { name: 'white space before the colon', request: () => 'POST /public HTTP/1.1\r\nHost: api.example.test\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n', status: 400 },
  { name: 'bare CR inside a header value (CRLF injection)', request: () => 'GET /public HTTP/1.1\r\nHost: api.example.test\r\nX-Note: a\rInjected: yes\r\n\r\n', status: 400 },
  { name: 'obs-fold continuation line', request: () => 'GET /public HTTP/1.1\r\nHost: api.example.test\r\nX-Note: a\r\n Injected: yes\r\nConnection: close\r\n\r\n', status: 400 },
  { name: 'header name with a space', request: () => 'GET /public HTTP/1.1\r\nHost: api.example.test\r\nBad Header: 1\r\n\r\n', status: 400 },
  { name: 'missing Host', request: () => 'GET /public HTTP/1.1\r\nConnection: close\r\n\r\n', status: 400 },
  { name: 'duplicate Host', request: () => get('/public', { Host: 'evil.example.test' }), status: 400 },
  { name: 'oversized headers', request: () => get('/public', { 'X-Big': 'b'.repeat(20_000) }), status: 431 },
  // Neutralised rather than refused: the injected credential must survive
  { name: 'Connection: Authorization, X-Backend-Key (hop-by-hop removal of injected headers)', request: async () => get('/secure/orders', { Authorization: `Bearer ${await issuer.sign()}`, Connection: 'Authorization, X-Backend-Key' }).replace('Connection: close\r\n', ''), status: 200, reachesUpstream: true },
  { name: 'caller pre-sets the injected header', request: async () => get('/secure/orders', { Authorization: `Bearer ${await issuer.sign()}`, 'X-Backend-Key': 'forged' }), status: 200, reachesUpstream: true },
];

describe('security corpus: hostile requests get exactly the expected status', () => {
  it('has at least 30 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of corpus) {
    it(`${c.status} for ${c.name}`, async () => {
      const before = echo.requests.length;
      const { status } = await rawRequest(gw.proxy.url, await c.request());
      expect(status).toBe(c.status);
      if (c.reachesUpstream) {
        expect(echo.requests.length).toBe(before + 1);
        const seen = echo.last();
        expect(seen.headers['x-backend-key']).toBe('injected-backend-key');
        expect(seen.headers.authorization).toBeUndefined();
      } else {
        expect(echo.requests.length).toBe(before);
      }
    });
  }

  it('refuses an unauthenticated Expect: 100-continue upload before its body is sent', async () => {
    const before = echo.requests.length;
    const { response } = await rawRequest(gw.proxy.url, 'POST /secure/orders HTTP/1.1\r\nHost: api.example.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    expect(response.startsWith('HTTP/1.1 401 ')).toBe(true);
    expect(response).not.toContain('100 Continue');
    expect(echo.requests.length).toBe(before);
  });

  it('sends 100 Continue once the caller is authorized, then streams the body upstream', async () => {
    const t = await issuer.sign();
    const { connect } = await import('node:net');
    const { port } = new URL(gw.proxy.url);
    const response = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      let data = '';
      let sent = false;
      const timer = setTimeout(() => socket.destroy(), 3000);
      socket.on('data', (c) => {
        data += c.toString();
        if (!sent && data.includes('100 Continue\r\n\r\n')) {
          sent = true;
          socket.write('hello');
        }
        if (/\r\n0\r\n\r\n$/.test(data) || /"body":"hello"/.test(data)) {
          clearTimeout(timer);
          socket.destroy();
        }
      });
      socket.on('close', () => resolve(data));
      socket.write(`POST /secure/orders HTTP/1.1\r\nHost: api.example.test\r\nAuthorization: Bearer ${t}\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    });
    expect(response.startsWith('HTTP/1.1 100 Continue')).toBe(true);
    expect(response).toContain('HTTP/1.1 200 OK');
    expect(echo.last().body).toBe('hello');
  });

  it('401s carry an RFC 6750 challenge and a body that reveals nothing', async () => {
    const { response } = await rawRequest(gw.proxy.url, bearerGet(await issuer.sign({ aud: 'other-api' })));
    expect(response).toMatch(/www-authenticate: Bearer realm="gatewright", error="invalid_token"/i);
    expect(response.endsWith('{"error":"invalid_token"}')).toBe(true);
  });

  it('refetches the JWKS for unknown kids at most once per cool-down', async () => {
    const before = issuer.jwksRequests;
    for (let i = 0; i < 5; i++) {
      const t = await issuer.sign({}, { key: await issuer.addKey(`flood-${i}`) });
      expect((await rawRequest(gw.proxy.url, bearerGet(t))).status).toBe(401);
    }
    expect(issuer.jwksRequests - before).toBeLessThanOrEqual(1);
  });
});

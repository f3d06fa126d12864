import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRouteSchema, HTTP_METHODS } from '../../src/model';
import type { Echo, EchoUpstream } from './support/echo-upstream';
import type { TestIssuer } from './support/issuer';
import { startPeers, stopPeers } from './support/peers';
import { rawBody, rawRequest } from './support/raw-http';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { API_HOST, bearer, call, route, startTestProxy, type TestProxy } from './support/test-proxy';

/**
 * TRACE and other unusual methods (RFC 9110 §9.3.8), header-count limits, body limits and
 * caller-side timeouts: each refused before the backend is contacted.
 */

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy;
let jwt: string;

const KEY = { kind: 'header' as const, name: 'X-Backend-Key', value: { kind: 'unsafePlaintext' as const, value: 'backend-key-secret-1' } };

beforeAll(async () => {
  ({ issuer, token, echo } = await startPeers());
  gw = await startTestProxy(
    { issuer, token, echo },
    [
      route({ name: 'orders', upstreamAuth: [KEY] }),
      route({ name: 'diag', authorization: { methods: ['GET', 'TRACE'] }, upstreamAuth: [KEY] }),
      route({ name: 'upload', clientAuth: { kind: 'none' }, maxBodyBytes: 1024, upstreamAuth: [KEY] }),
      route({ name: 'slow', pathPrefix: '/slow', clientAuth: { kind: 'none' } }),
    ],
    { config: { limits: { maxHeaderBytes: 65536, maxHeaderCount: 100, maxTokenBytes: 8192, verifiedTokenCacheEntries: 100 }, timeouts: { requestHeadersSeconds: 1, requestSeconds: 0, clientIdleSeconds: 95 } } },
  );
  jwt = await issuer.sign();
});

afterAll(() => stopPeers(gw, { issuer, token, echo }));

const raw = (lines: string[], body = '') => rawRequest(gw.proxy.url, `${lines.join('\r\n')}\r\n\r\n${body}`);

/** Runs `f`, and says whether the echo backend was contacted meanwhile. */
async function reaching<T>(f: () => Promise<T>): Promise<{ result: T; reached: boolean }> {
  const before = echo.requests.length;
  const result = await f();
  return { result, reached: echo.requests.length > before };
}

describe('TRACE, TRACK, CONNECT and other unusual methods', () => {
  it('the model: an empty method list means the ordinary methods, never TRACE', () => {
    const model = apiRouteSchema.parse(route({ name: 'x' }));
    expect(model.authorization.methods).toEqual([]);
    expect(HTTP_METHODS).not.toContain('TRACE');
    expect(apiRouteSchema.parse(route({ name: 'y', authorization: { methods: ['TRACE'] } })).authorization.methods).toEqual(['TRACE']);
  });

  it('refuses TRACE with 405 on a route that does not list it, before any authentication', async () => {
    const { result, reached } = await reaching(() => call(gw.proxy.url, '/orders/42', { method: 'TRACE', headers: bearer(jwt) }));
    expect(result.status).toBe(405);
    expect(result.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
    expect(result.json()).toEqual({ error: 'method_not_allowed' });
    expect(reached).toBe(false);
  });

  it('refuses TRACK (405), CONNECT (405), PROPFIND (405) and unknown methods (501)', async () => {
    const { result: track, reached } = await reaching(() => raw(['TRACK /orders/42 HTTP/1.1', `Host: ${API_HOST}`, `Authorization: Bearer ${jwt}`]));
    expect(track.status).toBe(405);
    expect(reached).toBe(false);
    expect((await raw([`CONNECT ${API_HOST}:443 HTTP/1.1`, `Host: ${API_HOST}:443`])).status).toBe(405);
    expect((await call(gw.proxy.url, '/orders/42', { method: 'PROPFIND', headers: bearer(jwt) })).status).toBe(405);
    expect((await raw(['BREW /orders/42 HTTP/1.1', `Host: ${API_HOST}`])).status).toBe(501);
  });

  it('forwards TRACE where a route lists it, but never with the upstream credential', async () => {
    const res = await call(gw.proxy.url, '/diag/x', { method: 'TRACE', headers: bearer(jwt) });
    expect(res.status).toBe(200);
    const seen = res.json<Echo>();
    expect(seen.method).toBe('TRACE');
    expect(seen.headers['x-backend-key']).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain('backend-key-secret-1');
    // The same route's GET carries it.
    expect((await call(gw.proxy.url, '/diag/x', { headers: bearer(jwt) })).json<Echo>().headers['x-backend-key']).toBe('backend-key-secret-1');
  });

  it('applies in forwardAuth mode: 405 unless listed, and a listed TRACE gets no credential', async () => {
    const ask = (name: string, method: string) =>
      call(gw.proxy.forwardAuthUrl!, `/_gatewright/forward-auth/${name}`, {
        host: 'gatewright-proxy.gateway.svc',
        headers: { ...bearer(jwt), 'x-forwarded-method': method, 'x-forwarded-host': API_HOST, 'x-forwarded-uri': `/${name}/1` },
      });
    const refused = await ask('orders', 'TRACE');
    expect(refused.status).toBe(405);
    expect(refused.headers['x-backend-key']).toBeUndefined();
    const listed = await ask('diag', 'TRACE');
    expect(listed.status).toBe(200);
    expect(listed.headers['x-backend-key']).toBeUndefined();
    expect((await ask('diag', 'GET')).headers['x-backend-key']).toBe('backend-key-secret-1');
  });
});

describe('header count', () => {
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `X-Filler-${i}: ${i}`);

  it('refuses more header lines than limits.maxHeaderCount with 431', async () => {
    const { result, reached } = await reaching(() => raw(['GET /orders/1 HTTP/1.1', `Host: ${API_HOST}`, `Authorization: Bearer ${jwt}`, ...filler(120), 'Connection: close']));
    expect(result.status).toBe(431);
    expect(reached).toBe(false);
    expect((await raw(['GET /slow/ok HTTP/1.1', `Host: ${API_HOST}`, ...filler(90), 'Connection: close'])).status).toBe(200);
  });

  it('cannot be used to hide a second Host or Authorization behind 2,000 lines (Node drops lines past its limit unseen)', async () => {
    const smuggled = await raw(['GET /slow/ok HTTP/1.1', `Host: ${API_HOST}`, ...filler(2005), 'Host: evil.example.test', 'Authorization: Bearer forged', 'Connection: close']);
    expect(smuggled.status).toBe(431);
  });
});

describe('request body limits (maxBodyBytes)', () => {
  it('answers 413 to a declared Content-Length above the limit, before contacting the backend', async () => {
    const { result, reached } = await reaching(() => call(gw.proxy.url, '/upload', { method: 'POST', body: 'x'.repeat(1025) }));
    expect(result.status).toBe(413);
    expect(result.json()).toEqual({ error: 'payload_too_large' });
    expect(reached).toBe(false);
    expect((await call(gw.proxy.url, '/upload', { method: 'POST', body: 'x'.repeat(1024) })).json<Echo>().body).toHaveLength(1024);
  });

  it('answers 413 instead of 100 Continue when the declared body is too large', async () => {
    const res = await raw(['POST /upload HTTP/1.1', `Host: ${API_HOST}`, 'Content-Length: 5000', 'Expect: 100-continue', 'Connection: close']);
    expect(res.status).toBe(413);
    expect(res.response).not.toContain('100 Continue');
  });

  it('cuts a chunked body off once it grows past the limit', async () => {
    const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`;
    const big = await raw(['POST /upload HTTP/1.1', `Host: ${API_HOST}`, 'Transfer-Encoding: chunked', 'Connection: close'], chunk('a'.repeat(800)) + chunk('b'.repeat(800)) + '0\r\n\r\n');
    expect(big.status).toBe(413);
    const small = await raw(['POST /upload HTTP/1.1', `Host: ${API_HOST}`, 'Transfer-Encoding: chunked', 'Connection: close'], chunk('a'.repeat(500)) + chunk('b'.repeat(500)) + '0\r\n\r\n');
    expect(small.status).toBe(200);
    expect(JSON.parse(rawBody(small.response)).body).toHaveLength(1000);
  });
});

describe('caller-side timeouts', () => {
  it('answers 408 to a caller that does not finish its request head within timeouts.requestHeadersSeconds', async () => {
    // The head is never finished: only the proxy's timeout can end this exchange.
    const res = await rawRequest(gw.proxy.url, `GET /slow/ok HTTP/1.1\r\nHost: ${API_HOST}\r\nX-Slow: `, 15_000);
    expect(res.status).toBe(408);
  });
});

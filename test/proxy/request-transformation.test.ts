import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRouteSchema } from '../../src/model';
import {
  FORWARDING_HEADERS,
  GATEWAY_WRITTEN_FORWARDING_HEADERS,
  headersInjectedByAnyRoute,
  IDENTITY_HEADERS,
  METHOD_OVERRIDE_HEADERS,
  planRequestTransformation,
  URL_OVERRIDE_HEADERS,
} from '../../src/plan';
import type { Echo, EchoUpstream } from './support/echo-upstream';
import type { TestIssuer } from './support/issuer';
import { startPeers, stopPeers } from './support/peers';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { API_HOST, bearer, call, route, startTestProxy, type TestProxy } from './support/test-proxy';

/**
 * The proxy executes the request transformation of src/plan (the one every engine renders):
 * caller-supplied identity headers, forwarding facts, override headers and the configured strip
 * list never reach a backend; forwarding headers are written from the connection unless a
 * trusted hop sent them.
 */

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy;
let trusting: TestProxy;
let jwt: string;

const ROUTES = [
  route({ name: 'claims', clientAuth: { kind: 'jwt', jwksUrl: 'https://idp.example.test/jwks', issuer: 'https://idp.example.test/', audience: ['api.example.test'], forwardClaims: { 'X-Subject': 'sub' } } }),
  route({ name: 'plain', upstreamAuth: [{ kind: 'header', name: 'X-Backend-Key', value: { kind: 'unsafePlaintext', value: 'backend-key-1' } }] }),
  route({ name: 'public', clientAuth: { kind: 'none' } }),
  route({ name: 'thirdparty', clientAuth: { kind: 'none' }, forwardingHeaders: 'hide' }),
];
const STRIPPED = ['X-Internal-Debug'];

beforeAll(async () => {
  ({ issuer, token, echo } = await startPeers());
  gw = await startTestProxy({ issuer, token, echo }, ROUTES, { config: { stripRequestHeaders: STRIPPED } });
  trusting = await startTestProxy({ issuer, token, echo }, ROUTES, { config: { trustedHops: ['127.0.0.0/8', '::1'] } });
  jwt = await issuer.sign();
});

afterAll(async () => {
  await trusting?.stop();
  await stopPeers(gw, { issuer, token, echo });
});

/** A request carrying a forged copy of every header in `names`, as the echo backend received it. */
async function forging(proxy: TestProxy, path: string, names: readonly string[]): Promise<Echo> {
  const headers: Record<string, string> = { ...bearer(jwt) };
  for (const n of names) headers[n] = `forged-${n.toLowerCase()}`;
  const res = await call(proxy.proxy.url, path, { headers });
  expect(res.status).toBe(200);
  return res.json<Echo>();
}

describe('caller-supplied identity headers', () => {
  it('never reach the backend: every identity header the gateway could set is removed', async () => {
    const seen = await forging(gw, '/plain/x', IDENTITY_HEADERS);
    for (const h of IDENTITY_HEADERS) expect(seen.headers[h.toLowerCase()], h).toBeUndefined();
    expect(seen.headers['x-backend-key']).toBe('backend-key-1');
  });

  it('removes a header another route injects (X-Subject) on a route that does not set it', async () => {
    const seen = await forging(gw, '/public', ['X-Subject']);
    expect(seen.headers['x-subject']).toBeUndefined();
    // ...and where it is set, only the gateway's value arrives.
    const claims = await forging(gw, '/claims', ['X-Subject']);
    expect(claims.rawHeaders.filter((h) => h.toLowerCase() === 'x-subject')).toHaveLength(1);
    expect(claims.headers['x-subject']).toBe('user-123');
  });

  it('removes the configured strip list and URL and method override headers', async () => {
    const seen = await forging(gw, '/public', [...STRIPPED, ...URL_OVERRIDE_HEADERS, ...METHOD_OVERRIDE_HEADERS]);
    for (const h of [...STRIPPED, ...URL_OVERRIDE_HEADERS, ...METHOD_OVERRIDE_HEADERS]) expect(seen.headers[h.toLowerCase()], h).toBeUndefined();
  });

  it('removes exactly what the plan removes, on every route (the proxy keeps no list of its own)', async () => {
    const models = ROUTES.map((r) => apiRouteSchema.parse(r));
    const context = { injectedAnywhere: headersInjectedByAnyRoute(models), stripRequestHeaders: STRIPPED };
    for (const model of models) {
      const plan = planRequestTransformation(model, context);
      const removed = plan.remove.map((r) => r.header).filter((h) => h.toLowerCase() !== 'authorization');
      const seen = await forging(gw, `${model.pathPrefix}/x`, removed);
      for (const h of removed) expect(seen.headers[h.toLowerCase()], `${model.name}: ${h}`).toBeUndefined();
    }
  });
});

describe('forwarding headers (RFC 7239 §8.1)', () => {
  const FORGED = {
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-host': 'evil.example.test',
    'x-forwarded-port': '8443',
    'x-real-ip': '203.0.113.8',
    forwarded: 'for=203.0.113.9;proto=https',
    'x-forwarded-prefix': '/admin',
  };

  it("overwrites a plain-http caller's forwarding facts from the connection", async () => {
    const res = await call(gw.proxy.url, '/public', { headers: FORGED });
    const h = res.json<Echo>().headers;
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['x-forwarded-host']).toBe(API_HOST);
    expect(h['x-forwarded-port']).toBe('80');
    expect(h['x-real-ip']).toBe('127.0.0.1');
    expect(h['x-forwarded-server']).toEqual(expect.any(String));
    expect(h.forwarded).toBeUndefined();
    expect(h['x-forwarded-prefix']).toBeUndefined();
  });

  it('believes and extends them from a configured trusted hop', async () => {
    const res = await call(trusting.proxy.url, '/public', { headers: FORGED });
    const h = res.json<Echo>().headers;
    expect(h['x-forwarded-proto']).toBe('https');
    expect(h['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(h['x-forwarded-host']).toBe('evil.example.test');
    expect(h['x-forwarded-port']).toBe('8443');
    expect(h['x-real-ip']).toBe('203.0.113.8');
    // Facts the gateway never vouches for go even from a trusted hop.
    expect(h.forwarded).toBeUndefined();
    expect(h['x-forwarded-prefix']).toBeUndefined();
  });

  it('sends none at all to a backend whose route hides them', async () => {
    const res = await call(trusting.proxy.url, '/thirdparty', { headers: FORGED });
    const h = res.json<Echo>().headers;
    for (const name of FORWARDING_HEADERS) expect(h[name.toLowerCase()], name).toBeUndefined();
    expect(GATEWAY_WRITTEN_FORWARDING_HEADERS.length).toBeGreaterThan(0);
  });
});

describe('forwardAuth answers', () => {
  const ask = (name: string, headers: Record<string, string>) =>
    call(gw.proxy.forwardAuthUrl!, `/_gatewright/forward-auth/${name}`, {
      host: 'gatewright-proxy.gateway.svc',
      headers: { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': API_HOST, 'x-forwarded-uri': `/${name}/x`, ...headers },
    });

  it('carry only what the gateway sets, never a caller-supplied identity header', async () => {
    const forged: Record<string, string> = {};
    for (const h of IDENTITY_HEADERS) forged[h] = 'admin';
    const res = await ask('claims', { ...bearer(jwt), ...forged, 'x-subject': 'admin' });
    expect(res.status).toBe(200);
    expect(res.headers['x-subject']).toBe('user-123');
    for (const h of IDENTITY_HEADERS) expect(res.headers[h.toLowerCase()], h).toBeUndefined();
  });
});

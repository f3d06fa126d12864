import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GatewrightError } from '../../src/model';
import { validateProxyConfig } from '../../src/proxy/config/load-proxy-config';
import type { EchoUpstream } from './support/echo-upstream';
import type { TestIssuer } from './support/issuer';
import { freePort } from './support/free-port';
import { startPeers, stopPeers } from './support/peers';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { API_HOST, bearer, call, route, startTestProxy, type TestProxy } from './support/test-proxy';

/**
 * forwardAuth answers carry upstream credentials, so they are served on a listener of their
 * own (`listen.forwardAuthPort`) that only Traefik reaches — never on the traffic port that
 * inline routes and load balancers expose — and not at all when forwardAuth is disabled.
 */

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy;
let jwt: string;

const KEY = { kind: 'header' as const, name: 'X-Backend-Key', value: { kind: 'unsafePlaintext' as const, value: 'isolated-backend-key' } };
const FA_HEADERS = { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': API_HOST, 'x-forwarded-uri': '/' };

beforeAll(async () => {
  ({ issuer, token, echo } = await startPeers());
  // A root route would cover the forwardAuth path on the traffic port.
  gw = await startTestProxy({ issuer, token, echo }, [route({ name: 'root', pathPrefix: '/', upstreamAuth: [KEY] })]);
  jwt = await issuer.sign();
});

afterAll(() => stopPeers(gw, { issuer, token, echo }));

describe('forwardAuth isolation', () => {
  it('answers on the forwardAuth port with the credential', async () => {
    const res = await call(gw.proxy.forwardAuthUrl!, '/_gatewright/forward-auth/root', { host: 'proxy.gateway.svc', headers: { ...bearer(jwt), ...FA_HEADERS } });
    expect(res.status).toBe(200);
    expect(res.headers['x-backend-key']).toBe('isolated-backend-key');
    expect(gw.proxy.forwardAuthUrl).not.toBe(gw.proxy.url);
  });

  it('answers 404 for the forwardAuth path on the traffic port, whatever the Host, and never forwards it', async () => {
    const before = echo.requests.length;
    for (const host of ['proxy.gateway.svc', API_HOST]) {
      for (const path of ['/_gatewright/forward-auth/root', '/_gatewright/forward-auth', '/_gatewright/forward-auth/root?x=1']) {
        const res = await call(gw.proxy.url, path, { host, headers: { ...bearer(jwt), ...FA_HEADERS } });
        expect(res.status, `${host}${path}`).toBe(404);
        expect(res.headers['x-backend-key']).toBeUndefined();
      }
    }
    expect(echo.requests.length).toBe(before);
    // Everything else under the root route is still proxied.
    expect((await call(gw.proxy.url, '/_gatewright/other', { headers: bearer(jwt) })).status).toBe(200);
  });

  it('serves nothing but forwardAuth on the forwardAuth port: no inline proxying there', async () => {
    const before = echo.requests.length;
    const res = await call(gw.proxy.forwardAuthUrl!, '/orders', { headers: bearer(jwt) });
    expect(res.status).toBe(404);
    expect(echo.requests.length).toBe(before);
  });

  it('opens no forwardAuth listener when forwardAuth is disabled', async () => {
    const port = await freePort();
    const inlineOnly = await startTestProxy({ issuer, token, echo }, [route({ name: 'root', pathPrefix: '/', upstreamAuth: [KEY] })], {
      config: { forwardAuthEnabled: false, listen: { host: '127.0.0.1', port: 0, adminPort: 0, forwardAuthPort: port } },
    });
    try {
      expect(inlineOnly.proxy.forwardAuthUrl).toBeUndefined();
      expect(await refused(port)).toBe(true);
      expect((await call(inlineOnly.proxy.url, '/_gatewright/forward-auth/root', { host: 'proxy.gateway.svc', headers: { ...bearer(jwt), ...FA_HEADERS } })).status).toBe(404);
    } finally {
      await inlineOnly.stop();
    }
  });

  it('refuses a config whose forwardAuth port is the traffic or admin port', () => {
    for (const listen of [
      { port: 8080, adminPort: 9090, forwardAuthPort: 8080 },
      { port: 8080, adminPort: 9090, forwardAuthPort: 9090 },
    ]) {
      try {
        validateProxyConfig({ version: 1, listen, routes: [] });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(GatewrightError);
        expect((err as GatewrightError).code).toBe(ErrorCode.INVALID_PROPS);
        expect((err as GatewrightError).message).toContain('listen.forwardAuthPort');
      }
    }
    // Disabled, the port is not opened, so it cannot clash.
    expect(validateProxyConfig({ version: 1, forwardAuthEnabled: false, listen: { port: 8080, adminPort: 9090, forwardAuthPort: 8080 }, routes: [] }).listen.forwardAuthPort).toBe(8080);
    expect(validateProxyConfig({ version: 1, routes: [] }).listen.forwardAuthPort).toBe(8081);
  });
});


function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { Echo, EchoUpstream } from './support/echo-upstream';
import { ISSUER, AUDIENCE, type TestIssuer } from './support/issuer';
import { startPeers, stopPeers } from './support/peers';
import { rawBody, rawRequest } from './support/raw-http';
import type { TestTokenEndpoint } from './support/token-endpoint';
import { API_HOST, bearer, JWKS_URL, route, startTestProxy, type TestProxy } from './support/test-proxy';

/**
 * WebSockets through the inline proxy, with a real `ws` client and server on loopback: the
 * handshake is authenticated like any request and carries the upstream credential, then the
 * connection is piped both ways, and closed when the caller's token expires.
 */

let issuer: TestIssuer;
let token: TestTokenEndpoint;
let echo: EchoUpstream;
let gw: TestProxy;
let chat: { server: Server; wss: WebSocketServer; url: string; handshakes: IncomingHttpHeaders[] };

const JWT_AUTH = { kind: 'jwt' as const, jwksUrl: JWKS_URL, issuer: ISSUER, audience: [AUDIENCE], clockToleranceSeconds: 0, forwardClaims: { 'X-Subject': 'sub' } };
const CHAT_BACKEND = { kind: 'externalName' as const, serviceName: 'chat', externalName: 'chat.example.test', port: 443, scheme: 'https' as const };
const KEY = { kind: 'header' as const, name: 'X-Backend-Key', value: { kind: 'unsafePlaintext' as const, value: 'chat-backend-key-1' } };

beforeAll(async () => {
  ({ issuer, token, echo } = await startPeers());
  const server = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('upgrade required'));
  const wss = new WebSocketServer({ server });
  const handshakes: IncomingHttpHeaders[] = [];
  wss.on('connection', (socket, req) => {
    handshakes.push(req.headers);
    socket.on('message', (data, isBinary) => socket.send(isBinary ? data : `echo:${data.toString()}`, { binary: isBinary }));
    socket.send(`hello ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  chat = { server, wss, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, handshakes };
  gw = await startTestProxy(
    { issuer, token, echo },
    [
      route({ name: 'chat', clientAuth: JWT_AUTH, backend: CHAT_BACKEND, allowWebSocket: true, upstreamAuth: [KEY], rewrite: { kind: 'replacePrefix', from: '/chat', to: '/ws' } }),
      route({ name: 'nows', clientAuth: JWT_AUTH, backend: CHAT_BACKEND }),
      route({ name: 'plain', clientAuth: { kind: 'none' } }),
    ],
    { config: { originOverrides: { 'https://chat.example.test': chat.url } } },
  );
});

afterAll(async () => {
  await stopPeers(gw, { issuer, token, echo });
  for (const c of chat.wss.clients) c.terminate();
  chat.wss.close();
  await new Promise<void>((r) => chat.server.close(() => r()));
});

function connect(path: string, headers: Record<string, string>): WebSocket {
  return new WebSocket(`${gw.proxy.url.replace('http:', 'ws:')}${path}`, { headers: { host: API_HOST, ...headers } });
}

/** The next message, the refusal of the handshake, or the close: whichever comes first. */
function next(ws: WebSocket): Promise<{ message?: string; status?: number; closed?: number }> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve({ message: data.toString() }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('close', (code) => resolve({ closed: code }));
    ws.once('error', () => undefined);
  });
}

describe('WebSocket through the inline proxy', () => {
  it('authenticates the handshake, injects the upstream credential, then pipes messages both ways', async () => {
    const jwt = await issuer.sign();
    const ws = connect('/chat/room-1', bearer(jwt));
    try {
      expect(await next(ws)).toEqual({ message: 'hello /ws/room-1' });
      ws.send('ping');
      expect(await next(ws)).toEqual({ message: 'echo:ping' });
      const seen = chat.handshakes[chat.handshakes.length - 1];
      expect(seen['x-backend-key']).toBe('chat-backend-key-1');
      expect(seen['x-subject']).toBe('user-123');
      expect(seen.authorization).toBeUndefined();
      expect(seen.host).toBe('chat.example.test');
      expect(await metricValue('gatewright_proxy_websockets_open')).toBe(1);
    } finally {
      ws.close();
    }
  });

  it('refuses a handshake without a valid token (401), before the backend sees it', async () => {
    const before = chat.handshakes.length;
    expect(await next(connect('/chat/room-1', {}))).toEqual({ status: 401 });
    expect(await next(connect('/chat/room-1', bearer(await issuer.sign({ aud: 'other' }))))).toEqual({ status: 401 });
    expect(chat.handshakes.length).toBe(before);
  });

  it('refuses an upgrade on a route that does not allow WebSockets (403)', async () => {
    expect(await next(connect('/nows/x', bearer(await issuer.sign())))).toEqual({ status: 403 });
  });

  it('forwardAuth refuses a WebSocket handshake on a route that does not allow WebSockets', async () => {
    const jwt = await issuer.sign();
    const ask = (name: string) =>
      rawRequest(
        gw.proxy.forwardAuthUrl!,
        [
          `GET /_gatewright/forward-auth/${name} HTTP/1.1`,
          'Host: gatewright-proxy.gateway.svc',
          `Authorization: Bearer ${jwt}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          'X-Forwarded-Method: GET',
          `X-Forwarded-Host: ${API_HOST}`,
          `X-Forwarded-Uri: /${name}/x`,
          '',
          '',
        ].join('\r\n'),
      );
    expect((await ask('nows')).status).toBe(403);
    expect((await ask('chat')).status).toBe(200);
  });

  it('closes the connection when the token it was opened with expires', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const ws = connect('/chat/short', bearer(await issuer.sign({ exp })));
    expect(await next(ws)).toEqual({ message: 'hello /ws/short' });
    const closed = await new Promise<number>((r) => ws.once('close', (code) => r(code)));
    // Torn down at the TCP level: the proxy does not speak the WebSocket framing.
    expect(closed).toBe(1006);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    const line = gw.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.outcome === 'websocket_token_expired');
    expect(line).toMatchObject({ route: 'chat', status: 101, subject: 'user-123' });
  });

  it('closes open WebSockets on shutdown instead of waiting for them', async () => {
    const own = await startTestProxy({ issuer, token, echo }, [route({ name: 'chat', clientAuth: JWT_AUTH, backend: CHAT_BACKEND, allowWebSocket: true })], {
      config: { originOverrides: { 'https://chat.example.test': chat.url }, shutdownGraceSeconds: 30 },
    });
    const ws = new WebSocket(`${own.proxy.url.replace('http:', 'ws:')}/chat/x`, { headers: { host: API_HOST, ...bearer(await issuer.sign()) } });
    expect(await next(ws)).toEqual({ message: 'hello /chat/x' });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    // Well within the 30 s grace: shutdown does not wait for a connection that never ends.
    await own.stop();
    expect(await closed).toBe(1006);
  });

  it('serves any other upgrade (h2c) as the plain request it also is, never as a tunnel', async () => {
    const res = await rawRequest(gw.proxy.url, `GET /plain/x HTTP/1.1\r\nHost: ${API_HOST}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`);
    expect(res.status).toBe(200);
    const seen = JSON.parse(rawBody(res.response)) as Echo;
    expect(seen.url).toBe('/plain/x');
    expect(seen.headers.upgrade).toBeUndefined();
    expect(seen.headers['http2-settings']).toBeUndefined();
  });
});

async function metricValue(name: string): Promise<number> {
  const text = await gw.proxy.metrics.registry.metrics();
  const m = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AccessRecord } from '../ops/access-log';
import type { CompiledRoute } from '../routing/compiled-route';
import { forwardableHeaders, forwardableResponseHeaders } from '../upstream/upstream-headers';
import { authenticateOrRefuse, injectOrRefuse } from './admission';
import { sendError } from './error-response';
import { fail, handleRequest, routeRequest, trackRequest } from './handle-request';
import type { RequestAddress } from './request-address';
import type { HandlerContext } from './request-context';
import { responseOnSocket } from './socket-response';
import { completeUpstreamRequest } from './upstream-request';

/** Open WebSocket tunnels, so shutdown can close them (the HTTP server no longer tracks them). */
export class Tunnels {
  private readonly open = new Set<() => void>();

  add(close: () => void): () => void {
    this.open.add(close);
    return () => this.open.delete(close);
  }

  get size(): number {
    return this.open.size;
  }

  closeAll(): void {
    for (const close of [...this.open]) close();
  }
}

/**
 * `Upgrade` requests on the traffic port. A WebSocket handshake (RFC 6455 §4) on a route that
 * allows it is authenticated and authorized like any request, given the route's request
 * transformation and upstream credential, then piped both ways once the backend answers 101.
 * Any other upgrade (`h2c`, which would tunnel past every check) is served as the plain HTTP
 * request it also is, as RFC 9110 §7.8 lets a server do.
 */
export function handleUpgrade(ctx: HandlerContext, tunnels: Tunnels, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const res = responseOnSocket(req, socket);
  if (!isWebSocketUpgrade(req)) {
    // The body of an upgrade request stays unparsed in `head` and the socket: refuse rather
    // than forward a request whose body would be lost.
    if (hasBody(req)) {
      const record = trackRequest(ctx, req, res, 'inline');
      record.outcome = 'bad_request';
      return sendError(res, 400, 'bad_request');
    }
    return handleRequest(ctx, req, res);
  }
  const record = trackRequest(ctx, req, res, 'inline');
  const routed = routeRequest(ctx, req, record);
  if ('status' in routed) return sendError(res, routed.status, routed.error, routed.headers);
  if (!routed.route.model.allowWebSocket || req.method !== 'GET' || hasBody(req)) {
    record.outcome = 'upgrade_refused';
    return sendError(res, 403, 'upgrade_not_allowed');
  }
  void openTunnel(ctx, tunnels, routed.route, req, res, socket as Socket, head, routed.address, record).catch((err) => fail(ctx, res, record, err));
}

/** CONNECT asks the proxy to open a raw tunnel anywhere: never (405). */
export function refuseConnect(ctx: HandlerContext, req: IncomingMessage, socket: Duplex): void {
  const res = responseOnSocket(req, socket);
  const record = trackRequest(ctx, req, res, 'inline');
  record.outcome = 'method_not_allowed';
  sendError(res, 405, 'method_not_allowed', { allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' });
}

async function openTunnel(
  ctx: HandlerContext,
  tunnels: Tunnels,
  route: CompiledRoute,
  req: IncomingMessage,
  res: ServerResponse,
  socket: Socket,
  head: Buffer,
  address: Extract<RequestAddress, { ok: true }>,
  record: AccessRecord,
): Promise<void> {
  const forwarded = forwardableHeaders(req, route.headerActions);
  if (forwarded.duplicate) {
    record.outcome = 'bad_request';
    return sendError(res, 400, 'bad_request');
  }
  let auth = authenticateOrRefuse(route, res, record, 'GET', req.headers, address.target.query);
  if (auth instanceof Promise) auth = await auth;
  if (!auth) return;
  let injection = injectOrRefuse(ctx, route, res, record, 'GET', req.headers);
  if (injection instanceof Promise) injection = await injection;
  if (!injection) return;
  const headers = forwarded.headers;
  const path = completeUpstreamRequest(ctx, route, req, address, headers, auth, injection);
  // Hop-by-hop, so removed above; the handshake needs them toward the backend again.
  headers.connection = 'Upgrade';
  headers.upgrade = 'websocket';

  record.upstream = route.upstream;
  const origin = new URL(route.connectOrigin);
  const send = origin.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send({
    host: origin.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: origin.port || (origin.protocol === 'https:' ? 443 : 80),
    servername: new URL(route.upstream).hostname,
    method: 'GET',
    path,
    headers,
    agent: false,
    timeout: route.timeoutMs,
  });
  const abandon = () => upstream.destroy();
  socket.once('close', abandon);
  upstream.once('timeout', () => upstream.destroy(Object.assign(new Error('upstream timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' })));
  upstream.once('error', (err: NodeJS.ErrnoException) => {
    socket.off('close', abandon);
    if (res.headersSent || socket.destroyed) return;
    const timeout = err.code === 'UND_ERR_HEADERS_TIMEOUT';
    record.outcome = timeout ? 'upstream_timeout' : 'upstream_error';
    ctx.logger.warn({ route: route.name, upstream: route.upstream, errorCode: err.code ?? 'unknown' }, 'upstream WebSocket handshake failed');
    sendError(res, timeout ? 504 : 502, timeout ? 'upstream_timeout' : 'bad_gateway');
  });
  // The backend declined the upgrade: its answer goes back as an ordinary response.
  upstream.once('response', (upRes) => {
    socket.off('close', abandon);
    record.outcome = 'allowed';
    res.writeHead(upRes.statusCode ?? 502, forwardableResponseHeaders(upRes.headers));
    upRes.pipe(res);
  });
  upstream.once('upgrade', (upRes, upSocket, upHead) => {
    socket.off('close', abandon);
    record.outcome = 'allowed_websocket';
    res.statusCode = 101;
    upSocket.setTimeout(0);
    // The 101 goes out as the backend wrote it (its Sec-WebSocket-Accept answers the caller's key).
    const lines = [`HTTP/1.1 101 ${upRes.statusMessage || 'Switching Protocols'}`];
    for (let i = 0; i < upRes.rawHeaders.length; i += 2) lines.push(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}`);
    // Written to the socket itself: from here on the connection is no longer HTTP.
    res.detachSocket(socket);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upHead.length > 0) socket.write(upHead);
    if (head.length > 0) upSocket.write(head);
    ctx.metrics.webSocketsOpen.inc();
    let closed = false;
    let expiry: NodeJS.Timeout | undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      if (expiry) clearTimeout(expiry);
      forget();
      ctx.metrics.webSocketsOpen.dec();
      socket.destroy();
      upSocket.destroy();
      // The access line of a WebSocket is written when it closes, with its lifetime.
      res.emit('close');
    };
    const forget = tunnels.add(close);
    const exp = auth.claims?.exp;
    if (route.model.closeWebSocketAtTokenExpiry && typeof exp === 'number' && route.model.clientAuth.kind === 'jwt') {
      const at = exp * 1000 + route.model.clientAuth.clockToleranceSeconds * 1000 - Date.now();
      expiry = setTimeout(() => {
        record.outcome = 'websocket_token_expired';
        close();
      }, Math.max(0, Math.min(at, 2 ** 31 - 1)));
    }
    socket.on('error', close).on('close', close);
    upSocket.on('error', close).on('close', close);
    upSocket.pipe(socket);
    socket.pipe(upSocket);
  });
  upstream.end();
}

/** `Upgrade` lists `websocket` among its protocols (compared without case, RFC 9110 §7.8). */
function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return typeof upgrade === 'string' && upgrade.split(',').some((p) => p.trim().toLowerCase() === 'websocket');
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ProxyConfigModel } from '../../model';
import type { ProxyMetrics } from '../ops/metrics';

/**
 * An HTTP server with the caller-side limits of the config: header size and count, the time
 * to send the head and the whole request, the keep-alive idle time. Malformed requests that
 * Node's parser refuses are answered (400, 408, 431) and logged like any refusal.
 */
export function createHttpServer(
  config: ProxyConfigModel,
  mode: 'inline' | 'forwardAuth',
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  deps: { readonly logger: Logger; readonly metrics: ProxyMetrics },
): Server {
  const server = createServer(
    {
      maxHeaderSize: config.limits.maxHeaderBytes,
      requireHostHeader: true,
      keepAliveTimeout: config.timeouts.clientIdleSeconds * 1000,
      headersTimeout: config.timeouts.requestHeadersSeconds * 1000,
      requestTimeout: config.timeouts.requestSeconds * 1000,
      // Node checks those two timeouts on this period (30 s by default): a few times per
      // headers timeout, so a 5 s limit is not enforced after 30 s.
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, (config.timeouts.requestHeadersSeconds * 1000) / 4)),
    },
    handler,
  );
  // One more than allowed: the handlers see that a request has too many (431) instead of the
  // parser silently dropping lines after its 2,000th.
  server.maxHeadersCount = config.limits.maxHeaderCount + 1;
  // `Expect: 100-continue`: answer only after the caller is authenticated and authorized, so an
  // unauthenticated client is refused before it sends its body (RFC 9110 §10.1.1).
  server.on('checkContinue', handler);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = parserErrorStatus(err.code, (err as { rawPacket?: Buffer }).rawPacket);
    deps.logger.warn({ mode, outcome: 'bad_request', status, errorCode: err.code ?? 'unknown' }, 'malformed request rejected');
    deps.metrics.observe('-', mode, 'bad_request', status, 0);
    const body = '{"error":"bad_request"}';
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
  });
  return server;
}

/**
 * The answer to a request Node's parser refused. A method it does not know is 501 (RFC 9110
 * §9.1), except TRACK, IIS's TRACE, which is refused like TRACE (405).
 */
function parserErrorStatus(code: string | undefined, rawPacket: Buffer | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_INVALID_METHOD':
      return rawPacket?.subarray(0, 6).toString('latin1') === 'TRACK ' ? 405 : 501;
    default:
      return 400;
  }
}

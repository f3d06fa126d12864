import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * An HTTP response on a socket Node handed over raw (an `upgrade` or `connect` event), so such
 * requests are answered, logged and measured like any other: one response, then the
 * connection closes.
 */
export function responseOnSocket(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Parameters<ServerResponse['assignSocket']>[0]);
  res.once('finish', () => (socket as Duplex & { destroySoon?: () => void }).destroySoon?.() ?? socket.end());
  socket.once('error', () => socket.destroy());
  return res;
}

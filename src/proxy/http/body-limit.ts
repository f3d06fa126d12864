import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { CompiledRoute } from '../routing/compiled-route';

/** A request body grew past the route's `maxBodyBytes` while it was streamed upstream. */
export class BodyTooLargeError extends Error {
  readonly code = 'ERR_GW_BODY_TOO_LARGE';
}

/**
 * Whether the request declares a body larger than the route allows: refused (413) before the
 * backend is contacted. Node's parser holds a declared body to its `Content-Length`, so such a
 * body needs no counting on its way through.
 */
export function declaredBodyTooLarge(req: IncomingMessage, route: CompiledRoute): boolean {
  const max = route.maxBodyBytes;
  if (max === undefined) return false;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > max;
}

/**
 * The body as it goes upstream: the request itself, or, for a chunked body on a route with a
 * limit (nothing declared its size), the request counted chunk by chunk and cut off with a
 * {@link BodyTooLargeError} once it passes the limit.
 */
export function upstreamBody(req: IncomingMessage, route: CompiledRoute): Readable {
  const max = route.maxBodyBytes;
  if (max === undefined || req.headers['transfer-encoding'] === undefined) return req;
  return Readable.from(limited(req, max), { objectMode: false });
}

async function* limited(req: IncomingMessage, max: number): AsyncIterable<Buffer> {
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > max) {
      // Stop reading: the caller is told 413 (or cut off) and the connection closed.
      req.pause();
      throw new BodyTooLargeError(`request body exceeds ${max} bytes`);
    }
    yield chunk;
  }
}

import type { ServerResponse } from 'node:http';

/**
 * Ends a response with a small JSON error body. Bodies carry a stable code only: never a
 * token, a Secret, an upstream address or an exception message.
 */
export function sendError(res: ServerResponse, status: number, error: string, extraHeaders?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `{"error":"${error}"}`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...extraHeaders,
  });
  res.end(body);
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Injection } from '../upstream/credential-injector';
import { forwardableResponseHeaders } from '../upstream/upstream-headers';
import type { CompiledRoute } from '../routing/compiled-route';
import { upstreamBody } from './body-limit';
import { CloseSignal } from './close-signal';

/** Methods whose request can be sent again after a 401 (RFC 9110 §9.2.2), when bodiless. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE', 'PUT']);

export interface UpstreamAttempt {
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  readonly injection: Injection;
}

export type ForwardResult = { readonly status: number } | { readonly retryWithFreshToken: true };

/**
 * Streams one request to the upstream and its response back, without buffering either body.
 * When the upstream rejects an OAuth token with 401 on a bodiless idempotent request, the
 * response is discarded and the caller may retry once with a fresh token.
 */
export async function forwardUpstream(
  dispatcher: Dispatcher,
  route: CompiledRoute,
  req: IncomingMessage,
  res: ServerResponse,
  attempt: UpstreamAttempt,
  options: { readonly mayRetry: boolean; readonly closeConnection: boolean },
): Promise<ForwardResult> {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  const retryable = options.mayRetry && !hasBody && attempt.injection.oauth !== undefined && IDEMPOTENT.has(req.method ?? '');
  let discard = false;
  let status = 0;
  // A caller that goes away (or a connection closed at the end of the shutdown grace period)
  // must release the upstream exchange at once: without a body there is nothing else that
  // tells undici, and the upstream connection would stay busy until the route timeout.
  const abandoned = new CloseSignal();
  const onClose = () => {
    if (!res.writableFinished) abandoned.abort();
  };
  if (res.destroyed) onClose();
  else res.once('close', onClose);
  try {
    await dispatcher.stream(
      {
        origin: route.connectOrigin,
        path: attempt.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: attempt.headers,
        body: hasBody ? upstreamBody(req, route) : undefined,
        headersTimeout: route.timeoutMs,
        bodyTimeout: route.timeoutMs,
        signal: abandoned as unknown as Dispatcher.RequestOptions['signal'],
      },
      ({ statusCode, headers }) => {
        status = statusCode;
        if (statusCode === 401 && retryable) {
          discard = true;
          return new Writable({ write: (_c, _e, cb) => cb() });
        }
        const out = forwardableResponseHeaders(headers as Record<string, string | string[] | undefined>);
        if (options.closeConnection) out.connection = 'close';
        res.writeHead(statusCode, out);
        return res;
      },
    );
  } finally {
    res.off('close', onClose);
  }
  return discard ? { retryWithFreshToken: true } : { status };
}

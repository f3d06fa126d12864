import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { CompiledRoute } from '../routing/compiled-route';
import type { Injection } from '../upstream/credential-injector';
import { upstreamBody } from './body-limit';

/** Methods whose request can be sent again after a 401 (RFC 9110 §9.2.2), when bodiless. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE', 'PUT']);

/**
 * Response bytes held for a slow caller before the upstream is paused. Pausing at Node's own
 * 16 KiB mark made undici hand over half-size chunks (each resume splits a buffer), twice the
 * write calls for a large body; 64 KiB keeps whole socket reads together and memory bounded.
 */
const RESPONSE_BUFFER_BYTES = 64 * 1024;

/** Hop-by-hop response headers (RFC 9110 §7.6.1): never passed back to the caller. */
const RESPONSE_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

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
export function forwardUpstream(
  dispatcher: Dispatcher,
  route: CompiledRoute,
  req: IncomingMessage,
  res: ServerResponse,
  attempt: UpstreamAttempt,
  options: { readonly mayRetry: boolean; readonly closeConnection: boolean },
): Promise<ForwardResult> {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  const retryable = options.mayRetry && !hasBody && attempt.injection.oauth !== undefined && IDEMPOTENT.has(req.method ?? '');
  return new Promise((resolve, reject) => {
    const exchange = new UpstreamExchange(res, retryable, options.closeConnection, resolve, reject);
    dispatcher.dispatch(
      {
        origin: route.connectOrigin,
        path: attempt.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: attempt.headers,
        body: hasBody ? upstreamBody(req, route) : undefined,
        headersTimeout: route.timeoutMs,
        bodyTimeout: route.timeoutMs,
      },
      exchange,
    );
  });
}

/**
 * One upstream exchange, on undici's dispatch interface: the response head is passed on as
 * raw header lines (no header object is built and parsed again) and each body chunk written
 * to the caller as it arrives, with undici's reading paused while the caller's socket is full.
 * A caller that goes away (or a connection closed at the end of the shutdown grace period)
 * aborts the exchange at once: without a body nothing else would tell undici, and the
 * upstream connection would stay busy until the route timeout.
 */
class UpstreamExchange implements Dispatcher.DispatchHandler {
  private abort: ((err?: Error) => void) | undefined;
  private discard = false;
  private status = 0;
  private settled = false;
  private readonly onClose = (): void => {
    if (!this.res.writableFinished) this.abort?.(abandoned());
  };

  constructor(
    private readonly res: ServerResponse,
    private readonly retryable: boolean,
    private readonly closeConnection: boolean,
    private readonly resolve: (r: ForwardResult) => void,
    private readonly reject: (err: Error) => void,
  ) {
    res.once('close', this.onClose);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    if (this.res.destroyed) abort(abandoned());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.status = statusCode;
    if (statusCode === 401 && this.retryable) {
      this.discard = true;
      return true;
    }
    this.res.writeHead(statusCode, responseHeaderLines(rawHeaders, this.closeConnection));
    this.resume = resume;
    return true;
  }

  private resume: (() => void) | undefined;

  onData(chunk: Buffer): boolean {
    if (this.discard) return true;
    this.res.write(chunk);
    if (this.res.writableLength <= RESPONSE_BUFFER_BYTES) return true;
    // The caller reads slower than the upstream sends: undici stops reading until it drains.
    this.res.once('drain', this.resume!);
    return false;
  }

  onComplete(): void {
    if (!this.discard) this.res.end();
    this.finish();
    this.resolve(this.discard ? { retryWithFreshToken: true } : { status: this.status });
  }

  onError(err: Error): void {
    this.finish();
    // Mid-body, the caller's response is destroyed with the upstream's error (`res.errored`
    // then tells the access record that the upstream broke off).
    if (this.res.headersSent && !this.res.destroyed) this.res.destroy(err);
    this.reject(err);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.res.off('close', this.onClose);
  }
}

function abandoned(): Error {
  return Object.assign(new Error('the caller went away'), { code: 'UND_ERR_ABORTED' });
}

/**
 * The upstream's response head as the flat `[name, value, name, value…]` list `writeHead`
 * takes, without hop-by-hop headers nor those its `Connection` lists.
 */
export function responseHeaderLines(rawHeaders: readonly Buffer[], closeConnection: boolean): string[] {
  const out: string[] = [];
  let listed: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toString('latin1');
    const lower = name.toLowerCase();
    if (RESPONSE_HOP_BY_HOP.has(lower)) {
      if (lower === 'connection') {
        const value = rawHeaders[i + 1].toString('latin1');
        // The usual values name nothing but themselves, which is hop-by-hop already.
        if (!/^\s*(keep-alive|close)\s*$/i.test(value)) listed = connectionTokens(value, listed);
      }
      continue;
    }
    out.push(name, rawHeaders[i + 1].toString('latin1'));
  }
  if (listed) {
    for (let i = out.length - 2; i >= 0; i -= 2) if (listed.has(out[i].toLowerCase())) out.splice(i, 2);
  }
  if (closeConnection) out.push('connection', 'close');
  return out;
}

function connectionTokens(value: string, into: Set<string> = new Set()): Set<string> {
  for (const t of value.split(',')) {
    const name = t.trim().toLowerCase();
    if (name) into.add(name);
  }
  return into;
}

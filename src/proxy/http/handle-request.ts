import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessRecord } from '../ops/access-log';
import { AMBIGUOUS_ROUTE, normalizeHost } from '../routing/route-table';
import { normalizeRequestTarget } from '../routing/normalize-path';
import { sendError } from './error-response';
import { handleForwardAuth } from './forward-auth-handler';
import { handleInline } from './inline-handler';
import type { HandlerContext } from './request-context';

/**
 * Entry point for every request on the main port: forwardAuth sub-requests by path, everything
 * else as inline reverse proxy. Writes one access-log line and the metrics when the response
 * is done, whatever happened.
 */
export function handleRequest(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const url = req.url ?? '';
  const record: AccessRecord = { mode: 'inline', method: req.method ?? '', path: pathForLog(url), outcome: 'in_progress' };
  ctx.metrics.inFlight.inc();
  res.once('close', () => {
    ctx.metrics.inFlight.dec();
    const seconds = (performance.now() - started) / 1000;
    record.status = res.statusCode;
    record.durationMs = Math.round(seconds * 1e6) / 1e3;
    if (!res.writableFinished && record.outcome.startsWith('allowed')) record.outcome = abortOutcome(res);
    ctx.metrics.observe(record.route ?? '-', record.mode, record.outcome, res.statusCode, seconds);
    ctx.logger.info(record, 'request');
  });
  if (ctx.draining() && !res.headersSent) res.setHeader('connection', 'close');

  const target = normalizeRequestTarget(url);
  const host = normalizeHost(req.headers.host);
  // Forward-auth answers carry upstream credentials: they are for Traefik's in-cluster
  // sub-requests (addressed to the proxy's Service), never for a request on a public API host.
  if (ctx.forwardAuthPrefix !== undefined && url.startsWith(ctx.forwardAuthPrefix) && (host === undefined || !ctx.routes.servesHost(host))) {
    record.mode = 'forwardAuth';
    void handleForwardAuth(ctx, req, res, target, record).catch((err) => fail(ctx, res, record, err));
    return;
  }
  if (!target.ok) {
    record.outcome = 'bad_request';
    return sendError(res, 400, 'bad_request');
  }
  const route = host === undefined ? undefined : ctx.routes.resolve(host, target.path);
  if (route === AMBIGUOUS_ROUTE) {
    record.outcome = 'ambiguous_path';
    return sendError(res, 400, 'bad_request');
  }
  if (!route) {
    record.outcome = 'no_route';
    return sendError(res, 404, 'not_found');
  }
  record.route = route.name;
  void handleInline(ctx, route, req, res, target, record).catch((err) => fail(ctx, res, record, err));
}

function fail(ctx: HandlerContext, res: ServerResponse, record: AccessRecord, err: unknown): void {
  record.outcome = 'internal_error';
  ctx.logger.error({ route: record.route, errorCode: (err as { code?: string }).code ?? 'unknown' }, 'unexpected error while handling a request');
  sendError(res, 500, 'internal_error');
}

/**
 * Why a response ended unfinished: undici destroys it with the upstream's error when the
 * upstream breaks off mid-body (an upstream fault, to be seen in metrics as one); a caller
 * that disconnects closes it without an error.
 */
function abortOutcome(res: ServerResponse): string {
  if (!res.errored) return 'client_aborted';
  return (res.errored as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT' ? 'upstream_timeout' : 'upstream_error';
}

function pathForLog(url: string): string {
  // Only origin-form targets are served; anything else (absolute-form may carry user-info,
  // i.e. a password) is refused and logged without its text.
  if (!url.startsWith('/')) return '-';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 512 ? `${path.slice(0, 512)}…` : path;
}

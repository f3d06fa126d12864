import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessRecord } from '../ops/access-log';
import { methodRefused, type CompiledRoute } from '../routing/compiled-route';
import { AMBIGUOUS_ROUTE } from '../routing/route-table';
import { sendError } from './error-response';
import { handleInline } from './inline-handler';
import { requestAddress, type RequestAddress } from './request-address';
import type { HandlerContext } from './request-context';

/**
 * Entry point for every request on the traffic port: the inline reverse proxy. Writes one
 * access-log line and the metrics when the response is done, whatever happened. The
 * forwardAuth endpoint is not served here (it has a listener of its own): its path is 404.
 */
export function handleRequest(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): void {
  const record = trackRequest(ctx, req, res, 'inline');
  const routed = routeRequest(ctx, req, record);
  if ('status' in routed) return sendError(res, routed.status, routed.error, routed.headers);
  void handleInline(ctx, routed.route, req, res, routed.address, record).catch((err) => fail(ctx, res, record, err));
}

/** A request's route, or the refusal to send instead. */
export type RoutedRequest =
  | { readonly route: CompiledRoute; readonly address: Extract<RequestAddress, { ok: true }> }
  | { readonly status: number; readonly error: string; readonly headers?: Record<string, string> };

/**
 * The checks every request on the traffic port passes before authentication (plain requests
 * and upgrades alike): header count, request target and `Host`, the route, and its methods.
 */
export function routeRequest(ctx: HandlerContext, req: IncomingMessage, record: AccessRecord): RoutedRequest {
  // Node keeps `maxHeaderCount + 1` lines (server.maxHeadersCount) and drops the rest unseen.
  if (req.rawHeaders.length > ctx.maxHeaderCount * 2) {
    record.outcome = 'too_many_headers';
    return { status: 431, error: 'request_header_fields_too_large' };
  }
  const address = requestAddress(req);
  if (!address.ok) {
    record.outcome = 'bad_request';
    return { status: 400, error: 'bad_request' };
  }
  record.path = pathForLog(address.target.path);
  if (address.target.path === ctx.forwardAuthPath || address.target.path.startsWith(`${ctx.forwardAuthPath}/`)) {
    record.outcome = 'no_route';
    return { status: 404, error: 'not_found' };
  }
  const route = ctx.routes.resolve(address.host, address.target.path);
  if (route === AMBIGUOUS_ROUTE) {
    record.outcome = 'ambiguous_path';
    return { status: 400, error: 'bad_request' };
  }
  if (!route) {
    record.outcome = 'no_route';
    return { status: 404, error: 'not_found' };
  }
  record.route = route.name;
  // TRACE (and every method outside the ordinary ones) only where a route lists it: a TRACE
  // response reflects the request, injected credentials included (RFC 9110 §9.3.8).
  if (methodRefused(route, req.method ?? '')) {
    record.outcome = 'method_not_allowed';
    return { status: 405, error: 'method_not_allowed', headers: { allow: route.allowHeader } };
  }
  return { route, address };
}

/**
 * Starts the access record of a request and arranges for its log line and metrics when the
 * response closes.
 */
export function trackRequest(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, mode: AccessRecord['mode']): AccessRecord {
  const started = performance.now();
  const record: AccessRecord = { mode, method: req.method ?? '', path: '-', outcome: 'in_progress' };
  ctx.metrics.inFlight.inc();
  res.once('close', () => {
    ctx.metrics.inFlight.dec();
    const seconds = (performance.now() - started) / 1000;
    record.status = res.statusCode;
    record.durationMs = Math.round(seconds * 1e6) / 1e3;
    // A WebSocket (101) is logged when it closes; its response never "finishes".
    if (!res.writableFinished && res.statusCode !== 101 && record.outcome.startsWith('allowed')) record.outcome = abortOutcome(res);
    ctx.metrics.observe(record.route ?? '-', record.mode, record.outcome, res.statusCode, seconds);
    ctx.access.write(record);
  });
  if (ctx.draining() && !res.headersSent) res.setHeader('connection', 'close');
  return record;
}

export function fail(ctx: HandlerContext, res: ServerResponse, record: AccessRecord, err: unknown): void {
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
  const code = (res.errored as { code?: string }).code;
  if (code === 'ERR_GW_BODY_TOO_LARGE') return 'body_too_large';
  return code === 'UND_ERR_BODY_TIMEOUT' ? 'upstream_timeout' : 'upstream_error';
}

/** The decoded path, bounded; never the query string (it may carry credentials). */
export function pathForLog(path: string): string {
  return path.length > 512 ? `${path.slice(0, 512)}…` : path;
}

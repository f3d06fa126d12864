import type { IncomingMessage, ServerResponse } from 'node:http';
import { URL_OVERRIDE_HEADERS } from '../../plan';
import type { AccessRecord } from '../ops/access-log';
import { methodRefused, type CompiledRoute } from '../routing/compiled-route';
import { normalizeRequestTarget } from '../routing/normalize-path';
import { AMBIGUOUS_ROUTE, hostCovers, normalizeHost, prefixCovers } from '../routing/route-table';
import { authenticateOrRefuse, injectOrRefuse } from './admission';
import { sendError } from './error-response';
import { forwardedClaimHeaders } from './forwarded-claim-headers';
import { fail, pathForLog, trackRequest } from './handle-request';
import type { HandlerContext } from './request-context';

/** Headers that would make a backend serve another URL than the one authorized here, lower-case. */
const URL_OVERRIDES = URL_OVERRIDE_HEADERS.map((h) => h.toLowerCase());

/**
 * Entry point of the forwardAuth listener, a port of its own that only Traefik may reach: its
 * 200 answers carry upstream credentials. Serves `<forwardAuthPath>/<route>` and nothing else.
 */
export function handleForwardAuthRequest(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): void {
  const record = trackRequest(ctx, req, res, 'forwardAuth');
  if (req.rawHeaders.length > ctx.maxHeaderCount * 2) {
    record.outcome = 'too_many_headers';
    return sendError(res, 431, 'request_header_fields_too_large');
  }
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const prefix = `${ctx.forwardAuthPath}/`;
  const route = path.startsWith(prefix) ? ctx.routesByName.get(path.slice(prefix.length)) : undefined;
  if (!route) {
    record.outcome = 'no_route';
    return sendError(res, 404, 'not_found');
  }
  void handleForwardAuth(ctx, route, req, res, record).catch((err) => fail(ctx, res, record, err));
}

/**
 * Traefik `forwardAuth` for one route: Traefik sends the original request's headers plus
 * `X-Forwarded-Method/Proto/Host/Uri`; a 2xx lets the request through with the headers the
 * middleware copies via `authResponseHeaders` (the upstream credential and forwarded claims,
 * never anything the caller sent), anything else is returned to the caller as is.
 */
async function handleForwardAuth(
  ctx: HandlerContext,
  route: CompiledRoute,
  req: IncomingMessage,
  res: ServerResponse,
  record: AccessRecord,
): Promise<void> {
  record.route = route.name;
  const method = single(req.headers['x-forwarded-method'])?.toUpperCase() ?? '';
  const uri = single(req.headers['x-forwarded-uri']) ?? '';
  const original = normalizeRequestTarget(uri);
  record.method = method;
  record.path = original.ok ? pathForLog(original.path) : '-';
  if (!method || !original.ok) {
    record.outcome = 'bad_request';
    return sendError(res, 400, 'bad_request');
  }
  if (methodRefused(route, method)) {
    record.outcome = 'method_not_allowed';
    return sendError(res, 405, 'method_not_allowed', { allow: route.allowHeader });
  }
  // After a 200 Traefik would open the WebSocket itself: only where the route allows one.
  if (!route.model.allowWebSocket && /\bwebsocket\b/i.test(single(req.headers.upgrade) ?? '')) {
    record.outcome = 'upgrade_refused';
    return sendError(res, 403, 'upgrade_not_allowed');
  }
  // Traefik passes every request header on to the backend after a 200, so headers that make
  // a backend serve another URL than the one authorized here are refused, not ignored.
  if (URL_OVERRIDES.some((h) => req.headers[h] !== undefined)) {
    record.outcome = 'bad_request';
    return sendError(res, 400, 'bad_request');
  }
  // The same lenient-backend readings inline mode refuses (`/admin;x`, `/ADMIN`): Traefik
  // matched the literal path to this route, the backend would serve another route's path.
  const forwardedHost = single(req.headers['x-forwarded-host']);
  const originalHost = normalizeHost(forwardedHost);
  if (originalHost !== undefined && ctx.routes.resolve(originalHost, original.path) === AMBIGUOUS_ROUTE) {
    record.outcome = 'ambiguous_path';
    return sendError(res, 400, 'bad_request');
  }
  // The answer carries this route's upstream credential: never for a request the route does
  // not serve (its middleware attached to another IngressRoute would send the credential to
  // another backend).
  const hostOk = forwardedHost === undefined || (originalHost !== undefined && hostCovers(route.model.host, originalHost));
  if (!hostOk || !prefixCovers(route.model.pathPrefix, original.path)) {
    record.outcome = 'route_mismatch';
    ctx.logger.warn({ route: route.name, path: record.path }, 'forwardAuth request is outside the route it names; is its middleware attached to another IngressRoute?');
    return sendError(res, 403, 'forbidden');
  }
  if (route.injector.usesQuery) {
    record.outcome = 'misconfigured';
    ctx.logger.error({ route: route.name }, 'query-parameter credentials cannot be returned through forwardAuth; serve this route inline');
    return sendError(res, 500, 'gateway_misconfigured');
  }
  let auth = authenticateOrRefuse(route, res, record, method, req.headers, original.query);
  if (auth instanceof Promise) auth = await auth;
  if (!auth) return;
  let injection = injectOrRefuse(ctx, route, res, record, method, req.headers);
  if (injection instanceof Promise) injection = await injection;
  if (!injection) return;
  record.outcome = 'allowed';
  record.upstream = route.upstream;
  res.writeHead(200, {
    'cache-control': 'no-store',
    'content-length': '0',
    ...forwardedClaimHeaders(route, auth.claims),
    ...injection.headers,
  });
  res.end();
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

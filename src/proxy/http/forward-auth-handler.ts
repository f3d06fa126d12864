import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessRecord } from '../ops/access-log';
import { normalizeRequestTarget, type NormalizedTarget } from '../routing/normalize-path';
import { AMBIGUOUS_ROUTE, hostCovers, normalizeHost, prefixCovers } from '../routing/route-table';
import { URL_OVERRIDE_HEADERS } from '../upstream/upstream-headers';
import type { Injection } from '../upstream/credential-injector';
import { authenticateRequest } from './authenticate-request';
import { forwardedClaimHeaders } from './forwarded-claim-headers';
import { sendError } from './error-response';
import { credentialFailure } from './credential-failure';
import type { HandlerContext } from './request-context';

/**
 * Traefik `forwardAuth` mode at `<forwardAuthPath>/<route>`: Traefik sends the original request's
 * headers plus `X-Forwarded-Method/Proto/Host/Uri`; a 2xx lets the request through with the
 * headers the middleware copies via `authResponseHeaders` (the upstream credential), anything
 * else is returned to the caller as is.
 */
export async function handleForwardAuth(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: NormalizedTarget,
  record: AccessRecord,
): Promise<void> {
  const name = target.ok ? target.path.slice(ctx.forwardAuthPrefix!.length) : '';
  const route = ctx.routesByName.get(name);
  if (!route) {
    record.outcome = 'no_route';
    return sendError(res, 404, 'not_found');
  }
  record.route = route.name;
  const method = single(req.headers['x-forwarded-method'])?.toUpperCase() ?? '';
  const uri = single(req.headers['x-forwarded-uri']) ?? '';
  const original = normalizeRequestTarget(uri);
  record.method = method;
  record.path = original.ok ? original.path : '-';
  if (!method || !original.ok) {
    record.outcome = 'bad_request';
    return sendError(res, 400, 'bad_request');
  }
  // Traefik passes every request header on to the backend after a 200, so headers that make
  // a backend serve another URL than the one authorized here are refused, not ignored.
  if (URL_OVERRIDE_HEADERS.some((h) => req.headers[h] !== undefined)) {
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
    ctx.logger.warn({ route: route.name, path: original.path }, 'forwardAuth request is outside the route it names; is its middleware attached to another IngressRoute?');
    return sendError(res, 403, 'forbidden');
  }
  if (route.injector.queryNames.size > 0) {
    record.outcome = 'misconfigured';
    ctx.logger.error({ route: route.name }, 'query-parameter credentials cannot be returned through forwardAuth; serve this route inline');
    return sendError(res, 500, 'gateway_misconfigured');
  }
  let auth = authenticateRequest(route, method, req.headers, original.query);
  if (auth instanceof Promise) auth = await auth;
  if (auth.subject) record.subject = auth.subject;
  if (!auth.ok) {
    record.outcome = auth.outcome;
    return sendError(res, auth.status, auth.error, auth.challenge ? { 'www-authenticate': auth.challenge } : undefined);
  }
  let injection: Injection;
  try {
    const pending = route.injector.inject(req.headers);
    injection = pending instanceof Promise ? await pending : pending;
  } catch (err) {
    return credentialFailure(ctx, route, res, record, err);
  }
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

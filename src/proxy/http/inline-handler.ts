import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessRecord } from '../ops/access-log';
import type { NormalizedTarget } from '../routing/normalize-path';
import type { CompiledRoute } from '../routing/compiled-route';
import type { Injection } from '../upstream/credential-injector';
import { forwardableHeaders, injectQuery } from '../upstream/upstream-headers';
import { authenticateRequest } from './authenticate-request';
import { forwardedClaimHeaders } from './forwarded-claim-headers';
import { credentialFailure } from './credential-failure';
import { sendError } from './error-response';
import { forwardUpstream } from './forward-upstream';
import type { HandlerContext } from './request-context';

/**
 * Inline reverse proxy: client auth and authorization first, then the caller's credential is
 * removed, the upstream credential injected, the path rewritten, and the exchange streamed.
 */
export async function handleInline(
  ctx: HandlerContext,
  route: CompiledRoute,
  req: IncomingMessage,
  res: ServerResponse,
  target: Extract<NormalizedTarget, { ok: true }>,
  record: AccessRecord,
): Promise<void> {
  const forwarded = forwardableHeaders(req, route.dropHeaders, route.removeHeaders);
  if (forwarded.duplicate) {
    record.outcome = 'bad_request';
    return sendError(res, 400, 'bad_request');
  }
  let auth = authenticateRequest(route, req.method ?? '', req.headers, target.query);
  if (auth instanceof Promise) auth = await auth;
  if (auth.subject) record.subject = auth.subject;
  if (!auth.ok) {
    record.outcome = auth.outcome;
    return sendError(res, auth.status, auth.error, auth.challenge ? { 'www-authenticate': auth.challenge } : undefined);
  }

  if (req.headers.expect === '100-continue') res.writeContinue();

  let injection: Injection;
  try {
    const pending = route.injector.inject(req.headers);
    injection = pending instanceof Promise ? await pending : pending;
  } catch (err) {
    return credentialFailure(ctx, route, res, record, err);
  }

  const headers = forwarded.headers;
  headers.host = route.model.preserveHost ? (req.headers.host as string) : route.upstreamHost;
  const xff = req.headers['x-forwarded-for'];
  const remote = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = xff ? `${xff}, ${remote}` : remote;
  headers['x-forwarded-host'] = req.headers.host as string;
  // Kept when a TLS-terminating hop in front (Traefik) said https; anything else is plain http.
  headers['x-forwarded-proto'] = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  if (route.forwardClaims.length > 0) Object.assign(headers, forwardedClaimHeaders(route, auth.claims));

  let path = route.rewrite(target.encodedPath);
  const query = route.dropQuery.size > 0 ? injectQuery(target.query, route.dropQuery, injection.query) : target.query;
  if (query !== '') path += `?${query}`;

  record.upstream = route.upstream;
  record.outcome = 'allowed';
  const closeConnection = ctx.draining();
  try {
    const first = await forwardUpstream(ctx.dispatcher, route, req, res, { path, headers: Object.assign(headers, injection.headers), injection }, { closeConnection, mayRetry: true });
    if ('retryWithFreshToken' in first) {
      let fresh: Injection;
      try {
        fresh = await route.injector.injectAfterRejection(req.headers, injection.oauth!);
      } catch (err) {
        return credentialFailure(ctx, route, res, record, err);
      }
      record.outcome = 'allowed_after_token_refresh';
      await forwardUpstream(ctx.dispatcher, route, req, res, { path, headers: Object.assign(headers, fresh.headers), injection: fresh }, { closeConnection, mayRetry: false });
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const timeout = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
    if (res.destroyed && !res.writableFinished) {
      // Either the caller went away (the upstream exchange was aborted with it), or the
      // upstream failed in the middle of its body and undici destroyed the response with that
      // error (`res.errored`); the access record already says which (see handleRequest).
      if (res.errored) ctx.logger.warn({ route: route.name, upstream: route.upstream, errorCode: code || 'unknown' }, 'upstream response broke off');
      return;
    }
    record.outcome = timeout ? 'upstream_timeout' : 'upstream_error';
    ctx.logger.warn({ route: route.name, upstream: route.upstream, errorCode: code || 'unknown' }, 'upstream request failed');
    sendError(res, timeout ? 504 : 502, timeout ? 'upstream_timeout' : 'bad_gateway');
  }
}

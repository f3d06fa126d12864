import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessRecord } from '../ops/access-log';
import type { CompiledRoute } from '../routing/compiled-route';
import type { Injection } from '../upstream/credential-injector';
import { forwardableHeaders } from '../upstream/upstream-headers';
import { authenticateOrRefuse, injectOrRefuse } from './admission';
import { declaredBodyTooLarge } from './body-limit';
import { credentialFailure } from './credential-failure';
import { sendError } from './error-response';
import { forwardUpstream } from './forward-upstream';
import { completeUpstreamRequest } from './upstream-request';
import type { RequestAddress } from './request-address';
import type { HandlerContext } from './request-context';

/**
 * Inline reverse proxy: client auth and authorization first, then the route's request
 * transformation (the caller's credential, identity and forwarding headers removed, the
 * upstream credential injected), the path rewritten, and the exchange streamed.
 */
export async function handleInline(
  ctx: HandlerContext,
  route: CompiledRoute,
  req: IncomingMessage,
  res: ServerResponse,
  address: Extract<RequestAddress, { ok: true }>,
  record: AccessRecord,
): Promise<void> {
  const forwarded = forwardableHeaders(req, route.headerActions);
  if (forwarded.duplicate) {
    record.outcome = 'bad_request';
    return sendError(res, 400, 'bad_request');
  }
  const method = req.method ?? '';
  let auth = authenticateOrRefuse(route, res, record, method, req.headers, address.target.query);
  if (auth instanceof Promise) auth = await auth;
  if (!auth) return;
  if (declaredBodyTooLarge(req, route)) {
    record.outcome = 'body_too_large';
    return sendError(res, 413, 'payload_too_large', { connection: 'close' });
  }
  if (req.headers.expect === '100-continue') res.writeContinue();
  let injection = injectOrRefuse(ctx, route, res, record, method, req.headers);
  if (injection instanceof Promise) injection = await injection;
  if (!injection) return;
  const headers = forwarded.headers;
  const path = completeUpstreamRequest(ctx, route, req, address, headers, auth, injection);

  record.upstream = route.upstream;
  record.outcome = 'allowed';
  const closeConnection = ctx.draining();
  try {
    const first = await forwardUpstream(ctx.dispatcher, route, req, res, { path, headers, injection }, { closeConnection, mayRetry: true });
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
    if (code === 'ERR_GW_BODY_TOO_LARGE') {
      record.outcome = 'body_too_large';
      return sendError(res, 413, 'payload_too_large', { connection: 'close' });
    }
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

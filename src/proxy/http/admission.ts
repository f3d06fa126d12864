import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AuthResult } from '../auth/auth-result';
import type { AccessRecord } from '../ops/access-log';
import type { CompiledRoute } from '../routing/compiled-route';
import { NO_INJECTION, type Injection } from '../upstream/credential-injector';
import { authenticateRequest } from './authenticate-request';
import { credentialFailure } from './credential-failure';
import { sendError } from './error-response';
import type { HandlerContext } from './request-context';

export type Admitted = Extract<AuthResult, { ok: true }>;

/**
 * Both steps below return synchronously when they can (a cached token, a cached upstream
 * token): no promise per request on the warm path.
 */
type Maybe<T> = T | undefined | Promise<T | undefined>;

/**
 * Client authentication and authorization of one request, in every mode (inline, WebSocket
 * handshake, forwardAuth): the caller, or `undefined` once the refusal (401, 403, 503) is sent.
 */
export function authenticateOrRefuse(route: CompiledRoute, res: ServerResponse, record: AccessRecord, method: string, headers: IncomingHttpHeaders, query: string): Maybe<Admitted> {
  const settle = (auth: AuthResult): Admitted | undefined => {
    if (auth.subject) record.subject = auth.subject;
    if (auth.ok) return auth;
    record.outcome = auth.outcome;
    sendError(res, auth.status, auth.error, auth.challenge ? { 'www-authenticate': auth.challenge } : undefined);
    return undefined;
  };
  const auth = authenticateRequest(route, method, headers, query);
  return auth instanceof Promise ? auth.then(settle) : settle(auth);
}

/**
 * The route's upstream credential for one request, or `undefined` once the failure (503, 502,
 * 500) is sent. A TRACE gets none: its response hands the request back to the caller, and a
 * client must not send credentials in one (RFC 9110 §9.3.8).
 */
export function injectOrRefuse(ctx: HandlerContext, route: CompiledRoute, res: ServerResponse, record: AccessRecord, method: string, headers: IncomingHttpHeaders): Maybe<Injection> {
  if (method === 'TRACE') return NO_INJECTION;
  const failed = (err: unknown): undefined => {
    credentialFailure(ctx, route, res, record, err);
    return undefined;
  };
  try {
    const injection = route.injector.inject(headers);
    return injection instanceof Promise ? injection.catch(failed) : injection;
  } catch (err) {
    return failed(err);
  }
}

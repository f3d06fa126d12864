import type { ServerResponse } from 'node:http';
import type { AccessRecord } from '../ops/access-log';
import type { CompiledRoute } from '../routing/compiled-route';
import { CredentialMisconfiguredError } from '../upstream/credential-injector';
import { TokenTypeRefusedError, TokenUnavailableError } from '../upstream/oauth-token-source';
import { sendError } from './error-response';
import type { HandlerContext } from './request-context';

/**
 * 503 when a token cannot be had, 502 when the token endpoint's answer is unusable (a token
 * type the credential does not accept), 500 when a Secret is missing; the log names the cause,
 * never a value.
 */
export function credentialFailure(ctx: HandlerContext, route: CompiledRoute, res: ServerResponse, record: AccessRecord, err: unknown): void {
  if (err instanceof TokenTypeRefusedError) {
    record.outcome = 'upstream_token_refused';
    ctx.logger.error({ route: route.name, problem: err.message }, 'upstream token refused');
    return sendError(res, 502, 'bad_gateway');
  }
  if (err instanceof TokenUnavailableError) {
    record.outcome = 'upstream_credentials_unavailable';
    ctx.logger.error({ route: route.name, problem: err.message }, 'upstream token unavailable');
    return sendError(res, 503, 'upstream_credentials_unavailable', { 'retry-after': '5' });
  }
  if (err instanceof CredentialMisconfiguredError) {
    record.outcome = 'misconfigured';
    ctx.logger.error({ route: route.name, problem: err.message }, 'upstream credential misconfigured');
    return sendError(res, 500, 'gateway_misconfigured');
  }
  throw err;
}

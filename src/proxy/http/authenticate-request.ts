import type { IncomingHttpHeaders } from 'node:http';
import type { AuthFailure, AuthResult } from '../auth/auth-result';
import { authorize } from '../auth/authorize';
import type { CompiledRoute } from '../routing/compiled-route';

const ANONYMOUS: AuthResult = { ok: true, subject: 'anonymous' };

/** Client auth then authorization for a route; shared by inline and forwardAuth modes. */
export function authenticateRequest(route: CompiledRoute, method: string, headers: IncomingHttpHeaders): AuthResult | Promise<AuthResult> {
  if (!route.authenticator) return authorizeResult(route, method, ANONYMOUS);
  const result = route.authenticator.authenticate(headers);
  if (result instanceof Promise) return result.then((r) => authorizeResult(route, method, r));
  return authorizeResult(route, method, result);
}

function authorizeResult(route: CompiledRoute, method: string, result: AuthResult): AuthResult {
  if (!result.ok) return result;
  const denied: AuthFailure | undefined = authorize(route.model.authorization, method, result.claims, result.subject);
  return denied ?? result;
}

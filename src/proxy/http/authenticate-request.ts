import type { IncomingHttpHeaders } from 'node:http';
import type { AuthFailure, AuthResult } from '../auth/auth-result';
import { authorize } from '../auth/authorize';
import type { CompiledRoute } from '../routing/compiled-route';

const ANONYMOUS: AuthResult = { ok: true, subject: 'anonymous' };

/**
 * Headers and the query parameter with which frameworks (Express method-override, Rails,
 * Laravel, Symfony, ASP.NET, Spring's HiddenHttpMethodFilter) let a POST act as another method.
 */
const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;

/**
 * Client auth then authorization for a route; shared by inline and forwardAuth modes. `query`
 * is the raw query string, read only for a `_method` override.
 */
export function authenticateRequest(route: CompiledRoute, method: string, headers: IncomingHttpHeaders, query = ''): AuthResult | Promise<AuthResult> {
  const methods = effectiveMethods(route, method, headers, query);
  if (!route.authenticator) return authorizeResult(route, methods, ANONYMOUS);
  const result = route.authenticator.authenticate(headers);
  if (result instanceof Promise) return result.then((r) => authorizeResult(route, methods, r));
  return authorizeResult(route, methods, result);
}

function authorizeResult(route: CompiledRoute, methods: readonly string[], result: AuthResult): AuthResult {
  if (!result.ok) return result;
  for (const method of methods) {
    const denied: AuthFailure | undefined = authorize(route.model.authorization, method, result.claims, result.subject);
    if (denied) return denied;
  }
  return result;
}

/**
 * The request method plus every method an override asks the backend to apply: with a method
 * allow-list, `POST` + `X-HTTP-Method-Override: DELETE` must be authorized as a DELETE too,
 * or the allow-list is a suggestion.
 */
function effectiveMethods(route: CompiledRoute, method: string, headers: IncomingHttpHeaders, query: string): readonly string[] {
  if (route.model.authorization.methods.length === 0) return [method];
  const methods = [method];
  for (const name of METHOD_OVERRIDE_HEADERS) {
    const v = headers[name];
    if (v === undefined) continue;
    for (const part of (Array.isArray(v) ? v.join(',') : v).split(',')) addOverride(methods, part);
  }
  // `_method` (or `%5Fmethod`) in the query; URLSearchParams decodes names and values.
  if (/method/i.test(query)) for (const v of new URLSearchParams(query).getAll('_method')) addOverride(methods, v);
  return methods;
}

function addOverride(methods: string[], value: string): void {
  const m = value.trim().toUpperCase();
  if (m !== '') methods.push(m);
}

import type { JWTPayload } from 'jose';
import type { AuthorizationModel } from '../../model';
import { bearerChallenge, type AuthFailure } from './auth-result';
import { claimEquals } from './claim-equals';

/** Scopes granted by a token: the space-separated `scope` string or the `scp` array/string. */
export function grantedScopes(claims: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string') {
      for (const s of v.split(' ')) if (s) scopes.add(s);
    } else if (Array.isArray(v)) {
      for (const s of v) if (typeof s === 'string') scopes.add(s);
    }
  };
  add(claims.scope);
  add(claims.scp);
  return scopes;
}

/**
 * The route's authorization after authentication: method allow-list, then every required
 * scope, then claim equality. `undefined` means allowed.
 */
export function authorize(model: AuthorizationModel, method: string, claims: JWTPayload | undefined, subject: string): AuthFailure | undefined {
  if (model.methods.length > 0 && !(model.methods as readonly string[]).includes(method)) {
    return { ok: false, status: 403, error: 'method_not_allowed', outcome: 'forbidden_method', subject };
  }
  if (model.scopes.length > 0) {
    const granted = claims ? grantedScopes(claims) : new Set<string>();
    if (!model.scopes.every((s) => granted.has(s))) {
      return {
        ok: false,
        status: 403,
        error: 'insufficient_scope',
        outcome: 'insufficient_scope',
        challenge: bearerChallenge('insufficient_scope', model.scopes.join(' ')),
        subject,
      };
    }
  }
  for (const [claim, expected] of Object.entries(model.claims)) {
    if (!claims || !claimEquals(claims[claim], expected)) {
      return { ok: false, status: 403, error: 'forbidden', outcome: 'forbidden_claims', subject };
    }
  }
  return undefined;
}

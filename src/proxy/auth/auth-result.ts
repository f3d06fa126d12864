import type { IncomingHttpHeaders } from 'node:http';
import type { JWTPayload } from 'jose';

/** What the access log records about a decision: never the credential itself. */
export type AuthOutcome =
  | 'allowed'
  | 'missing_credentials'
  | 'invalid_credentials'
  | 'forbidden_method'
  | 'insufficient_scope'
  | 'forbidden_claims'
  | 'auth_unavailable'
  | 'misconfigured';

export type AuthResult =
  | {
      readonly ok: true;
      /** Who called: the JWT `sub`, or the id of the API key's Secret key, or `anonymous`. */
      readonly subject: string;
      /** Verified JWT claims, for authorization and forwarded claims. */
      readonly claims?: JWTPayload;
    }
  | AuthFailure;

export interface AuthFailure {
  readonly ok: false;
  readonly status: 400 | 401 | 403 | 500 | 503;
  /** Stable code returned in the JSON body (`invalid_token`, ...). */
  readonly error: string;
  readonly outcome: AuthOutcome;
  /** `WWW-Authenticate` value, for 401 and 403. */
  readonly challenge?: string;
  readonly subject?: string;
}

/** How a route authenticates callers. */
export interface Authenticator {
  authenticate(headers: IncomingHttpHeaders): AuthResult | Promise<AuthResult>;
}

/** A `WWW-Authenticate: Bearer` challenge (RFC 6750 §3) with fixed, non-revealing texts. */
export function bearerChallenge(error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope', scope?: string): string {
  let value = 'Bearer realm="gatewright"';
  if (error) value += `, error="${error}"`;
  if (error === 'invalid_token') value += ', error_description="The access token is missing, malformed, expired or not trusted"';
  if (scope) value += `, scope="${scope}"`;
  return value;
}

import type { ApiRouteModel } from '../../model';
import type { OathkeeperHandler } from './access-rule';
import { CALLER_TOKEN_HEADER } from './header-mutator';

/**
 * The authenticator of a rule. Oathkeeper's `jwt` authenticator checks signature, time
 * claims, issuer (`trusted_issuers`), audience (`target_audience`) and scopes
 * (`required_scope`, read from `scp`, `scope` or `scopes`); everything the model asks for is
 * pinned explicitly rather than left to Oathkeeper's defaults. What it cannot check (several
 * audiences, claim values, API keys, sessions) was refused by the capability table already.
 */
export function renderAuthenticator(route: ApiRouteModel): OathkeeperHandler {
  const auth = route.clientAuth;
  if (auth.kind !== 'jwt') {
    // `noop` passes every request; `anonymous` would reject one that carries a token.
    return { handler: 'noop' };
  }
  return {
    handler: 'jwt',
    config: {
      jwks_urls: [auth.jwksUrl],
      trusted_issuers: [auth.issuer],
      target_audience: [...auth.audience],
      allowed_algorithms: [...auth.algorithms],
      required_scope: [...route.authorization.scopes],
      scope_strategy: 'exact',
      token_from: { header: CALLER_TOKEN_HEADER },
    },
  };
}

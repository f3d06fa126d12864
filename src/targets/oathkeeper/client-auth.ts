import type { ApiRouteModel } from '../../model';
import type { OathkeeperHandler } from './access-rule';
import { CALLER_TOKEN_HEADER, unsupported } from './header-mutator';

/**
 * The authenticator of a rule. Oathkeeper's `jwt` authenticator checks signature, time
 * claims, issuer (`trusted_issuers`), audience (`target_audience`) and scopes
 * (`required_scope`, read from `scp`, `scope` or `scopes`); everything the model asks for is
 * pinned explicitly rather than left to Oathkeeper's defaults.
 */
export function renderAuthenticator(route: ApiRouteModel): OathkeeperHandler {
  const auth = route.clientAuth;
  switch (auth.kind) {
    case 'none':
      // `noop` passes every request; `anonymous` would reject one that carries a token.
      return { handler: 'noop' };
    case 'jwt': {
      if (auth.audience.length > 1) {
        throw unsupported(
          route,
          'clientAuth.audience',
          `lists ${auth.audience.length} audiences; Oathkeeper's target_audience requires a token to carry all of them, while gatewright accepts any one`,
          'pin a single audience for this API, or use the reference proxy gateway (ReferenceProxyGateway)',
        );
      }
      const claims = { ...auth.requiredClaims, ...route.authorization.claims };
      if (Object.keys(claims).length) {
        throw unsupported(
          route,
          'claims',
          `requires claim values (${Object.keys(claims).sort().join(', ')}), which Oathkeeper's jwt authenticator cannot check`,
          'express the requirement as a scope (scopes: [...]), or use the reference proxy gateway (ReferenceProxyGateway)',
        );
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
    case 'apiKey':
      throw unsupported(
        route,
        'clientAuth',
        'is a static API key, which Oathkeeper has no authenticator for',
        'issue short-lived JWTs to this caller (ClientAuth.jwt), or use the reference proxy gateway (ReferenceProxyGateway) or Traefik Hub',
      );
    case 'oidcSession':
      throw unsupported(
        route,
        'clientAuth',
        'is a browser session checked by forward auth (OAuth2 Proxy), which gatewright wires only into Traefik',
        'attach this app to a TraefikHubGateway (or the OSS TraefikGateway)',
      );
  }
}

import { HTTP_METHODS, type ApiRouteModel, type GatewayModel } from '../../model';
import type { RenderedSecretKey } from '../rendered-secret-key';
import type { MatchingStrategy, OathkeeperAccessRule, OathkeeperEnvBinding, OathkeeperHandler } from './access-rule';
import { renderAuthenticator } from './client-auth';
import { renderHeaderMutator } from './header-mutator';
import { renderMatchUrl } from './match-url';
import { renderUpstream } from './upstream';

/** What one route becomes on Oathkeeper. */
export interface RenderedOathkeeperRoute {
  readonly rule: OathkeeperAccessRule;
  /** Environment variables the header templates read. */
  readonly env: OathkeeperEnvBinding[];
  /** Secret keys behind those variables; the secret sync materializes exactly these. */
  readonly secretKeys: RenderedSecretKey[];
  /** Header names that carry credentials, for log redaction. */
  readonly credentialHeaders: string[];
}

/**
 * One access rule per route: match (URL + methods) → authenticator (the caller) → `allow`
 * (scopes were already enforced by the authenticator) → `header` mutator (caller token
 * blanked, upstream credential set) → upstream. Requests that match no rule are answered
 * 404 by Oathkeeper itself: nothing is forwarded unless a rule says so.
 */
export function renderOathkeeperRoute(gateway: GatewayModel, route: ApiRouteModel, strategy: MatchingStrategy): RenderedOathkeeperRoute {
  const authenticator = renderAuthenticator(route);
  const mutated = renderHeaderMutator(route);
  const mutators: OathkeeperHandler[] = Object.keys(mutated.headers).length
    ? [{ handler: 'header', config: { headers: mutated.headers } }]
    : [{ handler: 'noop' }];
  const methods = route.authorization.methods.length ? [...route.authorization.methods] : [...HTTP_METHODS];
  return {
    rule: {
      id: route.name,
      description: `gatewright: ${route.path}`,
      match: { url: renderMatchUrl(route, strategy), methods },
      authenticators: [authenticator],
      authorizer: { handler: 'allow' },
      mutators,
      upstream: renderUpstream(route, gateway.namespace),
    },
    env: mutated.env,
    secretKeys: mutated.secretKeys,
    credentialHeaders: route.upstreamAuth.flatMap((c) => (c.kind === 'header' ? [c.name] : c.kind === 'basicAuth' ? ['Authorization'] : [])),
  };
}

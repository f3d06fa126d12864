import { GatewayEngine, HTTP_METHODS, type ApiRouteModel } from '../../model';
import { checkRouteCapabilities } from '../../plan/capabilities';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import type { RequestTransformation } from '../../plan/request-transformation';
import type { RenderedSecretKey } from '../rendered-secret-key';
import type { MatchingStrategy, OathkeeperAccessRule, OathkeeperEnvBinding, OathkeeperHandler } from './access-rule';
import { renderAuthenticator } from './client-auth';
import { renderHeaderMutator, type OathkeeperForwarding } from './header-mutator';
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

/** Everything the plan resolved for one route on an Oathkeeper gateway. */
export interface OathkeeperRouteInput {
  readonly route: ApiRouteModel;
  readonly transformation: RequestTransformation;
  readonly strategy: MatchingStrategy;
  readonly forwarding: OathkeeperForwarding;
  /** The gateway's namespace, where in-cluster backends without one live. */
  readonly namespace?: string;
}

/**
 * One access rule per route: match (URL + methods) → authenticator (the caller) → `allow`
 * (scopes were already enforced by the authenticator) → `header` mutator (the plan's removals
 * as blanks, the upstream credential set) → upstream. Requests that match no rule are answered
 * 404 by Oathkeeper itself: nothing is forwarded unless a rule says so.
 */
export function renderOathkeeperRoute(input: OathkeeperRouteInput): RenderedOathkeeperRoute {
  const { route } = input;
  checkRouteCapabilities(GatewayEngine.OATHKEEPER, route);
  const authenticator = renderAuthenticator(route);
  const mutated = renderHeaderMutator(route, input.transformation, input.forwarding);
  const mutators: OathkeeperHandler[] = Object.keys(mutated.headers).length ? [{ handler: 'header', config: { headers: mutated.headers } }] : [{ handler: 'noop' }];
  const methods = route.authorization.methods.length ? [...route.authorization.methods] : [...HTTP_METHODS];
  return {
    rule: {
      id: routeObjectName(route.name, RouteObject.ROUTE),
      description: `gatewright: ${route.path}`,
      match: { url: renderMatchUrl(route, input.strategy), methods },
      authenticators: [authenticator],
      authorizer: { handler: 'allow' },
      mutators,
      upstream: renderUpstream(route, input.namespace),
    },
    env: mutated.env,
    secretKeys: mutated.secretKeys,
    credentialHeaders: route.upstreamAuth.flatMap((c) => (c.kind === 'header' ? [c.name] : c.kind === 'basicAuth' ? ['Authorization'] : [])),
  };
}

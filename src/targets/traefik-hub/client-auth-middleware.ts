import { traefikMiddleware } from '../traefik-common/middleware-object';
import type { ApiRouteModel } from '../../model';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import type { RenderedSecretKey } from '../rendered-secret-key';
import type { TraefikObject } from '../traefik-common/rendered-object';
import { renderClaimsExpression } from './claims-expression';
import { toSecretUrn } from './secret-urn';

export interface RenderedClientAuth {
  /** Middlewares this route owns. */
  readonly objects: TraefikObject[];
  /** The client-authentication middleware the IngressRoute lists, if any. */
  readonly middleware?: { readonly name: string; readonly namespace?: string };
  readonly secretKeys: RenderedSecretKey[];
}

/** A session provider's forwardAuth Middleware, as the gateway's plan resolved it. */
export interface SessionMiddleware {
  readonly name: string;
  readonly namespace?: string;
}

/**
 * Client authentication on Traefik Hub: the `jwt` plugin (issuer, audience, scopes and claims
 * in its claims expression, the caller's token never forwarded), the `apiKey` plugin, or a
 * session provider's forwardAuth Middleware (OAuth2 Proxy).
 */
export function renderHubClientAuth(gateway: { readonly namespace?: string }, route: ApiRouteModel, session?: SessionMiddleware): RenderedClientAuth {
  const auth = route.clientAuth;
  switch (auth.kind) {
    case 'none':
      return { objects: [], secretKeys: [] };
    case 'jwt': {
      const name = routeObjectName(route.name, RouteObject.JWT);
      // Hub's jwt middleware has no algorithm allow-list option (its reference lists none), so
      // `auth.algorithms` cannot be pinned here; issuer, audience and scopes are (claims).
      const jwt: Record<string, unknown> = {
        jwksUrl: auth.jwksUrl,
        claims: renderClaimsExpression(auth, route.authorization, route.path),
        // false (Hub's default, said out loud): the caller's token never reaches the backend.
        forwardAuthorization: false,
      };
      if (Object.keys(auth.forwardClaims).length) jwt.forwardHeaders = { ...auth.forwardClaims };
      return {
        objects: [traefikMiddleware(gateway, name, { plugin: { jwt } })],
        middleware: { name },
        secretKeys: [],
      };
    }
    case 'apiKey': {
      const name = routeObjectName(route.name, RouteObject.API_KEY);
      return {
        objects: [traefikMiddleware(gateway, name, { plugin: { apiKey: { keySource: { header: auth.header }, secretNonBase64Encoded: true, secretValues: auth.keys.map(toSecretUrn) } } })],
        middleware: { name },
        secretKeys: auth.keys.map((ref) => ({ kind: 'declared' as const, ref })),
      };
    }
    case 'oidcSession':
      return { objects: [], ...(session ? { middleware: session } : {}), secretKeys: [] };
  }
}

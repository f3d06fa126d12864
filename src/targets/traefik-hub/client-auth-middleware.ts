import { toSecretUrn, type ApiRouteModel, type GatewayModel } from '../../model';
import type { RenderedSecretKey } from '../rendered-secret-key';
import type { TraefikObject } from '../traefik-common/rendered-object';
import { metadataFor } from '../traefik-common/object-metadata';
import { renderClaimsExpression } from './claims-expression';

export interface RenderedClientAuth {
  /** Middlewares this route owns, in order. */
  readonly objects: TraefikObject[];
  /** Names to put first on the IngressRoute, in order (may reference objects owned elsewhere). */
  readonly middlewareNames: string[];
  readonly secretKeys: RenderedSecretKey[];
}

/**
 * Client authentication, then the stripping of what the caller sent for the gateway only:
 * its API key, and its cookies when the route does not forward them. One strip Middleware
 * (`<route>-strip-caller`) carries both, right after client authentication.
 */
export function renderHubClientAuth(gateway: GatewayModel, route: ApiRouteModel): RenderedClientAuth {
  const auth = renderHubCallerAuth(gateway, route);
  const removed: Record<string, string> = {};
  if (route.clientAuth.kind === 'apiKey') removed[route.clientAuth.header] = '';
  // A claim the jwt middleware forwards as `Cookie` was set by the gateway, not the caller.
  const claimHeaders = route.clientAuth.kind === 'jwt' ? Object.keys(route.clientAuth.forwardClaims).map((h) => h.toLowerCase()) : [];
  if (!route.forwardCookies && !claimHeaders.includes('cookie')) removed.Cookie = '';
  if (Object.keys(removed).length === 0) return auth;
  const strip = `${route.name}-strip-caller`;
  return {
    objects: [
      ...auth.objects,
      {
        kind: 'Middleware',
        name: strip,
        // An empty value removes the header: the caller's key (and cookies) never reach the backend.
        props: { metadata: metadataFor(gateway, strip), spec: { headers: { customRequestHeaders: removed } } },
      },
    ],
    middlewareNames: [...auth.middlewareNames, strip],
    secretKeys: auth.secretKeys,
  };
}

/** Client authentication alone; the jwt middleware drops the caller's token itself. */
function renderHubCallerAuth(gateway: GatewayModel, route: ApiRouteModel): RenderedClientAuth {
  const auth = route.clientAuth;
  switch (auth.kind) {
    case 'none':
      return { objects: [], middlewareNames: [], secretKeys: [] };
    case 'jwt': {
      const name = `${route.name}-jwt`;
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
        objects: [{ kind: 'Middleware', name, props: { metadata: metadataFor(gateway, name), spec: { plugin: { jwt } } } }],
        middlewareNames: [name],
        secretKeys: [],
      };
    }
    case 'apiKey': {
      const name = `${route.name}-apikey`;
      return {
        objects: [
          {
            kind: 'Middleware',
            name,
            props: {
              metadata: metadataFor(gateway, name),
              spec: {
                plugin: {
                  apiKey: {
                    keySource: { header: auth.header },
                    secretNonBase64Encoded: true,
                    secretValues: auth.keys.map(toSecretUrn),
                  },
                },
              },
            },
          },
        ],
        middlewareNames: [name],
        secretKeys: auth.keys.map((ref) => ({ kind: 'declared' as const, ref })),
      };
    }
    case 'oidcSession':
      return { objects: [], middlewareNames: [auth.middlewareName ?? `${auth.provider}-forward-auth`], secretKeys: [] };
  }
}

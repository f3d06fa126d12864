import type { ApiRouteModel, GatewayModel } from '../../model';
import type { TraefikObject } from '../traefik-common/rendered-object';
import { metadataFor } from '../traefik-common/object-metadata';

/** Where the reference proxy answers Traefik's forwardAuth sub-requests. */
export interface ForwardAuthEndpoint {
  /** In-cluster host name of the proxy Service (`<svc>.<ns>.svc.cluster.local`). */
  readonly host: string;
  /** Service port serving the forwardAuth path. */
  readonly port: number;
  /** Path prefix of the forwardAuth endpoint; the route name is appended. */
  readonly path: string;
}

/** `http://<host>:<port><path>/<route>`: one address per route, so the proxy knows which policy to run. */
export function forwardAuthAddress(endpoint: ForwardAuthEndpoint, route: ApiRouteModel): string {
  return `http://${endpoint.host}:${endpoint.port}${endpoint.path.replace(/\/$/, '')}/${route.name}`;
}

/**
 * Headers the proxy's answer may set on the forwarded request. Traefik first deletes every
 * listed header from the request and then copies the proxy's value, so a header listed here
 * can never be smuggled in by the caller: upstream credentials, and the claims the proxy
 * forwards from verified tokens.
 */
export function authResponseHeadersOf(route: ApiRouteModel): string[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (!names.some((n) => n.toLowerCase() === name.toLowerCase())) names.push(name);
  };
  for (const c of route.upstreamAuth) {
    if (c.kind === 'oauth2ClientCredentials' || c.kind === 'basicAuth') add('Authorization');
    if (c.kind === 'header') add(c.name);
  }
  for (const c of route.upstreamAuth) {
    if (c.kind === 'oauth2ClientCredentials') Object.keys(c.forwardHeaders).forEach(add);
  }
  if (route.clientAuth.kind === 'jwt') Object.keys(route.clientAuth.forwardClaims).forEach(add);
  return names;
}

/**
 * The forwardAuth Middleware that sends a route's requests to the reference proxy for client
 * authentication, authorization and the upstream credential. Traefik sets
 * X-Forwarded-Method/Proto/Host/Uri from the actual request (trustForwardHeader off, so a
 * caller cannot forge them); the body never leaves Traefik.
 */
export function renderForwardAuthMiddleware(gateway: GatewayModel, route: ApiRouteModel, endpoint: ForwardAuthEndpoint): TraefikObject {
  const name = `${route.name}-forward-auth`;
  const responseHeaders = authResponseHeadersOf(route);
  return {
    kind: 'Middleware',
    name,
    props: {
      metadata: metadataFor(gateway, name),
      spec: {
        forwardAuth: {
          address: forwardAuthAddress(endpoint, route),
          trustForwardHeader: false,
          ...(responseHeaders.length ? { authResponseHeaders: responseHeaders } : {}),
        },
      },
    },
  };
}

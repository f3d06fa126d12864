import { traefikMiddleware } from './middleware-object';
import type { HeaderRemoval, RequestTransformation } from '../../plan/request-transformation';
import type { TraefikObject } from './rendered-object';

/**
 * A `headers` Middleware that removes the given request headers: Traefik deletes a request
 * header whose custom value is empty. How the plan's removals (`RequestTransformation`) look
 * on Traefik and Traefik Hub.
 */
export function renderHeaderRemoval(gateway: { readonly namespace?: string }, name: string, removals: readonly HeaderRemoval[]): TraefikObject {
  return traefikMiddleware(gateway, name, { headers: { customRequestHeaders: Object.fromEntries(removals.map((r) => [r.header, ''])) } });
}

/**
 * What the backend must not see, removed after client authentication and the rewrite (the
 * caller's credential and third-party cookies, and toward third parties the forwarding
 * headers Traefik added and its `X-Replaced-Path`), and the `Host` an external backend must
 * see: Traefik's headers middleware sets `Host` on the request itself, and the route then
 * passes it on (`passHostHeader`), so the backend gets `api.example.com`, not
 * `api.example.com:443`. Nothing to render when there is neither.
 */
export function renderBackendRequest(gateway: { readonly namespace?: string }, name: string, transformation: RequestTransformation): TraefikObject | undefined {
  if (transformation.removeAfterAuth.length === 0 && !transformation.backendHost) return undefined;
  return traefikMiddleware(gateway, name, {
    headers: {
      customRequestHeaders: {
        ...Object.fromEntries(transformation.removeAfterAuth.map((r) => [r.header, ''])),
        ...(transformation.backendHost ? { Host: transformation.backendHost } : {}),
      },
    },
  });
}

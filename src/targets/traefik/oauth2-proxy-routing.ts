import { traefikMiddleware } from '../traefik-common/middleware-object';
import { IngressRouteSpecRoutesKind, IngressRouteSpecRoutesServicesKind, IngressRouteSpecRoutesServicesPort } from '../../../imports/traefik.io';
import { ABOVE_ALL_ROUTES_PRIORITY, hostMatcher } from '../traefik-common/match-rule';
import { metadataFor } from '../traefik-common/object-metadata';
import type { TraefikObject } from '../traefik-common/rendered-object';
import type { TraefikTls } from '../traefik-common/traefik-settings';

/** Headers OAuth2 Proxy's answer carries with `--set-xauthrequest`. */
export const OAUTH2_PROXY_RESPONSE_HEADERS = ['X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups', 'X-Auth-Request-Preferred-Username'] as const;

export interface OAuth2ProxyRoutingInput {
  /** Construct path, for refusals. */
  readonly path: string;
  readonly name: string;
  readonly namespace?: string;
  /** `http://<service>:<port>/`: OAuth2 Proxy's static-upstream root, which answers 202 or a login redirect. */
  readonly authAddress: string;
  readonly servicePort: number;
  /** The callback host first, then every protected host. */
  readonly callbackHosts: readonly string[];
  readonly entryPoints: readonly string[];
  readonly tls?: TraefikTls;
}

/** The forward-auth Middleware apps list: `<name>-auth`. */
export function oauth2ProxyMiddlewareName(name: string): string {
  return `${name}-auth`;
}

/**
 * OAuth2 Proxy on Traefik: one `forwardAuth` Middleware the protected apps list, and one
 * IngressRoute sending `/oauth2/` on every protected host (and the callback host) to OAuth2
 * Proxy, above every app route. There is no `errors` Middleware: OAuth2 Proxy answers the
 * sub-request itself with 202 (identity headers copied) or a redirect into the login, which
 * forwardAuth returns to the browser unchanged — an app's own 401 or 403 reaches the browser as
 * the app sent it.
 */
export function renderOAuth2ProxyRouting(input: OAuth2ProxyRoutingInput): TraefikObject[] {
  const gateway = { namespace: input.namespace };
  const middleware = oauth2ProxyMiddlewareName(input.name);
  const hosts = input.callbackHosts.map((h) => hostMatcher(h, { path: input.path, field: 'host' }));
  const match = `${hosts.length > 1 ? `(${hosts.join(' || ')})` : hosts[0]} && PathPrefix(\`/oauth2/\`)`;
  const callback = `${input.name}-callback`;
  return [
    traefikMiddleware(gateway, middleware, {
      forwardAuth: {
        address: input.authAddress,
        // Traefik's entry points drop X-Forwarded-* from untrusted clients; what is left is
        // Traefik's own view of the request, which OAuth2 Proxy needs to build redirects.
        trustForwardHeader: true,
        authResponseHeaders: [...OAUTH2_PROXY_RESPONSE_HEADERS],
      },
    }),
    {
      kind: 'IngressRoute',
      name: callback,
      props: {
        metadata: metadataFor(gateway, callback),
        spec: {
          entryPoints: [...input.entryPoints],
          routes: [
            {
              kind: IngressRouteSpecRoutesKind.RULE,
              match,
              // Above every app route on the same hosts: app routes get explicit priorities
              // (exact host, then longest prefix), all below this one.
              priority: ABOVE_ALL_ROUTES_PRIORITY,
              services: [{ kind: IngressRouteSpecRoutesServicesKind.SERVICE, name: input.name, port: IngressRouteSpecRoutesServicesPort.fromNumber(input.servicePort) }],
            },
          ],
          ...(input.tls
            ? {
                tls: {
                  ...(input.tls.certResolver ? { certResolver: input.tls.certResolver } : {}),
                  ...(input.tls.secretName ? { secretName: input.tls.secretName } : {}),
                  domains: input.callbackHosts.map((main) => ({ main })),
                },
              }
            : {}),
        },
      },
    },
  ];
}

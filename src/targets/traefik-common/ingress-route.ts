import {
  IngressRouteSpecRoutesKind,
  IngressRouteSpecRoutesServicesKind,
  IngressRouteSpecRoutesServicesPort,
  type IngressRouteProps,
} from '../../../imports/traefik.io';
import type { ApiRouteModel } from '../../model';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import { methodGuardPriority, renderMatchRule, routePriority } from './match-rule';
import type { MiddlewareRef, TraefikObject } from './rendered-object';
import type { TraefikGatewayTarget } from './traefik-settings';

export interface IngressRouteInput {
  readonly gateway: TraefikGatewayTarget;
  readonly route: ApiRouteModel;
  /** Middlewares in the order they must run. */
  readonly middlewares: readonly MiddlewareRef[];
  /** Namespace the backend Service lives in, when it differs from the gateway's. */
  readonly backendNamespace?: string;
  /**
   * Middleware refusing methods the route does not allow (see `renderMethodGuard`).
   * @default - no guard rule
   */
  readonly methodGuard?: string;
  /**
   * `ServersTransport` for the connection to the backend (timeouts, TLS verification).
   * @default - Traefik's default transport
   */
  readonly serversTransport?: string;
  /**
   * A middleware of the route sets the `Host` the backend must see, so the route passes the
   * (rewritten) Host on instead of Traefik's `<server>:<port>`.
   * @default false
   */
  readonly hostSetByMiddleware?: boolean;
}

/** The IngressRoute that ties host/path, the ordered middlewares and the backend together. */
export function renderIngressRoute({ gateway, route, middlewares, backendNamespace, methodGuard, serversTransport, hostSetByMiddleware }: IngressRouteInput): TraefikObject {
  const service = {
    kind: IngressRouteSpecRoutesServicesKind.SERVICE,
    name: route.backend.serviceName,
    ...(backendNamespace ? { namespace: backendNamespace } : {}),
    port: IngressRouteSpecRoutesServicesPort.fromNumber(route.backend.port),
    scheme: route.backend.scheme,
    // An external host answers for its own name, not the gateway's: either the caller's Host
    // is kept, or a middleware has set the backend's own.
    passHostHeader: route.preserveHost || hostSetByMiddleware === true,
    ...(serversTransport ? { serversTransport } : {}),
  };
  const guarded = methodGuard !== undefined && route.authorization.methods.length > 0;
  const tls = gateway.settings.tls;
  const name = routeObjectName(route.name, RouteObject.ROUTE);
  const props: IngressRouteProps = {
    metadata: { name, ...(gateway.namespace ? { namespace: gateway.namespace } : {}) },
    spec: {
      entryPoints: [...gateway.settings.entryPoints],
      routes: [
        {
          kind: IngressRouteSpecRoutesKind.RULE,
          match: renderMatchRule(route),
          priority: routePriority(route),
          ...(middlewares.length ? { middlewares: middlewares.map((m) => ({ name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}) })) } : {}),
          services: [service],
        },
        ...(guarded
          ? [
              {
                kind: IngressRouteSpecRoutesKind.RULE,
                match: renderMatchRule(route, { methods: false }),
                priority: methodGuardPriority(route),
                middlewares: [{ name: methodGuard }],
                // Never reached: the guard answers first. A route needs a service all the same.
                services: [service],
              },
            ]
          : []),
      ],
      ...(tls
        ? {
            tls: {
              ...(tls.certResolver ? { certResolver: tls.certResolver } : {}),
              ...(tls.secretName ? { secretName: tls.secretName } : {}),
              domains: [{ main: route.host, ...(tls.domains.length ? { sans: tls.domains.filter((d) => d !== route.host) } : {}) }],
            },
          }
        : {}),
    },
  };
  return { kind: 'IngressRoute', name, props };
}

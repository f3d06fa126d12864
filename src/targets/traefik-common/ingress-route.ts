import {
  IngressRouteSpecRoutesKind,
  IngressRouteSpecRoutesServicesKind,
  IngressRouteSpecRoutesServicesPort,
  type IngressRouteProps,
} from '../../../imports/traefik.io';
import type { ApiRouteModel, GatewayModel } from '../../model';
import { methodGuardPriority, renderMatchRule, routePriority } from './match-rule';
import type { TraefikObject } from './rendered-object';

export interface IngressRouteInput {
  readonly gateway: GatewayModel;
  readonly route: ApiRouteModel;
  /** Middleware names in the order they must run. */
  readonly middlewares: readonly string[];
  /** Namespace the backend Service lives in, when it differs from the gateway's. */
  readonly backendNamespace?: string;
  /**
   * Middleware refusing methods the route does not allow (see `renderMethodGuard`).
   * @default - no guard rule
   */
  readonly methodGuard?: string;
}

/** The IngressRoute that ties host/path, the ordered middlewares and the backend together. */
export function renderIngressRoute({ gateway, route, middlewares, backendNamespace, methodGuard }: IngressRouteInput): TraefikObject {
  const service = {
    kind: IngressRouteSpecRoutesServicesKind.SERVICE,
    name: route.backend.serviceName,
    ...(backendNamespace ? { namespace: backendNamespace } : {}),
    port: IngressRouteSpecRoutesServicesPort.fromNumber(route.backend.port),
    scheme: route.backend.scheme,
    // An external host answers for its own name, not the gateway's.
    passHostHeader: route.preserveHost,
  };
  const guarded = methodGuard !== undefined && route.authorization.methods.length > 0;
  const props: IngressRouteProps = {
    metadata: { name: route.name, ...(gateway.namespace ? { namespace: gateway.namespace } : {}) },
    spec: {
      entryPoints: [...gateway.entryPoints],
      routes: [
        {
          kind: IngressRouteSpecRoutesKind.RULE,
          match: renderMatchRule(route),
          priority: routePriority(route),
          middlewares: middlewares.map((name) => ({ name })),
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
      ...(gateway.tls
        ? {
            tls: {
              ...(gateway.tls.certResolver ? { certResolver: gateway.tls.certResolver } : {}),
              ...(gateway.tls.secretName ? { secretName: gateway.tls.secretName } : {}),
              domains: [
                {
                  main: route.host,
                  ...(gateway.tls.domains.length ? { sans: gateway.tls.domains.filter((d) => d !== route.host) } : {}),
                },
              ],
            },
          }
        : {}),
    },
  };
  return { kind: 'IngressRoute', name: route.name, props };
}

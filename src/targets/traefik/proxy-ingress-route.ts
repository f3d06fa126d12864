import type { ApiRouteModel } from '../../model';
import { renderIngressRoute } from '../traefik-common/ingress-route';
import type { TraefikObject } from '../traefik-common/rendered-object';
import type { TraefikGatewayTarget } from '../traefik-common/traefik-settings';

/** The reference proxy's Service, as an IngressRoute addresses it. */
export interface ProxyServiceTarget {
  readonly serviceName: string;
  /** Namespace of the Service, when it differs from the gateway's. */
  readonly namespace?: string;
  /** The proxy's traffic port (its forwardAuth endpoint has a listener of its own). */
  readonly port: number;
}

/**
 * An IngressRoute that hands a route's traffic to the reference proxy running inline. Only
 * host and path are matched: methods, scopes, credentials and every header removal are the
 * proxy's job, so every refusal comes with the same RFC 6750 answer. The Host header is passed
 * on because the proxy routes by it. The traffic port never serves forwardAuth, so no route
 * needs to carve it out.
 */
export function renderProxyIngressRoute(gateway: TraefikGatewayTarget, route: ApiRouteModel, target: ProxyServiceTarget): TraefikObject {
  const viaProxy: ApiRouteModel = {
    ...route,
    authorization: { ...route.authorization, methods: [] },
    backend: { kind: 'service', serviceName: target.serviceName, port: target.port, scheme: 'http', ...(target.namespace ? { namespace: target.namespace } : {}) },
    preserveHost: true,
  };
  return renderIngressRoute({ gateway, route: viaProxy, middlewares: [], backendNamespace: target.namespace });
}

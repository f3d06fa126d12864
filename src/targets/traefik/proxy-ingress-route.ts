import type { ApiRouteModel, GatewayModel } from '../../model';
import { renderIngressRoute } from '../traefik-common/ingress-route';
import { renderMatchRule } from '../traefik-common/match-rule';
import type { TraefikObject } from '../traefik-common/rendered-object';

/** The reference proxy's Service, as an IngressRoute addresses it. */
export interface ProxyServiceTarget {
  readonly serviceName: string;
  /** Namespace of the Service, when it differs from the gateway's. */
  readonly namespace?: string;
  readonly port: number;
  /** The proxy's forwardAuth path, which must not be reachable from outside. */
  readonly forwardAuthPath: string;
}

/**
 * An IngressRoute that hands a route's traffic to the reference proxy running inline. Only
 * host and path are matched: methods, scopes and credentials are the proxy's job, so every
 * refusal comes with the same RFC 6750 answer. The Host header is passed on because the
 * proxy routes by it, and the forwardAuth endpoint is carved out of a route that would
 * otherwise cover it: its answers carry upstream credentials.
 */
export function renderProxyIngressRoute(gateway: GatewayModel, route: ApiRouteModel, target: ProxyServiceTarget): TraefikObject {
  const viaProxy: ApiRouteModel = {
    ...route,
    authorization: { ...route.authorization, methods: [] },
    backend: { kind: 'service', serviceName: target.serviceName, port: target.port, scheme: 'http', ...(target.namespace ? { namespace: target.namespace } : {}) },
    preserveHost: true,
  };
  const rendered = renderIngressRoute({ gateway, route: viaProxy, middlewares: [], backendNamespace: target.namespace });
  if (rendered.kind !== 'IngressRoute') return rendered;
  let match = renderMatchRule(viaProxy);
  const faPath = target.forwardAuthPath.replace(/\/$/, '');
  if (route.pathPrefix === '/' || faPath === route.pathPrefix || faPath.startsWith(`${route.pathPrefix}/`)) {
    match = `${match} && !PathPrefix(\`${faPath}\`)`;
  }
  const spec = rendered.props.spec;
  return {
    ...rendered,
    props: {
      ...rendered.props,
      spec: { ...spec, routes: spec.routes.map((r) => ({ ...r, match, middlewares: undefined })) },
    },
  };
}

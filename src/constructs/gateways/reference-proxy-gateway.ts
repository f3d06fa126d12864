import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GatewayEngine, parseOrThrow, port, type ApiRouteModel, type GatewayModel } from '../../model';
import { renderProxyIngressRoute } from '../../targets/traefik/proxy-ingress-route';
import { ReferenceProxy } from '../reference-proxy/reference-proxy';
import type { IGateway } from './gateway';
import { ProxyExposure, type ProxyExposureModel } from './proxy-exposure';
import { RouteRegistry } from './route-registry';
import { emitTraefikRoute, traefikGatewayModel } from './traefik-routing';

/** Props of {@link ReferenceProxyGateway}. */
export interface ReferenceProxyGatewayProps {
  /**
   * How traffic from outside the cluster reaches the proxy.
   * @default ProxyExposure.clusterOnly()
   */
  readonly expose?: ProxyExposure;
  /**
   * The proxy that serves the routes. Pass your own to size or harden it; a proxy shared
   * with a `TraefikGateway` serves both (route names must differ).
   * @default - a ReferenceProxy named `<gateway id>-proxy` in the gateway's namespace
   */
  readonly proxy?: ReferenceProxy;
  /**
   * Namespace of the generated proxy, IngressRoutes and LoadBalancer Service.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/**
 * The reference proxy *is* the gateway: it matches host and path, authenticates and
 * authorizes the caller, swaps their credential for the upstream one (headers, query
 * parameters, BasicAuth, OAuth2 client credentials) and proxies the request — every feature
 * of the model, on any cluster. Expose it with {@link ProxyExposure}.
 */
export class ReferenceProxyGateway extends Construct implements IGateway {
  readonly engine = GatewayEngine.REFERENCE_PROXY;
  /** The proxy serving this gateway's routes. */
  readonly proxy: ReferenceProxy;
  private readonly model: GatewayModel;
  private readonly exposure: ProxyExposureModel;
  private readonly registry: RouteRegistry;

  constructor(scope: Construct, id: string, props: ReferenceProxyGatewayProps = {}) {
    super(scope, id);
    this.exposure = (props.expose ?? ProxyExposure.clusterOnly())._toModel();
    const e = this.exposure;
    this.model = traefikGatewayModel(this, this.engine, {
      namespace: props.namespace,
      // Where traffic enters, for reports: Traefik entry points, or the kind of Service.
      entryPoints: e.kind === 'traefik' ? e.entryPoints : [e.kind === 'loadBalancer' ? 'load-balancer' : 'cluster'],
      ...(e.kind === 'traefik' && e.tls ? { tls: e.tls } : {}),
    });
    this.registry = new RouteRegistry(this);
    this.proxy = props.proxy ?? new ReferenceProxy(this, 'proxy', { name: `${this.model.name}-proxy`, namespace: this.model.namespace });
    if (e.kind === 'loadBalancer') {
      parseOrThrow(port, e.port, this.node.path, 'expose.port');
      this.emitLoadBalancer(e);
    }
  }

  get routes(): readonly ApiRouteModel[] {
    return this.registry.routes;
  }

  /** @internal */
  _toGatewayModel(): GatewayModel {
    return this.model;
  }

  /** @internal */
  _addRoute(api: Construct, route: ApiRouteModel): void {
    // First, so an unsupported route (e.g. a browser session) leaves no trace in the registry.
    this.proxy.addRoute(route, api.node.path);
    this.registry.add(route);
    if (this.exposure.kind === 'traefik') {
      const proxyNamespace = this.proxy.namespace && this.proxy.namespace !== this.model.namespace ? this.proxy.namespace : undefined;
      const ingressRoute = renderProxyIngressRoute(this.model, route, {
        serviceName: this.proxy.name,
        port: this.proxy.port,
        forwardAuthPath: this.proxy.forwardAuthPath,
        ...(proxyNamespace ? { namespace: proxyNamespace } : {}),
      });
      emitTraefikRoute(this, this.registry, this.model, api, { objects: [ingressRoute], shared: [], secretKeys: [] });
    }
  }

  private emitLoadBalancer(e: Extract<ProxyExposureModel, { kind: 'loadBalancer' }>): void {
    const annotations = Object.keys(e.annotations).length ? { annotations: { ...e.annotations } } : {};
    new k8s.KubeService(this, 'LoadBalancer', {
      metadata: {
        name: `${this.proxy.name}-public`,
        ...(this.proxy.namespace ? { namespace: this.proxy.namespace } : {}),
        labels: { ...this.proxy.selectorLabels, 'app.kubernetes.io/managed-by': 'gatewright' },
        ...annotations,
      },
      spec: {
        type: 'LoadBalancer',
        selector: { ...this.proxy.selectorLabels },
        // Only the traffic port: health and metrics stay inside the cluster.
        ports: [{ name: 'http', port: e.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
        ...(e.sourceRanges.length ? { loadBalancerSourceRanges: [...e.sourceRanges] } : {}),
      },
    });
  }
}

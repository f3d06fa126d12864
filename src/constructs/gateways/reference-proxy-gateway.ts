import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GatewayEngine, parseOrThrow, port, type ApiRouteModel, type GatewayModel } from '../../model';
import { renderProxyIngressRoute } from '../../targets/traefik/proxy-ingress-route';
import { AppPlan } from '../plan/app-plan';
import { ReferenceProxy } from '../reference-proxy/reference-proxy';
import type { IGateway } from './gateway';
import { ProxyExposure, type ProxyExposureModel } from './proxy-exposure';
import { TraefikRouting } from './traefik-routing';
import { keysOf, rejectUnknownProps } from '../props/check-props';

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
  /**
   * Base name of the gateway's objects (its proxy, its LoadBalancer Service).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * With `ProxyExposure.traefik()`: Traefik runs with
   * `providers.kubernetesCRD.allowCrossNamespace=true`, so the IngressRoutes may address a proxy
   * passed in from another namespace.
   * @default false
   */
  readonly allowCrossNamespace?: boolean;
}

const REFERENCE_PROXY_GATEWAY_PROPS = keysOf<ReferenceProxyGatewayProps>()(['expose', 'proxy', 'namespace', 'name', 'allowCrossNamespace']);

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
  private readonly exposure: ProxyExposureModel;
  private readonly routing: TraefikRouting;

  constructor(scope: Construct, id: string, props: ReferenceProxyGatewayProps = {}) {
    super(scope, id);
    rejectUnknownProps(props, REFERENCE_PROXY_GATEWAY_PROPS, this.node.path, 'ReferenceProxyGateway');
    this.exposure = (props.expose ?? ProxyExposure.clusterOnly())._toModel();
    const e = this.exposure;
    // Traefik in front only hands traffic over; every header removal is the proxy's own job.
    this.routing = new TraefikRouting(
      this,
      this.engine,
      {
        namespace: props.namespace,
        name: props.name,
        allowCrossNamespace: props.allowCrossNamespace,
        ...(e.kind === 'traefik' ? { entryPoints: e.entryPoints, ...(e.tls ? { tls: e.tls } : {}) } : {}),
      },
      { untrustedHeadersMiddleware: false, listeners: e.kind === 'traefik' ? e.entryPoints : [e.kind === 'loadBalancer' ? `load balancer :${e.port}` : 'cluster only'] },
    );
    const model = this.routing.model;
    this.proxy = props.proxy ?? new ReferenceProxy(this, 'proxy', { name: `${model.name}-proxy`, namespace: model.namespace });
    if (e.kind === 'loadBalancer') {
      parseOrThrow(port, e.port, this.node.path, 'expose.port');
      this.emitLoadBalancer(e);
    }
  }

  get routes(): readonly ApiRouteModel[] {
    return this.routing.registry.routes;
  }

  /** @internal */
  _toGatewayModel(): GatewayModel {
    return this.routing.model;
  }

  /** @internal */
  _addRoute(api: Construct, route: ApiRouteModel): void {
    // First, so an unsupported route (e.g. a browser session) leaves no trace in the registry.
    this.proxy.addRoute(route, api.node.path);
    if (this.exposure.kind !== 'traefik') {
      this.routing.registry.add(route);
      return;
    }
    const model = this.routing.model;
    const proxyNamespace = this.proxy.namespace && this.proxy.namespace !== model.namespace ? this.proxy.namespace : undefined;
    if (proxyNamespace) this.routing.requireCrossNamespace(route, 'gateway', `the reference proxy "${this.proxy.name}" lives in namespace "${proxyNamespace}"`);
    const ingressRoute = renderProxyIngressRoute(this.routing.target, route, {
      serviceName: this.proxy.name,
      port: this.proxy.port,
      ...(proxyNamespace ? { namespace: proxyNamespace } : {}),
    });
    this.routing.emit(api, route, { objects: [ingressRoute], shared: [], secretKeys: [] });
  }

  private emitLoadBalancer(e: Extract<ProxyExposureModel, { kind: 'loadBalancer' }>): void {
    const annotations = Object.keys(e.annotations).length ? { annotations: { ...e.annotations } } : {};
    AppPlan.of(this).describe(
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
          // Only the traffic port: health, metrics and forwardAuth stay inside the cluster.
          ports: [{ name: 'http', port: e.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
          ...(e.sourceRanges.length ? { loadBalancerSourceRanges: [...e.sourceRanges] } : {}),
        },
      }),
      { owner: this.node.path, purpose: 'the LoadBalancer Service' },
    );
  }
}

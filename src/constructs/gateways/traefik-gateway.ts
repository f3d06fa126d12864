import { Construct } from 'constructs';
import { GatewayEngine, type ApiRouteModel, type GatewayModel } from '../../model';
import { renderTraefikRoute } from '../../targets/traefik/render-route';
import { ReferenceProxy } from '../reference-proxy/reference-proxy';
import type { IGateway } from './gateway';
import { RouteRegistry } from './route-registry';
import { crossNamespaceOf, emitTraefikRoute, traefikGatewayModel, type TraefikRoutingProps } from './traefik-routing';

/** Props of {@link TraefikGateway}. */
export interface TraefikGatewayProps extends TraefikRoutingProps {
  /**
   * The reference proxy that answers the forwardAuth sub-requests. Pass your own to size or
   * harden it (replicas, autoscaling, resources, image); several gateways may share one as
   * long as their route names differ.
   * @default - a ReferenceProxy named `<gateway id>-proxy` in the gateway's namespace
   */
  readonly proxy?: ReferenceProxy;
}

/**
 * Open-source Traefik (v3): routes are IngressRoutes whose client authentication and token
 * exchange happen in the gatewright reference proxy, called through a `forwardAuth`
 * Middleware; the proxy's answer carries the upstream credential, which Traefik copies onto
 * the request (`authResponseHeaders`). The caller's credential is removed with a `headers`
 * Middleware and virtual endpoints are rewritten with `replacePathRegex`.
 *
 * Query-parameter credentials cannot travel back through forwardAuth: such routes fail at
 * synth and belong on a `ReferenceProxyGateway`.
 */
export class TraefikGateway extends Construct implements IGateway {
  readonly engine = GatewayEngine.TRAEFIK;
  /** The reference proxy executing this gateway's auth. */
  readonly proxy: ReferenceProxy;
  private readonly model: GatewayModel;
  private readonly registry: RouteRegistry;

  constructor(scope: Construct, id: string, props: TraefikGatewayProps = {}) {
    super(scope, id);
    this.model = traefikGatewayModel(this, this.engine, props);
    this.registry = new RouteRegistry(this);
    this.proxy = props.proxy ?? new ReferenceProxy(this, 'proxy', { name: `${this.model.name}-proxy`, namespace: this.model.namespace });
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
    // The proxy's forwardAuth listener, a port of its own: never the traffic port.
    const endpoint = { host: this.proxy.serviceHost, port: this.proxy.forwardAuthPort, path: this.proxy.forwardAuthPath };
    const rendered = renderTraefikRoute(this.model, route, endpoint, crossNamespaceOf(this.model, route));
    this.registry.add(route);
    if (rendered.usesForwardAuth) this.proxy.addRoute(route, api.node.path, 'forwardAuth');
    emitTraefikRoute(this, this.registry, this.model, api, rendered);
  }
}

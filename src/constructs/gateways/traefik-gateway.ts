import { Construct } from 'constructs';
import { GatewayEngine, type ApiRouteModel, type GatewayModel } from '../../model';
import { needsForwardAuth, renderTraefikRoute } from '../../targets/traefik/render-route';
import { ReferenceProxy } from '../reference-proxy/reference-proxy';
import type { IGateway } from './gateway';
import { TraefikRouting, type TraefikRoutingProps } from './traefik-routing';
import { keysOf, rejectUnknownProps } from '../props/check-props';

/** Props of {@link TraefikGateway}. */
export interface TraefikGatewayProps extends TraefikRoutingProps {
  /**
   * The reference proxy that answers the forwardAuth sub-requests. Pass your own to size or
   * harden it (replicas, autoscaling, resources, image); several gateways may share one as
   * long as their route names differ.
   * @default - a ReferenceProxy named `<gateway name>-proxy` in the gateway's namespace
   */
  readonly proxy?: ReferenceProxy;
}

const TRAEFIK_GATEWAY_PROPS = keysOf<TraefikGatewayProps>()(['entryPoints', 'tls', 'namespace', 'name', 'allowCrossNamespace', 'stripRequestHeaders', 'proxy']);

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
  private readonly routing: TraefikRouting;

  constructor(scope: Construct, id: string, props: TraefikGatewayProps = {}) {
    super(scope, id);
    rejectUnknownProps(props, TRAEFIK_GATEWAY_PROPS, this.node.path, 'TraefikGateway');
    this.routing = new TraefikRouting(this, this.engine, props);
    this.proxy = props.proxy ?? new ReferenceProxy(this, 'proxy', { name: `${this.routing.model.name}-proxy`, namespace: this.routing.model.namespace });
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
    const r = this.routing;
    const transformation = r.plan(this.engine, route);
    const rendered = renderTraefikRoute({
      gateway: r.target,
      route,
      transformation,
      untrustedHeaders: r.untrustedHeaders,
      endpoint: this.proxy.forwardAuthEndpoint,
      session: r.session(route),
      backendNamespace: r.backendNamespace(route),
    });
    if (needsForwardAuth(route)) this.proxy.addRoute(route, api.node.path, 'forwardAuth');
    r.emit(api, route, rendered);
  }
}

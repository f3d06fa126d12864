import { Construct } from 'constructs';
import { GatewayEngine, type ApiRouteModel, type GatewayModel } from '../../model';
import { renderTraefikHubRoute } from '../../targets/traefik-hub/render-route';
import type { IGateway } from './gateway';
import { TraefikRouting, type TraefikRoutingProps } from './traefik-routing';
import { keysOf, rejectUnknownProps } from '../props/check-props';

/** Props of {@link TraefikHubGateway}. */
export interface TraefikHubGatewayProps extends TraefikRoutingProps {}

const TRAEFIK_HUB_GATEWAY_PROPS = keysOf<TraefikHubGatewayProps>()(['entryPoints', 'tls', 'namespace', 'name', 'allowCrossNamespace', 'stripRequestHeaders']);

/**
 * Traefik Hub API Gateway: JWT and API-key client auth, `oAuthClientCredentials` token
 * exchange and secret-backed credential injection, all as Traefik Middlewares whose
 * credentials are `urn:k8s:secret:` references.
 */
export class TraefikHubGateway extends Construct implements IGateway {
  readonly engine = GatewayEngine.TRAEFIK_HUB;
  private readonly routing: TraefikRouting;

  constructor(scope: Construct, id: string, props: TraefikHubGatewayProps = {}) {
    super(scope, id);
    rejectUnknownProps(props, TRAEFIK_HUB_GATEWAY_PROPS, this.node.path, 'TraefikHubGateway');
    this.routing = new TraefikRouting(this, this.engine, props);
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
    const rendered = renderTraefikHubRoute({
      gateway: r.target,
      route,
      transformation,
      untrustedHeaders: r.untrustedHeaders,
      session: r.session(route),
      backendNamespace: r.backendNamespace(route),
    });
    r.emit(api, route, rendered);
  }
}

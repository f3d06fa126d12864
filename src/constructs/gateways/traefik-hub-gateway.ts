import { Construct } from 'constructs';
import { GatewayEngine, type ApiRouteModel, type GatewayModel } from '../../model';
import { renderTraefikHubRoute } from '../../targets/traefik-hub/render-route';
import type { IGateway } from './gateway';
import { RouteRegistry } from './route-registry';
import { crossNamespaceOf, emitTraefikRoute, traefikGatewayModel, type TraefikRoutingProps } from './traefik-routing';

/** Props of {@link TraefikHubGateway}. */
export interface TraefikHubGatewayProps extends TraefikRoutingProps {}

/**
 * Traefik Hub API Gateway: JWT and API-key client auth, `oAuthClientCredentials` token
 * exchange and secret-backed credential injection, all as Traefik Middlewares whose
 * credentials are `urn:k8s:secret:` references.
 */
export class TraefikHubGateway extends Construct implements IGateway {
  readonly engine = GatewayEngine.TRAEFIK_HUB;
  private readonly model: GatewayModel;
  private readonly registry: RouteRegistry;

  constructor(scope: Construct, id: string, props: TraefikHubGatewayProps = {}) {
    super(scope, id);
    this.model = traefikGatewayModel(this, this.engine, props);
    this.registry = new RouteRegistry(this);
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
    const rendered = renderTraefikHubRoute(this.model, route, crossNamespaceOf(this.model, route));
    this.registry.add(route);
    emitTraefikRoute(this, this.registry, this.model, api, rendered);
  }
}

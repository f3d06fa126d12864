import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayEngine, gatewaySchema, parseOrThrow, type ApiRouteModel, type GatewayModel } from '../../model';
import type { RenderedTraefikRoute } from '../../targets/traefik-common/rendered-object';
import { renderTraefikHubRoute } from '../../targets/traefik-hub/render-route';
import { SecretSync } from '../secrets/secret-sync';
import type { IGateway } from './gateway';
import { RouteRegistry } from './route-registry';
import { addTraefikObject } from './traefik-objects';

/** TLS for the routes of a Traefik gateway. */
export interface GatewayTls {
  /**
   * ACME certificate resolver configured in Traefik's static config.
   * @default - none; set this or secretName
   */
  readonly certResolver?: string;
  /**
   * Secret holding the certificate (`kubernetes.io/tls`).
   * @default - none; set this or certResolver
   */
  readonly secretName?: string;
  /**
   * Extra SANs on every route's certificate. Each route's host is always the main domain.
   * @default []
   */
  readonly domains?: readonly string[];
}

/** Routing props every Traefik-family gateway shares. */
export interface TraefikRoutingProps {
  /**
   * Traefik entry points the routes listen on.
   * @default ['websecure']
   */
  readonly entryPoints?: readonly string[];
  /**
   * TLS termination for the routes.
   * @default - no TLS section (plain HTTP entry point; not recommended)
   */
  readonly tls?: GatewayTls;
  /**
   * Namespace of the generated Middlewares, IngressRoutes and synced Secrets. Traefik Hub
   * resolves `urn:k8s:secret:` references in the Middleware's own namespace.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/** @internal shared by the Traefik-family gateways */
export function traefikGatewayModel(scope: Construct, engine: GatewayEngine, props: TraefikRoutingProps): GatewayModel {
  const namespace = props.namespace ?? Chart.of(scope).namespace;
  return parseOrThrow(
    gatewaySchema,
    {
      name: scope.node.id,
      path: scope.node.path,
      engine,
      ...(namespace ? { namespace } : {}),
      entryPoints: [...(props.entryPoints ?? ['websecure'])],
      ...(props.tls ? { tls: { ...props.tls, domains: [...(props.tls.domains ?? [])] } } : {}),
    },
    scope.node.path,
  );
}

/** @internal emits a rendered Traefik route: own objects under the api, shared ones once under the gateway. */
export function emitTraefikRoute(gateway: Construct, registry: RouteRegistry, model: GatewayModel, api: Construct, rendered: RenderedTraefikRoute): void {
  for (const object of rendered.objects) addTraefikObject(api, object);
  for (const object of rendered.shared) {
    if (registry.claimShared(object.name, object.props, api.node.path)) addTraefikObject(gateway, object);
  }
  SecretSync.of(gateway, model.namespace).add(rendered.secretKeys, api.node.path);
}

/** @internal the backend namespace to name on the IngressRoute, when it differs from the gateway's */
export function crossNamespaceOf(model: GatewayModel, route: ApiRouteModel): string | undefined {
  const ns = route.backend.namespace;
  return ns && ns !== model.namespace ? ns : undefined;
}

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

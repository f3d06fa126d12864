import { parentChartOf } from '../parent-chart';
import type { Construct } from 'constructs';
import { gatewaySchema, parseOrThrow, type ApiRouteModel, type GatewayEngine, type GatewayModel } from '../../model';
import type { RenderedTraefikRoute } from '../../targets/traefik-common/rendered-object';
import { SecretSync } from '../secrets/secret-sync';
import type { RouteRegistry } from './route-registry';
import { addTraefikObject } from './traefik-objects';

/*
 * What every Traefik-family gateway (Traefik Hub, open-source Traefik, the reference proxy's
 * Traefik exposure) shares: routing props, the gateway model, and how rendered objects are
 * added to the tree.
 */

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
  const namespace = props.namespace ?? parentChartOf(scope).namespace;
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

/**
 * @internal the backend namespace to name on the IngressRoute, when it differs from the
 * gateway's. Traefik rejects such a reference ("service … not in the parent resource
 * namespace") unless it runs with `providers.kubernetesCRD.allowCrossNamespace=true`.
 */
export function crossNamespaceOf(model: GatewayModel, route: ApiRouteModel): string | undefined {
  const ns = route.backend.namespace;
  return ns && ns !== model.namespace ? ns : undefined;
}

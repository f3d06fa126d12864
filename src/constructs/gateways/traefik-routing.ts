import { ApiObject, Lazy } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { ErrorCode, GatewrightError, gatewaySchema, headerName, parseOrThrow, type ApiRouteModel, type GatewayEngine, type GatewayModel } from '../../model';
import { listProp } from '../props/check-props';
import { checkRouteCapabilities } from '../../plan/capabilities';
import { gatewayObjectName, GatewayObject } from '../../plan/object-names';
import { findRouterConflicts, type RouterClaim } from '../../plan/router-overlap';
import { InjectedHeaderSet, planRequestTransformation, untrustedCallerHeaders, type GatewayRequestContext, type HeaderRemoval, type RequestTransformation } from '../../plan/request-transformation';
import { renderHeaderRemoval } from '../../targets/traefik-common/header-removal';
import type { MiddlewareRef, RenderedTraefikRoute } from '../../targets/traefik-common/rendered-object';
import { describeTraefikTls, traefikSettingsSchema, type TraefikGatewayTarget } from '../../targets/traefik-common/traefik-settings';
import type { SessionMiddleware } from '../../targets/traefik-hub/client-auth-middleware';
import { parentChartOf } from '../parent-chart';
import { AppPlan } from '../plan/app-plan';
import { SecretSync } from '../secrets/secret-sync';
import { RouteRegistry } from './route-registry';
import { sessionProvidersOf } from './session-providers';
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
  /**
   * Base name of the gateway's own objects (its untrusted-headers Middleware, its proxy).
   * Two gateways in one namespace need different names.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Traefik runs with `providers.kubernetesCRD.allowCrossNamespace=true`, so routes may name
   * backends and middlewares of other namespaces. Without it Traefik ignores such a reference
   * ("not in the parent resource namespace"), so gatewright refuses to render one.
   * @default false
   */
  readonly allowCrossNamespace?: boolean;
  /**
   * Further request headers removed from every request before anything else, in addition to
   * the identity, override and forwarding headers gatewright always removes.
   * @default []
   */
  readonly stripRequestHeaders?: readonly string[];
}

/**
 * The routes every Traefik-family gateway of the app writes for the one Traefik they share,
 * checked once at synth for rules two gateways would both claim.
 */
function traefikRouterClaims(scope: Construct): RouterClaim[] {
  const plan = AppPlan.of(scope);
  return plan.singleton('traefik-router-claims', () => {
    const claims: RouterClaim[] = [];
    plan.addCheck(() => findRouterConflicts(claims).map((e) => e.message));
    return claims;
  });
}

/**
 * @internal What every Traefik-family gateway (Traefik Hub, open-source Traefik, the reference
 * proxy's Traefik exposure) shares, by composition: validated Traefik settings, the route
 * registry, the gateway-wide Middleware that removes caller-supplied identity and override
 * headers, the plan's request transformation, namespace resolution, and emission.
 */
export class TraefikRouting {
  readonly target: TraefikGatewayTarget;
  readonly model: GatewayModel;
  readonly registry: RouteRegistry;
  /** The gateway's untrusted-headers Middleware (first on every route). */
  readonly untrustedHeaders: MiddlewareRef;
  private readonly stripRequestHeaders: readonly string[];
  /** Identity headers the gateway's routes inject, kept as routes are added (linear synth). */
  private readonly injected = new InjectedHeaderSet();
  private untrusted?: { readonly injectedCount: number; readonly removals: readonly HeaderRemoval[] };

  constructor(
    private readonly gateway: Construct,
    engine: GatewayEngine,
    props: TraefikRoutingProps,
    options: { readonly untrustedHeadersMiddleware: boolean; readonly listeners?: readonly string[] } = { untrustedHeadersMiddleware: true },
  ) {
    const path = gateway.node.path;
    const namespace = props.namespace ?? parentChartOf(gateway).namespace;
    const settings = parseOrThrow(
      traefikSettingsSchema,
      {
        entryPoints: props.entryPoints === undefined ? ['websecure'] : listProp(props.entryPoints, path, 'entryPoints', "['websecure']"),
        ...(props.tls ? { tls: { ...props.tls, domains: listProp(props.tls.domains, path, 'tls.domains', "['www.example.com']") } } : {}),
        allowCrossNamespace: props.allowCrossNamespace ?? false,
      },
      path,
    );
    this.model = parseOrThrow(
      gatewaySchema,
      {
        name: props.name ?? gateway.node.id,
        path,
        engine,
        ...(namespace ? { namespace } : {}),
        listeners: [...(options.listeners ?? settings.entryPoints)],
        ...(describeTraefikTls(settings.tls) ? { tls: describeTraefikTls(settings.tls) } : {}),
      },
      path,
    );
    this.target = { name: this.model.name, path, namespace: this.model.namespace, settings };
    this.stripRequestHeaders = parseOrThrow(z.array(headerName), listProp(props.stripRequestHeaders, path, 'stripRequestHeaders', "['X-Internal-User']"), path, 'stripRequestHeaders');
    this.registry = new RouteRegistry(gateway);
    const name = gatewayObjectName(this.model.name, GatewayObject.UNTRUSTED_HEADERS);
    this.untrustedHeaders = { name };
    if (options.untrustedHeadersMiddleware) {
      const rendered = () => renderHeaderRemoval(this.target, name, [...(this.context().untrusted ?? [])]);
      AppPlan.of(gateway).describe(
        new ApiObject(gateway, 'untrusted-headers', {
          apiVersion: 'traefik.io/v1alpha1',
          kind: 'Middleware',
          metadata: rendered().props.metadata,
          // Lazy: headers forwarded by routes attached later are removed too.
          spec: Lazy.any({ produce: () => rendered().props.spec }),
        }),
        { owner: path, purpose: 'the untrusted-headers Middleware' },
      );
    }
  }

  /** What the transformation of this gateway's routes depends on. */
  context(): GatewayRequestContext {
    const base = { injectedAnywhere: this.injected.headers, stripRequestHeaders: this.stripRequestHeaders };
    // The gateway-wide removals change only when a route injects a new header.
    if (this.untrusted?.injectedCount !== this.injected.headers.length) {
      this.untrusted = { injectedCount: this.injected.headers.length, removals: untrustedCallerHeaders(base) };
    }
    return { ...base, untrusted: this.untrusted.removals };
  }

  /** The plan's checks and transformation for a route about to be rendered. */
  plan(engine: GatewayEngine, route: ApiRouteModel): RequestTransformation {
    checkRouteCapabilities(engine, route);
    return planRequestTransformation(route, this.context());
  }

  /**
   * The namespace to name on the IngressRoute for the backend, when it differs from the
   * gateway's. Traefik ignores such a reference unless it runs with `allowCrossNamespace`.
   */
  backendNamespace(route: ApiRouteModel): string | undefined {
    const ns = route.backend.namespace;
    if (!ns || ns === this.model.namespace) return undefined;
    this.requireCrossNamespace(route, 'backend', `the backend Service "${route.backend.serviceName}" lives in namespace "${ns}"`);
    return ns;
  }

  /** The session provider's forwardAuth Middleware of an `oidcSession` route. */
  session(route: ApiRouteModel): SessionMiddleware | undefined {
    if (route.clientAuth.kind !== 'oidcSession') return undefined;
    const session = sessionProvidersOf(this.gateway).get(route.clientAuth.provider);
    if (!session) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: route.path,
        field: 'clientAuth',
        problem: `names session provider "${route.clientAuth.provider}", which renders no forward-auth Middleware in this app`,
        fix: 'use the clientAuth() of an OAuth2ProxyAuth, or ClientAuth.oidcSession({ middlewareName, ... }) for a Middleware you manage',
      });
    }
    if ((session.namespace ?? this.model.namespace) !== this.model.namespace) {
      this.requireCrossNamespace(route, 'clientAuth', `the session Middleware "${session.name}" lives in namespace "${session.namespace}"`);
      return session;
    }
    return { name: session.name };
  }

  /** Adds a rendered route: own objects under the api, shared ones once per namespace. */
  emit(api: Construct, route: ApiRouteModel, rendered: RenderedTraefikRoute): void {
    this.registry.add(route);
    this.injected.add(route);
    traefikRouterClaims(api).push({ gateway: this.model.path, route: route.path, entryPoints: this.target.settings.entryPoints, host: route.host, pathPrefix: route.pathPrefix });
    const plan = AppPlan.of(api);
    for (const object of rendered.objects) plan.describe(addTraefikObject(api, object), { owner: api.node.path, purpose: `the ${object.kind}` });
    for (const object of rendered.shared) {
      const key = `shared:${object.kind}:${this.model.namespace ?? ''}:${object.name}`;
      const spec = JSON.stringify(object.props);
      const first = plan.singleton(key, () => ({ spec, owner: api.node.path, emitted: false }));
      if (first.spec !== spec) {
        throw new GatewrightError({
          code: ErrorCode.NAME_COLLISION,
          path: api.node.path,
          field: object.kind === 'Middleware' ? 'upstreamAuth' : 'name',
          problem: `renders ${object.kind} "${object.name}" in namespace "${this.model.namespace ?? '(default)'}" differently from ${first.owner}; one would replace the other`,
          fix: object.kind === 'Middleware' ? 'give one of the two credentials another name (the `name` prop of UpstreamOAuth), or share one instance' : 'give one of the two gateways another name (its `name` prop)',
        });
      }
      if (!first.emitted) {
        first.emitted = true;
        plan.describe(addTraefikObject(this.gateway, object), { owner: api.node.path, purpose: `the shared ${object.kind}` });
      }
    }
    SecretSync.of(this.gateway, this.model.namespace).add(rendered.secretKeys, api.node.path);
  }

  /** Throws unless the gateway says Traefik may follow references into other namespaces. */
  requireCrossNamespace(route: ApiRouteModel, field: string, what: string): void {
    if (this.target.settings.allowCrossNamespace) return;
    throw new GatewrightError({
      code: ErrorCode.CROSS_NAMESPACE,
      path: route.path,
      field,
      problem: `${what}, but the gateway renders its IngressRoutes in "${this.model.namespace ?? '(default)'}"; Traefik ignores a reference into another namespace unless it runs with providers.kubernetesCRD.allowCrossNamespace=true`,
      fix: 'put both in one namespace, or enable allowCrossNamespace in Traefik and say so with `allowCrossNamespace: true` on the gateway',
    });
  }
}

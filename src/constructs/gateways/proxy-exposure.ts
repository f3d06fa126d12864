import type { GatewayTls } from './traefik-routing';

/** Options for {@link ProxyExposure.traefik}. */
export interface TraefikProxyExposureOptions {
  /**
   * Traefik entry points the IngressRoutes listen on.
   * @default ['websecure']
   */
  readonly entryPoints?: readonly string[];
  /**
   * TLS termination at Traefik.
   * @default - no TLS section (plain HTTP entry point; not recommended)
   */
  readonly tls?: GatewayTls;
}

/** Options for {@link ProxyExposure.loadBalancer}. */
export interface LoadBalancerProxyExposureOptions {
  /**
   * Port the load balancer listens on; it forwards to the proxy's traffic port. The proxy
   * speaks plain HTTP: terminate TLS at the load balancer (see `annotations`).
   * @default 80
   */
  readonly port?: number;
  /**
   * Annotations of the LoadBalancer Service: TLS certificates, internal/external, shape
   * (e.g. `service.beta.kubernetes.io/aws-load-balancer-ssl-cert`,
   * `service.beta.kubernetes.io/oci-load-balancer-ssl-ports`).
   * @default {}
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Client CIDRs allowed through the load balancer.
   * @default - every address
   */
  readonly sourceRanges?: readonly string[];
}

/** @internal */
export type ProxyExposureModel =
  | { readonly kind: 'cluster' }
  | { readonly kind: 'traefik'; readonly entryPoints: readonly string[]; readonly tls?: GatewayTls }
  | { readonly kind: 'loadBalancer'; readonly port: number; readonly annotations: Readonly<Record<string, string>>; readonly sourceRanges: readonly string[] };

/**
 * How traffic from outside the cluster reaches a {@link ReferenceProxyGateway}. The admin
 * port (health, metrics) is never exposed.
 */
export class ProxyExposure {
  /** Only in-cluster clients reach the proxy's ClusterIP Service (add your own Ingress). */
  static clusterOnly(): ProxyExposure {
    return new ProxyExposure({ kind: 'cluster' });
  }

  /** Open-source Traefik in front: one IngressRoute per API, sending it to the proxy. */
  static traefik(options: TraefikProxyExposureOptions = {}): ProxyExposure {
    return new ProxyExposure({ kind: 'traefik', entryPoints: [...(options.entryPoints ?? ['websecure'])], ...(options.tls ? { tls: options.tls } : {}) });
  }

  /** A Service of type LoadBalancer in front of the proxy's traffic port. */
  static loadBalancer(options: LoadBalancerProxyExposureOptions = {}): ProxyExposure {
    return new ProxyExposure({
      kind: 'loadBalancer',
      port: options.port ?? 80,
      annotations: { ...(options.annotations ?? {}) },
      sourceRanges: [...(options.sourceRanges ?? [])],
    });
  }

  private constructor(private readonly model: ProxyExposureModel) {}

  /** @internal */
  _toModel(): ProxyExposureModel {
    return this.model;
  }
}

import type { IngressRouteProps, MiddlewareProps, ServersTransportProps } from '../../../imports/traefik.io';
import type { RenderedSecretKey } from '../rendered-secret-key';

/** One traefik.io object, typed by the classes `cdk8s import` generated from the CRDs. */
export type TraefikObject =
  | { readonly kind: 'Middleware'; readonly name: string; readonly props: MiddlewareProps }
  | { readonly kind: 'IngressRoute'; readonly name: string; readonly props: IngressRouteProps }
  | { readonly kind: 'ServersTransport'; readonly name: string; readonly props: ServersTransportProps };

/** A Middleware an IngressRoute lists; `namespace` only when it lives elsewhere. */
export interface MiddlewareRef {
  readonly name: string;
  readonly namespace?: string;
}

/** What a Traefik renderer produces for one route. */
export interface RenderedTraefikRoute {
  /** Objects that belong to this route only. */
  readonly objects: TraefikObject[];
  /**
   * Objects several routes may share (an OAuth token middleware used by many APIs). The
   * gateway emits each name once and fails if two routes render it differently.
   */
  readonly shared: TraefikObject[];
  /** Secret keys the objects reference; the secret sync materializes exactly these. */
  readonly secretKeys: RenderedSecretKey[];
}

import { ServersTransportSpecForwardingTimeoutsResponseHeaderTimeout } from '../../../imports/traefik.io';
import { DEFAULT_UPSTREAM_TIMEOUT_SECONDS, type ApiRouteModel } from '../../model';
import { routeObjectName, RouteObject } from '../../plan/object-names';
import { metadataFor } from './object-metadata';
import type { TraefikObject } from './rendered-object';
import type { TraefikGatewayTarget } from './traefik-settings';

/** The transport of one route's backend connections, and whether several routes share it. */
export interface RenderedServersTransport {
  readonly object: TraefikObject;
  /** True for a transport that depends on the timeout alone: one per gateway and timeout. */
  readonly shared: boolean;
}

/**
 * The `ServersTransport` of a route: the upstream timeout (`timeoutSeconds`, Traefik's
 * `forwardingTimeouts.responseHeaderTimeout`, which is unbounded by default), and for an https
 * Service in the cluster, the name its certificate is checked against — Traefik dials pod
 * addresses and would otherwise check the certificate against an IP — and a private CA.
 */
export function renderServersTransport(gateway: TraefikGatewayTarget, route: ApiRouteModel): RenderedServersTransport {
  const seconds = route.timeoutSeconds ?? DEFAULT_UPSTREAM_TIMEOUT_SECONDS;
  const forwardingTimeouts = { responseHeaderTimeout: ServersTransportSpecForwardingTimeoutsResponseHeaderTimeout.fromString(`${seconds}s`) };
  const b = route.backend;
  if (b.kind === 'service' && b.scheme === 'https') {
    const name = routeObjectName(route.name, RouteObject.TRANSPORT);
    const namespace = b.namespace ?? gateway.namespace ?? 'default';
    const rootCa = b.tls?.rootCa;
    return {
      shared: false,
      object: {
        kind: 'ServersTransport',
        name,
        props: {
          metadata: metadataFor(gateway, name),
          spec: {
            serverName: b.tls?.serverName ?? `${b.serviceName}.${namespace}.svc`,
            ...(rootCa ? { rootCAs: [rootCa.kind === 'secret' ? { secret: rootCa.name } : { configMap: rootCa.name }] } : {}),
            forwardingTimeouts,
          },
        },
      },
    };
  }
  const name = `${gateway.name}-transport-${seconds}s`;
  return {
    shared: true,
    object: { kind: 'ServersTransport', name, props: { metadata: metadataFor(gateway, name), spec: { forwardingTimeouts } } },
  };
}

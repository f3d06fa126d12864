import type { GatewayModel } from '../../model';

/** Name and, when the gateway has one, namespace: every Traefik object lives beside its gateway. */
export function metadataFor(gateway: GatewayModel, name: string) {
  return { name, ...(gateway.namespace ? { namespace: gateway.namespace } : {}) };
}

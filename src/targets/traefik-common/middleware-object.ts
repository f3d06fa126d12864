import type { MiddlewareSpec } from '../../../imports/traefik.io';
import { metadataFor } from './object-metadata';
import type { TraefikObject } from './rendered-object';

/** A traefik.io Middleware named `name`, beside its gateway, with `spec`. */
export function traefikMiddleware(gateway: { readonly namespace?: string }, name: string, spec: MiddlewareSpec): TraefikObject {
  return { kind: 'Middleware', name, props: { metadata: metadataFor(gateway, name), spec } };
}

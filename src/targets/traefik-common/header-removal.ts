import type { HeaderRemoval } from '../../plan/request-transformation';
import { metadataFor } from './object-metadata';
import type { TraefikObject } from './rendered-object';

/**
 * A `headers` Middleware that removes the given request headers: Traefik deletes a request
 * header whose custom value is empty. How the plan's removals (`RequestTransformation`) look
 * on Traefik and Traefik Hub.
 */
export function renderHeaderRemoval(gateway: { readonly namespace?: string }, name: string, removals: readonly HeaderRemoval[]): TraefikObject {
  return {
    kind: 'Middleware',
    name,
    props: {
      metadata: metadataFor(gateway, name),
      spec: { headers: { customRequestHeaders: Object.fromEntries(removals.map((r) => [r.header, ''])) } },
    },
  };
}

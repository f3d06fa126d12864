/** Name and, when the gateway has one, namespace: every Traefik object lives beside its gateway. */
export function metadataFor(gateway: { readonly namespace?: string }, name: string) {
  return { name, ...(gateway.namespace ? { namespace: gateway.namespace } : {}) };
}

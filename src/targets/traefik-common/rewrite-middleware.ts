import { prefixRewriteRegex, type ApiRouteModel, type GatewayModel } from '../../model';
import { metadataFor } from './object-metadata';
import type { TraefikObject } from './rendered-object';

/** `replacePathRegex` for a virtual endpoint, or nothing when the path passes unchanged. */
export function renderRewriteMiddleware(gateway: GatewayModel, route: ApiRouteModel): TraefikObject | undefined {
  if (route.rewrite.kind === 'none') return undefined;
  const { regex, replacement } = prefixRewriteRegex(route.rewrite.from, route.rewrite.to);
  const name = `${route.name}-rewrite`;
  return {
    kind: 'Middleware',
    name,
    props: {
      metadata: metadataFor(gateway, name),
      spec: { replacePathRegex: { regex, replacement } },
    },
  };
}

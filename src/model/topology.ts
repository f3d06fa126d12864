import { z } from 'zod';
import { apiRouteSchema, type ApiRouteModel } from './api-route';
import { gatewaySchema } from './gateway';
import { secretRefsOfCredential } from './upstream-credential';
import type { SecretRefModel } from './secret-ref';

/**
 * The whole declared topology: what the report, the security diff and the reference proxy
 * read. Constructs build it; nothing here knows cdk8s.
 */
export const topologySchema = z.object({
  gateways: z.array(gatewaySchema.extend({ routes: z.array(apiRouteSchema) })),
});
export type TopologyModel = z.infer<typeof topologySchema>;

/** Every Secret key a route reads: client auth keys and upstream credentials. */
export function secretRefsOfRoute(route: ApiRouteModel): SecretRefModel[] {
  const refs: SecretRefModel[] = [];
  if (route.clientAuth.kind === 'apiKey') refs.push(...route.clientAuth.keys);
  for (const c of route.upstreamAuth) refs.push(...secretRefsOfCredential(c));
  return refs;
}

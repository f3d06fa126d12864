import { z } from 'zod';
import { dnsLabel } from './names';

/** The engines gatewright renders to. */
export enum GatewayEngine {
  /** Traefik Hub API Gateway. */
  TRAEFIK_HUB = 'traefik-hub',
  /** Open-source Traefik v3 with forwardAuth to the reference proxy. */
  TRAEFIK = 'traefik',
  /** Ory Oathkeeper. */
  OATHKEEPER = 'oathkeeper',
  /** The bundled reference proxy, inline. */
  REFERENCE_PROXY = 'reference-proxy',
}

/**
 * A gateway as every engine and report sees it. Engine-specific settings (Traefik entry
 * points and certificate resolvers, Oathkeeper ports and rule delivery) belong to the engine's
 * renderer, not here.
 */
export const gatewaySchema = z.object({
  name: dnsLabel,
  path: z.string(),
  engine: z.enum(GatewayEngine),
  namespace: dnsLabel.optional(),
  /** Where traffic enters, in the engine's own words, for reports (`websecure`, `load balancer :443`). */
  listeners: z.array(z.string().min(1)).min(1),
  /** How TLS is terminated in front of the routes, for reports; absent when nothing says TLS. */
  tls: z.string().min(1).optional(),
});
export type GatewayModel = z.infer<typeof gatewaySchema>;

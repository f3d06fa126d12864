import { z } from 'zod';
import { dnsLabel, dnsSubdomain, servedHost } from './names';

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

export const gatewayTlsSchema = z
  .object({
    certResolver: z.string().min(1).optional(),
    secretName: dnsSubdomain.optional(),
    /** Extra SANs; the served hosts are always listed. */
    domains: z.array(servedHost).default([]),
  })
  .refine((t) => !(t.certResolver && t.secretName), {
    message: 'set either certResolver or secretName, not both',
  });

export const gatewaySchema = z.object({
  name: dnsLabel,
  path: z.string(),
  engine: z.enum(GatewayEngine),
  namespace: dnsLabel.optional(),
  entryPoints: z.array(z.string().min(1)).min(1, { message: 'needs at least one entry point, e.g. ["websecure"]' }),
  tls: gatewayTlsSchema.optional(),
});
export type GatewayModel = z.infer<typeof gatewaySchema>;

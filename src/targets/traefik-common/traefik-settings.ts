import { z } from 'zod';
import { dnsSubdomain, servedHost } from '../../model';

/**
 * What a Traefik-family gateway (Traefik Hub, open-source Traefik, the reference proxy behind
 * Traefik) needs beyond the engine-neutral gateway: Traefik's own spelling of where routes
 * listen and how TLS is terminated. Only Traefik renderers read it.
 */
export const traefikTlsSchema = z
  .strictObject({
    /** ACME certificate resolver of Traefik's static configuration. */
    certResolver: z.string().min(1).optional(),
    /** `kubernetes.io/tls` Secret holding the certificate. */
    secretName: dnsSubdomain.optional(),
    /** Extra SANs; each route's host is always the main domain. */
    domains: z.array(servedHost).default([]),
  })
  .refine((t) => !(t.certResolver && t.secretName), { message: 'set either certResolver or secretName, not both' });
export type TraefikTls = z.infer<typeof traefikTlsSchema>;

export const traefikSettingsSchema = z.strictObject({
  /** Traefik entry points the routes listen on. */
  entryPoints: z.array(z.string().min(1)).min(1, { message: 'needs at least one entry point, e.g. ["websecure"]' }),
  tls: traefikTlsSchema.optional(),
  /**
   * Traefik runs with `providers.kubernetesCRD.allowCrossNamespace=true`, so an IngressRoute may
   * name a Service or Middleware of another namespace.
   */
  allowCrossNamespace: z.boolean().default(false),
});
export type TraefikSettings = z.infer<typeof traefikSettingsSchema>;

/** A Traefik-family gateway as its renderers see it. */
export interface TraefikGatewayTarget {
  readonly name: string;
  /** Construct path, for errors. */
  readonly path: string;
  readonly namespace?: string;
  readonly settings: TraefikSettings;
}

/** How a gateway's TLS reads in reports. */
export function describeTraefikTls(tls: TraefikTls | undefined): string | undefined {
  if (!tls) return undefined;
  return tls.certResolver ? `cert resolver ${tls.certResolver}` : `Secret ${tls.secretName ?? '(default certificate)'}`;
}

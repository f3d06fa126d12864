import { z } from 'zod';
import { dnsLabel, dnsSubdomain, hostName, port } from './names';

export const externalNameBackendSchema = z.object({
  kind: z.literal('externalName'),
  /** Name of the generated ExternalName Service. */
  serviceName: dnsLabel,
  namespace: dnsLabel.optional(),
  externalName: hostName,
  port,
  scheme: z.enum(['https', 'http']),
});

/**
 * How an https in-cluster backend's certificate is checked. Gateways that dial pod addresses
 * (Traefik) must be told the name the certificate carries; a private CA must be named too.
 */
export const backendTlsSchema = z.strictObject({
  /** Name the backend's certificate is issued for. Absent: `<service>.<namespace>.svc`. */
  serverName: hostName.optional(),
  /** The CA certificate that signed it (key `ca.crt`), when it is not a public one. */
  rootCa: z.strictObject({ kind: z.enum(['secret', 'configMap']), name: dnsSubdomain }).optional(),
});
export type BackendTlsModel = z.infer<typeof backendTlsSchema>;

export const serviceBackendSchema = z.object({
  kind: z.literal('service'),
  serviceName: dnsLabel,
  namespace: dnsLabel.optional(),
  port,
  scheme: z.enum(['https', 'http']),
  tls: backendTlsSchema.optional(),
});

export const backendSchema = z.discriminatedUnion('kind', [externalNameBackendSchema, serviceBackendSchema]);
export type BackendModel = z.infer<typeof backendSchema>;
export type ExternalNameBackendModel = z.infer<typeof externalNameBackendSchema>;

/**
 * The `Host` header an external backend receives when the caller's is not preserved: its own
 * name, with the port only when it is not the scheme's default (`api.example.com`, never
 * `api.example.com:443`, which some hosts refuse or route elsewhere).
 */
export function externalHostHeader(b: ExternalNameBackendModel): string {
  return b.port === (b.scheme === 'https' ? 443 : 80) ? b.externalName : `${b.externalName}:${b.port}`;
}

/** The host a request finally reaches (for reports and the proxy). */
export function backendHost(b: BackendModel, defaultNamespace = 'default'): string {
  return b.kind === 'externalName' ? b.externalName : `${b.serviceName}.${b.namespace ?? defaultNamespace}.svc`;
}

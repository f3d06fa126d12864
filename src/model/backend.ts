import { z } from 'zod';
import { dnsLabel, hostName, port } from './names';

export const externalNameBackendSchema = z.object({
  kind: z.literal('externalName'),
  /** Name of the generated ExternalName Service. */
  serviceName: dnsLabel,
  namespace: dnsLabel.optional(),
  externalName: hostName,
  port,
  scheme: z.enum(['https', 'http']),
});

export const serviceBackendSchema = z.object({
  kind: z.literal('service'),
  serviceName: dnsLabel,
  namespace: dnsLabel.optional(),
  port,
  scheme: z.enum(['https', 'http']),
});

export const backendSchema = z.discriminatedUnion('kind', [externalNameBackendSchema, serviceBackendSchema]);
export type BackendModel = z.infer<typeof backendSchema>;
export type ExternalNameBackendModel = z.infer<typeof externalNameBackendSchema>;

/** The host a request finally reaches (for reports and the proxy). */
export function backendHost(b: BackendModel, defaultNamespace = 'default'): string {
  return b.kind === 'externalName' ? b.externalName : `${b.serviceName}.${b.namespace ?? defaultNamespace}.svc`;
}

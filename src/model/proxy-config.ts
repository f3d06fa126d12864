import { z } from 'zod';
import { apiRouteSchema } from './api-route';
import type { SecretRefModel } from './secret-ref';

/**
 * The reference proxy's configuration: the same validated routes every other engine renders,
 * plus process settings. Secrets are never in it: the proxy reads each referenced Secret key
 * from a mounted file (`<secretsDir>/<secretName>/<key>`, re-read on change) or, failing
 * that, from the environment variable {@link secretEnvName}.
 */
export const proxyConfigSchema = z.object({
  version: z.literal(1),
  /** Directory where Secrets are mounted, one sub-directory per Secret. */
  secretsDir: z.string().default('/var/run/secrets/gatewright'),
  listen: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8080),
      adminPort: z.number().int().min(0).max(65535).default(9090),
    })
    .default({ host: '0.0.0.0', port: 8080, adminPort: 9090 }),
  /** Path of the Traefik forwardAuth endpoint on the main port. */
  forwardAuthPath: z.string().startsWith('/').default('/_gatewright/forward-auth'),
  limits: z
    .object({
      maxHeaderBytes: z.number().int().min(1024).default(16384),
      maxTokenBytes: z.number().int().min(256).default(8192),
    })
    .default({ maxHeaderBytes: 16384, maxTokenBytes: 8192 }),
  routes: z.array(apiRouteSchema),
});
export type ProxyConfigModel = z.infer<typeof proxyConfigSchema>;
export type ProxyConfigInput = z.input<typeof proxyConfigSchema>;

/** `GW_SECRET_<SECRET>_<KEY>`, upper-cased, non-alphanumerics as `_`. */
export function secretEnvName(ref: Pick<SecretRefModel, 'secretName' | 'key'>): string {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return `GW_SECRET_${norm(ref.secretName)}_${norm(ref.key)}`;
}

/** Where a Secret key is mounted inside the proxy container. */
export function secretFilePath(ref: Pick<SecretRefModel, 'secretName' | 'key'>, secretsDir: string): string {
  return `${secretsDir.replace(/\/$/, '')}/${ref.secretName}/${ref.key}`;
}

import { z } from 'zod';
import { apiRouteSchema } from './api-route';
import type { SecretRefModel } from './secret-ref';

/**
 * The reference proxy's configuration: the same validated routes every other engine renders,
 * plus process settings. Secrets are never in it: the proxy reads each referenced Secret key
 * from a mounted file (`<secretsDir>/<secretName>/<key>`, re-read on change; one trailing
 * `\n` or `\r\n` is ignored) or, failing that, from the environment variable
 * `secretEnvName(ref)` (see `src/plan/derived-secrets.ts`), taken as it is.
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
  /**
   * Serve the forwardAuth endpoint. Its 200 answers carry upstream credentials, so the
   * `ReferenceProxy` construct renders `false` unless a `TraefikGateway` routes through the
   * proxy. Absent means `true`, for hand-written configs.
   */
  forwardAuthEnabled: z.boolean().optional(),
  limits: z
    .object({
      maxHeaderBytes: z.number().int().min(1024).default(16384),
      maxTokenBytes: z.number().int().min(256).default(8192),
      /**
       * Verified JWTs kept (in one cache shared by all routes, so this bounds memory) so a token's
       * RS256 signature is checked once, not on every request (time claims are re-checked on
       * every hit). Oldest entries are evicted first.
       */
      verifiedTokenCacheEntries: z.number().int().min(0).default(10000),
    })
    .default({ maxHeaderBytes: 16384, maxTokenBytes: 8192, verifiedTokenCacheEntries: 10000 }),
  /** JWKS caching: keys are refetched at most once per cool-down when a token names an unknown `kid`. */
  jwks: z
    .object({
      /** Minimum seconds between two fetches triggered by an unknown `kid`. */
      refetchCooldownSeconds: z.number().int().min(0).default(30),
      /** Keys older than this are refreshed in the background; they keep working if the JWKS endpoint is down. */
      maxAgeSeconds: z.number().int().min(1).default(600),
    })
    .default({ refetchCooldownSeconds: 30, maxAgeSeconds: 600 }),
  /** OAuth2 token requests: retried with exponential backoff on network errors and 5xx, never on 4xx. */
  tokenRequests: z
    .object({
      retries: z.number().int().min(0).max(10).default(3),
      /** First retry delay; each further retry doubles it. */
      backoffMillis: z.number().int().min(0).default(200),
      timeoutSeconds: z.number().int().min(1).default(10),
    })
    .default({ retries: 3, backoffMillis: 200, timeoutSeconds: 10 }),
  /** How often mounted Secret files are re-read, so a rotated Secret needs no restart. */
  secretRefreshSeconds: z.number().int().min(1).default(10),
  /**
   * On SIGTERM, how long the proxy keeps accepting and serving while `/readyz` answers 503,
   * before it stops accepting. Kubernetes removes a terminating pod from Service endpoints
   * (kube-proxy, Traefik) a moment after sending SIGTERM; connections routed to it meanwhile
   * would otherwise be refused. 0 stops accepting at once. SIGINT never waits.
   * @default 5
   */
  shutdownDelaySeconds: z.number().int().min(0).default(5),
  /**
   * Once the proxy stops accepting (after `shutdownDelaySeconds`), in-flight requests get this
   * long to finish before connections are closed.
   * @default 25
   */
  shutdownGraceSeconds: z.number().int().min(0).default(25),
  /**
   * Test and playground facility: outbound origins (`https://host[:port]`) replaced by another
   * origin (`http://127.0.0.1:PORT`) for JWKS, token and backend requests, so a local run can
   * keep the production-shaped https URLs of the model. The `Host` header sent to a backend is
   * unchanged. Leave empty in production.
   */
  originOverrides: z
    .record(
      z.string().regex(/^https?:\/\/[^/?#\s]+$/, { message: 'keys must be origins such as "https://idp.example.com"' }),
      z.string().regex(/^https?:\/\/[^/?#\s]+$/, { message: 'values must be origins such as "http://127.0.0.1:9000"' }),
    )
    .default({}),
  routes: z.array(apiRouteSchema),
});
export type ProxyConfigModel = z.infer<typeof proxyConfigSchema>;
export type ProxyConfigInput = z.input<typeof proxyConfigSchema>;

/** Where a Secret key is mounted inside the proxy container. */
export function secretFilePath(ref: Pick<SecretRefModel, 'secretName' | 'key'>, secretsDir: string): string {
  return `${secretsDir.replace(/\/$/, '')}/${ref.secretName}/${ref.key}`;
}

import { isIP } from 'node:net';
import { z } from 'zod';
import { apiRouteSchema } from './api-route';
import { headerName } from './names';
import type { SecretRefModel } from './secret-ref';

/**
 * Defaults of the proxy's process settings, the one place they are written: the config
 * schema below applies them to a hand-written config, the `ReferenceProxy` construct to the
 * config and Deployment it renders.
 */
export const PROXY_DEFAULTS = {
  port: 8080,
  adminPort: 9090,
  /** Next to the traffic port's 8080. */
  forwardAuthPort: 8081,
  secretsDir: '/var/run/secrets/gatewright',
  forwardAuthPath: '/_gatewright/forward-auth',
  shutdownDelaySeconds: 5,
  maxHeaderBytes: 16384,
  maxTokenBytes: 8192,
} as const;

/** Port of the forwardAuth listener unless configured. */
export const DEFAULT_FORWARD_AUTH_PORT = PROXY_DEFAULTS.forwardAuthPort;

/** Where Secrets are mounted: an absolute directory, no trailing `/`. */
export const secretsDirSchema = z.string().regex(/^\/[^\s]*[^/\s]$/, { message: 'must be an absolute directory without a trailing "/", e.g. "/var/run/secrets/gatewright"' });

/** Path of the forwardAuth endpoint: plain URL path characters only (it is matched as text). */
export const forwardAuthPathSchema = z.string().regex(/^\/[-._~/a-zA-Z0-9]*$/, { message: 'must be a plain absolute path, e.g. "/_gatewright/forward-auth"' });

/**
 * A listener port of the process. 0 asks the operating system for a free port (local runs and
 * tests); a Deployment needs fixed ports, which the `ReferenceProxy` construct requires.
 */
const listenPort = z.number().int().min(0).max(65535);

/** An address block in CIDR notation (`10.0.0.0/8`, `fd00::/8`), or one address. */
export const cidr = z.string().superRefine((v, ctx) => {
  const slash = v.indexOf('/');
  const address = slash === -1 ? v : v.slice(0, slash);
  const family = isIP(address);
  const bits = slash === -1 ? (family === 6 ? 128 : 32) : /^\d{1,3}$/.test(v.slice(slash + 1)) ? Number(v.slice(slash + 1)) : NaN;
  if (family === 0 || !(bits >= 0 && bits <= (family === 6 ? 128 : 32))) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not an address block; write CIDR notation such as "10.42.0.0/16" or "fd00::/8"` });
  } else if (bits === 0) {
    ctx.addIssue({ code: 'custom', message: `"${v}" trusts every address; name the blocks of your load balancers or Traefik pods` });
  }
});

/**
 * The reference proxy's configuration: the same validated routes every other engine renders,
 * plus process settings. Secrets are never in it: the proxy reads each referenced Secret key
 * from a mounted file (`<secretsDir>/<secretName>/<key>`, re-read on change; one trailing
 * `\n` or `\r\n` is ignored) or, failing that, from the environment variable
 * `secretEnvName(ref)` (see `src/plan/derived-secrets.ts`), taken as it is.
 */
export const proxyConfigSchema = z.strictObject({
  version: z.literal(1),
  /** Directory where Secrets are mounted, one sub-directory per Secret. */
  secretsDir: secretsDirSchema.default(PROXY_DEFAULTS.secretsDir),
  listen: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: listenPort.default(PROXY_DEFAULTS.port),
      adminPort: listenPort.default(PROXY_DEFAULTS.adminPort),
      /**
       * Port of the Traefik forwardAuth endpoint: a listener of its own, never the traffic port
       * that inline routes and load balancers reach, because its answers carry upstream
       * credentials. Only opened when forwardAuth is enabled; expose it to Traefik alone.
       * @default 8081
       */
      forwardAuthPort: listenPort.default(PROXY_DEFAULTS.forwardAuthPort),
    })
    .default({ host: '0.0.0.0', port: PROXY_DEFAULTS.port, adminPort: PROXY_DEFAULTS.adminPort, forwardAuthPort: PROXY_DEFAULTS.forwardAuthPort }),
  /**
   * Path of the Traefik forwardAuth endpoint on the forwardAuth port (`<path>/<route name>`).
   * The traffic port answers 404 below it.
   */
  forwardAuthPath: forwardAuthPathSchema.default(PROXY_DEFAULTS.forwardAuthPath),
  /**
   * Serve the forwardAuth endpoint. Its 200 answers carry upstream credentials, so the
   * `ReferenceProxy` construct renders `false` unless a `TraefikGateway` routes through the
   * proxy. Absent means `true`, for hand-written configs.
   */
  forwardAuthEnabled: z.boolean().optional(),
  /**
   * Hops in front of the proxy (load balancers, Traefik pods) whose forwarding headers are
   * believed: from a connection out of these blocks, `X-Forwarded-For` is extended and
   * `X-Forwarded-Proto/Host/Port` and `X-Real-Ip` kept; from anyone else they are overwritten
   * from the connection (RFC 7239 §8.1). In CIDR notation.
   * @default []
   */
  trustedHops: z.array(cidr).default([]),
  /**
   * Request headers removed from every request on every route, beyond the identity,
   * forwarding and override headers the request transformation always removes.
   * @default []
   */
  stripRequestHeaders: z.array(headerName).default([]),
  /** Limits on the caller's side of each connection. */
  timeouts: z
    .strictObject({
      /**
       * Seconds a caller has to send the complete request head; slower ones get 408.
       * @default 60
       */
      requestHeadersSeconds: z.number().int().min(1).max(3600).default(60),
      /**
       * Seconds a caller has to send the complete request, body included (0: no limit, for
       * long uploads); WebSockets are not bound by it once upgraded.
       * @default 300
       */
      requestSeconds: z.number().int().min(0).max(86400).default(300),
      /**
       * Seconds an idle keep-alive connection is kept open. Above the idle timeouts of Traefik
       * (90 s), nginx and cloud load balancers (60 s): a connection the proxy closes just as the
       * hop in front reuses it turns into a 502 for a non-idempotent request.
       * @default 95
       */
      clientIdleSeconds: z.number().int().min(1).max(3600).default(95),
    })
    .refine((t) => t.requestSeconds === 0 || t.requestHeadersSeconds <= t.requestSeconds, {
      message: 'requestHeadersSeconds must not exceed requestSeconds (the head is part of the request); raise requestSeconds or set it to 0',
    })
    .default({ requestHeadersSeconds: 60, requestSeconds: 300, clientIdleSeconds: 95 }),
  limits: z
    .strictObject({
      maxHeaderBytes: z.number().int().min(1024).default(PROXY_DEFAULTS.maxHeaderBytes),
      /**
       * Most header lines a request may carry; more are refused with 431. Node's parser keeps
       * only the first 2,000 and drops the rest unseen, which would let a second `Host` or
       * `Authorization` after them slip past the duplicate checks.
       * @default 100
       */
      maxHeaderCount: z.number().int().min(8).max(1000).default(100),
      maxTokenBytes: z.number().int().min(256).default(PROXY_DEFAULTS.maxTokenBytes),
      /**
       * Verified JWTs kept (in one cache shared by all routes, so this bounds memory) so a token's
       * RS256 signature is checked once, not on every request (time claims are re-checked on
       * every hit). Oldest entries are evicted first.
       */
      verifiedTokenCacheEntries: z.number().int().min(0).default(10000),
    })
    .default({ maxHeaderBytes: PROXY_DEFAULTS.maxHeaderBytes, maxHeaderCount: 100, maxTokenBytes: PROXY_DEFAULTS.maxTokenBytes, verifiedTokenCacheEntries: 10000 }),
  /**
   * JWKS caching: keys are refreshed every `maxAgeSeconds` whether or not tokens are verified
   * (so a revoked key stops verifying cached tokens too), and refetched at most once per
   * cool-down when a token names an unknown `kid`.
   */
  jwks: z
    .strictObject({
      /** Minimum seconds between two fetches triggered by an unknown `kid`. */
      refetchCooldownSeconds: z.number().int().min(0).default(30),
      /**
       * Seconds between background refreshes of the key set; tokens verified with a key that
       * left the set are dropped from the cache. Keys keep working while the endpoint is down.
       */
      maxAgeSeconds: z.number().int().min(1).default(600),
    })
    .default({ refetchCooldownSeconds: 30, maxAgeSeconds: 600 }),
  /** OAuth2 token requests: retried with exponential backoff on network errors and 5xx, never on 4xx. */
  tokenRequests: z
    .strictObject({
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
  shutdownDelaySeconds: z.number().int().min(0).default(PROXY_DEFAULTS.shutdownDelaySeconds),
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

import { z } from 'zod';
import { backendSchema } from './backend';
import { clientAuthSchema } from './client-auth';
import { claimName, claimValue, dnsLabel, httpMethod, safeRecord, scopeToken, servedHost, urlPath } from './names';
import { rewriteSchema } from './rewrite';
import { upstreamCredentialSchema } from './upstream-credential';

/** The upstream timeout of a route that sets none, on engines that have one (the reference proxy, Traefik). */
export const DEFAULT_UPSTREAM_TIMEOUT_SECONDS = 30;

/** Per-route authorization, checked after the caller is authenticated. */
export const authorizationSchema = z.object({
  /**
   * Allowed methods; empty means the ordinary methods (`HTTP_METHODS`). TRACE is allowed only
   * when listed here, and even then is forwarded without upstream credentials.
   * @default []
   */
  methods: z.array(httpMethod).default([]),
  /** Scopes the caller's token must all carry (`scope` string or `scp` array). */
  scopes: z.array(scopeToken).default([]),
  /** Exact-match claim checks for this route (in addition to the JWT's `requiredClaims`). */
  claims: safeRecord(claimName, claimValue).default({}),
});
export type AuthorizationModel = z.infer<typeof authorizationSchema>;

/**
 * One exposed API: the engine-neutral heart of gatewright. Every engine renders exactly this,
 * and the reference proxy executes it.
 */
export const apiRouteSchema = z.object({
  /** Base of every generated object name (`echo` → `echo-jwt`, `echo`). */
  name: dnsLabel,
  /** Construct path, for error messages and reports. */
  path: z.string(),
  host: servedHost,
  /** Literal path prefix the route matches: the path itself and everything below it. */
  pathPrefix: urlPath.default('/'),
  clientAuth: clientAuthSchema,
  authorization: authorizationSchema.default({ methods: [], scopes: [], claims: {} }),
  /** Credentials the gateway adds toward the backend, in order. */
  upstreamAuth: z.array(upstreamCredentialSchema).default([]),
  rewrite: rewriteSchema.default({ kind: 'none' }),
  backend: backendSchema,
  /** Forward the caller's Host header instead of the backend's own host. */
  preserveHost: z.boolean().default(false),
  /**
   * Forward the caller's `Cookie` header to the backend. `SecuredApi` always sets this
   * explicitly (false for ExternalName backends, so a third party never receives the
   * caller's first-party session cookies); the schema default `true` only keeps hand-written
   * reference proxy configs working as before.
   */
  forwardCookies: z.boolean().default(true),
  /**
   * Forwarding headers toward the backend: `overwrite` (written by the gateway from the
   * connection) or `hide` (none: a third party learns nothing about the caller or the public
   * request). `SecuredApi` sets `hide` for ExternalName backends.
   */
  forwardingHeaders: z.enum(['overwrite', 'hide']).default('overwrite'),
  /**
   * Upstream timeout in seconds: how long the gateway waits for the backend's response headers.
   * Absent: {@link DEFAULT_UPSTREAM_TIMEOUT_SECONDS} on engines that have such a timeout.
   */
  timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  /**
   * Largest request body forwarded, in bytes: a declared `Content-Length` above it is answered
   * 413 before the backend is contacted, and a chunked body is cut off when it grows past it.
   * @default - no limit
   */
  maxBodyBytes: z.number().int().min(1, { message: 'must be at least 1 (Traefik reads 0 as no limit)' }).optional(),
  /**
   * Let callers open WebSocket connections (`Upgrade: websocket`, RFC 6455) on this route. The
   * handshake is authenticated, authorized and given the upstream credential like any request;
   * the connection is then piped both ways. Other protocol upgrades (`h2c`) are never forwarded.
   * @default false
   */
  allowWebSocket: z.boolean().default(false),
  /**
   * Close a WebSocket opened with a JWT once that token expires (`exp` plus the clock
   * tolerance), so a connection does not outlive the credential it was authorized with.
   * @default true
   */
  closeWebSocketAtTokenExpiry: z.boolean().default(true),
});
export type ApiRouteModel = z.infer<typeof apiRouteSchema>;

/**
 * {@link apiRouteSchema} for a route assembled from parts that were validated on their own
 * (`SecuredApi`: the client auth and upstream credentials each validate once, however
 * many routes share them). Everything else is checked as in `apiRouteSchema`; the result is
 * the same model.
 */
export const assembledRouteSchema = apiRouteSchema.extend({
  clientAuth: z.custom<z.infer<typeof clientAuthSchema>>(),
  upstreamAuth: z.array(z.custom<z.infer<typeof upstreamCredentialSchema>>()),
});
export type ApiRouteInput = z.input<typeof apiRouteSchema>;

/** Every host outside the cluster a route makes the gateway call: backend, token and JWKS endpoints. */
export function externalHostsOfRoute(route: ApiRouteModel): string[] {
  const hosts: string[] = [];
  if (route.backend.kind === 'externalName') hosts.push(route.backend.externalName);
  if (route.clientAuth.kind === 'jwt') hosts.push(new URL(route.clientAuth.jwksUrl).hostname);
  for (const c of route.upstreamAuth) if (c.kind === 'oauth2ClientCredentials') hosts.push(new URL(c.tokenUrl).hostname);
  return hosts;
}

import { createHash } from 'node:crypto';
import { STATUS_CODES, createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import { Agent } from 'undici';
import {
  secretRefsOfRoute,
  type ApiRouteModel,
  type CredentialValueModel,
  type OAuthClientCredentialsModel,
  type ProxyConfigModel,
} from '../model';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import type { Authenticator } from './auth/auth-result';
import { JwksKeyStore } from './auth/jwks-key-store';
import { JwtAuthenticator } from './auth/jwt-authenticator';
import { VerifiedTokenCache } from './auth/verified-token-cache';
import { handleRequest } from './http/handle-request';
import type { HandlerContext } from './http/request-context';
import { createAccessLogger } from './ops/access-log';
import { createAdminServer } from './ops/admin-server';
import { ProxyMetrics } from './ops/metrics';
import { compileRoute, type CompiledRoute } from './routing/compiled-route';
import { RouteTable } from './routing/route-table';
import { SecretResolver } from './secrets/secret-resolver';
import { CredentialInjector } from './upstream/credential-injector';
import { OAuthTokenSource } from './upstream/oauth-token-source';
import { overrideOrigin } from './upstream/origin-overrides';

/** Idle time after which a client keep-alive connection is closed: above common gateway idle timeouts. */
const KEEP_ALIVE_TIMEOUT_MS = 95_000;

/** How long shutdown waits for outbound requests no caller waits for any more. */
const DISPATCHER_CLOSE_WAIT_MS = 1000;

export interface StartProxyOptions {
  /** Environment for `GW_SECRET_*` fallbacks. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where JSON log lines go. @default stdout */
  readonly logDestination?: DestinationStream;
  /** Include Node process metrics in `/metrics`. @default false */
  readonly processMetrics?: boolean;
}

/** A running proxy. */
export interface RunningProxy {
  /** `http://host:port` of the traffic port. */
  readonly url: string;
  /** `http://host:port` of the admin port. */
  readonly adminUrl: string;
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
  /** OAuth token sources by credential name (token request counts, for tests and the bench). */
  readonly tokenSources: ReadonlyMap<string, OAuthTokenSource>;
  /**
   * What SIGTERM does: report not-ready on `/readyz` while still accepting and serving for
   * `shutdownDelaySeconds` (until Kubernetes has taken the pod out of Service endpoints), then
   * {@link shutdown}.
   */
  terminate(): Promise<void>;
  /**
   * Graceful: stop accepting, let in-flight requests finish (up to the grace period), then close.
   * Called during {@link terminate}'s delay, it cuts the delay short.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the reference proxy for a validated config: compiles every route once (matching,
 * rewrites, authenticators, credential injectors), then serves the traffic port (inline and
 * forwardAuth) and the admin port.
 */
export async function startProxy(config: ProxyConfigModel, options: StartProxyOptions = {}): Promise<RunningProxy> {
  const logger = createAccessLogger(options.logDestination);
  const metrics = new ProxyMetrics({ defaultMetrics: options.processMetrics });
  const secrets = new SecretResolver(config.secretsDir, options.env ?? process.env, config.routes.flatMap(secretRefsOfRoute));
  secrets.startRefreshing(config.secretRefreshSeconds);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connect: { timeout: 10_000 } });

  // One cache for every JWT route: its entry limit bounds the proxy's memory. Per route, a
  // proxy with many JWT routes and many distinct callers (tokens of a few KB each) would grow
  // to routes x limit x token size and be OOM-killed at the Deployment's memory limit.
  const verifiedTokens = new VerifiedTokenCache(config.limits.verifiedTokenCacheEntries);
  metrics.trackVerifiedTokens(() => verifiedTokens.size);
  const keyStores = new Map<string, JwksKeyStore>();
  const jwtAuthenticators: JwtAuthenticator[] = [];
  const tokenSources = new Map<string, OAuthTokenSource>();
  const tokenSourcesByConfig = new Map<string, OAuthTokenSource>();

  const keyStoreFor = (jwksUrl: string): JwksKeyStore => {
    let store = keyStores.get(jwksUrl);
    if (!store) {
      store = new JwksKeyStore({
        url: overrideOrigin(jwksUrl, config.originOverrides),
        dispatcher,
        refetchCooldownMs: config.jwks.refetchCooldownSeconds * 1000,
        maxAgeMs: config.jwks.maxAgeSeconds * 1000,
        onKeysChanged: () => verifiedTokens.clear(),
      });
      keyStores.set(jwksUrl, store);
    }
    return store;
  };

  const resolveValue = (v: CredentialValueModel): string | undefined =>
    v.kind === 'secret' ? secrets.resolve(v.ref) : v.kind === 'unsafePlaintext' ? v.value : undefined;

  const tokenSourceFor = (c: OAuthClientCredentialsModel): OAuthTokenSource => {
    const id = createHash('sha256').update(JSON.stringify(c)).digest('hex');
    let source = tokenSourcesByConfig.get(id);
    if (!source) {
      source = new OAuthTokenSource({
        model: c,
        tokenUrl: overrideOrigin(c.tokenUrl, config.originOverrides),
        dispatcher,
        retries: config.tokenRequests.retries,
        backoffMs: config.tokenRequests.backoffMillis,
        timeoutMs: config.tokenRequests.timeoutSeconds * 1000,
        credentials: () => {
          const clientId = resolveValue(c.clientId);
          const clientSecret = resolveValue(c.clientSecret);
          const scopes = c.scopes.map(resolveValue);
          if (clientId === undefined || clientSecret === undefined || scopes.some((s) => s === undefined)) return undefined;
          return { clientId, clientSecret, scopes: scopes as string[] };
        },
        onFetch: (result) => metrics.tokenRequests.inc({ credential: c.name, result }),
      });
      tokenSourcesByConfig.set(id, source);
      tokenSources.set(c.name, source);
    }
    return source;
  };

  const authenticatorFor = (route: ApiRouteModel): Authenticator | undefined => {
    const auth = route.clientAuth;
    switch (auth.kind) {
      case 'jwt': {
        const a = new JwtAuthenticator(auth, {
          keys: keyStoreFor(auth.jwksUrl),
          maxTokenBytes: config.limits.maxTokenBytes,
          cache: verifiedTokens,
          cacheKey: `${jwtAuthenticators.length}\u0000`,
          onCache: (hit) => metrics.jwtCache.inc({ result: hit ? 'hit' : 'miss' }),
        });
        jwtAuthenticators.push(a);
        return a;
      }
      case 'apiKey':
        return new ApiKeyAuthenticator(auth, secrets);
      case 'none':
        return undefined;
      case 'oidcSession':
        throw new Error(`route ${route.name}: oidcSession is not executed by the reference proxy`);
    }
  };

  const compiled: CompiledRoute[] = config.routes.map((route) =>
    compileRoute(route, {
      authenticator: authenticatorFor(route),
      injector: new CredentialInjector(route.upstreamAuth, secrets, tokenSourceFor),
      originOverrides: config.originOverrides,
    }),
  );

  let draining = false;
  const ctx: HandlerContext = {
    routes: new RouteTable(compiled.map((r) => ({ host: r.model.host, pathPrefix: r.model.pathPrefix, value: r }))),
    routesByName: new Map(compiled.map((r) => [r.name, r])),
    forwardAuthPrefix: config.forwardAuthEnabled !== false ? `${config.forwardAuthPath.replace(/\/$/, '')}/` : undefined,
    dispatcher,
    logger,
    metrics,
    draining: () => draining,
  };

  const server = createServer(
    {
      maxHeaderSize: config.limits.maxHeaderBytes,
      requireHostHeader: true,
      // Traefik (90 s), nginx and cloud load balancers (60 s) keep idle upstream connections
      // open far longer than Node's 5 s default; a connection the proxy closes just as the
      // gateway reuses it turns into a 502 for a non-idempotent request. Idle longer than they do.
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    },
    (req, res) => handleRequest(ctx, req, res),
  );
  // `Expect: 100-continue`: answer only after the caller is authenticated and authorized, so an
  // unauthenticated client is refused before it sends its body (RFC 9110 §10.1.1).
  server.on('checkContinue', (req, res) => handleRequest(ctx, req, res));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    logger.warn({ mode: 'inline', outcome: 'bad_request', status, errorCode: err.code ?? 'unknown' }, 'malformed request rejected');
    metrics.observe('-', 'inline', 'bad_request', status, 0);
    const body = '{"error":"bad_request"}';
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
  });

  const admin = createAdminServer(metrics, {
    live: () => true,
    readiness: () => {
      const reasons = draining
        ? ['shutting down']
        : [...secrets.missing().map((id) => `missing Secret key ${id}`), ...secrets.malformed().map((id) => `Secret key ${id} contains control characters`)];
      return { ready: reasons.length === 0, reasons };
    },
  });

  try {
    await listen(server, config.listen.port, config.listen.host);
    await listen(admin, config.listen.adminPort, config.listen.host);
  } catch (err) {
    // A port in use: release what was opened, or the listening socket keeps the process alive
    // and `main` never exits with its error.
    server.close();
    admin.close();
    secrets.stopRefreshing();
    await dispatcher.close();
    throw err;
  }
  const url = `http://${hostForUrl(config.listen.host)}:${(server.address() as AddressInfo).port}`;
  const adminUrl = `http://${hostForUrl(config.listen.host)}:${(admin.address() as AddressInfo).port}`;
  if (Object.keys(config.originOverrides).length > 0) {
    logger.warn({ origins: Object.keys(config.originOverrides) }, 'originOverrides is set: outbound origins are redirected (test and playground facility)');
  }
  logger.info({ url, adminUrl, routes: compiled.map((r) => r.name) }, 'gatewright proxy listening');
  // Start-up lines go out at once; per-request lines are batched, and flushed at least every
  // second so a quiet proxy's audit lines are never held back.
  logger.flush();
  const logFlusher = setInterval(() => logger.flush(), 1000);
  logFlusher.unref();

  let endDelay: (() => void) | undefined;
  let terminating: Promise<void> | undefined;
  const terminate = (): Promise<void> => {
    terminating ??= (async () => {
      // Not ready, and responses close their keep-alive connection, so clients that reach the
      // pod until their endpoints update reconnect elsewhere; new connections are still served.
      draining = true;
      if (config.shutdownDelaySeconds > 0) {
        logger.info({ delaySeconds: config.shutdownDelaySeconds }, 'not ready; serving until Service endpoints are updated');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, config.shutdownDelaySeconds * 1000);
          endDelay = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await shutdown();
    })();
    return terminating;
  };

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    endDelay?.();
    shuttingDown ??= (async () => {
      draining = true;
      logger.info({ graceSeconds: config.shutdownGraceSeconds }, 'draining in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownGraceSeconds * 1000);
      // Keep-alive connections that go idle after their last response are closed as they do.
      const sweeper = setInterval(() => server.closeIdleConnections(), 100);
      await closed;
      clearTimeout(timer);
      clearInterval(sweeper);
      secrets.stopRefreshing();
      clearInterval(logFlusher);
      await new Promise<void>((resolve) => admin.close(() => resolve()));
      admin.closeAllConnections();
      // Caller-bound upstream exchanges were aborted with their connections; what may remain
      // are shared token and JWKS fetches, bound only by their own timeouts. Give them a
      // moment, then cut them, so shutdown stays within the grace period the kubelet allows.
      let settle: NodeJS.Timeout | undefined;
      const closedInTime = await Promise.race([
        dispatcher.close().then(
          () => true,
          () => true,
        ),
        new Promise<boolean>((resolve) => (settle = setTimeout(() => resolve(false), DISPATCHER_CLOSE_WAIT_MS))),
      ]);
      clearTimeout(settle);
      if (!closedInTime) await dispatcher.destroy();
      logger.info('stopped');
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    })();
    return shuttingDown;
  };

  return { url, adminUrl, metrics, logger, tokenSources, terminate, shutdown };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

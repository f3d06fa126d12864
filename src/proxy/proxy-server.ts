import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import { Agent } from 'undici';
import { secretRefsOfRoute, type ProxyConfigModel } from '../model';
import { compileProxy } from './compile-proxy';
import { createHttpServer } from './http/create-http-server';
import { handleForwardAuthRequest } from './http/forward-auth-handler';
import { forwardingTrust } from './http/forwarding-headers';
import { handleRequest } from './http/handle-request';
import type { HandlerContext } from './http/request-context';
import { handleUpgrade, refuseConnect, Tunnels } from './http/upgrade-handler';
import { AddressBlocks } from './net/address-blocks';
import { createProxyLog } from './ops/access-log';
import { createAdminServer } from './ops/admin-server';
import { ProxyMetrics } from './ops/metrics';
import { RouteTable } from './routing/route-table';
import { SecretResolver } from './secrets/secret-resolver';
import type { OAuthTokenSource } from './upstream/oauth-token-source';
import { TokenStores } from './upstream/token-store/token-stores';

/** How long shutdown waits for outbound requests no caller waits for any more. */
const DISPATCHER_CLOSE_WAIT_MS = 1000;

/** Least time between two log lines saying a credential's shared token store was skipped. */
const STORE_WARNING_GAP_MS = 30_000;

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
  /** `http://host:port` of the forwardAuth port; `undefined` when forwardAuth is disabled. */
  readonly forwardAuthUrl: string | undefined;
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
   * Open WebSockets are closed at once. Called during {@link terminate}'s delay, it cuts the
   * delay short.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the reference proxy for a validated config: compiles every route once (request
 * transformation, matching, rewrites, authenticators, credential injectors), then serves the
 * traffic port (inline routes), the forwardAuth port (only when forwardAuth is enabled: its
 * answers carry upstream credentials) and the admin port.
 */
export async function startProxy(config: ProxyConfigModel, options: StartProxyOptions = {}): Promise<RunningProxy> {
  const { logger, access } = createProxyLog(options.logDestination);
  const metrics = new ProxyMetrics({ defaultMetrics: options.processMetrics });
  const secrets = new SecretResolver(config.secretsDir, options.env ?? process.env, config.routes.flatMap(secretRefsOfRoute));
  secrets.startRefreshing(config.secretRefreshSeconds);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connect: { timeout: 10_000 } });
  const tokenStores = new TokenStores(secrets, logger);
  const storeWarnedAt = new Map<string, number>();
  const compiled = await compileProxy(config, {
    secrets,
    dispatcher,
    metrics,
    tokenStores,
    onTokenStoreSkipped: (credential, err) => {
      const now = Date.now();
      if (now - (storeWarnedAt.get(credential) ?? -Infinity) < STORE_WARNING_GAP_MS) return;
      storeWarnedAt.set(credential, now);
      logger.warn({ credential, errorCode: (err as { code?: string } | undefined)?.code ?? 'unknown' }, 'shared token store skipped; token requested by this replica alone');
    },
  });
  for (const store of compiled.keyStores) store.startRefreshing();

  let draining = false;
  const forwardAuthEnabled = config.forwardAuthEnabled !== false;
  const ctx: HandlerContext = {
    routes: new RouteTable(compiled.routes.map((r) => ({ host: r.model.host, pathPrefix: r.model.pathPrefix, value: r }))),
    routesByName: new Map(compiled.routes.map((r) => [r.name, r])),
    forwardAuthPath: config.forwardAuthPath.replace(/\/+$/, ''),
    dispatcher,
    logger,
    access,
    metrics,
    trust: forwardingTrust(new AddressBlocks(config.trustedHops)),
    maxHeaderCount: config.limits.maxHeaderCount,
    draining: () => draining,
  };
  const tunnels = new Tunnels();
  const server = createHttpServer(config, 'inline', (req, res) => handleRequest(ctx, req, res), { logger, metrics });
  server.on('upgrade', (req, socket, head) => handleUpgrade(ctx, tunnels, req, socket, head));
  server.on('connect', (req, socket) => refuseConnect(ctx, req, socket));
  const forwardAuth = forwardAuthEnabled ? createHttpServer(config, 'forwardAuth', (req, res) => handleForwardAuthRequest(ctx, req, res), { logger, metrics }) : undefined;
  const servers = forwardAuth ? [server, forwardAuth] : [server];

  const admin = createAdminServer(metrics, {
    live: () => true,
    readiness: () => {
      const reasons = draining
        ? ['shutting down']
        : [...secrets.missing().map((id) => `missing Secret key ${id}`), ...secrets.malformed().map((id) => `Secret key ${id} contains control characters`)];
      return { ready: reasons.length === 0, reasons };
    },
  });

  const stopBackground = async () => {
    secrets.stopRefreshing();
    for (const store of compiled.keyStores) store.stopRefreshing();
    await tokenStores.close();
  };
  try {
    await listen(server, config.listen.port, config.listen.host);
    if (forwardAuth) await listen(forwardAuth, config.listen.forwardAuthPort, config.listen.host);
    await listen(admin, config.listen.adminPort, config.listen.host);
  } catch (err) {
    // A port in use: release what was opened, or the listening socket keeps the process alive
    // and `main` never exits with its error.
    for (const s of [...servers, admin]) s.close();
    await stopBackground();
    await dispatcher.close();
    throw err;
  }
  const urlOf = (s: Server) => `http://${hostForUrl(config.listen.host)}:${(s.address() as AddressInfo).port}`;
  const url = urlOf(server);
  const forwardAuthUrl = forwardAuth ? urlOf(forwardAuth) : undefined;
  const adminUrl = urlOf(admin);
  if (Object.keys(config.originOverrides).length > 0) {
    logger.warn({ origins: Object.keys(config.originOverrides) }, 'originOverrides is set: outbound origins are redirected (test and playground facility)');
  }
  logger.info({ url, forwardAuthUrl: forwardAuthUrl ?? 'disabled', adminUrl, routes: compiled.routes.map((r) => r.name) }, 'gatewright proxy listening');
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
      logger.info({ graceSeconds: config.shutdownGraceSeconds, webSockets: tunnels.size }, 'draining in-flight requests');
      // A WebSocket never ends by itself, and the HTTP server no longer tracks it once upgraded.
      tunnels.closeAll();
      const closed = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      const closeIdle = () => servers.forEach((s) => s.closeIdleConnections());
      closeIdle();
      const timer = setTimeout(() => servers.forEach((s) => s.closeAllConnections()), config.shutdownGraceSeconds * 1000);
      // Keep-alive connections that go idle after their last response are closed as they do.
      const sweeper = setInterval(closeIdle, 100);
      await closed;
      clearTimeout(timer);
      clearInterval(sweeper);
      await stopBackground();
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

  return { url, forwardAuthUrl, adminUrl, metrics, logger, tokenSources: compiled.tokenSources, terminate, shutdown };
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

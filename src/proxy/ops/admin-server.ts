import { createServer, type Server } from 'node:http';
import type { ProxyMetrics } from './metrics';

export interface AdminState {
  /** Liveness: the event loop answers. */
  readonly live: () => boolean;
  /** Readiness: serving, and every referenced Secret resolvable and free of control characters; reasons are names, never values. */
  readonly readiness: () => { ready: boolean; reasons: string[] };
}

/**
 * The admin port: `/healthz`, `/readyz` and Prometheus `/metrics`, kept off the traffic port
 * so probes and scrapes are never routed, authenticated or exposed through the gateway.
 */
export function createAdminServer(metrics: ProxyMetrics, state: AdminState): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(state.live() ? 200 : 503, { 'content-type': 'application/json' }).end(state.live() ? '{"status":"ok"}' : '{"status":"down"}');
      return;
    }
    if (path === '/readyz') {
      const { ready, reasons } = state.readiness();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ready ? 'ready' : 'not_ready', reasons }));
      return;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  });
}

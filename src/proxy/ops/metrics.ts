import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The proxy's Prometheus metrics, in a registry of its own so several proxies can live in one
 * process (tests) without clashing. Label values are route names and fixed outcome codes only.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'outcome' | 'status' | 'mode'>;
  private readonly duration: Histogram<'route' | 'mode'>;
  readonly tokenRequests: Counter<'credential' | 'result'>;
  readonly jwtCache: Counter<'result'>;
  readonly tokenStore: Counter<'credential' | 'outcome'>;
  readonly inFlight: Gauge;
  readonly webSocketsOpen: Gauge;
  // Label children cached per label set: prom-client hashes label objects on every call otherwise.
  private readonly children = new Map<string, { readonly count: { inc(): void }; readonly duration: { observe(v: number): void } }>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'gatewright_proxy_' });
    this.requests = new Counter({
      name: 'gatewright_proxy_requests_total',
      help: 'Requests handled, by route, outcome, status and mode (inline or forwardAuth).',
      labelNames: ['route', 'outcome', 'status', 'mode'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'gatewright_proxy_request_duration_seconds',
      help: 'Time from request to response end, by route and mode.',
      labelNames: ['route', 'mode'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.tokenRequests = new Counter({
      name: 'gatewright_proxy_token_requests_total',
      help: 'OAuth2 token requests by upstream credential and result (success, retry, failure).',
      labelNames: ['credential', 'result'],
      registers: [this.registry],
    });
    this.jwtCache = new Counter({
      name: 'gatewright_proxy_jwt_cache_total',
      help: 'Verified-token cache lookups by result: hit, miss (a signature verification), shared (joined the verification of the same token under way).',
      labelNames: ['result'],
      registers: [this.registry],
    });
    this.tokenStore = new Counter({
      name: 'gatewright_proxy_token_store_total',
      help: 'OAuth tokens obtained through the shared token store, by upstream credential and outcome: shared (another replica\'s token), fetched (requested and stored), waited (for a replica holding the lock), unavailable (store skipped: requested alone).',
      labelNames: ['credential', 'outcome'],
      registers: [this.registry],
    });
    this.inFlight = new Gauge({ name: 'gatewright_proxy_in_flight_requests', help: 'Requests being handled, open WebSockets included.', registers: [this.registry] });
    this.webSocketsOpen = new Gauge({ name: 'gatewright_proxy_websockets_open', help: 'WebSocket connections piped to backends.', registers: [this.registry] });
  }

  /** Reports the number of cached verified tokens (`gatewright_proxy_jwt_cache_entries`). */
  trackVerifiedTokens(size: () => number): void {
    new Gauge({
      name: 'gatewright_proxy_jwt_cache_entries',
      help: 'Verified JWTs held in the cache shared by all routes (bounded by limits.verifiedTokenCacheEntries).',
      registers: [this.registry],
      collect() {
        this.set(size());
      },
    });
  }

  observe(route: string, mode: string, outcome: string, status: number, seconds: number): void {
    const key = `${route}\u0000${mode}\u0000${outcome}\u0000${status}`;
    let child = this.children.get(key);
    if (!child) {
      child = { count: this.requests.labels({ route, outcome, status: String(status), mode }), duration: this.duration.labels({ route, mode }) };
      this.children.set(key, child);
    }
    child.count.inc();
    child.duration.observe(seconds);
  }
}

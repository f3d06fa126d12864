import { Registry, collectDefaultMetrics } from 'prom-client';
import { FastCounter, FastGauge, FastHistogram, type HistogramChild } from './fast-metrics';

/** Request duration buckets, in seconds. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The proxy's Prometheus metrics, in a registry of its own so several proxies can live in one
 * process (tests) without clashing. Label values are route names and fixed outcome codes only.
 * The per-request ones are plain numbers on the request path ({@link FastCounter}), exported by
 * prom-client's registry when scraped.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests: FastCounter<'route' | 'outcome' | 'status' | 'mode'>;
  private readonly duration: FastHistogram;
  readonly tokenRequests: FastCounter<'credential' | 'result'>;
  readonly jwtCache: FastCounter<'result'>;
  readonly tokenStore: FastCounter<'credential' | 'outcome'>;
  readonly inFlight: FastGauge;
  readonly webSocketsOpen: FastGauge;
  private readonly children = new Map<string, { readonly count: { value: number }; readonly duration: HistogramChild }>();
  private readonly durations = new Map<string, HistogramChild>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'gatewright_proxy_' });
    const r = this.registry;
    this.requests = new FastCounter('gatewright_proxy_requests_total', 'Requests handled, by route, outcome, status and mode (inline or forwardAuth).', ['route', 'outcome', 'status', 'mode'], r);
    this.duration = new FastHistogram('gatewright_proxy_request_duration_seconds', 'Time from request to response end, by route and mode.', DURATION_BUCKETS, r);
    this.tokenRequests = new FastCounter('gatewright_proxy_token_requests_total', 'OAuth2 token requests by upstream credential and result (success, retry, failure).', ['credential', 'result'], r);
    this.jwtCache = new FastCounter(
      'gatewright_proxy_jwt_cache_total',
      'Verified-token cache lookups by result: hit, miss (a signature verification), shared (joined the verification of the same token under way).',
      ['result'],
      r,
    );
    this.tokenStore = new FastCounter(
      'gatewright_proxy_token_store_total',
      "OAuth tokens obtained through the shared token store, by upstream credential and outcome: shared (another replica's token), fetched (requested and stored), waited (for a replica holding the lock), unavailable (store skipped: requested alone).",
      ['credential', 'outcome'],
      r,
    );
    this.inFlight = new FastGauge('gatewright_proxy_in_flight_requests', 'Requests being handled, open WebSockets included.', r);
    this.webSocketsOpen = new FastGauge('gatewright_proxy_websockets_open', 'WebSocket connections piped to backends.', r);
  }

  /** Reports the number of cached verified tokens (`gatewright_proxy_jwt_cache_entries`). */
  trackVerifiedTokens(size: () => number): void {
    new FastGauge('gatewright_proxy_jwt_cache_entries', 'Verified JWTs held in the cache shared by all routes (bounded by limits.verifiedTokenCacheEntries).', this.registry, size);
  }

  observe(route: string, mode: string, outcome: string, status: number, seconds: number): void {
    const key = `${route}\u0000${mode}\u0000${outcome}\u0000${status}`;
    let child = this.children.get(key);
    if (!child) {
      const durationKey = `${route}\u0000${mode}`;
      let duration = this.durations.get(durationKey);
      if (!duration) this.durations.set(durationKey, (duration = this.duration.child({ route, mode })));
      child = { count: this.requests.child({ route, outcome, status: String(status), mode }), duration };
      this.children.set(key, child);
    }
    child.count.value++;
    child.duration.observe(seconds);
  }
}

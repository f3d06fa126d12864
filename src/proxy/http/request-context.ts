import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { CompiledRoute } from '../routing/compiled-route';
import type { RouteTable } from '../routing/route-table';
import type { ProxyMetrics } from '../ops/metrics';

/** What the request handlers share, built once by the server. */
export interface HandlerContext {
  readonly routes: RouteTable<CompiledRoute>;
  readonly routesByName: ReadonlyMap<string, CompiledRoute>;
  /** `forwardAuthPath` followed by `/`; `undefined` when forwardAuth is disabled. */
  readonly forwardAuthPrefix: string | undefined;
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly metrics: ProxyMetrics;
  /** True once shutdown started: responses then close their connection. */
  readonly draining: () => boolean;
}

import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { CompiledRoute } from '../routing/compiled-route';
import type { RouteTable } from '../routing/route-table';
import type { AccessLog } from '../ops/access-log';
import type { ProxyMetrics } from '../ops/metrics';
import type { ForwardingTrust } from './forwarding-headers';

/** What the request handlers share, built once by the server. */
export interface HandlerContext {
  readonly routes: RouteTable<CompiledRoute>;
  readonly routesByName: ReadonlyMap<string, CompiledRoute>;
  /** `forwardAuthPath` without a trailing `/`: served on the forwardAuth listener, 404 on the traffic port. */
  readonly forwardAuthPath: string;
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  /** Writes the access line of each request. */
  readonly access: AccessLog;
  readonly metrics: ProxyMetrics;
  /** Whom forwarding headers are believed from. */
  readonly trust: ForwardingTrust;
  /** `limits.maxHeaderCount`: more header lines are refused with 431. */
  readonly maxHeaderCount: number;
  /** True once shutdown started: responses then close their connection. */
  readonly draining: () => boolean;
}

import pino, { type DestinationStream, type Logger } from 'pino';

/** One line of the access/audit log. Never a token, key, Secret or query string. */
export interface AccessRecord {
  mode: 'inline' | 'forwardAuth';
  method: string;
  /** Path only: query strings may carry credentials. */
  path: string;
  route?: string;
  subject?: string;
  outcome: string;
  status?: number;
  /** Upstream origin as the model names it (not an override). */
  upstream?: string;
  durationMs?: number;
}

/**
 * The proxy's JSON logger: stdout by default (written asynchronously in 4 KiB batches, flushed
 * on shutdown), any stream in tests.
 */
export function createAccessLogger(destination?: DestinationStream, level = 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'gatewright-proxy' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Defence in depth: should a header object ever be logged, credentials are censored.
      redact: { paths: ['headers.authorization', 'headers.cookie', 'req.headers.authorization'], censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
}

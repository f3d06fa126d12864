import type { IncomingMessage } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) and those the proxy sets itself. `expect` is answered
 * by Node and must not reach undici; `host` is chosen per route.
 */
const NEVER_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'expect',
  'host',
  'x-forwarded-host',
  'x-forwarded-proto',
]);

/** Headers `Connection` may never strip: message framing is not the caller's to change. */
const FRAMING = new Set(['content-length']);

export interface ForwardableHeaders {
  readonly headers: Record<string, string | string[]>;
  /** A header that must be unique (credential header, `Host`) appeared more than once. */
  readonly duplicate?: string;
}

/**
 * The caller's headers as they may reach the upstream: without hop-by-hop headers, without
 * those the caller listed in `Connection` (RFC 9110 §7.6.1), and without `drop` — the caller's
 * credential headers and every header the proxy injects, so a caller can neither smuggle its
 * own token through nor pre-set (or, via `Connection`, remove) an injected one. Injected
 * headers are added after this filter.
 */
export function forwardableHeaders(req: IncomingMessage, drop: ReadonlySet<string>): ForwardableHeaders {
  const raw = req.rawHeaders;
  const headers: Record<string, string | string[]> = {};
  const connection = req.headers.connection;
  const listed = connection ? connectionTokens(connection) : undefined;
  let seenHost = false;
  const seenDropped: Set<string> | undefined = drop.size > 0 ? new Set() : undefined;
  let duplicate: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === 'host') {
      if (seenHost) duplicate = 'host';
      seenHost = true;
      continue;
    }
    if (drop.has(name)) {
      if (seenDropped!.has(name)) duplicate = name;
      seenDropped!.add(name);
      continue;
    }
    if (NEVER_FORWARDED.has(name) || (listed !== undefined && listed.has(name) && !FRAMING.has(name))) continue;
    const value = raw[i + 1];
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
  }
  return duplicate ? { headers, duplicate } : { headers };
}

function connectionTokens(value: string): Set<string> {
  const tokens = new Set<string>();
  for (const t of value.split(',')) {
    const name = t.trim().toLowerCase();
    if (name) tokens.add(name);
  }
  return tokens;
}

const RESPONSE_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/** An upstream response's headers without hop-by-hop ones (nor those its `Connection` lists). */
export function forwardableResponseHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const connection = headers.connection;
  const listed = typeof connection === 'string' ? connectionTokens(connection) : undefined;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || RESPONSE_HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Query string with the caller's copies of injected parameters removed and the injected ones appended. */
export function injectQuery(query: string, names: ReadonlySet<string>, params: readonly [string, string][]): string {
  const kept = query === '' ? [] : query.split('&').filter((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      return false;
    }
    return !names.has(name);
  });
  for (const [name, value] of params) kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return kept.join('&');
}

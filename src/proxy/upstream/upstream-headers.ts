import type { IncomingMessage } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Request headers that make some backends serve another URL than the request line names
 * (IIS URL Rewrite, Symfony, Zend and others honour them): a route's prefix check would be
 * void if a caller could set them.
 */
export const URL_OVERRIDE_HEADERS = ['x-original-url', 'x-rewrite-url'] as const;

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
  ...URL_OVERRIDE_HEADERS,
  // Forwarding facts the proxy does not vouch for: it sets X-Forwarded-For/Host/Proto itself,
  // so a caller's RFC 7239 `Forwarded` (preferred by Spring and others) or prefix must not
  // contradict them; X-Forwarded-Uri/Method are forwardAuth facts a backend may trust.
  'forwarded',
  'x-forwarded-prefix',
  'x-forwarded-uri',
  'x-forwarded-method',
]);

const NOTHING: ReadonlySet<string> = new Set();

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
 * headers are added after this filter. `remove` names headers left out without the duplicate
 * check (the caller's cookies on routes that do not forward them).
 */
export function forwardableHeaders(
  req: IncomingMessage,
  drop: ReadonlySet<string>,
  remove: ReadonlySet<string> = NOTHING,
): ForwardableHeaders {
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
    if (remove.has(name) || NEVER_FORWARDED.has(name) || (listed !== undefined && listed.has(name) && !FRAMING.has(name))) continue;
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

/**
 * Query string without the parameters named in `drop` (the caller's copies of injected ones,
 * its own credential), with the injected ones appended.
 */
export function injectQuery(query: string, drop: ReadonlySet<string>, params: readonly [string, string][]): string {
  const kept = query === '' ? [] : query.split('&').filter((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      return false;
    }
    return !drop.has(name);
  });
  for (const [name, value] of params) kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return kept.join('&');
}

/**
 * A JWT claim as an HTTP header value, or `undefined` when it cannot be one (control
 * characters: header injection). Text outside ASCII goes on the wire as its UTF-8 bytes, as
 * Traefik and Oathkeeper (Go) send it; Node and undici take header strings as Latin-1 and
 * refuse anything above U+00FF, which turned a user named "李" into a 500/502.
 */
export function claimHeaderValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(text)) return undefined;
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { HeaderAction } from '../routing/header-action';

/** Headers `Connection` may never strip: message framing is not the caller's to change. */
const FRAMING = new Set(['content-length']);

export interface ForwardableHeaders {
  readonly headers: Record<string, string | string[]>;
  /** A header that must be unique (the caller's credential, an injected header, `Host`) appeared more than once. */
  readonly duplicate?: string;
}

/**
 * The caller's headers as they may reach the upstream: without those `actions` remove (the
 * route's request transformation, hop-by-hop headers, forwarding headers the proxy writes
 * itself) and without those the caller listed in `Connection` (RFC 9110 §7.6.1), so a caller
 * can neither smuggle its own credential through nor pre-set (or, via `Connection`, remove) an
 * injected header. Injected headers are added after this filter.
 */
export function forwardableHeaders(req: IncomingMessage, actions: ReadonlyMap<string, HeaderAction>): ForwardableHeaders {
  const raw = req.rawHeaders;
  const headers: Record<string, string | string[]> = {};
  const connection = req.headers.connection;
  const listed = connection ? connectionTokens(connection) : undefined;
  let seen: Set<string> | undefined;
  let duplicate: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const action = actions.get(name);
    if (action !== undefined) {
      if (action === HeaderAction.REMOVE_UNIQUE) {
        seen ??= new Set();
        if (seen.has(name)) duplicate = name;
        seen.add(name);
      }
      continue;
    }
    if (listed !== undefined && listed.has(name) && !FRAMING.has(name)) continue;
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

import type { IncomingMessage } from 'node:http';
import { normalizeRequestTarget, type NormalizedTarget } from '../routing/normalize-path';
import { normalizeHost } from '../routing/route-table';

/** The host and path a request addresses, or why it is malformed (400). */
export type RequestAddress =
  | {
      readonly ok: true;
      /** Normalized host the route is looked up by. */
      readonly host: string;
      /** The authority as the caller wrote it (`Host`, or an absolute-form target's): what `preserveHost` sends. */
      readonly authority: string;
      readonly target: Extract<NormalizedTarget, { ok: true }>;
    }
  | { readonly ok: false; readonly reason: string };

/** `http://authority[/path]`: the authority without user-info, then the path and query, if any. */
const ABSOLUTE_FORM = /^https?:\/\/([^/?#]*)([/?][^#]*)?$/i;

/**
 * Where a request goes. Origin-form targets are routed by `Host`; absolute-form targets
 * (`GET http://api.example.com/orders/1`) by their authority, which a server must prefer over
 * `Host` (RFC 9112 §3.2.2) — routed only when it is a host the proxy serves, like any other.
 * A `Host` that is not `host[:port]` (`api.test@evil.test`) and an authority with user-info are
 * malformed (RFC 9112 §3.2, RFC 9110 §4.2.4).
 */
export function requestAddress(req: IncomingMessage): RequestAddress {
  const url = req.url ?? '';
  if (url.charCodeAt(0) === 47 /* / */) {
    const authority = req.headers.host ?? '';
    const host = normalizeHost(authority);
    if (host === undefined) return { ok: false, reason: 'malformed Host header' };
    const target = normalizeRequestTarget(url);
    return target.ok ? { ok: true, host, authority, target } : target;
  }
  const m = ABSOLUTE_FORM.exec(url);
  if (!m) return { ok: false, reason: 'request target is neither origin-form nor absolute-form' };
  const authority = m[1];
  if (authority.includes('@')) return { ok: false, reason: 'user-info in the request target' };
  const host = normalizeHost(authority);
  if (host === undefined) return { ok: false, reason: 'malformed authority in the request target' };
  const rest = m[2] ?? '/';
  const target = normalizeRequestTarget(rest.startsWith('?') ? `/${rest}` : rest);
  return target.ok ? { ok: true, host, authority, target } : target;
}

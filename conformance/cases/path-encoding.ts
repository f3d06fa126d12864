/**
 * Paths on the wire: a model path may hold non-ASCII characters (`/café`), which travel
 * percent-encoded as UTF-8 (RFC 3986 §2.5); engines may write the hex digits in either case.
 */

/** Percent-encodes what cannot appear raw in a request target (non-ASCII, space, controls), leaving `%xx` as is. */
export function encodeForWire(target: string): string {
  // eslint-disable-next-line no-control-regex
  return target.replace(/[^\u0021-\u007e]/gu, (c) => encodeURIComponent(c));
}

/** One spelling per path: `%xx` upper-cased, so `%c3%a9` and `%C3%A9` compare equal. */
export function canonicalWirePath(path: string): string {
  return encodeForWire(path).replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
}

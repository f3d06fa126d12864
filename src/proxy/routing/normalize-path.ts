/** Outcome of {@link normalizeRequestTarget}. */
export type NormalizedTarget =
  | {
      readonly ok: true;
      /** Decoded path used for matching: no dot segments, no empty segments. */
      readonly path: string;
      /** The same path re-encoded canonically: what the upstream receives. */
      readonly encodedPath: string;
      /** Raw query string without `?`, or `''`. */
      readonly query: string;
    }
  | { readonly ok: false; readonly reason: string };

const SEGMENT_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]*$/;

/**
 * Turns an origin-form request target into the path a route is matched against, refusing
 * everything that could make a prefix match mean something else upstream: dot segments
 * (`..`, `%2e%2e`, `..;` as Tomcat reads it), empty segments (`//`), encoded `/` or `\`,
 * double encoding of those, control characters and malformed percent-encoding. The upstream
 * gets the canonical re-encoding of exactly the path that was matched.
 */
export function normalizeRequestTarget(target: string): NormalizedTarget {
  if (!target.startsWith('/')) return { ok: false, reason: 'request target is not origin-form' };
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  if (rawPath.includes('\\')) return { ok: false, reason: 'backslash in path' };
  if (/%(2f|5c)/i.test(rawPath)) return { ok: false, reason: 'encoded slash in path' };
  if (rawPath === '/') return { ok: true, path: '/', encodedPath: '/', query };
  const rawSegments = rawPath.slice(1).split('/');
  const segments: string[] = [];
  const encoded: string[] = [];
  for (let i = 0; i < rawSegments.length; i++) {
    const raw = rawSegments[i];
    // A trailing slash is the only empty segment allowed.
    if (raw === '' && i !== rawSegments.length - 1) return { ok: false, reason: 'empty path segment' };
    let seg: string;
    if (raw.includes('%')) {
      try {
        seg = decodeURIComponent(raw);
      } catch {
        return { ok: false, reason: 'malformed percent-encoding' };
      }
      // Double encoding of separators or dots is only ever an attack.
      if (/%(2e|2f|5c|25)/i.test(seg)) return { ok: false, reason: 'double-encoded path' };
    } else {
      seg = raw;
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(seg)) return { ok: false, reason: 'control character in path' };
    const bare = seg.split(';', 1)[0];
    if (bare === '.' || bare === '..') return { ok: false, reason: 'dot segment in path' };
    segments.push(seg);
    encoded.push(SEGMENT_SAFE.test(seg) ? seg : encodePathSegment(seg));
  }
  return { ok: true, path: `/${segments.join('/')}`, encodedPath: `/${encoded.join('/')}`, query };
}

function encodePathSegment(segment: string): string {
  return encodeURIComponent(segment);
}

/**
 * A virtual endpoint's rewrite as one anchored regular expression (RE2 and JavaScript read it
 * alike), shared by every engine that rewrites with a regex — Traefik's `replacePathRegex` and
 * the reference proxy — so they rewrite exactly alike.
 */

/**
 * A literal inside an RE2 (or JavaScript) regular expression: every metacharacter escaped, as
 * Go's `regexp.QuoteMeta` does, so the text matches itself and nothing else.
 */
export function re2Literal(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

/** The anchored regex and replacement for a prefix rewrite, with `$1` for the rest of the path. */
export function prefixRewriteRegex(from: string, to: string): { regex: string; replacement: string } {
  const base = from === '/' ? '' : re2Literal(from);
  if (to === '/') {
    // Keep the result absolute: "/echo" must become "/", never the empty path.
    return { regex: `^${base}(?:/(.*))?$`, replacement: '/$1' };
  }
  return { regex: `^${base}(/.*)?$`, replacement: `${to.replace(/\$/g, '$$$$')}$1` };
}

/**
 * A literal inside a Go RE2 regular expression (Traefik's `HostRegexp` and `replacePathRegex`):
 * the same quoting the reference proxy's rewrites use, defined once with them.
 */
export { re2Literal } from '../../plan/path-rewrite';

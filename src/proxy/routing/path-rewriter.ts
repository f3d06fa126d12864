import type { RewriteModel } from '../../model';
import { prefixRewriteRegex } from '../../plan/path-rewrite';

/** Maps the canonical request path to the path sent upstream. */
export type PathRewriter = (encodedPath: string) => string;

/**
 * Compiles a route's rewrite once: the same anchored regex every engine renders
 * ({@link prefixRewriteRegex}), so the proxy rewrites exactly like Traefik would.
 */
export function compilePathRewriter(rewrite: RewriteModel): PathRewriter {
  if (rewrite.kind === 'none') return (p) => p;
  const { regex, replacement } = prefixRewriteRegex(rewrite.from, rewrite.to);
  const re = new RegExp(regex);
  return (p) => (re.test(p) ? p.replace(re, replacement) : p);
}

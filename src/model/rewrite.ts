import { z } from 'zod';
import { urlPath } from './names';

/**
 * How a matched path reaches the backend. Rewrites are expressed as literal prefixes and
 * compiled to anchored regexes by each engine, so a user never writes a regex that a
 * crafted path could escape.
 */
export const rewriteSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** `/echo/x` → `/ic/api/.../1.0/x`; `/echo` → `/ic/api/.../1.0`. */
  z.object({ kind: z.literal('replacePrefix'), from: urlPath, to: urlPath }),
]);
export type RewriteModel = z.infer<typeof rewriteSchema>;

/** Regex escaping for a literal path (the grammar already forbids metacharacters; belt and braces). */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, (c) => (c === '/' ? '/' : `\\${c}`));
}

/** The anchored regex and replacement for a prefix rewrite, in RE2/JS syntax with `$1`. */
export function prefixRewriteRegex(from: string, to: string): { regex: string; replacement: string } {
  const base = from === '/' ? '' : escapeRegex(from);
  if (to === '/') {
    // Keep the result absolute: "/echo" must become "/", never the empty path.
    return { regex: `^${base}(?:/(.*))?$`, replacement: '/$1' };
  }
  return { regex: `^${base}(/.*)?$`, replacement: `${to}$1` };
}

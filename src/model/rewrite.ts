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

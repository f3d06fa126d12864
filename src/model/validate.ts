import type { z } from 'zod';
import { ErrorCode, GatewrightError } from './errors';

/**
 * How model field names read as the props a user wrote: `[modelPrefix, propPrefix]` pairs,
 * e.g. `['pathPrefix', 'path']` or `['authorization.methods', 'methods']`. The longest matching
 * prefix wins.
 */
export type FieldAliases = readonly (readonly [string, string])[];

/** `['a', 0, 'b']` → `a[0].b`: how the user writes an element of a list prop. */
export function formatFieldPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out;
}

function applyAliases(field: string, aliases: FieldAliases): string {
  let best: readonly [string, string] | undefined;
  for (const a of aliases) {
    const [from] = a;
    if ((field === from || field.startsWith(`${from}.`) || field.startsWith(`${from}[`)) && (!best || from.length > best[0].length)) best = a;
  }
  return best ? `${best[1]}${field.slice(best[0].length)}` : field;
}

/**
 * Parses `input` with `schema` and turns the first zod issue into a {@link GatewrightError}
 * naming the construct path, the field as the user wrote it, and the fix. Issues are reported
 * one at a time, in declaration order, so a user fixes the first and re-runs. Messages come
 * from the schemas, which never repeat an input that may be a secret.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, path: string, fieldPrefix = '', aliases: FieldAliases = []): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const inner = formatFieldPath(issue.path);
  const joined = fieldPrefix && inner ? (inner.startsWith('[') ? `${fieldPrefix}${inner}` : `${fieldPrefix}.${inner}`) : fieldPrefix || inner;
  const field = applyAliases(joined, aliases);
  throw new GatewrightError({
    code: ErrorCode.INVALID_PROPS,
    path,
    field: field || undefined,
    problem: describeIssue(issue),
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined && issue.message.startsWith('Invalid input')) {
    return 'is required';
  }
  return issue.message;
}

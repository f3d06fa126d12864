import type { z } from 'zod';
import { ErrorCode, GatewrightError } from './errors';

/**
 * Parses `input` with `schema` and turns the first zod issue into a {@link GatewrightError}
 * naming the construct path, the field and the fix. Issues are reported one at a time, in
 * declaration order, so a user fixes the first and re-runs.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, path: string, fieldPrefix = ''): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [fieldPrefix, ...issue.path.map(String)].filter((s) => s !== '').join('.');
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

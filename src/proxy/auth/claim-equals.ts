/**
 * The model's claim checks are string equalities (so every engine can express them): a claim
 * equals the expected string, or, for an array claim such as `groups` or `aud`, contains it.
 */
export function claimEquals(actual: unknown, expected: string): boolean {
  if (Array.isArray(actual)) return actual.some((v) => String(v) === expected);
  if (typeof actual === 'string') return actual === expected;
  if (typeof actual === 'number' || typeof actual === 'boolean') return String(actual) === expected;
  return false;
}

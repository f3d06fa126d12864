import { goStringLiteral, goTemplateText } from './go-template';
import type { ValueLocation } from './value-location';

/**
 * External Secrets Operator's templates (engine v2) are Go templates over the synced keys:
 * `.` is the map of keys of the ExternalSecret. These two functions are the only way a user
 * value enters one.
 */

/** The value of one synced key: `(index . "<key>")`, the key as a Go string literal. */
export function esoKeyValue(key: string, at: ValueLocation): string {
  return `(index . ${goStringLiteral(key, at)})`;
}

/** Literal text around template actions (a header prefix such as `SSWS `). */
export function esoLiteralText(text: string, at: ValueLocation): string {
  return goTemplateText(text, at);
}

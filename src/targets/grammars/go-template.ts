import { hasLoneSurrogate, unrepresentable, type ValueLocation } from './value-location';

const GRAMMAR = 'a Go template';

/**
 * A Go interpreted string literal (`"..."`) for use inside a template action. JSON's escapes
 * are a subset of Go's; a lone surrogate would come out as `\ud800`, which Go refuses as an
 * invalid code point, so such text is refused instead.
 */
export function goStringLiteral(value: string, at: ValueLocation): string {
  if (hasLoneSurrogate(value)) throw unrepresentable(at, GRAMMAR, 'contains an unpaired surrogate', 'remove it');
  return JSON.stringify(value);
}

/**
 * Literal text in a Go `text/template` (Oathkeeper's header mutator, External Secrets
 * templates): printed exactly as given. Text with a brace is printed by an action
 * (`{{ "…" }}`) rather than written raw, because `{{` would open an action — reading other
 * synced keys or the environment — and a trailing `{` would merge with the action that follows.
 */
export function goTemplateText(value: string, at: ValueLocation): string {
  if (value === '') return '';
  if (!/[{}]/.test(value)) {
    if (hasLoneSurrogate(value)) throw unrepresentable(at, GRAMMAR, 'contains an unpaired surrogate', 'remove it');
    return value;
  }
  return `{{ ${goStringLiteral(value, at)} }}`;
}

import { CONTROL_CHARACTER, hasLoneSurrogate, unrepresentable, type ValueLocation } from './value-location';

const GRAMMAR = "Oathkeeper's match.url";

function refuseDelimiters(value: string, at: ValueLocation): void {
  // `<` and `>` delimit a pattern in match.url whatever the strategy, and cannot be escaped:
  // `/ap<.>` would become a regular expression, `/a<b` a rule Oathkeeper refuses to load
  // (then every request on the gateway fails).
  if (value.includes('<') || value.includes('>')) {
    throw unrepresentable(at, GRAMMAR, 'contains "<" or ">"', 'remove them: they are not valid in a host name or URL path');
  }
  if (CONTROL_CHARACTER.test(value) || hasLoneSurrogate(value)) {
    throw unrepresentable(at, GRAMMAR, 'contains a control character or an unpaired surrogate', 'remove it');
  }
}

/**
 * Literal text of a `match.url` outside any `<...>` pattern, under either strategy: Oathkeeper
 * quotes it itself (`regexp.QuoteMeta` for regexp, `glob.QuoteMeta` for glob), so only the
 * delimiters matter.
 */
export function oathkeeperMatchText(value: string, at: ValueLocation): string {
  refuseDelimiters(value, at);
  return value;
}

/**
 * A literal inside a `<{...}>` glob alternative of a `match.url` under the `glob` strategy
 * (gobwas/glob): its metacharacters `* ? [ ] { } \ , !` are escaped with a backslash, so the
 * text matches itself only.
 */
export function oathkeeperGlobLiteral(value: string, at: ValueLocation): string {
  refuseDelimiters(value, at);
  return value.replace(/[*?[\]{}\\,!]/g, (c) => `\\${c}`);
}

import { CONTROL_CHARACTER, hasLoneSurrogate, unrepresentable, type ValueLocation } from './value-location';

const GRAMMAR = "Traefik's rule language";

/**
 * A string argument of a Traefik router rule (`Host(...)`, `Path(...)`, `PathPrefix(...)`,
 * `HostRegexp(...)`, `Method(...)`). Traefik v3 parses rules as Go expressions
 * (vulcand/predicate over go/parser), where a backquoted raw string ends at the next backquote
 * and drops carriage returns. A value with a backquote would close the literal and let the
 * rest become more arguments or more matchers (`` /pub`,`/admin ``), so it is refused, as are
 * control characters (Traefik compares them with nothing a client can send) and text with no
 * UTF-8 form.
 * @returns the literal, backquotes included
 */
export function ruleLiteral(value: string, at: ValueLocation): string {
  if (value.includes('`')) {
    throw unrepresentable(at, GRAMMAR, 'contains a backquote', 'remove the backquote: it is not valid in a host name or URL path');
  }
  if (CONTROL_CHARACTER.test(value) || hasLoneSurrogate(value)) {
    throw unrepresentable(at, GRAMMAR, 'contains a control character or an unpaired surrogate', 'remove it: no client can send it in a host or path');
  }
  return `\`${value}\``;
}

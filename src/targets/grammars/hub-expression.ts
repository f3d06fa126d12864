import { CONTROL_CHARACTER, hasLoneSurrogate, unrepresentable, type ValueLocation } from './value-location';

const GRAMMAR = "Traefik Hub's claims expression language";

/**
 * A string argument of a Traefik Hub claims expression (`Equals(`iss`, `...`)`). Arguments are
 * backquoted; Hub documents no escape inside them, so a value with a backquote would end the
 * argument and let the rest of the value become expression syntax
 * (`` x`) || Equals(`iss`, `anything ``): refused. Control characters and text with no UTF-8
 * form are refused too.
 * @returns the literal, backquotes included
 */
export function hubStringLiteral(value: string, at: ValueLocation): string {
  if (value.includes('`')) {
    throw unrepresentable(at, GRAMMAR, 'contains a backquote', 'remove the backquote, or serve this API through ReferenceProxyGateway, which compares claims without an expression language');
  }
  if (CONTROL_CHARACTER.test(value) || hasLoneSurrogate(value)) {
    throw unrepresentable(at, GRAMMAR, 'contains a control character or an unpaired surrogate', 'remove it');
  }
  return `\`${value}\``;
}

/**
 * A claim name as the key argument of a Hub claims function. Hub reads `.` as "walk into a
 * nested object" (`user.name`), so a literal dot is written `\.` and a backslash `\\`; an
 * Auth0-style namespaced claim `https://example.com/roles` stays one key.
 * @returns the literal, backquotes included
 */
export function hubClaimKeyLiteral(claim: string, at: ValueLocation): string {
  return hubStringLiteral(claim.replace(/\\/g, '\\\\').replace(/\./g, '\\.'), at);
}

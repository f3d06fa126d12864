import type { AuthorizationModel, JwtClientAuthModel } from '../../model';
import { hubClaimKeyLiteral, hubStringLiteral, type ValueLocation } from '../grammars';

/**
 * Traefik Hub's JWT middleware checks only the signature and the time claims that are present;
 * issuer, audience, scopes and claim values are enforced through its `claims` expression
 * language (`Equals`, `Prefix`, `Contains`, `SplitContains`, `OneOf`, `&&`, `||`, `!`).
 *
 * `Contains` on a *string* claim is a substring test, so it never appears here: a string `aud`
 * of `internal-api.example.com` would satisfy `Contains(`aud`, `api.example.com`)`. Strings are
 * compared with `Equals` / `SplitContains` (exact after splitting), arrays with `OneOf` (exact
 * membership) — the reference proxy's semantics. `Prefix(`exp`, ``)` requires an `exp` claim
 * (Hub compares claim values as text); see the capability table for what is unconfirmed.
 * Every user value enters through the Hub grammar's literal functions.
 * @see https://doc.traefik.io/traefik-hub/api-gateway/reference/routing/http/middlewares/ref-jwt
 */
export function renderClaimsExpression(auth: JwtClientAuthModel, authorization: AuthorizationModel, routePath: string): string {
  const at = (field: string): ValueLocation => ({ path: routePath, field });
  const value = (v: string, field: string) => hubStringLiteral(v, at(field));
  const terms: string[] = [`Equals(\`iss\`, ${value(auth.issuer, 'clientAuth.issuer')})`, 'Prefix(`exp`, ``)'];
  // `aud` is a string or an array of strings; any one of the pinned audiences suffices.
  const audiences = auth.audience.map((a, i) => value(a, `clientAuth.audience[${i}]`));
  terms.push(`(${[...audiences.map((a) => `Equals(\`aud\`, ${a})`), `OneOf(\`aud\`, ${audiences.join(', ')})`].join(' || ')})`);
  authorization.scopes.forEach((scope, i) => {
    // RFC 8693 `scope` is a space-separated string; Azure AD sends `scp` as such a string, Okta as an array.
    const s = value(scope, `scopes[${i}]`);
    terms.push(`(SplitContains(\`scope\`, \` \`, ${s}) || SplitContains(\`scp\`, \` \`, ${s}) || OneOf(\`scp\`, ${s}))`);
  });
  const claims: [string, string, string][] = [
    ...Object.entries(auth.requiredClaims).map(([k, v]) => [k, v, `clientAuth.requiredClaims.${k}`] as [string, string, string]),
    ...Object.entries(authorization.claims).map(([k, v]) => [k, v, `claims.${k}`] as [string, string, string]),
  ];
  // Both lists hold: a route's `claims` adds to the JWT's `requiredClaims`, never replaces one.
  const seen = new Set<string>();
  for (const [claim, expected, field] of claims.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const pair = JSON.stringify([claim, expected]);
    if (seen.has(pair)) continue;
    seen.add(pair);
    // Equal to the string, or one element of an array claim (`groups`), like the proxy's check.
    const k = hubClaimKeyLiteral(claim, at(field));
    const v = value(expected, field);
    terms.push(`(Equals(${k}, ${v}) || OneOf(${k}, ${v}))`);
  }
  return terms.join(' && ');
}

/**
 * The claims a fetched upstream token must carry (`UpstreamOAuth.claims`), as a Hub
 * expression: each claim equal to its value.
 */
export function renderTokenClaimsExpression(claims: Readonly<Record<string, string>>, ownerPath: string): string {
  return Object.keys(claims)
    .sort()
    .map((k) => `Equals(${hubClaimKeyLiteral(k, { path: ownerPath, field: `claims.${k}` })}, ${hubStringLiteral(claims[k], { path: ownerPath, field: `claims.${k}` })})`)
    .join(' && ');
}

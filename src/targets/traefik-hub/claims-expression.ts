import { ErrorCode, GatewrightError, type AuthorizationModel, type JwtClientAuthModel } from '../../model';

/**
 * Traefik Hub's JWT middleware checks only signature and time claims on its own; issuer,
 * audience and scopes are enforced through its `claims` expression language
 * (`Equals`, `Contains`, `SplitContains`, `OneOf`, combined with `&&` / `||`).
 *
 * `Contains` on a *string* claim is a substring test (`Contains(\`referrer\`, \`/foo/\`)` in
 * Hub's reference), so it never appears here: a string `aud` of `internal-api.example.com`
 * would satisfy `Contains(\`aud\`, \`api.example.com\`)`, and a string `scp` of
 * `orders:read-all` would satisfy `orders:read`. Strings are compared with `Equals` /
 * `SplitContains` (exact after splitting), arrays with `OneOf` (exact membership) — the
 * same semantics the reference proxy applies.
 * @see https://doc.traefik.io/traefik-hub/api-gateway/reference/routing/http/middlewares/ref-jwt
 */
export function renderClaimsExpression(auth: JwtClientAuthModel, authorization: AuthorizationModel, routePath: string): string {
  const v = (value: string) => quoteFor(value, routePath);
  const k = (key: string) => claimKey(quoteFor(key, routePath));
  const terms: string[] = [`Equals(\`iss\`, \`${v(auth.issuer)}\`)`];
  // `aud` is a string or an array of strings; any one of the pinned audiences suffices.
  const audiences = auth.audience.map(v);
  terms.push(`(${[...audiences.map((a) => `Equals(\`aud\`, \`${a}\`)`), `OneOf(\`aud\`, ${audiences.map((a) => `\`${a}\``).join(', ')})`].join(' || ')})`);
  for (const scope of authorization.scopes) {
    // RFC 8693 `scope` is a space-separated string; Azure AD sends `scp` as such a string, Okta as an array.
    const s = v(scope);
    terms.push(`(SplitContains(\`scope\`, \` \`, \`${s}\`) || SplitContains(\`scp\`, \` \`, \`${s}\`) || OneOf(\`scp\`, \`${s}\`))`);
  }
  const claims = { ...auth.requiredClaims, ...authorization.claims };
  for (const claim of Object.keys(claims).sort()) {
    // Equal to the string, or one element of an array claim (`groups`), like the proxy's check.
    terms.push(`(Equals(\`${k(claim)}\`, \`${v(claims[claim])}\`) || OneOf(\`${k(claim)}\`, \`${v(claims[claim])}\`))`);
  }
  return terms.join(' && ');
}

/**
 * A claim name as a key of Hub's expression language, where `.` walks into nested objects:
 * `https://example.com/roles` (Auth0-style namespaced claims) would otherwise be read as
 * `https://example` → `com/roles`. Hub's escapes are `\.` for a dot and `\\` for a backslash.
 */
export function claimKey(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(/\./g, '\\.');
}

/** Backquotes delimit strings in the expression language; a value may not contain one. */
function quoteFor(value: string, routePath: string): string {
  if (value.includes('`')) {
    throw new GatewrightError({
      code: ErrorCode.UNSUPPORTED_BY_ENGINE,
      path: routePath,
      field: 'clientAuth',
      problem: `a claim, issuer, audience or scope contains a backquote, which Traefik Hub's claims language cannot express`,
      fix: 'remove the backquote or use the reference proxy gateway',
    });
  }
  return value;
}

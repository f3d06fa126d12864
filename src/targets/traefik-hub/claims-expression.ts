import { ErrorCode, GatewrightError, type AuthorizationModel, type JwtClientAuthModel } from '../../model';

/**
 * Traefik Hub's JWT middleware checks only signature and time claims on its own; issuer,
 * audience and scopes are enforced through its `claims` expression language
 * (`Equals`, `Contains`, `SplitContains`, combined with `&&` / `||`).
 */
export function renderClaimsExpression(auth: JwtClientAuthModel, authorization: AuthorizationModel, routePath: string): string {
  const quote = (value: string) => quoteFor(value, routePath);
  const terms: string[] = [`Equals(\`iss\`, \`${quote(auth.issuer)}\`)`];
  // `aud` is a string or an array; Contains matches an array element (or a substring of a string).
  const audiences = auth.audience.map((a) => `Contains(\`aud\`, \`${quote(a)}\`)`);
  terms.push(audiences.length === 1 ? audiences[0] : `(${audiences.join(' || ')})`);
  for (const scope of authorization.scopes) {
    // RFC 8693 `scope` is space-separated; Azure AD and Okta also use an `scp` array.
    terms.push(`(SplitContains(\`scope\`, \` \`, \`${quote(scope)}\`) || Contains(\`scp\`, \`${quote(scope)}\`))`);
  }
  const claims = { ...auth.requiredClaims, ...authorization.claims };
  for (const claim of Object.keys(claims).sort()) {
    terms.push(`Equals(\`${quote(claim)}\`, \`${quote(claims[claim])}\`)`);
  }
  return terms.join(' && ');
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

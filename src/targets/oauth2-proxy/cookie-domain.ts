/**
 * Cookie-domain arithmetic for OAuth2 Proxy. A session cookie set with `Domain=.example.com`
 * (or `example.com`) is sent to `example.com` and every sub-domain; an app outside it never
 * receives the cookie and sends the browser back to Keycloak on every request.
 */

/** `.example.com` → `example.com` (browsers ignore the leading dot). */
export function bareCookieDomain(domain: string): string {
  return domain.replace(/^\./, '').toLowerCase();
}

/** True when a cookie for `cookieDomain` reaches `host` (`*.x.example.com` counts as its sub-domains). */
export function cookieDomainCovers(cookieDomain: string, host: string): boolean {
  const d = bareCookieDomain(cookieDomain);
  const h = (host.startsWith('*.') ? `x${host.slice(1)}` : host).toLowerCase();
  return h === d || h.endsWith(`.${d}`);
}

/** The cookie domains none of which covers `host`; empty when one does. */
export function uncoveredBy(cookieDomains: readonly string[], host: string): boolean {
  return !cookieDomains.some((d) => cookieDomainCovers(d, host));
}

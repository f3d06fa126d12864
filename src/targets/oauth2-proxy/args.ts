import { flagArgument, listFlagArgument, type ValueLocation } from '../grammars';

/** `SameSite` attribute of the session cookie (`--cookie-samesite`). */
export enum CookieSameSite {
  /** Sent on top-level navigations from other sites: what a login redirect needs. */
  LAX = 'lax',
  /** Never sent cross-site; the callback from Keycloak then arrives without the CSRF cookie. */
  STRICT = 'strict',
  /** Always sent; requires `Secure`. */
  NONE = 'none',
}

/** Which OAuth2 Proxy provider speaks to the identity provider (`--provider`). */
export enum OAuth2ProxyProvider {
  /** Keycloak: roles and groups from Keycloak's access token (a JWT). */
  KEYCLOAK_OIDC = 'keycloak-oidc',
  /** Any OpenID Connect provider: groups from the ID token's `groups` claim. */
  OIDC = 'oidc',
}

/** The OAuth2 Proxy settings that end up on its command line (no secrets: those are env). */
export interface OAuth2ProxySettings {
  /** Construct path, for refusals. */
  readonly path: string;
  readonly provider: OAuth2ProxyProvider;
  /** OIDC issuer (`--oidc-issuer-url`). */
  readonly issuerUrl: string;
  /** OAuth callback URL (`--redirect-url`). */
  readonly redirectUrl: string;
  /** Cookie domains (`--cookie-domain`, and `--whitelist-domain` for post-login redirects). */
  readonly cookieDomains: readonly string[];
  /**
   * Further hosts a redirect may go to (`--whitelist-domain`): the identity provider's logout
   * endpoint after sign-out.
   * @default []
   */
  readonly extraRedirectDomains?: readonly string[];
  /** Send the cookie over HTTPS only (`--cookie-secure`). */
  readonly cookieSecure: boolean;
  /** `SameSite` of the cookie (`--cookie-samesite`). */
  readonly cookieSameSite: CookieSameSite;
  /** Cookie name (`--cookie-name`). */
  readonly cookieName: string;
  /** E-mail domains allowed to sign in (`--email-domain`). */
  readonly emailDomains: readonly string[];
  /** Groups allowed in, any one suffices (`--allowed-group`); empty allows every user. */
  readonly allowedGroups: readonly string[];
  /** Port OAuth2 Proxy listens on (`--http-address`). */
  readonly port: number;
}

/** Environment variables OAuth2 Proxy reads its credentials from (never flags: flags show in `ps`). */
export const OAUTH2_PROXY_ENV = {
  clientId: 'OAUTH2_PROXY_CLIENT_ID',
  clientSecret: 'OAUTH2_PROXY_CLIENT_SECRET',
  cookieSecret: 'OAUTH2_PROXY_COOKIE_SECRET',
} as const;

/**
 * Command-line flags for OAuth2 Proxy as a Traefik forward-auth service. With the
 * `static://202` upstream it never proxies application traffic: an authenticated request
 * gets 202 with the `X-Auth-Request-*` identity headers, an unauthenticated one a redirect
 * into the login (`--skip-provider-button`), which Traefik's forwardAuth hands to the browser
 * — only for the auth sub-request, so a backend's own 401 stays a 401. Every value goes
 * through the flag grammar: list flags are CSV records, so a group named `a,b` stays one group.
 * @see https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview
 */
export function renderOAuth2ProxyArgs(s: OAuth2ProxySettings): string[] {
  const at = (field: string): ValueLocation => ({ path: s.path, field });
  const dotted = (d: string) => (d.startsWith('.') ? d : `.${d}`);
  return [
    `--provider=${s.provider}`,
    flagArgument('oidc-issuer-url', s.issuerUrl, at('issuerUrl')),
    flagArgument('redirect-url', s.redirectUrl, at('redirectUrl')),
    '--upstream=static://202',
    `--http-address=0.0.0.0:${s.port}`,
    // Behind Traefik: take the original host/URI from X-Forwarded-* to build redirects.
    '--reverse-proxy=true',
    // X-Auth-Request-User/-Email/-Groups on the answer, for authResponseHeaders.
    '--set-xauthrequest=true',
    // Unauthenticated: straight to the login, rather than a sign-in page with a button.
    '--skip-provider-button=true',
    '--code-challenge-method=S256',
    ...s.cookieDomains.map((d, i) => listFlagArgument('cookie-domain', d, at(`cookieDomains[${i}]`))),
    // Post-login redirects may go back to any app under the cookie domain, and nowhere else.
    ...s.cookieDomains.map((d, i) => listFlagArgument('whitelist-domain', dotted(d), at(`cookieDomains[${i}]`))),
    ...(s.extraRedirectDomains ?? []).map((d) => listFlagArgument('whitelist-domain', d, at('identityProviderLogoutUrl'))),
    flagArgument('cookie-name', s.cookieName, at('cookieName')),
    `--cookie-secure=${s.cookieSecure}`,
    `--cookie-samesite=${s.cookieSameSite}`,
    ...s.emailDomains.map((d, i) => listFlagArgument('email-domain', d, at(`emailDomains[${i}]`))),
    ...s.allowedGroups.map((g, i) => listFlagArgument('allowed-group', g, at(`allowedGroups[${i}]`))),
  ];
}

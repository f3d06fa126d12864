/** `SameSite` attribute of the session cookie (`--cookie-samesite`). */
export enum CookieSameSite {
  /** Sent on top-level navigations from other sites: what a login redirect needs. */
  LAX = 'lax',
  /** Never sent cross-site; the callback from Keycloak then arrives without the CSRF cookie. */
  STRICT = 'strict',
  /** Always sent; requires `Secure`. */
  NONE = 'none',
}

/** The OAuth2 Proxy settings that end up on its command line (no secrets: those are env). */
export interface OAuth2ProxySettings {
  /** OIDC issuer (`--oidc-issuer-url`). */
  readonly issuerUrl: string;
  /** OAuth callback URL (`--redirect-url`). */
  readonly redirectUrl: string;
  /** Cookie domains (`--cookie-domain`, and `--whitelist-domain` for post-login redirects). */
  readonly cookieDomains: readonly string[];
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
 * Command-line flags for OAuth2 Proxy in forward-auth mode: it only answers `/oauth2/auth`
 * (202 or 401) and serves `/oauth2/sign_in|start|callback`; the `static://200` upstream means
 * it never proxies application traffic itself.
 * @see https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview
 */
export function renderOAuth2ProxyArgs(s: OAuth2ProxySettings): string[] {
  const dotted = (d: string) => (d.startsWith('.') ? d : `.${d}`);
  return [
    '--provider=keycloak-oidc',
    `--oidc-issuer-url=${s.issuerUrl}`,
    `--redirect-url=${s.redirectUrl}`,
    '--upstream=static://200',
    `--http-address=0.0.0.0:${s.port}`,
    // Behind Traefik: take the original host/URI from X-Forwarded-* to build redirects.
    '--reverse-proxy=true',
    // X-Auth-Request-User/-Email/-Groups on the /oauth2/auth answer, for authResponseHeaders.
    '--set-xauthrequest=true',
    '--code-challenge-method=S256',
    ...s.cookieDomains.map((d) => `--cookie-domain=${d}`),
    // Post-login redirects may go back to any app under the cookie domain, and nowhere else.
    ...s.cookieDomains.map((d) => `--whitelist-domain=${dotted(d)}`),
    `--cookie-name=${s.cookieName}`,
    `--cookie-secure=${s.cookieSecure}`,
    `--cookie-samesite=${s.cookieSameSite}`,
    ...s.emailDomains.map((d) => `--email-domain=${d}`),
    ...s.allowedGroups.map((g) => `--allowed-group=${g}`),
  ];
}

import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { getDomain } from 'tldts';
import { z } from 'zod';
import { dnsLabel, ErrorCode, GatewrightError, hostName, parseOrThrow, type ApiRouteModel } from '../../model';
import { CookieSameSite, OAuth2ProxyProvider, renderOAuth2ProxyArgs } from '../../targets/oauth2-proxy/args';
import { bareCookieDomain, cookieDomainCovers, uncoveredBy } from '../../targets/oauth2-proxy/cookie-domain';
import { OAUTH2_PROXY_IMAGE, OAUTH2_PROXY_PORT, renderOAuth2ProxyWorkload } from '../../targets/oauth2-proxy/workload';
import { traefikObjectJson } from '../../targets/traefik-common/crd-json';
import { OAUTH2_PROXY_RESPONSE_HEADERS, oauth2ProxyMiddlewareName, renderOAuth2ProxyRouting } from '../../targets/traefik/oauth2-proxy-routing';
import { ClientAuth } from '../auth/client-auth';
import type { GatewayTls } from '../gateways/traefik-routing';
import { parentChartOf } from '../parent-chart';
import { AppPlan } from '../plan/app-plan';
import { SecuredApi } from '../secured-api';
import { SecretRef } from '../secrets/secret-ref';
import { SecretSync } from '../secrets/secret-sync';
import { keysOf, listProp, rejectUnknownProps } from '../props/check-props';

export { CookieSameSite, OAuth2ProxyProvider } from '../../targets/oauth2-proxy/args';
export { OAUTH2_PROXY_IMAGE } from '../../targets/oauth2-proxy/workload';
export { OAUTH2_PROXY_RESPONSE_HEADERS } from '../../targets/traefik/oauth2-proxy-routing';

/** Props of {@link OAuth2ProxyAuth}. */
export interface OAuth2ProxyAuthProps {
  /** Keycloak realm issuer, e.g. `https://sso.example.com/realms/apps` (OIDC discovery runs against it). */
  readonly issuerUrl: string;
  /** Client id of the confidential Keycloak client. A SecretRef keeps it next to the secret. */
  readonly clientId: SecretRef;
  /** Client secret of the Keycloak client. */
  readonly clientSecret: SecretRef;
  /**
   * Secret that encrypts the session cookie. OAuth2 Proxy needs 16, 24 or 32 bytes (raw, or
   * URL-safe base64 of those bytes); generate it with
   * `openssl rand -base64 32 | tr -- '+/' '-_'` and declare the byte count in `cookieSecretBytes`.
   */
  readonly cookieSecret: SecretRef;
  /**
   * Length in bytes of the random value behind `cookieSecret` (before base64). gatewright never
   * sees the value, so it checks the length you declare, and the error message tells how to
   * generate a value of a valid length.
   * @default 32
   */
  readonly cookieSecretBytes?: number;
  /**
   * Cookie domain(s), e.g. `['.example.com']`. Every app host using this auth must be inside
   * one of them, or the browser never sends the session to it (endless logins). A public
   * suffix (`.com`, `.co.uk`, `.github.io`) is refused: the session cookie would go to every
   * site under it.
   */
  readonly cookieDomains: readonly string[];
  /**
   * The OAuth callback, `https://<host>/oauth2/callback`, registered as a valid redirect URI
   * in Keycloak. Its host is routed to OAuth2 Proxy for `/oauth2/`.
   */
  readonly redirectUrl: string;
  /**
   * Which OAuth2 Proxy provider talks to the identity provider: `keycloak-oidc` reads roles
   * and groups from Keycloak's JWT access token; `oidc` works with any OpenID Connect provider
   * and reads groups from the ID token.
   * @default OAuth2ProxyProvider.KEYCLOAK_OIDC
   */
  readonly provider?: OAuth2ProxyProvider;
  /**
   * The identity provider's logout endpoint, where {@link OAuth2ProxyAuth.signOutUrl} sends
   * the browser after OAuth2 Proxy's own sign-out: without it the provider's session survives,
   * and the next request (redirected straight to the login) signs the user in again silently.
   * @default - Keycloak's `<issuerUrl>/protocol/openid-connect/logout` with the keycloak-oidc
   *   provider; none with the generic oidc provider (sign-out then ends OAuth2 Proxy's session only)
   */
  readonly identityProviderLogoutUrl?: string;
  /**
   * Send the cookie over HTTPS only.
   * @default true
   */
  readonly cookieSecure?: boolean;
  /**
   * `SameSite` of the cookie.
   * @default CookieSameSite.LAX
   */
  readonly cookieSameSite?: CookieSameSite;
  /**
   * Cookie name.
   * @default '_oauth2_proxy'
   */
  readonly cookieName?: string;
  /**
   * E-mail domains allowed to sign in (`*` for any verified e-mail).
   * @default ['*']
   */
  readonly emailDomains?: readonly string[];
  /**
   * Keycloak groups allowed in (the `groups` claim; needs a group-membership mapper). Any one suffices.
   * @default - every authenticated user of the realm
   */
  readonly allowedGroups?: readonly string[];
  /**
   * Namespace of the Deployment, Service, Middlewares and IngressRoute. Gateways using this
   * auth must render their IngressRoutes in the same namespace (Traefik resolves middleware
   * names there).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Base name of the generated objects.
   * @default 'oauth2-proxy'
   */
  readonly name?: string;
  /**
   * Container image (pin a tag or digest).
   * @default OAUTH2_PROXY_IMAGE
   */
  readonly image?: string;
  /**
   * Replicas. Sessions live in the encrypted cookie, so replicas share nothing.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Traefik entry points of the `/oauth2/` IngressRoute.
   * @default ['websecure']
   */
  readonly entryPoints?: readonly string[];
  /**
   * TLS of the `/oauth2/` IngressRoute (use the same as the apps' gateway).
   * @default - no TLS section
   */
  readonly tls?: GatewayTls;
}

const httpsOrHttpUrl = z.string().url();
const propsSchema = z.object({
  issuerUrl: httpsOrHttpUrl,
  cookieSecretBytes: z.union([z.literal(16), z.literal(24), z.literal(32)], {
    error: (issue) =>
      `must be 16, 24 or 32 (got ${String(issue.input)}): OAuth2 Proxy refuses other lengths at start-up. Count the random bytes before base64 (44 base64 characters are 32 bytes); generate one with \`openssl rand -base64 32 | tr -- '+/' '-_'\``,
  }),
  cookieDomains: z
    .array(
      z
        .string()
        .regex(/^\.?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, { message: 'must be a DNS domain such as ".example.com"' })
        .refine((d) => getDomain(bareCookieDomain(d), { allowPrivateDomains: true }) !== null, {
          message: 'is a public suffix: browsers would send the session cookie to every site under it; use your own domain, e.g. ".apps.example.com"',
        }),
    )
    .min(1, { message: 'needs at least one cookie domain, e.g. [".example.com"]' }),
  redirectUrl: httpsOrHttpUrl,
  cookieName: z.string().regex(/^[A-Za-z0-9_-]+$/, { message: 'must be a plain cookie name, e.g. "_oauth2_proxy"' }),
  emailDomains: z.array(z.string().min(1)).min(1),
  allowedGroups: z.array(z.string().min(1)),
  name: dnsLabel,
  namespace: dnsLabel.optional(),
  replicas: z.number().int().min(1),
  entryPoints: z.array(z.string().min(1)).min(1),
});

const O_AUTH2_PROXY_AUTH_PROPS = keysOf<OAuth2ProxyAuthProps>()(['issuerUrl', 'clientId', 'clientSecret', 'cookieSecret', 'cookieSecretBytes', 'cookieDomains', 'redirectUrl', 'provider', 'identityProviderLogoutUrl', 'cookieSecure', 'cookieSameSite', 'cookieName', 'emailDomains', 'allowedGroups', 'namespace', 'name', 'image', 'replicas', 'entryPoints', 'tls']);

/**
 * OAuth2 Proxy as a Traefik forward-auth service for browser apps without OIDC of their own:
 * Keycloak (or any OIDC provider) login, an encrypted session cookie on a shared cookie domain,
 * and `X-Auth-Request-*` identity headers for the apps. Renders the Deployment and Service, a
 * `forwardAuth` Middleware the apps list (OAuth2 Proxy answers 202 with the identity headers,
 * or redirects the browser into the login), and the IngressRoute that sends `/oauth2/` on every
 * protected host (and the callback host) to OAuth2 Proxy. Protect an app with
 * `clientAuth: auth.clientAuth()` on a SecuredApi attached to a Traefik gateway.
 */
export class OAuth2ProxyAuth extends Construct {
  /** Name of the Middleware apps list. */
  readonly middlewareName: string;
  /** In-cluster URL of the forward-auth endpoint. */
  readonly authAddress: string;
  /** Namespace OAuth2 Proxy runs in (undefined: the chart sets none). */
  readonly namespace?: string;
  /** The Deployment and Service. */
  readonly deployment: ApiObject;
  /** The Service in front of OAuth2 Proxy. */
  readonly service: ApiObject;

  private readonly name: string;
  private readonly cookieDomains: readonly string[];
  private readonly redirect: URL;
  private readonly cookieSecure: boolean;
  private readonly idpLogout?: URL;

  constructor(scope: Construct, id: string, props: OAuth2ProxyAuthProps) {
    super(scope, id);
    const path = this.node.path;
    rejectUnknownProps(props, O_AUTH2_PROXY_AUTH_PROPS, this.node.path, 'OAuth2ProxyAuth');
    for (const field of ['clientId', 'clientSecret', 'cookieSecret'] as const) {
      if (!(props[field] instanceof SecretRef)) {
        throw new GatewrightError({
          code: typeof props[field] === 'string' ? ErrorCode.PLAINTEXT_SECRET : ErrorCode.INVALID_PROPS,
          path,
          field,
          problem: typeof props[field] === 'string' ? 'is a plain string; credentials must not be written into manifests' : 'is required',
          fix: 'pass SecretRef.fromSecret("<secret>", "<key>") or a secret store\'s secretRef(...)',
        });
      }
    }
    const namespace = props.namespace ?? parentChartOf(this).namespace;
    const p = parseOrThrow(
      propsSchema,
      {
        issuerUrl: props.issuerUrl,
        cookieSecretBytes: props.cookieSecretBytes ?? 32,
        cookieDomains: listProp(props.cookieDomains, path, 'cookieDomains', "['.apps.example.com']"),
        redirectUrl: props.redirectUrl,
        cookieName: props.cookieName ?? '_oauth2_proxy',
        emailDomains: props.emailDomains === undefined ? ['*'] : listProp(props.emailDomains, path, 'emailDomains', "['example.com']"),
        allowedGroups: listProp(props.allowedGroups, path, 'allowedGroups', "['/platform-users']"),
        name: props.name ?? 'oauth2-proxy',
        ...(namespace ? { namespace } : {}),
        replicas: props.replicas ?? 2,
        entryPoints: props.entryPoints === undefined ? ['websecure'] : listProp(props.entryPoints, path, 'entryPoints', "['websecure']"),
      },
      path,
    );
    this.name = p.name;
    this.namespace = p.namespace;
    this.cookieDomains = p.cookieDomains;
    this.cookieSecure = props.cookieSecure ?? true;
    const sameSite = props.cookieSameSite ?? CookieSameSite.LAX;
    this.redirect = this.validateRedirect(p.redirectUrl, p.cookieDomains);
    const bad = (field: string, problem: string, fix: string) => new GatewrightError({ code: ErrorCode.INVALID_PROPS, path, field, problem, fix });
    if (this.cookieSecure && new URL(p.issuerUrl).protocol !== 'https:') {
      throw bad('issuerUrl', 'must use https:// (tokens and discovery over plain HTTP can be forged)', 'give the realm\'s https:// issuer, e.g. "https://sso.example.com/realms/apps"');
    }
    if (sameSite === CookieSameSite.NONE && !this.cookieSecure) {
      throw bad('cookieSameSite', 'is "none" while cookieSecure is false; browsers drop SameSite=None cookies that are not Secure', 'keep cookieSecure: true, or use CookieSameSite.LAX');
    }

    const provider = props.provider ?? OAuth2ProxyProvider.KEYCLOAK_OIDC;
    const logout = props.identityProviderLogoutUrl ?? (provider === OAuth2ProxyProvider.KEYCLOAK_OIDC ? `${p.issuerUrl.replace(/\/+$/, '')}/protocol/openid-connect/logout` : undefined);
    if (logout !== undefined) {
      const parsed = httpsOrHttpUrl.safeParse(logout);
      if (!parsed.success || (this.cookieSecure && new URL(logout).protocol !== 'https:')) {
        throw bad('identityProviderLogoutUrl', 'must be an absolute https:// URL of the identity provider\'s logout endpoint', 'e.g. "https://sso.example.com/realms/apps/protocol/openid-connect/logout"');
      }
      this.idpLogout = new URL(logout);
    }

    this.middlewareName = oauth2ProxyMiddlewareName(p.name);
    this.authAddress = `http://${p.name}.${p.namespace ?? 'default'}.svc.cluster.local:${OAUTH2_PROXY_PORT}/`;
    const plan = AppPlan.of(this);
    const workload = renderOAuth2ProxyWorkload({
      name: p.name,
      namespace: p.namespace,
      image: props.image ?? OAUTH2_PROXY_IMAGE,
      replicas: p.replicas,
      args: renderOAuth2ProxyArgs({
        path,
        provider,
        ...(this.idpLogout ? { extraRedirectDomains: [this.idpLogout.host] } : {}),
        issuerUrl: p.issuerUrl,
        redirectUrl: p.redirectUrl,
        cookieDomains: p.cookieDomains,
        cookieSecure: this.cookieSecure,
        cookieSameSite: sameSite,
        cookieName: p.cookieName,
        emailDomains: p.emailDomains,
        allowedGroups: p.allowedGroups,
        port: OAUTH2_PROXY_PORT,
      }),
      clientId: props.clientId._toModel(path, 'clientId'),
      clientSecret: props.clientSecret._toModel(path, 'clientSecret'),
      cookieSecret: props.cookieSecret._toModel(path, 'cookieSecret'),
    });
    this.deployment = plan.describe(new ApiObject(this, 'deployment', workload.deployment as never), { owner: path, purpose: "OAuth2 Proxy's Deployment" });
    this.service = plan.describe(new ApiObject(this, 'service', workload.service as never), { owner: path, purpose: "OAuth2 Proxy's Service" });

    const routing = () =>
      renderOAuth2ProxyRouting({
        path,
        name: p.name,
        namespace: p.namespace,
        authAddress: this.authAddress,
        servicePort: OAUTH2_PROXY_PORT,
        callbackHosts: this.callbackHosts(),
        entryPoints: p.entryPoints,
        ...(props.tls ? { tls: { ...props.tls, domains: [...(props.tls.domains ?? [])] } } : {}),
      });
    const [middleware, callback] = routing();
    if (middleware.kind !== 'Middleware' || callback.kind !== 'IngressRoute') throw new Error('renderOAuth2ProxyRouting: unexpected objects');
    plan.describe(new ApiObject(this, 'forward-auth', traefikObjectJson(middleware)), { owner: path, purpose: 'the forward-auth Middleware' });
    const callbackJson = traefikObjectJson(callback);
    plan.describe(
      new ApiObject(this, 'callback', {
        ...callbackJson,
        // Lazy: the hosts of SecuredApis created after this construct count too.
        spec: Lazy.any({ produce: () => traefikObjectJson(routing()[1]).spec }),
      }),
      { owner: path, purpose: 'the /oauth2/ IngressRoute' },
    );

    SecretSync.of(this, p.namespace).add(
      (['clientId', 'clientSecret', 'cookieSecret'] as const).map((f) => ({ kind: 'declared' as const, ref: props[f]._toModel(path, f) })),
      path,
    );
    this.node.addValidation({ validate: () => this.validateUsers() });
  }

  /** Client auth for a SecuredApi: the app is reachable only with a valid session. */
  clientAuth(): ClientAuth {
    return ClientAuth.oidcSession({
      authAddress: this.authAddress,
      middlewareName: this.middlewareName,
      ...(this.namespace ? { middlewareNamespace: this.namespace } : {}),
      responseHeaders: [...OAUTH2_PROXY_RESPONSE_HEADERS],
      provider: this.providerName,
    });
  }

  /**
   * Where a "sign out" link of the apps goes: OAuth2 Proxy's `/oauth2/sign_out` on the callback
   * host, which clears the session cookie and then sends the browser to the identity provider's
   * logout endpoint (`identityProviderLogoutUrl`), ending the provider's session as well.
   */
  signOutUrl(): string {
    const base = `${this.redirect.protocol}//${this.redirect.host}/oauth2/sign_out`;
    return this.idpLogout ? `${base}?rd=${encodeURIComponent(this.idpLogout.toString())}` : base;
  }

  /** Every route (of any SecuredApi in the app) protected by this OAuth2 Proxy. */
  protectedRoutes(): ApiRouteModel[] {
    return this.users().map((api) => api.route);
  }

  /** Hosts whose `/oauth2/` goes to OAuth2 Proxy: the callback host, then every protected host. */
  callbackHosts(): string[] {
    return [...new Set([this.redirect.hostname, ...this.protectedRoutes().map((r) => r.host)])];
  }

  private get providerName(): string {
    return `oauth2-proxy/${this.namespace ?? 'default'}/${this.name}`;
  }

  private users(): SecuredApi[] {
    return this.node.root.node
      .findAll()
      .filter((c): c is SecuredApi => c instanceof SecuredApi)
      .filter((api) => api.route.clientAuth.kind === 'oidcSession' && api.route.clientAuth.provider === this.providerName);
  }

  /** The callback must be `/oauth2/callback` (only `/oauth2/` is routed here) on a host inside the cookie domain. */
  private validateRedirect(redirectUrl: string, cookieDomains: readonly string[]): URL {
    const bad = (problem: string, fix: string) => new GatewrightError({ code: ErrorCode.INVALID_PROPS, path: this.node.path, field: 'redirectUrl', problem, fix });
    const url = new URL(redirectUrl);
    if (url.protocol !== 'https:' && (this.cookieSecure ?? true)) {
      throw bad(`uses ${url.protocol}// while the cookie is Secure; the browser would drop the CSRF cookie on the callback`, `use https://${url.host}/oauth2/callback`);
    }
    if (url.pathname !== '/oauth2/callback' || url.search || url.hash) {
      throw bad(`path "${url.pathname}${url.search}" is not served: only /oauth2/ is routed to OAuth2 Proxy, so Keycloak's redirect would land on the app`, `use https://${url.host}/oauth2/callback (and register it in Keycloak)`);
    }
    if (!hostName.safeParse(url.hostname).success) {
      throw bad(`host "${url.hostname}" is not a DNS name`, 'use the public host name of the callback');
    }
    if (uncoveredBy(cookieDomains, url.hostname)) {
      throw bad(
        `host ${url.hostname} is outside the cookie domain(s) ${cookieDomains.join(', ')}; the CSRF cookie set at sign-in never reaches the callback`,
        `use a callback host under ${bareCookieDomain(cookieDomains[0])}, e.g. https://auth.${bareCookieDomain(cookieDomains[0])}/oauth2/callback`,
      );
    }
    return url;
  }

  /** Checks that need the apps: every app host inside the cookie domain (engines and namespaces are the gateway's to check). */
  private validateUsers(): string[] {
    const errors: string[] = [];
    for (const api of this.users()) {
      const route = api.route;
      const fail = (field: string, problem: string, fix: string) =>
        errors.push(new GatewrightError({ code: ErrorCode.INVALID_PROPS, path: route.path, field, problem, fix }).message);
      if (!this.cookieDomains.some((d) => cookieDomainCovers(d, route.host))) {
        fail(
          'host',
          `${route.host} is outside the cookie domain(s) ${this.cookieDomains.join(', ')} of ${this.node.path}; the browser never sends the session cookie there, so every request starts a new login`,
          `serve the app under ${bareCookieDomain(this.cookieDomains[0])}, or add its parent domain to cookieDomains`,
        );
      }
    }
    return errors;
  }
}

import { ApiObject, Lazy } from 'cdk8s';
import { parentChartOf } from '../parent-chart';
import { Construct } from 'constructs';
import { z } from 'zod';
import {
  IngressRoute,
  IngressRouteSpecRoutesKind,
  IngressRouteSpecRoutesServicesKind,
  IngressRouteSpecRoutesServicesPort,
  Middleware,
  MiddlewareSpecErrorsServicePort,
  type IngressRouteSpec,
} from '../../../imports/traefik.io';
import { dnsLabel, ErrorCode, GatewayEngine, GatewrightError, hostName, parseOrThrow, type ApiRouteModel } from '../../model';
import { ClientAuth } from '../auth/client-auth';
import type { GatewayTls } from '../gateways/traefik-routing';
import { ABOVE_ALL_ROUTES_PRIORITY, hostMatcher } from '../../targets/traefik-common/match-rule';
import { SecuredApi } from '../secured-api';
import { SecretRef } from '../secrets/secret-ref';
import { SecretSync } from '../secrets/secret-sync';
import { bareCookieDomain, cookieDomainCovers, uncoveredBy } from './cookie-domain';
import { CookieSameSite, OAUTH2_PROXY_ENV, renderOAuth2ProxyArgs } from './oauth2-proxy-args';

export { CookieSameSite } from './oauth2-proxy-args';

/** Pinned OAuth2 Proxy image; override with `image` to follow your own upgrade cadence. */
export const OAUTH2_PROXY_IMAGE = 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.4';

/** Headers OAuth2 Proxy's `/oauth2/auth` answer carries with `--set-xauthrequest`. */
export const OAUTH2_PROXY_RESPONSE_HEADERS = ['X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups'] as const;

const PORT = 4180;

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
   * one of them, or the browser never sends the session to it (endless logins).
   */
  readonly cookieDomains: readonly string[];
  /**
   * The OAuth callback, `https://<host>/oauth2/callback`, registered as a valid redirect URI
   * in Keycloak. Its host is routed to OAuth2 Proxy for `/oauth2/`.
   */
  readonly redirectUrl: string;
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
    .array(z.string().regex(/^\.?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, { message: 'must be a DNS domain such as ".example.com"' }))
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

/**
 * OAuth2 Proxy as a Traefik forward-auth service for browser apps without OIDC of their own:
 * Keycloak (`keycloak-oidc`) login, an encrypted session cookie on a shared cookie domain, and
 * `X-Auth-Request-*` identity headers for the apps. Renders the Deployment and Service, a
 * `forwardAuth` Middleware (`/oauth2/auth`) wrapped in an `errors` Middleware that turns a 401
 * into the sign-in page, and the IngressRoute that sends `/oauth2/` on every protected host
 * (and the callback host) to OAuth2 Proxy. Protect an app with
 * `clientAuth: auth.clientAuth()` on a SecuredApi attached to a Traefik gateway.
 */
export class OAuth2ProxyAuth extends Construct {
  /** Name of the Middleware apps list (the errors + forwardAuth chain). */
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

  constructor(scope: Construct, id: string, props: OAuth2ProxyAuthProps) {
    super(scope, id);
    const path = this.node.path;
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
        cookieDomains: [...(props.cookieDomains ?? [])],
        redirectUrl: props.redirectUrl,
        cookieName: props.cookieName ?? '_oauth2_proxy',
        emailDomains: [...(props.emailDomains ?? ['*'])],
        allowedGroups: [...(props.allowedGroups ?? [])],
        name: props.name ?? 'oauth2-proxy',
        ...(namespace ? { namespace } : {}),
        replicas: props.replicas ?? 2,
        entryPoints: [...(props.entryPoints ?? ['websecure'])],
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

    this.middlewareName = `${p.name}-auth`;
    const serviceHost = `${p.name}.${p.namespace ?? 'default'}.svc.cluster.local`;
    this.authAddress = `http://${serviceHost}:${PORT}/oauth2/auth`;
    const ns = p.namespace ? { namespace: p.namespace } : {};
    const labels = { 'app.kubernetes.io/name': 'oauth2-proxy', 'app.kubernetes.io/instance': p.name, 'app.kubernetes.io/managed-by': 'gatewright' };
    const selector = { 'app.kubernetes.io/name': 'oauth2-proxy', 'app.kubernetes.io/instance': p.name };
    const secretEnv = (name: string, ref: SecretRef) => ({ name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } });

    this.deployment = new ApiObject(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: p.name, ...ns, labels },
      spec: {
        replicas: p.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'oauth2-proxy',
                image: props.image ?? OAUTH2_PROXY_IMAGE,
                args: renderOAuth2ProxyArgs({
                  issuerUrl: p.issuerUrl,
                  redirectUrl: p.redirectUrl,
                  cookieDomains: p.cookieDomains,
                  cookieSecure: this.cookieSecure,
                  cookieSameSite: sameSite,
                  cookieName: p.cookieName,
                  emailDomains: p.emailDomains,
                  allowedGroups: p.allowedGroups,
                  port: PORT,
                }),
                env: [
                  secretEnv(OAUTH2_PROXY_ENV.clientId, props.clientId),
                  secretEnv(OAUTH2_PROXY_ENV.clientSecret, props.clientSecret),
                  secretEnv(OAUTH2_PROXY_ENV.cookieSecret, props.cookieSecret),
                ],
                ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/ping', port: 'http' }, periodSeconds: 20 },
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    });
    this.service = new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: p.name, ...ns, labels },
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: PORT, targetPort: 'http', protocol: 'TCP' }] },
    });

    const forwardAuthName = `${p.name}-forward-auth`;
    const signInName = `${p.name}-sign-in`;
    new Middleware(this, 'forward-auth', {
      metadata: { name: forwardAuthName, ...ns },
      spec: {
        forwardAuth: {
          address: this.authAddress,
          // Traefik's entry points drop X-Forwarded-* from untrusted clients; what is left is
          // Traefik's own view of the request, which OAuth2 Proxy needs to build redirects.
          trustForwardHeader: true,
          authResponseHeaders: [...OAUTH2_PROXY_RESPONSE_HEADERS],
        },
      },
    });
    new Middleware(this, 'sign-in', {
      metadata: { name: signInName, ...ns },
      spec: {
        // /oauth2/auth answers 401 without a session; show the sign-in page instead, with the
        // original URL as the post-login target (checked against --whitelist-domain). Traefik
        // fills {url} with the absolute URL (scheme://host/path) since v3.5.2; older versions
        // give only the path, which OAuth2 Proxy would resolve against the callback host.
        // No --skip-provider-button: its 302 to Keycloak would reach the browser as a 401
        // (errors keeps the caught status), so the sign-in page's button starts the login.
        errors: { status: ['401'], service: { name: p.name, port: MiddlewareSpecErrorsServicePort.fromNumber(PORT) }, query: '/oauth2/sign_in?rd={url}' },
      },
    });
    new Middleware(this, 'chain', {
      metadata: { name: this.middlewareName, ...ns },
      // errors must wrap forwardAuth to see its 401: errors first in the chain.
      spec: { chain: { middlewares: [{ name: signInName }, { name: forwardAuthName }] } },
    });

    new IngressRoute(this, 'callback', {
      metadata: { name: `${p.name}-callback`, ...ns },
      spec: Lazy.any({ produce: () => this.callbackRouteSpec(p.name, p.entryPoints, props.tls) }) as unknown as IngressRouteSpec,
    });

    SecretSync.of(this, p.namespace).add(
      [props.clientId, props.clientSecret, props.cookieSecret].map((r) => ({ kind: 'declared' as const, ref: r._toModel() })),
      path,
    );
    this.node.addValidation({ validate: () => this.validateUsers() });
  }

  /** Client auth for a SecuredApi: the app is reachable only with a valid Keycloak session. */
  clientAuth(): ClientAuth {
    return ClientAuth.oidcSession({
      authAddress: this.authAddress,
      middlewareName: this.middlewareName,
      ...(this.namespace ? { middlewareNamespace: this.namespace } : {}),
      responseHeaders: [...OAUTH2_PROXY_RESPONSE_HEADERS],
      provider: `oauth2-proxy/${this.name}`,
    });
  }

  /** Every route (of any SecuredApi in the app) protected by this OAuth2 Proxy. */
  protectedRoutes(): ApiRouteModel[] {
    return this.users().map((api) => api.route);
  }

  /** Hosts whose `/oauth2/` goes to OAuth2 Proxy: the callback host, then every protected host. */
  callbackHosts(): string[] {
    return [...new Set([this.redirect.hostname, ...this.protectedRoutes().map((r) => r.host)])];
  }

  private users(): SecuredApi[] {
    return this.node.root.node
      .findAll()
      .filter((c): c is SecuredApi => c instanceof SecuredApi)
      .filter((api) => api.route.clientAuth.kind === 'oidcSession' && api.route.clientAuth.authAddress === this.authAddress && api.route.clientAuth.middlewareName === this.middlewareName);
  }

  private callbackRouteSpec(name: string, entryPoints: readonly string[], tls?: GatewayTls): unknown {
    const hosts = this.callbackHosts();
    const hostRule = hosts.map(hostMatcher);
    const match = `${hostRule.length > 1 ? `(${hostRule.join(' || ')})` : hostRule[0]} && PathPrefix(\`/oauth2/\`)`;
    return {
      entryPoints: [...entryPoints],
      routes: [
        {
          kind: IngressRouteSpecRoutesKind.RULE,
          match,
          // Above every app route on the same hosts: gatewright gives app routes explicit
          // priorities (exact host, then longest prefix), all below this one.
          priority: ABOVE_ALL_ROUTES_PRIORITY,
          services: [{ kind: IngressRouteSpecRoutesServicesKind.SERVICE, name, port: IngressRouteSpecRoutesServicesPort.fromNumber(PORT) }],
        },
      ],
      ...(tls
        ? {
            tls: {
              ...(tls.certResolver ? { certResolver: tls.certResolver } : {}),
              ...(tls.secretName ? { secretName: tls.secretName } : {}),
              domains: hosts.map((main) => ({ main })),
            },
          }
        : {}),
    };
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

  /** Checks that need the apps: hosts inside the cookie domain, Traefik gateways, same namespace. */
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
      const engine = api.gateway.engine;
      if (engine !== GatewayEngine.TRAEFIK && engine !== GatewayEngine.TRAEFIK_HUB) {
        fail('gateway', `is a ${engine} gateway; OAuth2 Proxy forward auth is wired into Traefik IngressRoutes only`, 'attach the app to a TraefikGateway or TraefikHubGateway');
      }
      const gatewayNamespace = api.gateway._toGatewayModel().namespace;
      if (gatewayNamespace !== this.namespace) {
        fail(
          'gateway',
          `renders IngressRoutes in namespace "${gatewayNamespace ?? '(none)'}" but the forward-auth Middleware "${this.middlewareName}" lives in "${this.namespace ?? '(none)'}"; Traefik resolves middleware names in the route's namespace`,
          'create the OAuth2ProxyAuth with the gateway\'s namespace',
        );
      }
    }
    return errors;
  }
}

import { describe, expect, it } from 'vitest';
import {
  CookieSameSite,
  ErrorCode,
  OathkeeperGateway,
  OAuth2ProxyAuth,
  OAUTH2_PROXY_IMAGE,
  SecretRef,
  SecuredApi,
  ServiceBackend,
  TraefikGateway,
  TraefikHubGateway,
  type IGateway,
  type OAuth2ProxyAuthProps,
} from '../../src';
import { findObject, synthObjects, testChart, toYaml, type KubeObject } from '../support/synth';
import { catchError } from '../support/errors';

const secrets = {
  clientId: SecretRef.fromSecret('oauth2-proxy', 'client-id'),
  clientSecret: SecretRef.fromSecret('oauth2-proxy', 'client-secret'),
  cookieSecret: SecretRef.fromSecret('oauth2-proxy', 'cookie-secret'),
};
const base: OAuth2ProxyAuthProps = {
  issuerUrl: 'https://sso.example.com/realms/apps',
  ...secrets,
  cookieDomains: ['.apps.example.com'],
  redirectUrl: 'https://auth.apps.example.com/oauth2/callback',
};

function setup(props: Partial<OAuth2ProxyAuthProps> = {}, namespace = 'apps') {
  const chart = testChart(namespace);
  const auth = new OAuth2ProxyAuth(chart, 'auth', { ...base, ...props });
  return { chart, auth };
}

const app = (scope: ReturnType<typeof setup>, gateway: IGateway, id: string, host: string) =>
  new SecuredApi(scope.chart, id, { gateway, host, backend: ServiceBackend.fromServiceName(id, { port: 8080 }), clientAuth: scope.auth.clientAuth() });

const container = (objects: KubeObject[]) => findObject(objects, 'Deployment', 'oauth2-proxy').spec.template.spec.containers[0];

describe('OAuth2ProxyAuth', () => {
  it('runs OAuth2 Proxy v7.15.3 (its newest release) in forward-auth mode against Keycloak', () => {
    const s = setup({ allowedGroups: ['/platform'], emailDomains: ['example.com'] });
    const c = container(synthObjects(s.chart));
    expect(c.image).toBe(OAUTH2_PROXY_IMAGE);
    expect(OAUTH2_PROXY_IMAGE).toBe('quay.io/oauth2-proxy/oauth2-proxy:v7.15.3');
    expect(c.args).toEqual([
      '--provider=keycloak-oidc',
      '--oidc-issuer-url=https://sso.example.com/realms/apps',
      '--redirect-url=https://auth.apps.example.com/oauth2/callback',
      '--upstream=static://202',
      '--http-address=0.0.0.0:4180',
      '--reverse-proxy=true',
      '--set-xauthrequest=true',
      '--skip-provider-button=true',
      '--code-challenge-method=S256',
      '--cookie-domain=.apps.example.com',
      '--whitelist-domain=.apps.example.com',
      // After sign-out, the browser may go on to Keycloak's logout endpoint, and nowhere else.
      '--whitelist-domain=sso.example.com',
      '--cookie-name=_oauth2_proxy',
      '--cookie-secure=true',
      '--cookie-samesite=lax',
      '--email-domain=example.com',
      '--allowed-group=/platform',
    ]);
  });

  it('reads client id, client secret and cookie secret from Secrets, never from flags', () => {
    const objects = synthObjects(setup().chart);
    const c = container(objects);
    expect(c.env).toEqual([
      { name: 'OAUTH2_PROXY_CLIENT_ID', valueFrom: { secretKeyRef: { name: 'oauth2-proxy', key: 'client-id' } } },
      { name: 'OAUTH2_PROXY_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'oauth2-proxy', key: 'client-secret' } } },
      { name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: 'oauth2-proxy', key: 'cookie-secret' } } },
    ]);
    expect(c.args.join(' ')).not.toMatch(/secret|client-id/);
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('renders one forwardAuth Middleware to the static upstream, with the X-Auth-Request headers and no errors Middleware', () => {
    const objects = synthObjects(setup().chart);
    // OAuth2 Proxy answers the sub-request itself: 202 with identity headers, or a redirect into
    // the login that forwardAuth hands to the browser. An errors Middleware would also turn the
    // app's own 401s into the sign-in page.
    expect(findObject(objects, 'Middleware', 'oauth2-proxy-auth').spec).toEqual({
      forwardAuth: {
        address: 'http://oauth2-proxy.apps.svc.cluster.local:4180/',
        trustForwardHeader: true,
        authResponseHeaders: ['X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups', 'X-Auth-Request-Preferred-Username'],
      },
    });
    expect(objects.filter((o) => o.kind === 'Middleware').map((o) => o.metadata.name)).toEqual(['oauth2-proxy-auth']);
    expect(findObject(objects, 'Service', 'oauth2-proxy').spec.ports).toEqual([{ name: 'http', port: 4180, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('keeps a group with a comma one group (pflag reads list flags as CSV)', () => {
    const c = container(synthObjects(setup({ allowedGroups: ['admins,everyone', 'ops'] }).chart));
    expect(c.args.filter((a: string) => a.startsWith('--allowed-group='))).toEqual(['--allowed-group="admins,everyone"', '--allowed-group=ops']);
  });

  it('refuses a public-suffix cookie domain, which would send the session to every site under it', () => {
    for (const domain of ['.github.io', '.co.uk', 'com']) {
      const e = catchError(() => setup({ cookieDomains: [domain], redirectUrl: 'https://auth.apps.example.com/oauth2/callback' }));
      expect(e.code).toBe(ErrorCode.INVALID_PROPS);
      expect(e.field).toBe('cookieDomains[0]');
    }
    expect(catchError(() => setup({ cookieDomains: ['.github.io'] })).message).toBe(
      '[test/auth] cookieDomains[0]: is a public suffix: browsers would send the session cookie to every site under it; use your own domain, e.g. ".apps.example.com"',
    );
  });

  it('gives SecuredApis an oidcSession client auth naming it as the session provider', () => {
    const { auth } = setup();
    expect(auth.clientAuth()._toModel()).toEqual({
      kind: 'oidcSession',
      authAddress: 'http://oauth2-proxy.apps.svc.cluster.local:4180/',
      responseHeaders: ['X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups', 'X-Auth-Request-Preferred-Username'],
      provider: 'oauth2-proxy/apps/oauth2-proxy',
    });
    expect(auth.clientAuth()._sessionMiddleware()).toEqual({ name: 'oauth2-proxy-auth', namespace: 'apps' });
  });

  it('routes /oauth2/ on the callback host and every protected host (Traefik Hub)', () => {
    const s = setup();
    const gateway = new TraefikHubGateway(s.chart, 'gateway', { tls: { certResolver: 'le' } });
    app(s, gateway, 'grafana', 'dashboards.apps.example.com');
    app(s, gateway, 'mlflow', 'mlflow.apps.example.com');
    const objects = synthObjects(s.chart);
    const callback = findObject(objects, 'IngressRoute', 'oauth2-proxy-callback').spec.routes[0];
    expect(callback.match).toBe('(Host(`auth.apps.example.com`) || Host(`dashboards.apps.example.com`) || Host(`mlflow.apps.example.com`)) && PathPrefix(`/oauth2/`)');
    // App routes carry explicit priorities now; /oauth2/ must still win on their hosts.
    const grafana = findObject(objects, 'IngressRoute', 'grafana').spec.routes[0];
    expect(callback.priority).toBeGreaterThan(grafana.priority);
    expect(grafana.middlewares).toEqual([{ name: 'gateway-untrusted-headers' }, { name: 'oauth2-proxy-auth' }]);
  });

  it('works with the open-source TraefikGateway too', () => {
    const s = setup();
    const gateway = new TraefikGateway(s.chart, 'gateway');
    app(s, gateway, 'grafana', 'dashboards.apps.example.com');
    const objects = synthObjects(s.chart);
    expect(findObject(objects, 'IngressRoute', 'grafana').spec.routes[0].middlewares).toEqual([{ name: 'gateway-untrusted-headers' }, { name: 'oauth2-proxy-auth' }]);
  });

  it('rejects an app host outside the cookie domain (the endless-login failure)', () => {
    const s = setup();
    const gateway = new TraefikHubGateway(s.chart, 'gateway');
    app(s, gateway, 'wiki', 'wiki.example.org');
    expect(() => synthObjects(s.chart)).toThrow(
      '[test/wiki] host: wiki.example.org is outside the cookie domain(s) .apps.example.com of test/auth; the browser never sends the session cookie there, so every request starts a new login. Fix: serve the app under apps.example.com, or add its parent domain to cookieDomains',
    );
  });

  it('rejects a redirect URL host outside the cookie domain', () => {
    const e = catchError(() => setup({ redirectUrl: 'https://login.example.org/oauth2/callback' }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.field).toBe('redirectUrl');
    expect(e.message).toContain('host login.example.org is outside the cookie domain(s) .apps.example.com');
  });

  it('rejects a redirect URL path that is not routed to OAuth2 Proxy', () => {
    const e = catchError(() => setup({ redirectUrl: 'https://auth.apps.example.com/callback' }));
    expect(e.field).toBe('redirectUrl');
    expect(e.message).toBe(
      '[test/auth] redirectUrl: path "/callback" is not served: only /oauth2/ is routed to OAuth2 Proxy, so Keycloak\'s redirect would land on the app. Fix: use https://auth.apps.example.com/oauth2/callback (and register it in Keycloak)',
    );
  });

  it('rejects a plain-http redirect URL for a Secure cookie', () => {
    expect(catchError(() => setup({ redirectUrl: 'http://auth.apps.example.com/oauth2/callback' })).field).toBe('redirectUrl');
  });

  it('rejects a cookie secret length OAuth2 Proxy cannot use, and says how to generate one', () => {
    const e = catchError(() => setup({ cookieSecretBytes: 44 }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.field).toBe('cookieSecretBytes');
    expect(e.message).toContain('must be 16, 24 or 32 (got 44)');
    expect(e.message).toContain("openssl rand -base64 32 | tr -- '+/' '-_'");
    for (const ok of [16, 24, 32]) expect(() => setup({ cookieSecretBytes: ok })).not.toThrow();
  });

  it('rejects a plaintext client secret', () => {
    const e = catchError(() => setup({ clientSecret: 'hunter2' as unknown as SecretRef }));
    expect(e.code).toBe(ErrorCode.PLAINTEXT_SECRET);
    expect(e.message).not.toContain('hunter2');
  });

  it('rejects SameSite=None without Secure', () => {
    const e = catchError(() => setup({ cookieSameSite: CookieSameSite.NONE, cookieSecure: false, redirectUrl: 'http://auth.apps.example.com/oauth2/callback', issuerUrl: 'http://sso.apps.example.com/realms/apps' }));
    expect(e.field).toBe('cookieSameSite');
  });

  it('rejects an app on a gateway in another namespace unless Traefik allows cross-namespace references', () => {
    const s = setup();
    const gateway = new TraefikHubGateway(s.chart, 'gateway', { namespace: 'edge' });
    const e = catchError(() => app(s, gateway, 'grafana', 'dashboards.apps.example.com'));
    expect(e.code).toBe(ErrorCode.CROSS_NAMESPACE);
    expect(e.message).toContain('the session Middleware "oauth2-proxy-auth" lives in namespace "apps"');
    const across = new TraefikHubGateway(s.chart, 'across', { namespace: 'edge', allowCrossNamespace: true });
    app(s, across, 'mlflow', 'mlflow.apps.example.com');
    expect(findObject(synthObjects(s.chart), 'IngressRoute', 'mlflow').spec.routes[0].middlewares).toEqual([
      { name: 'across-untrusted-headers' },
      { name: 'oauth2-proxy-auth', namespace: 'apps' },
    ]);
  });

  it('is refused by the Oathkeeper gateway with the Traefik alternative', () => {
    const s = setup();
    const e = catchError(() => app(s, new OathkeeperGateway(s.chart, 'oathkeeper'), 'grafana', 'dashboards.apps.example.com'));
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(e.message).toContain('Fix: attach this API to TraefikHubGateway or TraefikGateway');
  });

  it('matches the reviewed YAML snapshot', async () => {
    const s = setup({ allowedGroups: ['/platform'] });
    const gateway = new TraefikHubGateway(s.chart, 'gateway');
    app(s, gateway, 'grafana', 'dashboards.apps.example.com');
    await expect(toYaml(synthObjects(s.chart))).toMatchFileSnapshot('./__snapshots__/oauth2-proxy.yaml');
  });
});


/**
 * Browser apps without OIDC of their own — Grafana dashboards, MLflow and a static portal —
 * behind Keycloak sessions: Traefik asks OAuth2 Proxy (`forwardAuth` → `/oauth2/auth`) on every
 * request; without a session the user gets the sign-in page, logs in at Keycloak once, and the
 * session cookie on `.apps.example.com` covers all three apps. The apps receive the user in
 * `X-Auth-Request-User/-Email/-Groups`.
 */
import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  AwsSecretsManagerStore,
  type IGateway,
  OAuth2ProxyAuth,
  SecuredApi,
  ServiceBackend,
  TraefikHubGateway,
} from '../src';

/** The cookie domain every app lives under. */
export const APPS_DOMAIN = 'apps.example.com';

/** OAuth2 Proxy for the realm `apps`, with its client and cookie secrets from AWS Secrets Manager. */
export function keycloakAuth(scope: Construct, namespace?: string): OAuth2ProxyAuth {
  const store = AwsSecretsManagerStore.fromClusterSecretStore('aws-secrets-manager');
  const secret = (property: string) =>
    store.secretRef({ remoteKey: 'gatewright/apps/oauth2-proxy', property, secretName: 'oauth2-proxy-keycloak', key: property });
  return new OAuth2ProxyAuth(scope, 'keycloak-auth', {
    issuerUrl: 'https://sso.example.com/realms/apps',
    clientId: secret('client-id'),
    clientSecret: secret('client-secret'),
    // 32 random bytes, stored URL-safe base64: openssl rand -base64 32 | tr -- '+/' '-_'
    cookieSecret: secret('cookie-secret'),
    cookieSecretBytes: 32,
    cookieDomains: [`.${APPS_DOMAIN}`],
    redirectUrl: `https://auth.${APPS_DOMAIN}/oauth2/callback`,
    allowedGroups: ['/platform-users'],
    tls: { certResolver: 'le' },
    ...(namespace ? { namespace } : {}),
  });
}

/** Declares the three apps on `gateway`, each protected by `auth`. */
export function declareKeycloakApps(scope: Construct, gateway: IGateway, auth: OAuth2ProxyAuth): Record<'dashboards' | 'mlflow' | 'portal', SecuredApi> {
  const app = (id: string, sub: string, service: string, port: number) =>
    new SecuredApi(scope, id, {
      gateway,
      host: `${sub}.${APPS_DOMAIN}`,
      backend: ServiceBackend.fromServiceName(service, { port }),
      clientAuth: auth.clientAuth(),
      // Browsers need the Host they asked for (absolute links, CSRF checks in the apps).
      preserveHost: true,
    });
  return {
    dashboards: app('dashboards', 'dashboards', 'grafana', 3000),
    mlflow: app('mlflow', 'mlflow', 'mlflow', 5000),
    portal: app('portal', 'portal', 'portal', 8080),
  };
}

/** The three apps on Traefik Hub. */
export function keycloakForwardAuth(app: App, id = 'keycloak-forward-auth'): Chart {
  const chart = new Chart(app, id, { namespace: 'apps' });
  const gateway = new TraefikHubGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } });
  declareKeycloakApps(chart, gateway, keycloakAuth(chart));
  return chart;
}

if (require.main === module) {
  const app = new App();
  keycloakForwardAuth(app);
  app.synth();
}

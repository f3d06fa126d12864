import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { APPS_DOMAIN, declareKeycloakApps, keycloakAuth, keycloakForwardAuth } from '../../examples/keycloak-forward-auth';
import { TraefikGateway } from '../../src';
import { findObject, synthObjects, toYaml } from '../support/synth';

describe('examples/keycloak-forward-auth (Traefik Hub)', () => {
  const objects = synthObjects(keycloakForwardAuth(Testing.app()));

  it('protects the three apps with the OAuth2 Proxy chain, keeping their Host', () => {
    for (const [name, host, service, port] of [
      ['dashboards', `dashboards.${APPS_DOMAIN}`, 'grafana', 3000],
      ['mlflow', `mlflow.${APPS_DOMAIN}`, 'mlflow', 5000],
      ['portal', `portal.${APPS_DOMAIN}`, 'portal', 8080],
    ] as const) {
      const [route] = findObject(objects, 'IngressRoute', name).spec.routes;
      expect(route.match).toBe(`Host(\`${host}\`)`);
      expect(route.middlewares).toEqual([{ name: 'gateway-untrusted-headers' }, { name: 'oauth2-proxy-auth' }]);
      expect(route.services).toEqual([{ kind: 'Service', name: service, port, scheme: 'http', passHostHeader: true, serversTransport: 'gateway-transport-30s' }]);
    }
  });

  it('shares one session cookie across the apps and sends /oauth2/ on every app host to OAuth2 Proxy', () => {
    const args: string[] = findObject(objects, 'Deployment', 'oauth2-proxy').spec.template.spec.containers[0].args;
    expect(args).toContain('--cookie-domain=.apps.example.com');
    expect(args).toContain('--redirect-url=https://auth.apps.example.com/oauth2/callback');
    expect(args).toContain('--allowed-group=/platform-users');
    const callback = findObject(objects, 'IngressRoute', 'oauth2-proxy-callback').spec;
    expect(callback.routes[0].match).toBe(
      '(Host(`auth.apps.example.com`) || Host(`dashboards.apps.example.com`) || Host(`mlflow.apps.example.com`) || Host(`portal.apps.example.com`)) && PathPrefix(`/oauth2/`)',
    );
    expect(callback.tls.certResolver).toBe('le');
  });

  it('syncs the client and cookie secrets from AWS Secrets Manager', () => {
    const es = findObject(objects, 'ExternalSecret', 'oauth2-proxy-keycloak').spec;
    expect(es.secretStoreRef).toEqual({ name: 'aws-secrets-manager', kind: 'ClusterSecretStore' });
    expect(es.data.map((d: { secretKey: string }) => d.secretKey)).toEqual(['client-id', 'client-secret', 'cookie-secret']);
  });

  it('matches the reviewed YAML snapshot', async () => {
    await expect(toYaml(objects)).toMatchFileSnapshot('./__snapshots__/keycloak-forward-auth.k8s.yaml');
  });
});

describe('examples/keycloak-forward-auth (open-source Traefik)', () => {
  it('builds the same apps on TraefikGateway', () => {
    const chart = new Chart(Testing.app(), 'keycloak-forward-auth', { namespace: 'apps' });
    declareKeycloakApps(chart, new TraefikGateway(chart, 'gateway', { tls: { certResolver: 'le' } }), keycloakAuth(chart));
    const objects = synthObjects(chart);
    for (const name of ['dashboards', 'mlflow', 'portal']) {
      expect(findObject(objects, 'IngressRoute', name).spec.routes[0].middlewares).toEqual([{ name: 'gateway-untrusted-headers' }, { name: 'oauth2-proxy-auth' }]);
    }
  });
});

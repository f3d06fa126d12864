import { ApiObject, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, shopEnvironment } from '../../examples/multi-environment';
import { oicOnOke } from '../../examples/oic-on-oke';
import { examples } from '../../examples';
import { upstreamAuthPatterns } from '../../examples/upstream-auth-patterns';
import { ClientAuth, ServiceBackend } from '../../src';
import { buildAccessReport, collectTopology, renderAccessReport, type RouteAccess } from '../../src/report';
import { api, gatewayChart, topologyOf } from './support';

const bundled = {
  'oic-on-oke': () => topologyOf((app) => oicOnOke(app)),
  'upstream-auth-patterns': () => topologyOf((app) => upstreamAuthPatterns(app)),
  'multi-environment': () =>
    topologyOf((app) => {
      shopEnvironment(app, ENVIRONMENTS.staging);
      shopEnvironment(app, ENVIRONMENTS.production);
    }),
};

function route(routes: readonly RouteAccess[], location: string): RouteAccess {
  const r = routes.find((x) => `${x.host}${x.pathPrefix}` === location);
  if (!r) throw new Error(`no route ${location}; have ${routes.map((x) => x.host + x.pathPrefix).join(', ')}`);
  return r;
}

describe('access report of the bundled examples', () => {
  for (const [name, topology] of Object.entries(bundled)) {
    it(`matches the Markdown and JSON snapshots of ${name}`, async () => {
      const t = topology();
      const environments = name === 'multi-environment' ? ['staging', 'production'] : undefined;
      await expect(renderAccessReport(t, { format: 'markdown', environments })).toMatchFileSnapshot(`__snapshots__/${name}.report.md`);
      await expect(renderAccessReport(t, { format: 'json', environments })).toMatchFileSnapshot(`__snapshots__/${name}.report.json`);
    });
  }

  it('describes the OIC route: JWT pinning, token exchange, rewrite and ExternalName backend', () => {
    const report = buildAccessReport(bundled['oic-on-oke']());
    expect(report.summary).toMatchObject({ gateways: 1, routes: 1, publicRoutes: 0 });
    const g = report.gateways[0];
    expect(g).toMatchObject({ name: 'gateway', engine: 'traefik-hub', namespace: 'integrations', networkPolicies: [] });
    const echo = route(g.routes, 'api.example.com/echo');
    expect(echo.methods).toEqual(['*']);
    expect(echo.clientAuth).toMatchObject({ kind: 'jwt', public: false, issuer: 'https://identity.oraclecloud.com/', audience: ['api.example.com'], algorithms: ['RS256'] });
    expect(echo.rewrite).toEqual({ from: '/echo', to: '/ic/api/integration/v2/flows/rest/project/P/ECHO/1.0' });
    expect(echo.backend).toEqual({ kind: 'externalName', url: 'https://myinst.integration.ocp.oraclecloud.com:443', service: 'oic', namespace: 'integrations' });
    expect(echo.upstream).toHaveLength(1);
    expect(echo.upstream[0]).toMatchObject({ kind: 'oauth2ClientCredentials', name: 'oic-token', tokenUrl: 'https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token' });
    expect(echo.upstream[0].values.clientSecret).toEqual({
      kind: 'secret',
      secret: { secretName: 'oauth2-client-creds', key: 'clientSecret', namespace: 'integrations' },
    });
  });

  it('names the secret-manager path and key of every synced upstream secret', () => {
    const routes = buildAccessReport(bundled['upstream-auth-patterns']()).gateways.flatMap((g) => g.routes);
    const weather = route(routes, 'partners.example.com/weather');
    expect(weather.upstream[0].values.value).toEqual({
      kind: 'secret',
      secret: {
        secretName: 'weather-upstream',
        key: 'api-key',
        namespace: 'partners',
        source: { provider: 'awsSecretsManager', store: 'aws-secrets-manager', storeKind: 'ClusterSecretStore', remoteKey: 'prod/weather', property: 'api_key' },
      },
    });
    expect(weather.scopes).toEqual(['weather:read']);
    expect(weather.methods).toEqual(['GET']);
    const md = renderAccessReport(bundled['upstream-auth-patterns']());
    expect(md).toContain('AWS Secrets Manager prod/weather#api_key (ClusterSecretStore aws-secrets-manager) → Secret weather-upstream/api-key');
    expect(md).toContain('OCI Vault maps-api-key (SecretStore oci-vault) → Secret maps-upstream/key');
    expect(md).toContain('copied from request header X-Tenant-Id');
  });

  it('says per route whether the caller cookies are forwarded or removed, in Markdown and JSON', () => {
    const t = bundled['multi-environment']();
    const md = renderAccessReport(t).split('\n');
    expect(md.find((l) => l.startsWith('| `api.shop.example.com/payments`'))).toContain('<br>cookies: removed');
    expect(md.find((l) => l.startsWith('| `api.shop.example.com/orders`'))).toContain('<br>cookies: forwarded');
    const routes = JSON.parse(renderAccessReport(t, { format: 'json' })).gateways.flatMap((g: { routes: RouteAccess[] }) => g.routes);
    expect(route(routes, 'api.shop.example.com/payments').cookies).toBe('removed');
    expect(route(routes, 'api.shop.example.com/orders').cookies).toBe('forwarded');
  });

  it('shows a public route as **PUBLIC** in bold and counts it', () => {
    const t = bundled['multi-environment']();
    const md = renderAccessReport(t);
    const statusRow = md.split('\n').find((l) => l.startsWith('| `api.shop.example.com/status`'));
    expect(statusRow).toContain('| **PUBLIC** |');
    expect(buildAccessReport(t).summary.publicRoutes).toBe(2);
  });

  it('lists workloads with their replica counts', () => {
    const report = buildAccessReport(bundled['multi-environment']());
    expect(report.workloads.map((w) => [w.path, w.replicas])).toEqual([
      ['staging/orders-app/Resource', 1],
      ['production/orders-app/Resource', 3],
    ]);
  });

  it('reports NetworkPolicies found in the gateway and backend namespaces', () => {
    const t = topologyOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'orders', { backend: ServiceBackend.fromServiceName('orders', { port: 8443, scheme: 'https' }) });
      new ApiObject(chart, 'deny', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny', namespace: 'shop' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      });
    });
    expect(t.networkPolicies).toEqual([{ name: 'default-deny', namespace: 'shop', path: 'test/deny', podSelector: {}, policyTypes: ['Ingress'], ingress: [] }]);
    const r = buildAccessReport(t).gateways[0];
    expect(r.networkPolicies).toEqual(['default-deny']);
    expect(r.routes[0].networkPolicies).toEqual({ gatewayNamespace: ['default-deny'], backendNamespace: ['default-deny'] });
    expect(renderAccessReport(t)).toContain('NetworkPolicies in the namespace: `default-deny`');
  });

  it('collects every gateway of an app, whatever chart it is in, in tree order', () => {
    const app = Testing.app();
    oicOnOke(app);
    upstreamAuthPatterns(app);
    const t = collectTopology(app);
    expect(t.gateways.map((g) => g.path)).toEqual(['oic-on-oke/gateway', 'upstream-auth-patterns/gateway']);
    expect(t.version).toBe(1);
  });

  it('reports every gateway and route of every bundled example, whatever its engine', () => {
    const app = Testing.app();
    for (const build of Object.values(examples)) build(app);
    const t = collectTopology(app);
    const report = buildAccessReport(t);
    expect(report.summary.routes).toBe(t.gateways.reduce((n, g) => n + g.routes.length, 0));
    const md = renderAccessReport(t);
    for (const g of t.gateways) {
      expect(md).toContain(`## Gateway \`${g.path}\` (${g.engine})`);
      for (const r of g.routes) expect(md).toContain(`| \`${r.host}${r.pathPrefix}\` |`);
    }
    expect(JSON.parse(renderAccessReport(t, { format: 'json' })).gateways).toHaveLength(t.gateways.length);
  });

  it('renders an empty gateway without a table', () => {
    const t = topologyOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'public', { clientAuth: ClientAuth.none(), scopes: [] });
      gatewayChart(app, 'other');
    });
    expect(renderAccessReport(t)).toContain('_No routes._');
  });
});

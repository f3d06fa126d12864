import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  ErrorCode,
  ExternalNameBackend,
  GatewayEngine,
  MatchingStrategy,
  OathkeeperGateway,
  OathkeeperRuleDelivery,
  OathkeeperRulesFormat,
  SecretRef,
  SecuredApi,
  ServiceBackend,
  UpstreamCredential,
  UpstreamOAuth,
  VirtualEndpoint,
  type OathkeeperGatewayProps,
  type SecuredApiProps,
} from '../../src';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { MaesterNamespaces } from '../../src';
import { secretEnvName } from '../../src/plan/derived-secrets';
import { untrustedCallerHeaders } from '../../src/plan/request-transformation';
import { HAS_OATHKEEPER_SCHEMAS, oathkeeperSchemas } from '../support/oathkeeper-schemas';
import { findObject, synthObjects, testChart, toYaml, type KubeObject } from '../support/synth';
import { catchError } from '../support/errors';

/** The header mutator's headers without the caller-supplied identity headers every rule blanks. */
function ownHeaders(rule: KubeObject): Record<string, string> {
  const headers: Record<string, string> = { ...(rule.spec?.mutators[0].config?.headers ?? {}) };
  for (const r of untrustedCallerHeaders()) {
    if (r.header === 'Forwarded' || r.header.toLowerCase().startsWith('x-forwarded-')) continue;
    expect(headers[r.header]).toBe('');
    delete headers[r.header];
  }
  return headers;
}

const MAESTER = { ruleDelivery: OathkeeperRuleDelivery.MAESTER };
const JWT = () => ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'partners' });

function setup(props: OathkeeperGatewayProps = {}, namespace = 'edge') {
  const chart = testChart(namespace);
  const gateway = new OathkeeperGateway(chart, 'oathkeeper', props);
  const backend = new ExternalNameBackend(chart, 'backend', { externalName: 'api.partner.example.net' });
  const store = new AwsSecretsManagerStore(chart, 'aws', { region: 'eu-west-1' });
  const key = store.secretRef({ remoteKey: 'partner', property: 'api-key', secretName: 'partner-credentials', key: 'api-key' });
  const api = (id: string, extra: Partial<SecuredApiProps> = {}) =>
    new SecuredApi(chart, id, { gateway, host: 'api.example.com', backend, clientAuth: JWT(), path: `/${id}`, ...extra });
  return { chart, gateway, api, key, store };
}

describe('OathkeeperGateway', () => {
  it('is the oathkeeper engine', () => {
    expect(setup().gateway.engine).toBe(GatewayEngine.OATHKEEPER);
  });

  it('renders one maester Rule per API with maester delivery, in the gateway namespace', () => {
    const { chart, api, key } = setup(MAESTER);
    api('orders', { methods: ['GET'], scopes: ['orders:read'], upstreamAuth: UpstreamCredential.header('X-API-Key', key) });
    const objects = synthObjects(chart);
    const rule = findObject(objects, 'Rule', 'orders');
    expect(rule.apiVersion).toBe('oathkeeper.ory.sh/v1alpha1');
    expect(rule.metadata.namespace).toBe('edge');
    expect(rule.spec.match).toEqual({ url: '<https?>://<(?i:api\\.example\\.com)(?::[0-9]{1,5})?>/orders<(/.*)?>', methods: ['GET'] });
    expect(rule.spec.mutators).toHaveLength(1);
    expect(rule.spec.mutators[0].handler).toBe('header');
    // Toward an external backend: no caller token, no cookies, no X-Real-Ip (Oathkeeper drops X-Forwarded-* itself).
    expect(ownHeaders(rule)).toEqual({
      Authorization: '',
      Cookie: '',
      'X-Real-Ip': '',
      'X-Replaced-Path': '',
      'X-API-Key': `{{ (env "${secretEnvName({ secretName: 'partner-credentials', key: 'api-key' })}") }}`,
    });
    expect(rule.spec.upstream).toEqual({ url: 'https://api.partner.example.net', preserveHost: false });
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['oathkeeper-config']);
    expect((chart.node.findChild('oathkeeper') as OathkeeperGateway).helmValues()).toMatchObject({
      maester: { enabled: true },
      'oathkeeper-maester': { singleNamespaceMode: true },
    });
  });

  it('lets maester watch every namespace only when told to', () => {
    const { gateway, api } = setup({ ...MAESTER, maesterNamespaces: MaesterNamespaces.ALL });
    api('orders');
    expect((gateway.helmValues() as any)['oathkeeper-maester']).toEqual({ singleNamespaceMode: false });
  });

  it('blanks the caller Cookie (Oathkeeper can only set headers) unless the route forwards cookies', () => {
    const { chart, api } = setup(MAESTER);
    const inCluster = ServiceBackend.fromServiceName('orders', { port: 8080, scheme: 'http' });
    api('wiki', { clientAuth: ClientAuth.none() });
    api('shop', { clientAuth: ClientAuth.none(), backend: inCluster });
    api('forwarded', { clientAuth: ClientAuth.none(), forwardCookies: true });
    api('session', { upstreamAuth: UpstreamCredential.header('Cookie', SecretRef.fromSecret('ui', 'session')) });
    const objects = synthObjects(chart);
    const hidden = { 'X-Real-Ip': '', 'X-Replaced-Path': '' };
    expect(ownHeaders(findObject(objects, 'Rule', 'wiki'))).toEqual({ Cookie: '', ...hidden });
    expect(ownHeaders(findObject(objects, 'Rule', 'shop'))).toEqual({});
    expect(ownHeaders(findObject(objects, 'Rule', 'forwarded'))).toEqual(hidden);
    // An upstream credential in Cookie replaces the blank instead of conflicting with it.
    expect(ownHeaders(findObject(objects, 'Rule', 'session'))).toEqual({
      Authorization: '',
      Cookie: `{{ (env "${secretEnvName({ secretName: 'ui', key: 'session' })}") }}`,
      ...hidden,
    });
  });

  it('puts the rules into a ConfigMap by default, as JSON or YAML', () => {
    for (const format of [OathkeeperRulesFormat.JSON, OathkeeperRulesFormat.YAML]) {
      const { chart, api, gateway } = setup({ rulesFormat: format });
      api('orders', { endpoint: new VirtualEndpoint(chart, 'ep', { path: '/orders', target: '/v2/orders' }) });
      const objects = synthObjects(chart);
      expect(objects.some((o) => o.kind === 'Rule')).toBe(false);
      const cm = findObject(objects, 'ConfigMap', 'oathkeeper-rules');
      const rules = parse(cm.data![`access-rules.${format}`]);
      expect(rules).toEqual(gateway.accessRules.map((r) => JSON.parse(JSON.stringify(r))));
      expect(rules[0].upstream).toEqual({ url: 'https://api.partner.example.net/v2/orders', strip_path: '/orders', preserve_host: false });
      const config = parse(findObject(objects, 'ConfigMap', 'oathkeeper-config').data!['config.yaml']);
      expect(config.access_rules.repositories).toEqual([`file:///etc/rules/access-rules.${format}`]);
      expect((gateway.helmValues() as any).oathkeeper.accessRulesOverride).toEqual({ nameOverride: 'oathkeeper-rules' });
    }
  });

  it('writes glob patterns and the glob strategy when asked', () => {
    const { chart, api } = setup({ ...MAESTER, matchingStrategy: MatchingStrategy.GLOB });
    api('orders');
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Rule', 'orders').spec.match.url).toBe('<{http,https}>://api.example.com<{/orders,/orders/**}>');
    expect(parse(findObject(objects, 'ConfigMap', 'oathkeeper-config').data!['config.yaml']).access_rules.matching_strategy).toBe('glob');
  });

  it('syncs exactly the Secret keys the rules read, and lists them as container env in the Helm values', () => {
    const { chart, api, store, key } = setup();
    // Declared in the store but never used: must not be synced.
    store.secretRef({ remoteKey: 'partner', property: 'unused', secretName: 'partner-credentials', key: 'unused' });
    api('orders', { upstreamAuth: UpstreamCredential.header('X-API-Key', key) });
    api('status', { upstreamAuth: UpstreamCredential.header('X-API-Key', key) });
    const objects = synthObjects(chart);
    const es = findObject(objects, 'ExternalSecret', 'partner-credentials');
    expect(es.spec.data).toEqual([{ secretKey: 'api-key', remoteRef: { key: 'partner', property: 'api-key' } }]);
    expect(es.metadata.namespace).toBe('edge');
    const gateway = chart.node.findChild('oathkeeper') as OathkeeperGateway;
    expect((gateway.helmValues() as any).deployment.extraEnv).toEqual([
      { name: secretEnvName({ secretName: 'partner-credentials', key: 'api-key' }), valueFrom: { secretKeyRef: { name: 'partner-credentials', key: 'api-key' } } },
    ]);
  });

  it('exposes Helm values with replicas, resources and autoscaling that mount the config ConfigMap instead of rendering another', () => {
    const { chart, gateway, api } = setup({ ...MAESTER, replicas: 3, resources: { requests: { cpu: '200m' } }, autoscaling: { minReplicas: 3, maxReplicas: 9, targetCpuUtilization: 60 } });
    api('orders');
    const objects = synthObjects(chart);
    const values = gateway.helmValues() as any;
    expect(values.replicaCount).toBe(3);
    expect(values.deployment.resources).toEqual({ requests: { cpu: '200m' } });
    expect(values.deployment.autoscaling).toEqual({ enabled: true, minReplicas: 3, maxReplicas: 9, targetCPU: { type: 'Utilization', averageUtilization: 60 } });
    expect(values.maester).toEqual({ enabled: true });
    expect(values.oathkeeper.configFileOverride).toEqual({ enabled: false, nameOverride: 'oathkeeper-config' });
    expect(parse(findObject(objects, 'ConfigMap', 'oathkeeper-config').data!['config.yaml'])).toEqual(gateway.config());
    // A changed config or rule set rolls the pods: Oathkeeper caches header templates per rule until restart.
    expect(values.deployment.podMetadata.annotations['gatewright.dev/config-hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(parse(gateway.helmValuesYaml())).toEqual(values);
  });

  it('rejects impossible scaling settings', () => {
    const e = catchError(() => setup({ autoscaling: { minReplicas: 4, maxReplicas: 2, targetCpuUtilization: 70 } }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.field).toBe('autoscaling');
  });

  it('fails synth for query-parameter injection, naming the reference proxy', () => {
    const { api, key } = setup();
    const e = catchError(() => api('orders', { upstreamAuth: UpstreamCredential.queryParam('api_key', key) }));
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(e.path).toBe('test/orders');
    expect(e.message).toBe(
      '[test/orders] upstreamAuth.queryParam(api_key): asks for an upstream query parameter, which Oathkeeper cannot express: its mutators set headers, cookies or an ID token, never query parameters. Fix: attach this API to ReferenceProxyGateway or TraefikHubGateway, or drop the prop',
    );
  });

  it('fails synth for OAuth2 client-credentials token exchange, naming the reference proxy', () => {
    const { chart, api } = setup();
    const token = new UpstreamOAuth(chart, 'token', {
      tokenUrl: 'https://idp.example.com/token',
      clientId: SecretRef.fromSecret('oauth', 'id'),
      clientSecret: SecretRef.fromSecret('oauth', 'secret'),
    });
    const e = catchError(() => api('orders', { upstreamAuth: token }));
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(e.message).toContain('asks for OAuth2 client-credentials tokens fetched, cached and refreshed by the gateway, which Oathkeeper cannot express');
    expect(e.message).toContain('Fix: attach this API to ReferenceProxyGateway or TraefikHubGateway or TraefikGateway');
  });

  it('fails synth for a static API key as client auth', () => {
    const { api } = setup();
    const e = catchError(() => api('orders', { clientAuth: ClientAuth.apiKey({ keys: [SecretRef.fromSecret('keys', 'k1')] }) }));
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(e.field).toBe('clientAuth');
  });

  it('gives Secret keys that read alike different environment variables (team-a/key vs team/a-key, apiKey vs APIKEY)', () => {
    const { gateway, api } = setup();
    api('a', { upstreamAuth: UpstreamCredential.header('X-A', SecretRef.fromSecret('team-a', 'key')) });
    api('b', { upstreamAuth: UpstreamCredential.header('X-B', SecretRef.fromSecret('team', 'a-key')) });
    api('c', { upstreamAuth: UpstreamCredential.headers({ 'X-C': SecretRef.fromSecret('k', 'apiKey'), 'X-D': SecretRef.fromSecret('k', 'APIKEY') }) });
    const names = gateway.environment.map((e) => e.name);
    expect(new Set(names).size).toBe(4);
    expect(gateway.environment.map((e) => `${e.secretName}:${e.key}`).sort()).toEqual(['k:APIKEY', 'k:apiKey', 'team-a:key', 'team:a-key']);
    for (const e of gateway.environment) expect(e.name).toBe(secretEnvName(e));
  });

  it('rejects two APIs on the same host and path', () => {
    const { chart, api } = setup();
    api('orders');
    api('orders2', { path: '/orders' });
    expect(() => synthObjects(chart)).toThrow('api.example.com/orders is already served by test/orders');
  });

  it.skipIf(!HAS_OATHKEEPER_SCHEMAS)('renders config and rules files that pass Oathkeeper\'s schemas', () => {
    const { chart, api, key } = setup({ rulesFormat: OathkeeperRulesFormat.YAML });
    api('orders', { upstreamAuth: UpstreamCredential.basicAuth(key, key) });
    api('public', { clientAuth: ClientAuth.none() });
    const objects = synthObjects(chart);
    const schemas = oathkeeperSchemas();
    expect(schemas.config(parse(findObject(objects, 'ConfigMap', 'oathkeeper-config').data!['config.yaml']))).toEqual([]);
    expect(schemas.rules(parse(findObject(objects, 'ConfigMap', 'oathkeeper-rules').data!['access-rules.yaml']))).toEqual([]);
  });

  it('matches the reviewed YAML snapshot (ConfigMap delivery)', async () => {
    const { chart, api, key } = setup();
    api('orders', { methods: ['GET', 'POST'], scopes: ['orders:write'], upstreamAuth: UpstreamCredential.header('Authorization', key, { prefix: 'Bearer ' }) });
    api('status', { clientAuth: ClientAuth.none() });
    await expect(toYaml(synthObjects(chart))).toMatchFileSnapshot('./__snapshots__/oathkeeper-gateway.yaml');
  });
});

describe('OathkeeperGateway rule overlap', () => {
  it('rejects a route nested inside another on the same host (Oathkeeper answers 500 on two matches)', () => {
    const { chart, api } = setup();
    api('okta');
    api('okta-users', { path: '/okta/users' });
    expect(() => synthObjects(chart)).toThrow(
      '[test/okta-users] path: asks for nested path prefixes on one host (`/okta` and `/okta/users`: the longest wins), which Oathkeeper cannot express: Oathkeeper has no rule priority and answers 500 when two rules match one request. Fix: attach this API to ReferenceProxyGateway or TraefikHubGateway or TraefikGateway, or drop the prop (overlaps api.example.com/okta of test/okta)',
    );
  });

  it('accepts nested prefixes with disjoint methods, sibling prefixes and other hosts', () => {
    const { chart, api } = setup();
    api('reports', { methods: ['GET'] });
    api('reports-upload', { path: '/reports/upload', methods: ['POST'] });
    api('report', { path: '/report' });
    api('other', { path: '/reports', host: 'other.example.com' });
    expect(() => synthObjects(chart)).not.toThrow();
  });

  it('treats a wildcard host as overlapping the hosts it covers', () => {
    const { chart, api } = setup();
    api('any', { host: '*.example.com', path: '/' });
    api('orders');
    expect(() => synthObjects(chart)).toThrow('overlaps *.example.com/');
  });
});

describe('OathkeeperGateway and the whole app', () => {
  it('refuses two maester gateways in one namespace (maester gathers every Rule of a namespace into one file)', () => {
    const chart = testChart('edge');
    const backend = ServiceBackend.fromServiceName('orders', { port: 8080 });
    for (const id of ['a', 'b']) {
      const gateway = new OathkeeperGateway(chart, `ok-${id}`, MAESTER);
      new SecuredApi(chart, `api-${id}`, { gateway, host: `${id}.example.com`, backend, clientAuth: JWT() });
    }
    expect(() => synthObjects(chart)).toThrow(
      '[test/ok-b] ruleDelivery: delivers rules through maester in namespace "edge", like test/ok-a; maester collects every Rule of a namespace into one rules file, so each Oathkeeper would serve the other\'s routes and credentials. Fix: put the gateways in different namespaces, or use OathkeeperRuleDelivery.CONFIG_MAP for one of them',
    );
  });

  it('refuses a gateway without routes (Oathkeeper never becomes ready with zero rules)', () => {
    const { chart } = setup();
    expect(() => synthObjects(chart)).toThrow('[test/oathkeeper] routes: has no SecuredApi; Oathkeeper reports not-ready with zero access rules');
  });

  it('writes the Helm values next to the chart when the app synthesizes', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-values-'));
    try {
      const app = new App({ outdir });
      const chart = new Chart(app, 'edge-chart', { namespace: 'edge' });
      const gateway = new OathkeeperGateway(chart, 'oathkeeper');
      new SecuredApi(chart, 'orders', { gateway, host: 'api.example.com', path: '/orders', backend: ServiceBackend.fromServiceName('orders', { port: 8080 }), clientAuth: JWT() });
      app.synth();
      const written = fs.readFileSync(path.join(outdir, 'edge-chart.oathkeeper.oathkeeper-values.yaml'), 'utf8');
      expect(parse(written)).toEqual(gateway.helmValues());
      expect(written.startsWith('# Values for the ory/oathkeeper Helm chart 0.62.1, generated by gatewright from edge-chart/oathkeeper.')).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

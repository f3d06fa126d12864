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
import { HAS_OATHKEEPER_SCHEMAS, oathkeeperSchemas } from '../support/oathkeeper-schemas';
import { findObject, synthObjects, testChart, toYaml } from '../support/synth';
import { catchError } from '../support/errors';

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

  it('renders one maester Rule per API by default, in the gateway namespace', () => {
    const { chart, api, key } = setup();
    api('orders', { methods: ['GET'], scopes: ['orders:read'], upstreamAuth: UpstreamCredential.header('X-API-Key', key) });
    const objects = synthObjects(chart);
    const rule = findObject(objects, 'Rule', 'orders');
    expect(rule.apiVersion).toBe('oathkeeper.ory.sh/v1alpha1');
    expect(rule.metadata.namespace).toBe('edge');
    expect(rule.spec.match).toEqual({ url: '<https?>://api.example.com/orders<(/.*)?>', methods: ['GET'] });
    expect(rule.spec.mutators).toEqual([
      { handler: 'header', config: { headers: { Cookie: '', Authorization: '', 'X-API-Key': '{{ env "GW_SECRET_PARTNER_CREDENTIALS_API_KEY" }}' } } },
    ]);
    expect(rule.spec.upstream).toEqual({ url: 'https://api.partner.example.net', preserveHost: false });
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['oathkeeper-config']);
  });

  it('blanks the caller Cookie (Oathkeeper can only set headers) unless the route forwards cookies', () => {
    const { chart, api } = setup();
    const inCluster = ServiceBackend.fromServiceName('orders', { port: 8080, scheme: 'http' });
    api('wiki', { clientAuth: ClientAuth.none() });
    api('shop', { clientAuth: ClientAuth.none(), backend: inCluster });
    api('forwarded', { clientAuth: ClientAuth.none(), forwardCookies: true });
    api('session', { upstreamAuth: UpstreamCredential.header('Cookie', SecretRef.fromSecret('ui', 'session')) });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Rule', 'wiki').spec.mutators).toEqual([{ handler: 'header', config: { headers: { Cookie: '' } } }]);
    expect(findObject(objects, 'Rule', 'shop').spec.mutators).toEqual([{ handler: 'noop' }]);
    expect(findObject(objects, 'Rule', 'forwarded').spec.mutators).toEqual([{ handler: 'noop' }]);
    // An upstream credential in Cookie replaces the blank instead of conflicting with it.
    expect(findObject(objects, 'Rule', 'session').spec.mutators[0].config.headers).toEqual({
      Authorization: '',
      Cookie: '{{ env "GW_SECRET_UI_SESSION" }}',
    });
  });

  it('puts the rules into a ConfigMap instead when asked, as JSON or YAML', () => {
    for (const format of [OathkeeperRulesFormat.JSON, OathkeeperRulesFormat.YAML]) {
      const { chart, api, gateway } = setup({ ruleDelivery: OathkeeperRuleDelivery.CONFIG_MAP, rulesFormat: format });
      api('orders', { endpoint: new VirtualEndpoint(chart, 'ep', { path: '/orders', target: '/v2/orders' }) });
      const objects = synthObjects(chart);
      expect(objects.some((o) => o.kind === 'Rule')).toBe(false);
      const cm = findObject(objects, 'ConfigMap', 'oathkeeper-rules');
      const rules = parse(cm.data![`access-rules.${format}`]);
      expect(rules).toEqual(gateway.accessRules.map((r) => JSON.parse(JSON.stringify(r))));
      expect(rules[0].upstream).toEqual({ url: 'https://api.partner.example.net/v2/orders', strip_path: '/orders', preserve_host: false });
      const config = parse(findObject(objects, 'ConfigMap', 'oathkeeper-config').data!['oathkeeper.yaml']);
      expect(config.access_rules.repositories).toEqual([`file:///etc/rules/access-rules.${format}`]);
      expect((gateway.helmValues() as any).oathkeeper.accessRulesOverride).toEqual({ nameOverride: 'oathkeeper-rules' });
    }
  });

  it('writes glob patterns and the glob strategy when asked', () => {
    const { chart, api } = setup({ matchingStrategy: MatchingStrategy.GLOB });
    api('orders');
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Rule', 'orders').spec.match.url).toBe('<{http,https}>://api.example.com<{/orders,/orders/**}>');
    expect(parse(findObject(objects, 'ConfigMap', 'oathkeeper-config').data!['oathkeeper.yaml']).access_rules.matching_strategy).toBe('glob');
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
      { name: 'GW_SECRET_PARTNER_CREDENTIALS_API_KEY', valueFrom: { secretKeyRef: { name: 'partner-credentials', key: 'api-key' } } },
    ]);
  });

  it('exposes Helm values with replicas, resources and autoscaling, and the same oathkeeper.yaml as the ConfigMap', () => {
    const { chart, gateway, api } = setup({ replicas: 3, resources: { requests: { cpu: '200m' } }, autoscaling: { minReplicas: 3, maxReplicas: 9, targetCpuUtilization: 60 } });
    api('orders');
    const objects = synthObjects(chart);
    const values = gateway.helmValues() as any;
    expect(values.replicaCount).toBe(3);
    expect(values.deployment.resources).toEqual({ requests: { cpu: '200m' } });
    expect(values.deployment.autoscaling).toEqual({ enabled: true, minReplicas: 3, maxReplicas: 9, targetCPU: { type: 'Utilization', averageUtilization: 60 } });
    expect(values.maester).toEqual({ enabled: true });
    expect(values.oathkeeper.config).toEqual(parse(findObject(objects, 'ConfigMap', 'oathkeeper-config').data!['oathkeeper.yaml']));
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
      '[test/orders] upstreamAuth.queryParam(api_key): adds a query parameter, which Oathkeeper cannot do (its mutators only set headers, cookies or an ID token). Fix: attach this API to the reference proxy gateway (ReferenceProxyGateway), or to Traefik Hub, which has a queryParam middleware',
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
    expect(e.message).toContain('exchanges OAuth2 client credentials for an upstream token, which Oathkeeper cannot do');
    expect(e.message).toContain('Fix: attach this API to the reference proxy gateway (ReferenceProxyGateway)');
  });

  it('fails synth for a static API key as client auth', () => {
    const { api } = setup();
    const e = catchError(() => api('orders', { clientAuth: ClientAuth.apiKey({ keys: [SecretRef.fromSecret('keys', 'k1')] }) }));
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(e.field).toBe('clientAuth');
  });

  it('rejects two Secret keys that would share one environment variable', () => {
    const { api } = setup();
    api('a', { upstreamAuth: UpstreamCredential.header('X-A', SecretRef.fromSecret('team-a', 'key')) });
    const e = catchError(() => api('b', { upstreamAuth: UpstreamCredential.header('X-B', SecretRef.fromSecret('team', 'a-key')) }));
    expect(e.code).toBe(ErrorCode.CONFLICT);
    expect(e.message).toContain('maps to the environment variable GW_SECRET_TEAM_A_KEY, which test/a already fills from team-a:key');
  });

  it('rejects two APIs on the same host and path', () => {
    const { chart, api } = setup();
    api('orders');
    api('orders2', { path: '/orders' });
    expect(() => synthObjects(chart)).toThrow('api.example.com/orders is already served by test/orders');
  });

  it.skipIf(!HAS_OATHKEEPER_SCHEMAS)('renders config and rules files that pass Oathkeeper\'s schemas', () => {
    const { chart, api, key } = setup({ ruleDelivery: OathkeeperRuleDelivery.CONFIG_MAP, rulesFormat: OathkeeperRulesFormat.YAML });
    api('orders', { upstreamAuth: UpstreamCredential.basicAuth(key, key) });
    api('public', { clientAuth: ClientAuth.none() });
    const objects = synthObjects(chart);
    const schemas = oathkeeperSchemas();
    expect(schemas.config(parse(findObject(objects, 'ConfigMap', 'oathkeeper-config').data!['oathkeeper.yaml']))).toEqual([]);
    expect(schemas.rules(parse(findObject(objects, 'ConfigMap', 'oathkeeper-rules').data!['access-rules.yaml']))).toEqual([]);
  });

  it('matches the reviewed YAML snapshot (ConfigMap delivery)', async () => {
    const { chart, api, key } = setup({ ruleDelivery: OathkeeperRuleDelivery.CONFIG_MAP });
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
      '[test/okta-users] host/path: api.example.com/okta/users overlaps api.example.com/okta (test/okta) for some methods; Oathkeeper has no rule priority and answers 500 when two rules match one request. Fix: give the routes disjoint path prefixes or disjoint methods, or use a Traefik or reference proxy gateway (longest prefix wins there)',
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

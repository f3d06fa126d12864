import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { declareThirdPartyApis, thirdPartyApisOnOathkeeper, thirdPartySecretStore } from '../../examples/third-party-apis';
import { OathkeeperGateway, ReferenceProxyGateway, TraefikGateway, TraefikHubGateway } from '../../src';
import { HAS_OATHKEEPER_SCHEMAS, oathkeeperSchemas } from '../support/oathkeeper-schemas';
import { findObject, synthObjects, toYaml, type KubeObject } from '../support/synth';
import { derivedSecretKey, secretEnvName } from '../../src/plan/derived-secrets';
import { OATHKEEPER_HIDDEN, oathkeeperOwnHeaders } from '../support/transformation';

const HOST_PATTERN = '<(?i:saas\\.internal\\.example\\.com)(?::[0-9]{1,5})?>';
const store = { name: 'aws-secrets-manager', kind: 'SecretStore' as const, provider: 'awsSecretsManager' as const };
const synced = (secretName: string, key: string, remoteKey: string) => ({ secretName, key, source: { store, remoteKey, property: key } });
const JIRA_BASIC = derivedSecretKey({ kind: 'basic', username: synced('jira-credentials', 'email', 'gatewright/saas/jira'), password: synced('jira-credentials', 'api-token', 'gatewright/saas/jira') });
const OKTA_SSWS = derivedSecretKey({ kind: 'prefixed', prefix: 'SSWS ', input: synced('okta-credentials', 'api-token', 'gatewright/saas/okta') });
const SF_BEARER = derivedSecretKey({ kind: 'prefixed', prefix: 'Bearer ', input: synced('salesforce-credentials', 'access-token', 'gatewright/saas/salesforce') });
const env = (secretName: string, key: string) => secretEnvName({ secretName, key });

const JWT_CONFIG = {
  jwks_urls: ['https://auth.internal.example.com/.well-known/jwks.json'],
  trusted_issuers: ['https://auth.internal.example.com/'],
  target_audience: ['saas-gateway'],
  allowed_algorithms: ['RS256', 'ES256'],
  scope_strategy: 'exact',
  token_from: { header: 'Authorization' },
};

describe('examples/third-party-apis (Oathkeeper, maester Rules)', () => {
  const chart = thirdPartyApisOnOathkeeper(Testing.app());
  const objects = synthObjects(chart);
  const gateway = chart.node.findChild('oathkeeper') as OathkeeperGateway;
  const rule = (name: string) => findObject(objects, 'Rule', name).spec;

  it('renders one Rule per SaaS API plus the config, the ExternalSecrets and the SecretStore', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/oathkeeper-config',
      'ExternalSecret/datadog-credentials',
      'ExternalSecret/jira-credentials',
      'ExternalSecret/okta-credentials',
      'ExternalSecret/salesforce-credentials',
      'Rule/datadog',
      'Rule/datadog-deny-other-methods',
      'Rule/jira',
      'Rule/jira-deny-other-methods',
      'Rule/okta',
      'Rule/okta-deny-other-methods',
      'Rule/salesforce',
      'Rule/salesforce-deny-other-methods',
      'SecretStore/aws-secrets-manager',
      'Service/datadog-intake',
      'Service/jira-cloud',
      'Service/okta-org',
      'Service/salesforce-org',
    ]);
    for (const o of objects) expect(o.metadata.namespace).toBe('saas-gateway');
  });

  it('Jira: GET only, jira:read, Basic auth computed from the synced e-mail and API token', () => {
    const jira = rule('jira');
    expect(jira.match).toEqual({ url: `<https?>://${HOST_PATTERN}/jira<(/.*)?>`, methods: ['GET'] });
    expect(jira.authenticators).toEqual([{ handler: 'jwt', config: { ...JWT_CONFIG, required_scope: ['jira:read'] } }]);
    expect(jira.authorizer).toEqual({ handler: 'allow' });
    expect(oathkeeperOwnHeaders(jira)).toEqual({ Authorization: `{{ env "${env('jira-credentials', JIRA_BASIC.key)}" }}`, Cookie: '', ...OATHKEEPER_HIDDEN });
    expect(jira.upstream).toEqual({ url: 'https://example.atlassian.net/rest/api/3', stripPath: '/jira', preserveHost: false });
    const es = findObject(objects, 'ExternalSecret', 'jira-credentials').spec;
    expect(es.data).toEqual([
      { secretKey: 'api-token', remoteRef: { key: 'gatewright/saas/jira', property: 'api-token' } },
      { secretKey: 'email', remoteRef: { key: 'gatewright/saas/jira', property: 'email' } },
    ]);
    expect(JIRA_BASIC.key).toMatch(/^gw-basic-email-api-token\.[0-9a-f]{12}$/);
    expect(es.target.template.data).toEqual({ [JIRA_BASIC.key]: 'Basic {{ printf "%s:%s" (index . "email") (index . "api-token") | b64enc }}' });
  });

  it('Okta: GET/POST/PUT, okta:users:write, SSWS token', () => {
    const okta = rule('okta');
    expect(okta.match.methods).toEqual(['GET', 'POST', 'PUT']);
    expect(okta.authenticators[0].config.required_scope).toEqual(['okta:users:write']);
    expect(oathkeeperOwnHeaders(okta)).toEqual({ Cookie: '', Authorization: `{{ env "${env('okta-credentials', OKTA_SSWS.key)}" }}`, ...OATHKEEPER_HIDDEN });
    expect(findObject(objects, 'ExternalSecret', 'okta-credentials').spec.target.template.data).toEqual({ [OKTA_SSWS.key]: 'SSWS {{ (index . "api-token") }}' });
    expect(okta.upstream).toEqual({ url: 'https://example.okta.com/api/v1/users', stripPath: '/okta/users', preserveHost: false });
  });

  it('Datadog: POST /api/v2/series only, datadog:metrics:write, DD-API-KEY, caller token blanked', () => {
    const dd = rule('datadog');
    expect(dd.match).toEqual({ url: `<https?>://${HOST_PATTERN}/datadog/series<(/.*)?>`, methods: ['POST'] });
    expect(dd.authenticators[0].config.required_scope).toEqual(['datadog:metrics:write']);
    expect(oathkeeperOwnHeaders(dd)).toEqual({ Cookie: '', Authorization: '', 'DD-API-KEY': `{{ (env "${env('datadog-credentials', 'api-key')}") }}`, ...OATHKEEPER_HIDDEN });
    expect(dd.upstream).toEqual({ url: 'https://api.datadoghq.com/api/v2/series', stripPath: '/datadog/series', preserveHost: false });
  });

  it('Salesforce: GET only, salesforce:read, bearer token', () => {
    const sf = rule('salesforce');
    expect(sf.match.methods).toEqual(['GET']);
    expect(sf.authenticators[0].config.required_scope).toEqual(['salesforce:read']);
    expect(oathkeeperOwnHeaders(sf)).toEqual({ Cookie: '', Authorization: `{{ env "${env('salesforce-credentials', SF_BEARER.key)}" }}`, ...OATHKEEPER_HIDDEN });
    expect(sf.upstream.url).toBe('https://example.my.salesforce.com/services/data/v60.0/analytics');
  });

  it('answers 403 for a refused method with a deny rule on the same URL (no rule would mean 404)', () => {
    const deny = rule('jira-deny-other-methods');
    expect(deny.match).toEqual({ url: rule('jira').match.url, methods: ['HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] });
    expect(deny.authenticators).toEqual([{ handler: 'noop' }]);
    expect(deny.authorizer).toEqual({ handler: 'deny' });
    expect(gateway.config().authorizers).toEqual({ allow: { enabled: true }, deny: { enabled: true } });
  });

  it('never writes a credential into the manifests', () => {
    const text = toYaml(objects);
    expect(text).not.toMatch(/(Basic|Bearer|SSWS) [A-Za-z0-9+/=]{8,}/);
    expect(objects.some((o: KubeObject) => o.kind === 'Secret')).toBe(false);
  });

  it('gives the Helm chart one env var per credential header, from the synced Secrets', () => {
    const values = gateway.helmValues() as any;
    const expected = [
      ['datadog-credentials', 'api-key'],
      ['jira-credentials', JIRA_BASIC.key],
      ['okta-credentials', OKTA_SSWS.key],
      ['salesforce-credentials', SF_BEARER.key],
    ].map(([secret, key]) => [env(secret, key), secret, key]);
    expect(values.deployment.extraEnv.map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key])).toEqual(
      [...expected].sort((a, b) => a[0].localeCompare(b[0])),
    );
    expect(values.maester).toEqual({ enabled: true });
    expect(values.deployment.autoscaling).toEqual({ enabled: true, minReplicas: 2, maxReplicas: 6, targetCPU: { type: 'Utilization', averageUtilization: 75 } });
    expect(gateway.config().log).toMatchObject({ additional_redacted_headers: ['Authorization', 'DD-API-KEY'] });
  });

  it.skipIf(!HAS_OATHKEEPER_SCHEMAS)("passes Oathkeeper's own config and rule schemas", () => {
    const schemas = oathkeeperSchemas();
    expect(schemas.config(parse(findObject(objects, 'ConfigMap', 'oathkeeper-config').data!['config.yaml']))).toEqual([]);
    expect(schemas.rules(JSON.parse(JSON.stringify(gateway.accessRules)))).toEqual([]);
  });

  it('matches the reviewed YAML snapshots (manifests and Helm values)', async () => {
    await expect(toYaml(objects)).toMatchFileSnapshot('./__snapshots__/third-party-apis.k8s.yaml');
    await expect(gateway.helmValuesYaml()).toMatchFileSnapshot('./__snapshots__/third-party-apis.oathkeeper-values.yaml');
  });
});

describe('examples/third-party-apis on other engines (same declarations)', () => {
  function onGateway(make: (chart: Chart) => Parameters<typeof declareThirdPartyApis>[1]): KubeObject[] {
    const chart = new Chart(Testing.app(), 'third-party-apis', { namespace: 'saas-gateway' });
    declareThirdPartyApis(chart, make(chart), thirdPartySecretStore(chart));
    return synthObjects(chart);
  }

  it('builds unchanged on Traefik Hub', async () => {
    const objects = onGateway((chart) => new TraefikHubGateway(chart, 'gateway'));
    expect(findObject(objects, 'IngressRoute', 'jira').spec.routes[0].match).toBe(
      'Host(`saas.internal.example.com`) && (Path(`/jira`) || PathPrefix(`/jira/`)) && Method(`GET`)',
    );
    await expect(toYaml(objects)).toMatchFileSnapshot('./__snapshots__/third-party-apis-traefik-hub.k8s.yaml');
  });

  it('builds unchanged on open-source Traefik and on the reference proxy gateway', () => {
    for (const make of [(c: Chart) => new TraefikGateway(c, 'gateway'), (c: Chart) => new ReferenceProxyGateway(c, 'gateway')]) {
      const objects = onGateway(make);
      expect(objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name).sort()).toEqual([
        'datadog-credentials',
        'jira-credentials',
        'okta-credentials',
        'salesforce-credentials',
      ]);
    }
  });
});

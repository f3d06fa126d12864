import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { upstreamAuthPatterns } from '../../examples/upstream-auth-patterns';
import { findObject, synthObjects, toYaml, type KubeObject } from '../support/synth';
import { derivedSecretKey } from '../../src/plan/derived-secrets';

const store = (name: string, kind: 'SecretStore' | 'ClusterSecretStore', provider: 'awsSecretsManager' | 'ociVault') => ({ name, kind, provider });

const middlewares = (objects: KubeObject[], route: string) => findObject(objects, 'IngressRoute', route).spec.routes[0].middlewares.map((m: { name: string }) => m.name);

describe('examples/upstream-auth-patterns (Traefik Hub)', () => {
  const objects = synthObjects(upstreamAuthPatterns(Testing.app()));

  it('injects one static header from a synced secret', () => {
    expect(findObject(objects, 'Middleware', 'weather-upstream-headers').spec).toEqual({
      headers: { customRequestHeaders: { 'X-API-Key': 'urn:k8s:secret:weather-upstream:api-key' } },
    });
    expect(middlewares(objects, 'weather')).toEqual(['gateway-untrusted-headers', 'weather-jwt', 'weather-strip-caller', 'weather-upstream-headers']);
    expect(findObject(objects, 'IngressRoute', 'weather').spec.routes[0].match).toBe(
      'Host(`partners.example.com`) && (Path(`/weather`) || PathPrefix(`/weather/`)) && Method(`GET`)',
    );
  });

  it('injects several headers in one middleware', () => {
    expect(findObject(objects, 'Middleware', 'metrics-upstream-headers').spec.headers.customRequestHeaders).toEqual({
      'DD-API-KEY': 'urn:k8s:secret:datadog-upstream:api-key',
      'DD-APPLICATION-KEY': 'urn:k8s:secret:datadog-upstream:app-key',
    });
  });

  it('computes a prefixed header value in the ExternalSecret, never in the manifest', () => {
    const es = findObject(objects, 'ExternalSecret', 'okta-upstream').spec;
    const ssws = derivedSecretKey({
      kind: 'prefixed',
      prefix: 'SSWS ',
      input: { secretName: 'okta-upstream', key: 'token', source: { store: store(es.secretStoreRef.name, es.secretStoreRef.kind, 'awsSecretsManager'), remoteKey: 'prod/okta', property: 'api_token' } },
    });
    expect(findObject(objects, 'Middleware', 'directory-upstream-headers').spec.headers.customRequestHeaders).toEqual({
      Authorization: `urn:k8s:secret:okta-upstream:${ssws.key}`,
    });
    expect(es.target.template).toEqual({
      engineVersion: 'v2',
      mergePolicy: 'Merge',
      data: { [ssws.key]: 'SSWS {{ (index . "token") }}' },
    });
    expect(es.data).toEqual([{ secretKey: 'token', remoteRef: { key: 'prod/okta', property: 'api_token' } }]);
  });

  it('sets query parameters from a secret and from a request header', () => {
    expect(findObject(objects, 'Middleware', 'maps-upstream-query').spec.plugin.queryParam).toEqual({
      set: [
        { name: 'key', value: 'urn:k8s:secret:maps-upstream:key' },
        { name: 'tenant', fromHeader: 'X-Tenant-Id' },
      ],
    });
    const es = findObject(objects, 'ExternalSecret', 'maps-upstream').spec;
    expect(es.secretStoreRef).toEqual({ name: 'oci-vault', kind: 'SecretStore' });
  });

  it('encodes BasicAuth in the ExternalSecret template and rewrites the virtual endpoint', () => {
    const template = findObject(objects, 'ExternalSecret', 'legacy-upstream').spec.target.template.data;
    const [key] = Object.keys(template);
    expect(key).toMatch(/^gw-basic-username-password\.[0-9a-f]{12}$/);
    expect(findObject(objects, 'Middleware', 'legacy-upstream-headers').spec.headers.customRequestHeaders).toEqual({
      Authorization: `urn:k8s:secret:legacy-upstream:${key}`,
    });
    expect(template).toEqual({ [key]: 'Basic {{ printf "%s:%s" (index . "username") (index . "password") | b64enc }}' });
    // In-cluster backend: the BasicAuth value replaces the caller's token, cookies and forwarding headers may pass.
    expect(middlewares(objects, 'legacy')).toEqual(['gateway-untrusted-headers', 'legacy-jwt', 'legacy-rewrite', 'legacy-upstream-headers']);
    const svc = findObject(objects, 'IngressRoute', 'legacy').spec.routes[0].services[0];
    expect(svc).toMatchObject({ name: 'legacy-soap', port: 8443, scheme: 'https' });
  });

  it('renders OAuth client credentials with every option, once, shared by two routes', () => {
    const tokenMiddlewares = objects.filter((o) => o.kind === 'Middleware' && o.metadata.name === 'crm-token');
    expect(tokenMiddlewares).toHaveLength(1);
    expect(tokenMiddlewares[0].spec.plugin.oAuthClientCredentials).toEqual({
      url: 'https://auth.crm.example.com/oauth2/token',
      clientID: 'urn:k8s:secret:crm-oauth:client-id',
      clientSecret: 'urn:k8s:secret:crm-oauth:client-secret',
      audience: 'https://api.crm.example.com',
      scopes: ['crm.read', 'crm.write'],
      claims: 'Equals(`tenant`, `example`)',
      forwardHeaders: { 'X-Token-Expires-At': 'exp' },
      store: {
        keyPrefix: 'crm-token',
        secret: 'urn:k8s:secret:redis-auth:token-encryption-key',
        redis: { endpoints: ['redis.gateway.svc.cluster.local:6379'], password: 'urn:k8s:secret:redis-auth:password', database: 2 },
      },
    });
    expect(middlewares(objects, 'crm')).toEqual(['gateway-untrusted-headers', 'crm-jwt', 'crm-strip-caller', 'crm-token']);
  });

  it('chains an OAuth token with a static key', () => {
    expect(findObject(objects, 'Middleware', 'crm-bulk-upstream').spec).toEqual({
      chain: { middlewares: [{ name: 'crm-token' }, { name: 'crm-bulk-upstream-headers' }] },
    });
    expect(middlewares(objects, 'crm-bulk')).toEqual(['gateway-untrusted-headers', 'crm-bulk-jwt', 'crm-bulk-strip-caller', 'crm-bulk-upstream']);
  });

  it('syncs only the keys in use, one ExternalSecret per Secret', () => {
    const crm = findObject(objects, 'ExternalSecret', 'crm-oauth').spec;
    expect(crm.data.map((d: { secretKey: string }) => d.secretKey)).toEqual(['client-id', 'client-secret', 'subscription-key']);
    expect(crm.refreshInterval).toBe('1h');
    expect(crm.secretStoreRef).toEqual({ name: 'aws-secrets-manager', kind: 'ClusterSecretStore' });
    // redis-auth comes from SecretRef.fromSecret: a Secret the user manages, not synced.
    expect(objects.some((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'redis-auth')).toBe(false);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('creates the OCI Vault SecretStore with workload identity', () => {
    expect(findObject(objects, 'SecretStore', 'oci-vault').spec.provider.oracle).toEqual({
      vault: 'ocid1.vault.oc1.eu-frankfurt-1.abcdefgh.exampleuniqueid',
      region: 'eu-frankfurt-1',
      principalType: 'Workload',
      serviceAccountRef: { name: 'external-secrets' },
    });
  });

  it('matches the reviewed YAML snapshot', async () => {
    await expect(toYaml(objects)).toMatchFileSnapshot('./__snapshots__/upstream-auth-patterns.k8s.yaml');
  });
});

import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, shopEnvironment, type EnvironmentSettings } from '../../examples/multi-environment';
import { AwsSecretsManagerStore, ClientAuth, ExternalNameBackend, UpstreamCredential, VirtualEndpoint, type SecuredApiProps } from '../../src';
import { ChangeKind, diffTopologies, FindingKind, renderTopologyDiff, type TopologyChange } from '../../src/report';
import { api, gatewayChart, topologyOf } from './support';

const aws = AwsSecretsManagerStore.fromClusterSecretStore('aws-secrets-manager');

/** The topology of one route `orders` declared with `props`. */
function one(props: Partial<SecuredApiProps> = {}, more: (c: ReturnType<typeof gatewayChart>) => void = () => undefined) {
  return topologyOf((app) => {
    const g = gatewayChart(app);
    api(g.chart, g.gateway, 'orders', props);
    more(g);
  });
}

function changes(base: ReturnType<typeof one>, head: ReturnType<typeof one>): TopologyChange[] {
  return [...diffTopologies(base, head).changes];
}
const kinds = (cs: TopologyChange[]) => cs.map((c) => `${c.kind}:${c.severity}`);

describe('security diff', () => {
  it('reports nothing for identical topologies', () => {
    const d = diffTopologies(one(), one());
    expect(d.changes).toEqual([]);
    expect(renderTopologyDiff(d)).toContain('No change to the attack surface');
  });

  it('reports new and removed routes, a new public one at the severity the report gives it', () => {
    const head = one({}, ({ chart, gateway }) => {
      api(chart, gateway, 'status', { clientAuth: ClientAuth.none(), scopes: [] });
      api(chart, gateway, 'invoices');
      api(chart, gateway, 'webhooks', { clientAuth: ClientAuth.none(), scopes: [], methods: ['POST'] });
    });
    const cs = changes(one(), head);
    expect(cs.map((c) => `${c.kind}:${c.severity} ${c.location}`)).toEqual([
      'route-added:high api.example.com/webhooks',
      'route-added:medium api.example.com/status',
      'route-added:medium api.example.com/invoices',
    ]);
    // Besides PUBLIC_ROUTE, the new route meets Hub's declared engine differences (low).
    expect(cs[0].raises?.filter((f) => f.kind !== FindingKind.ENGINE_DIFFERENCE)).toEqual([{ kind: FindingKind.PUBLIC_ROUTE, severity: 'high' }]);
    expect(cs[0].raises?.filter((f) => f.kind === FindingKind.ENGINE_DIFFERENCE)).toEqual([{ kind: FindingKind.ENGINE_DIFFERENCE, severity: 'low' }]);
    expect(kinds(changes(head, one()))).toEqual(['route-removed:info', 'route-removed:info', 'route-removed:info']);
  });

  it('reports a route that became public as high', () => {
    expect(kinds(changes(one(), one({ clientAuth: ClientAuth.none() })))).toContain('became-public:high');
    expect(kinds(changes(one({ clientAuth: ClientAuth.none() }), one()))).toContain('no-longer-public:info');
  });

  it('reports scopes removed, widened and added', () => {
    expect(kinds(changes(one({ scopes: ['orders:read'] }), one({ scopes: [] })))).toEqual(['scopes-removed:high']);
    expect(kinds(changes(one({ scopes: ['orders:read', 'tenant:acme'] }), one({ scopes: ['orders:read'] })))).toEqual(['scopes-removed:medium']);
    expect(kinds(changes(one({ scopes: ['orders:read'] }), one({ scopes: ['orders'] })))).toEqual(['scopes-widened:medium']);
    expect(kinds(changes(one({ scopes: ['orders:read'] }), one({ scopes: ['orders:read', 'x'] })))).toEqual(['scopes-added:info']);
  });

  it("reports the caller's cookies starting (medium) or stopping (low) to reach the backend", () => {
    expect(kinds(changes(one({ forwardCookies: false }), one({ forwardCookies: true })))).toEqual(['cookies-changed:medium']);
    const stop = changes(one({ forwardCookies: true }), one({ forwardCookies: false }));
    expect(stop).toHaveLength(1);
    expect(stop[0]).toMatchObject({ kind: ChangeKind.COOKIES_CHANGED, severity: 'low', before: 'forwarded', after: 'removed' });
  });

  it('reports methods added (writes as medium) and removed', () => {
    expect(kinds(changes(one({ methods: ['GET'] }), one({ methods: ['GET', 'DELETE'] })))).toEqual(['methods-added:medium']);
    expect(kinds(changes(one({ methods: ['GET'] }), one({ methods: ['GET', 'HEAD'] })))).toEqual(['methods-added:low']);
    const toAll = changes(one({ methods: ['GET'] }), one({ methods: [] }));
    expect(toAll[0]).toMatchObject({ kind: ChangeKind.METHODS_ADDED, before: 'GET', after: '*' });
    expect(kinds(changes(one({ methods: ['GET', 'POST'] }), one({ methods: ['GET'] })))).toEqual(['methods-removed:info']);
  });

  it('reports client-auth changes: a new audience (medium), another identity provider (medium), the issuer alone (low)', () => {
    const other = (audience: string[]) => ClientAuth.jwt({ jwksUrl: 'https://login.example.com/.well-known/jwks.json', issuer: 'https://login.example.com/', audience });
    expect(kinds(changes(one({ clientAuth: other(['shop-api']) }), one({ clientAuth: other(['shop-api', 'any']) })))).toEqual(['client-auth-changed:medium']);
    // Another issuer whose keys come from another JWKS: a different set of callers can mint tokens.
    expect(kinds(changes(one(), one({ clientAuth: ClientAuth.jwt({ jwksUrl: 'https://b.example.com/jwks', issuer: 'https://b.example.com/', audience: 'shop-api' }) })))).toEqual(['client-auth-changed:medium']);
    expect(kinds(changes(one(), one({ clientAuth: ClientAuth.jwt({ jwksUrl: 'https://login.example.com/.well-known/jwks.json', issuer: 'https://login.example.com/v2', audience: 'shop-api' }) })))).toEqual(['client-auth-changed:low']);
  });

  it('reports a JWKS URL moved elsewhere, with the same issuer, as a weakening (medium)', () => {
    const keysAt = (jwksUrl: string) => ClientAuth.jwt({ jwksUrl, issuer: 'https://login.example.com/', audience: 'shop-api' });
    const cs = changes(one({ clientAuth: keysAt('https://login.example.com/.well-known/jwks.json') }), one({ clientAuth: keysAt('https://keys.attacker.example/jwks.json') }));
    expect(kinds(cs)).toEqual(['client-auth-changed:medium']);
    expect(cs[0].after).toContain('https://keys.attacker.example/jwks.json');
  });

  it('reports a required JWT claim dropped as medium and one added as low', () => {
    const pinned = (requiredClaims: Record<string, string>) =>
      ClientAuth.jwt({ jwksUrl: 'https://login.example.com/.well-known/jwks.json', issuer: 'https://login.example.com/', audience: 'shop-api', requiredClaims });
    expect(kinds(changes(one({ clientAuth: pinned({ azp: 'shop-frontend' }) }), one({ clientAuth: pinned({}) })))).toEqual(['client-auth-changed:medium']);
    expect(kinds(changes(one({ clientAuth: pinned({ azp: 'shop-frontend' }) }), one({ clientAuth: pinned({ azp: 'anyone' }) })))).toEqual(['client-auth-changed:medium']);
    expect(kinds(changes(one({ clientAuth: pinned({}) }), one({ clientAuth: pinned({ azp: 'shop-frontend' }) })))).toEqual(['client-auth-changed:low']);
  });

  it('reports an additional accepted API key as medium', () => {
    const key = (name: string) => aws.secretRef({ remoteKey: `prod/${name}`, property: 'key', secretName: `${name}-key`, key: 'key' });
    const keyed = (...names: string[]) => ({ clientAuth: ClientAuth.apiKey({ keys: names.map(key) }) });
    expect(kinds(changes(one(keyed('a')), one(keyed('a', 'b'))))).toEqual(['client-auth-changed:medium']);
    expect(kinds(changes(one(keyed('a', 'b')), one(keyed('a'))))).toEqual(['client-auth-changed:low']);
  });

  it('reports upstream credential and secret source changes separately', () => {
    const ref = (remoteKey: string) => aws.secretRef({ remoteKey, property: 'k', secretName: 'orders-up', key: 'k' });
    expect(kinds(changes(one({ upstreamAuth: UpstreamCredential.header('X-Key', ref('prod/a')) }), one({ upstreamAuth: UpstreamCredential.header('X-Key', ref('prod/b')) })))).toEqual([
      'secret-source-changed:medium',
    ]);
    expect(kinds(changes(one({ upstreamAuth: UpstreamCredential.header('X-Key', ref('prod/a')) }), one({ upstreamAuth: UpstreamCredential.queryParam('key', ref('prod/a')) })))).toEqual([
      'upstream-credential-changed:medium',
      'secret-source-changed:medium',
    ]);
  });

  it('reports backend and rewrite changes', () => {
    const head = one({ backend: ExternalNameBackend.fromService('orders-v2', 'orders-v2.example.net') });
    expect(changes(one(), head)).toMatchObject([{ kind: ChangeKind.BACKEND_CHANGED, severity: 'medium', after: 'orders-v2 https://orders-v2.example.net:443' }]);
    const rewritten = topologyOf((app) => {
      const g = gatewayChart(app);
      api(g.chart, g.gateway, 'orders', { path: undefined, endpoint: new VirtualEndpoint(g.chart, 'ep', { path: '/orders', target: '/api/v1/orders' }) });
    });
    expect(kinds(changes(one(), rewritten))).toEqual(['rewrite-changed:low']);
  });

  it('matches the diff snapshot of staging → production-like drift, in Markdown and JSON', async () => {
    const drifted: EnvironmentSettings = { ...ENVIRONMENTS.staging, secretPrefix: 'staging/shop-v2', paymentsHost: 'api.payments.example.net' };
    const base = topologyOf((app) => shopEnvironment(app, ENVIRONMENTS.staging));
    const head = topologyOf((app) => shopEnvironment(app, drifted));
    const d = diffTopologies(base, head);
    expect(kinds([...d.changes])).toEqual(['secret-source-changed:medium', 'backend-changed:medium']);
    await expect(renderTopologyDiff(d, 'markdown')).toMatchFileSnapshot('__snapshots__/multi-environment.diff.md');
    await expect(renderTopologyDiff(d, 'json')).toMatchFileSnapshot('__snapshots__/multi-environment.diff.json');
  });
});

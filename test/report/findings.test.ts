import { describe, expect, it } from 'vitest';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  CredentialValue,
  ExternalNameBackend,
  SecretRef,
  ServiceBackend,
  UpstreamCredential,
} from '../../src';
import { FindingKind, findings, type Finding } from '../../src/report';
import { api, gatewayChart, topologyOf } from './support';

const aws = AwsSecretsManagerStore.fromClusterSecretStore('aws-secrets-manager');
const synced = (name: string) => aws.secretRef({ remoteKey: `prod/${name}`, property: 'key', secretName: `${name}-creds`, key: 'key' });

function findingsOf(build: Parameters<typeof topologyOf>[0]): Finding[] {
  return findings(topologyOf(build));
}
const ofKind = (fs: Finding[], kind: FindingKind) => fs.filter((f) => f.kind === kind);

describe('findings', () => {
  it('raises nothing for a scoped, read-only, TLS route with a synced credential but what Traefik Hub leaves unconfirmed', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'orders', { upstreamAuth: UpstreamCredential.header('X-Key', synced('orders')) });
    });
    // Traefik Hub cannot run here: one low finding lists the capability table's unconfirmed
    // and differing behaviours the route meets, and nothing else is raised.
    expect(fs.map((f) => [f.kind, f.severity, f.gateway, f.route, f.location])).toEqual([[FindingKind.ENGINE_DIFFERENCE, 'low', 'test/gateway', 'test/orders', 'api.example.com/orders']]);
    expect(fs[0].message).toBe(
      'Traefik Hub behaves otherwise than the model here: a static upstream header from a Secret (unconfirmed); ' +
        'no forwarding headers toward third parties (`forwardingHeaders: "hide"`) (unconfirmed); tokens without `exp` refused (unconfirmed); ' +
        'clock tolerance for `exp`/`nbf`/`iat` (differs); WebSocket handshakes refused on routes that do not allow them (differs)',
    );
    expect(fs[0].fix).toBe('nothing to do unless a difference matters to this route (README: Engine capabilities)');
  });

  it('flags a public route as high when it allows writes and medium when read-only', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'status', { clientAuth: ClientAuth.none(), scopes: [] });
      api(chart, gateway, 'upload', { clientAuth: ClientAuth.none(), scopes: [], methods: ['POST'] });
    });
    const pub = ofKind(fs, FindingKind.PUBLIC_ROUTE);
    expect(pub.map((f) => [f.location, f.severity])).toEqual([
      ['api.example.com/upload', 'high'],
      ['api.example.com/status', 'medium'],
    ]);
    expect(pub[0].message).toContain('PUBLIC');
    expect(fs[0].severity).toBe('high');
  });

  it('flags an authenticated route without scopes (medium for JWT, low for API keys)', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'orders', { scopes: [] });
      api(chart, gateway, 'keyed', { scopes: [], clientAuth: ClientAuth.apiKey({ keys: [synced('keyed')] }) });
      api(chart, gateway, 'claimed', { scopes: [], claims: { tenant: 'acme' } });
    });
    expect(ofKind(fs, FindingKind.ROUTE_WITHOUT_SCOPES).map((f) => [f.route, f.severity])).toEqual([
      ['test/orders', 'medium'],
      ['test/keyed', 'low'],
    ]);
  });

  it('flags one scope that grants both read and write methods, across routes', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'list', { scopes: ['orders'], methods: ['GET'] });
      api(chart, gateway, 'create', { scopes: ['orders'], methods: ['POST'] });
      api(chart, gateway, 'read-only', { scopes: ['reports'], methods: ['GET', 'HEAD'] });
    });
    const shared = ofKind(fs, FindingKind.SCOPE_SHARED_READ_WRITE);
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ severity: 'medium', location: 'api.example.com/list, api.example.com/create' });
    expect(shared[0].message).toContain('"orders"');
  });

  it('does not flag a scope that grants writes only together with a write scope (all required scopes count)', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'list', { scopes: ['orders'], methods: ['GET'] });
      api(chart, gateway, 'create', { scopes: ['orders', 'orders:write'], methods: ['POST'] });
    });
    expect(ofKind(fs, FindingKind.SCOPE_SHARED_READ_WRITE)).toEqual([]);
  });

  it('flags a write route whose scopes every reading token already carries', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'list', { scopes: ['orders', 'orders:read'], methods: ['GET'] });
      api(chart, gateway, 'create', { scopes: ['orders'], methods: ['POST'] });
    });
    const shared = ofKind(fs, FindingKind.SCOPE_SHARED_READ_WRITE);
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ location: 'api.example.com/list, api.example.com/create' });
    expect(shared[0].message).toContain('scope "orders"');
  });

  it('does not treat the same scope name from two issuers as one scope', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'list', { scopes: ['orders'], methods: ['GET'] });
      api(chart, gateway, 'create', { scopes: ['orders'], methods: ['POST'], clientAuth: ClientAuth.jwt({ jwksUrl: 'https://other.example.org/jwks', issuer: 'https://other.example.org/', audience: 'x' }) });
    });
    expect(ofKind(fs, FindingKind.SCOPE_SHARED_READ_WRITE)).toEqual([]);
  });

  it('flags a route that allows every method', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'orders', { methods: [] });
    });
    expect(ofKind(fs, FindingKind.WILDCARD_METHODS)).toMatchObject([{ severity: 'low', route: 'test/orders' }]);
    // With every method, the one scope also covers reads and writes.
    expect(ofKind(fs, FindingKind.SCOPE_SHARED_READ_WRITE)).toHaveLength(1);
  });

  it('flags an upstream credential sent to more than one backend, once per credential', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      const shared = UpstreamCredential.basicAuth(
        aws.secretRef({ remoteKey: 'prod/legacy', property: 'user', secretName: 'legacy-creds', key: 'user' }),
        aws.secretRef({ remoteKey: 'prod/legacy', property: 'password', secretName: 'legacy-creds', key: 'password' }),
      );
      api(chart, gateway, 'a', { upstreamAuth: shared });
      api(chart, gateway, 'b', { upstreamAuth: shared });
      // The same backend twice is not sharing.
      api(chart, gateway, 'c', { upstreamAuth: UpstreamCredential.header('X-Key', synced('c')) });
      api(chart, gateway, 'c2', { backend: ExternalNameBackend.fromService('c-backend', 'c.example.net'), upstreamAuth: UpstreamCredential.header('X-Key', synced('c')) });
    });
    const shared = ofKind(fs, FindingKind.SHARED_CREDENTIAL);
    expect(shared).toHaveLength(1);
    expect(shared[0].message).toContain('prod/legacy#password');
    expect(shared[0].message).toContain('2 backends');
  });

  it('flags one API key sent to two backends even when one sends it as a header and the other as a query parameter', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      const key = aws.secretRef({ remoteKey: 'prod/partner', property: 'key', secretName: 'partner-key', key: 'key' });
      api(chart, gateway, 'a', { upstreamAuth: UpstreamCredential.header('X-Key', key) });
      api(chart, gateway, 'b', { upstreamAuth: UpstreamCredential.queryParam('api_key', key) });
    });
    const shared = ofKind(fs, FindingKind.SHARED_CREDENTIAL);
    expect(shared).toHaveLength(1);
    expect(shared[0].message).toContain('prod/partner#key');
    expect(shared[0].message).toContain('2 backends');
    expect(shared[0].location).toBe('api.example.com/a, api.example.com/b');
  });

  it('flags a Basic-auth password shared by two backends even when the user names differ', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      // One secret-manager password, synced into each backend's own Secret next to its user.
      const password = (name: string) => aws.secretRef({ remoteKey: 'prod/legacy', property: 'password', secretName: `${name}-creds`, key: 'password' });
      const user = (name: string) => aws.secretRef({ remoteKey: `prod/${name}`, property: 'user', secretName: `${name}-creds`, key: 'user' });
      api(chart, gateway, 'a', { upstreamAuth: UpstreamCredential.basicAuth(user('a'), password('a')) });
      api(chart, gateway, 'b', { upstreamAuth: UpstreamCredential.basicAuth(user('b'), password('b')) });
    });
    const shared = ofKind(fs, FindingKind.SHARED_CREDENTIAL);
    expect(shared).toHaveLength(1);
    expect(shared[0].message).toContain('prod/legacy#password');
    expect(shared[0].message).not.toContain('prod/a#user');
  });

  it('flags plain-HTTP upstreams: high across the network, medium in-cluster with a credential, low without', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'external', { backend: ExternalNameBackend.fromService('ext', 'legacy.example.net', { port: 80 }) });
      api(chart, gateway, 'internal-cred', { backend: ServiceBackend.fromServiceName('orders', { port: 8080 }), upstreamAuth: UpstreamCredential.header('X-Key', synced('i')) });
      api(chart, gateway, 'internal', { backend: ServiceBackend.fromServiceName('status', { port: 8080 }) });
      api(chart, gateway, 'tls', { backend: ServiceBackend.fromServiceName('tls', { port: 8443, scheme: 'https' }) });
    });
    expect(ofKind(fs, FindingKind.HTTP_UPSTREAM).map((f) => [f.route, f.severity])).toEqual([
      ['test/external', 'high'],
      ['test/internal-cred', 'medium'],
      ['test/internal', 'low'],
    ]);
  });

  it('flags a Secret that no secret manager syncs, and plaintext credentials as high', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'manual', { upstreamAuth: UpstreamCredential.header('X-Key', SecretRef.fromSecret('hand-made', 'key')) });
      api(chart, gateway, 'keys', { clientAuth: ClientAuth.apiKey({ keys: [SecretRef.fromSecret('client-keys', 'k1')] }), scopes: [] });
      api(chart, gateway, 'plain', { upstreamAuth: UpstreamCredential.header('X-Key', CredentialValue.unsafePlaintext('not-a-real-secret')) });
      api(chart, gateway, 'from-header', { upstreamAuth: UpstreamCredential.queryParam('tenant', CredentialValue.fromRequestHeader('X-Tenant')) });
    });
    expect(ofKind(fs, FindingKind.SECRET_WITHOUT_SOURCE).map((f) => [f.route, f.severity])).toEqual([
      ['test/manual', 'low'],
      ['test/keys', 'low'],
    ]);
    const plain = ofKind(fs, FindingKind.PLAINTEXT_CREDENTIAL);
    expect(plain).toMatchObject([{ route: 'test/plain', severity: 'high' }]);
    expect(JSON.stringify(fs)).not.toContain('not-a-real-secret');
  });

  it('lists findings worst first', () => {
    const fs = findingsOf((app) => {
      const { chart, gateway } = gatewayChart(app);
      api(chart, gateway, 'orders', { methods: [], scopes: [] });
      api(chart, gateway, 'public', { clientAuth: ClientAuth.none(), scopes: [], methods: ['DELETE'] });
    });
    const ranks = fs.map((f) => ['info', 'low', 'medium', 'high'].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });
});

import { describe, expect, it } from 'vitest';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  CredentialValue,
  ErrorCode,
  ExternalNameBackend,
  GatewayEngine,
  ProxyExposure,
  ReferenceProxy,
  ReferenceProxyGateway,
  SecuredApi,
  ServiceBackend,
  TraefikGateway,
  UpstreamCredential,
  VirtualEndpoint,
  type ReferenceProxyGatewayProps,
} from '../../src';
import { proxyConfigSchema } from '../../src/model';
import { findObject, synthObjects, testChart, toYaml } from '../support/synth';
import { catchError } from '../support/errors';

const JWT = () => ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'partners' });

function setup(props: ReferenceProxyGatewayProps = {}) {
  const chart = testChart('edge');
  const gateway = new ReferenceProxyGateway(chart, 'gateway', props);
  const backend = new ExternalNameBackend(chart, 'maps-backend', { externalName: 'maps.example.org' });
  const vault = AwsSecretsManagerStore.fromClusterSecretStore('aws-sm');
  const maps = () =>
    new SecuredApi(chart, 'maps', {
      gateway,
      host: 'partners.example.com',
      path: '/maps',
      backend,
      clientAuth: JWT(),
      scopes: ['maps:read'],
      methods: ['GET'],
      upstreamAuth: [
        UpstreamCredential.queryParam('key', vault.secretRef({ remoteKey: 'prod/maps', property: 'key', secretName: 'maps-upstream', key: 'key' })),
        UpstreamCredential.queryParam('tenant', CredentialValue.fromRequestHeader('X-Tenant-Id')),
      ],
    });
  return { chart, gateway, maps };
}

describe('ReferenceProxyGateway (the proxy is the gateway)', () => {
  it('is the REFERENCE_PROXY engine and serves even query-parameter credentials', () => {
    const { chart, gateway, maps } = setup();
    maps();
    expect(gateway.engine).toBe(GatewayEngine.REFERENCE_PROXY);
    const config = proxyConfigSchema.parse(JSON.parse(findObject(synthObjects(chart), 'ConfigMap', 'gateway-proxy-config').data!['config.json']));
    expect(config.routes).toEqual(gateway.routes);
    // Inline only: the credential-bearing forwardAuth endpoint stays off.
    expect(config.forwardAuthEnabled).toBe(false);
    expect(config.routes[0].upstreamAuth).toEqual([
      {
        kind: 'queryParam',
        name: 'key',
        value: {
          kind: 'secret',
          ref: {
            secretName: 'maps-upstream',
            key: 'key',
            source: { store: { name: 'aws-sm', kind: 'ClusterSecretStore', provider: 'awsSecretsManager' }, remoteKey: 'prod/maps', property: 'key' },
          },
        },
      },
      { kind: 'queryParam', name: 'tenant', value: { kind: 'requestHeader', header: 'X-Tenant-Id' } },
    ]);
  });

  it('stays inside the cluster by default: no IngressRoute, no LoadBalancer', () => {
    const { chart, maps } = setup();
    maps();
    const objects = synthObjects(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/gateway-proxy-config',
      'Deployment/gateway-proxy',
      'Service/gateway-proxy',
      'Service/maps-backend',
      'ExternalSecret/maps-upstream',
    ]);
    expect(findObject(objects, 'Service', 'gateway-proxy').spec.type).toBe('ClusterIP');
  });

  it('mounts the synced secret and syncs only its used key', () => {
    const { chart, maps } = setup();
    maps();
    const objects = synthObjects(chart);
    expect(findObject(objects, 'ExternalSecret', 'maps-upstream').spec.data).toEqual([{ secretKey: 'key', remoteRef: { key: 'prod/maps', property: 'key' } }]);
    const pod = findObject(objects, 'Deployment', 'gateway-proxy').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'secret-maps-upstream', mountPath: '/var/run/secrets/gatewright/maps-upstream', readOnly: true });
  });

  it('exposed through OSS Traefik: one IngressRoute per API to the proxy, Host passed on, methods left to the proxy', () => {
    const { chart, maps, gateway } = setup({ expose: ProxyExposure.traefik({ entryPoints: ['websecure'], tls: { secretName: 'partners-tls' } }) });
    maps();
    expect(gateway._toGatewayModel()).toMatchObject({ listeners: ['websecure'], tls: 'Secret partners-tls' });
    const ir = findObject(synthObjects(chart), 'IngressRoute', 'maps');
    expect(ir.metadata.namespace).toBe('edge');
    expect(ir.spec).toEqual({
      entryPoints: ['websecure'],
      routes: [
        {
          kind: 'Rule',
          match: 'Host(`partners.example.com`) && (Path(`/maps`) || PathPrefix(`/maps/`))',
          priority: 30_000_010,
          services: [{ kind: 'Service', name: 'gateway-proxy', port: 8080, scheme: 'http', passHostHeader: true }],
        },
      ],
      tls: { secretName: 'partners-tls', domains: [{ main: 'partners.example.com' }] },
    });
  });

  it('sends a catch-all route to the traffic port, which never serves forwardAuth (it has a listener of its own)', () => {
    const { chart, gateway } = setup({ expose: ProxyExposure.traefik() });
    new SecuredApi(chart, 'root', {
      gateway,
      host: 'partners.example.com',
      backend: new ExternalNameBackend(chart, 'root-backend', { externalName: 'www.example.org' }),
      clientAuth: JWT(),
    });
    const route = findObject(synthObjects(chart), 'IngressRoute', 'root').spec.routes[0];
    expect(route.match).toBe('Host(`partners.example.com`)');
    expect(route.services[0].port).toBe(gateway.proxy.port);
  });

  it('addresses a proxy in another namespace across namespaces', () => {
    const chart = testChart('edge');
    const proxy = new ReferenceProxy(chart, 'shared', { namespace: 'gatewright' });
    const refused = new ReferenceProxyGateway(chart, 'refused', { proxy, expose: ProxyExposure.traefik() });
    const e = catchError(
      () =>
        new SecuredApi(chart, 'refused-orders', {
          gateway: refused,
          host: 'api.example.com',
          backend: ServiceBackend.fromServiceName('orders', { port: 8080 }),
          clientAuth: JWT(),
        }),
    );
    expect(e.code).toBe(ErrorCode.CROSS_NAMESPACE);
    expect(e.message).toContain('the reference proxy "shared" lives in namespace "gatewright"');
    const gateway = new ReferenceProxyGateway(chart, 'gateway', { proxy, expose: ProxyExposure.traefik(), allowCrossNamespace: true });
    new SecuredApi(chart, 'orders', {
      gateway,
      host: 'api.example.com',
      endpoint: new VirtualEndpoint(chart, 'orders-endpoint', { path: '/orders', target: '/v2/orders' }),
      backend: new ExternalNameBackend(chart, 'orders-backend', { externalName: 'orders.example.org' }),
      clientAuth: JWT(),
    });
    const ir = findObject(synthObjects(chart), 'IngressRoute', 'orders');
    expect(ir.metadata.namespace).toBe('edge');
    // The proxy rewrites: no replacePathRegex in front of it.
    expect(ir.spec.routes[0].middlewares).toBeUndefined();
    expect(ir.spec.routes[0].services).toEqual([{ kind: 'Service', name: 'shared', namespace: 'gatewright', port: 8080, scheme: 'http', passHostHeader: true }]);
  });

  it('exposed through a LoadBalancer Service: traffic port only, annotations and source ranges kept', () => {
    const { chart, maps } = setup({
      expose: ProxyExposure.loadBalancer({
        port: 443,
        annotations: { 'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
        sourceRanges: ['203.0.113.0/24'],
      }),
    });
    maps();
    const lb = findObject(synthObjects(chart), 'Service', 'gateway-proxy-public');
    expect(lb.metadata.namespace).toBe('edge');
    expect(lb.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' });
    expect(lb.spec).toEqual({
      type: 'LoadBalancer',
      selector: { 'app.kubernetes.io/name': 'reference-proxy', 'app.kubernetes.io/instance': 'gateway-proxy' },
      ports: [{ name: 'http', port: 443, targetPort: 'http', protocol: 'TCP' }],
      loadBalancerSourceRanges: ['203.0.113.0/24'],
    });
  });

  it('shares one proxy with a TraefikGateway: forwardAuth and inline routes in one config', () => {
    const chart = testChart('edge');
    const proxy = new ReferenceProxy(chart, 'proxy');
    const traefik = new TraefikGateway(chart, 'traefik', { proxy });
    const inline = new ReferenceProxyGateway(chart, 'inline', { proxy, expose: ProxyExposure.traefik() });
    const backend = new ExternalNameBackend(chart, 'backend', { externalName: 'api.partner.example.net' });
    new SecuredApi(chart, 'orders', { gateway: traefik, host: 'api.example.com', path: '/orders', backend, clientAuth: JWT() });
    new SecuredApi(chart, 'maps', {
      gateway: inline,
      host: 'api.example.com',
      path: '/maps',
      backend,
      clientAuth: JWT(),
      upstreamAuth: UpstreamCredential.queryParam('tenant', CredentialValue.fromRequestHeader('X-Tenant-Id')),
    });
    const objects = synthObjects(chart);
    const config = proxyConfigSchema.parse(JSON.parse(findObject(objects, 'ConfigMap', 'proxy-config').data!['config.json']));
    expect(config.routes.map((r) => r.name)).toEqual(['orders', 'maps']);
    // Shared with a TraefikGateway: forwardAuth must be served.
    expect(config.forwardAuthEnabled).toBe(true);
    expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(1);
  });

  it('rejects a session-protected API, which the proxy cannot check', () => {
    const { chart, gateway } = setup();
    const err = catchError(
      () =>
        new SecuredApi(chart, 'portal', {
          gateway,
          host: 'portal.example.com',
          backend: new ExternalNameBackend(chart, 'portal-backend', { externalName: 'portal.example.org' }),
          clientAuth: ClientAuth.oidcSession({ authAddress: 'http://oauth2-proxy.auth.svc/oauth2/auth', middlewareName: 'oauth2-proxy', provider: 'oauth2-proxy' }),
        }),
    );
    expect(err.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(err.path).toBe('test/portal');
    expect(err.field).toBe('clientAuth');
    expect(err.message).toContain('Fix: attach this API to TraefikHubGateway or TraefikGateway');
  });

  it('renders a stable manifest', async () => {
    const { chart, maps } = setup({ expose: ProxyExposure.traefik({ tls: { certResolver: 'le' } }) });
    maps();
    const yaml = toYaml(synthObjects(chart));
    expect(yaml).not.toContain('prod/maps#');
    await expect(yaml).toMatchFileSnapshot('./__snapshots__/reference-proxy-gateway.yaml');
  });
});

describe('ProxyExposure.loadBalancer', () => {
  it('rejects a port outside 1-65535', () => {
    const err = catchError(() => new ReferenceProxyGateway(testChart(), 'gateway', { expose: ProxyExposure.loadBalancer({ port: 70000 }) }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.field).toBe('expose.port');
    expect(err.message).toContain('must be between 1 and 65535');
  });
});

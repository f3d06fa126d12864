import { describe, expect, it } from 'vitest';
import {
  ClientAuth,
  CredentialValue,
  ErrorCode,
  ExternalNameBackend,
  GatewayEngine,
  ReferenceProxy,
  SecretRef,
  SecuredApi,
  ServiceBackend,
  TraefikGateway,
  UpstreamCredential,
  UpstreamOAuth,
  VirtualEndpoint,
  type SecuredApiProps,
} from '../../src';
import { proxyConfigSchema } from '../../src/model';
import { findObject, synthObjects, testChart, toYaml, type KubeObject } from '../support/synth';
import { TRAEFIK_HIDDEN } from '../support/transformation';
import { catchError } from '../support/errors';

/** Forwarding facts Traefik adds and X-Replaced-Path: removed before an external backend. */
const HIDDEN = {
  ...TRAEFIK_HIDDEN,
  // The external backend's own name, never api.partner.example.net:443.
  Host: 'api.partner.example.net',
};

const JWT = () => ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'partners' });

function setup(namespace = 'edge') {
  const chart = testChart(namespace);
  const gateway = new TraefikGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } });
  const backend = new ExternalNameBackend(chart, 'backend', { externalName: 'api.partner.example.net' });
  const api = (id: string, props: Omit<SecuredApiProps, 'gateway' | 'host' | 'backend'> & Partial<SecuredApiProps>) =>
    new SecuredApi(chart, id, { gateway, host: 'api.example.com', backend, ...props });
  return { chart, gateway, api };
}

const ingressMiddlewares = (objects: KubeObject[], route: string) =>
  findObject(objects, 'IngressRoute', route).spec.routes[0].middlewares.map((m: { name: string }) => m.name);

describe('TraefikGateway (open-source Traefik + reference proxy forwardAuth)', () => {
  it('is the TRAEFIK engine and creates its reference proxy in the gateway namespace', () => {
    const { chart, gateway } = setup();
    expect(gateway.engine).toBe(GatewayEngine.TRAEFIK);
    expect(gateway._toGatewayModel()).toEqual({ name: 'gateway', path: 'test/gateway', engine: 'traefik', namespace: 'edge', listeners: ['websecure'], tls: 'cert resolver le' });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Deployment', 'gateway-proxy').metadata.namespace).toBe('edge');
    expect(findObject(objects, 'Service', 'gateway-proxy').metadata.namespace).toBe('edge');
  });

  it('authenticates through forwardAuth at the proxy and copies the OAuth token back', () => {
    const { chart, api } = setup();
    const token = new UpstreamOAuth(chart, 'crm-token', {
      tokenUrl: 'https://auth.example.com/token',
      clientId: SecretRef.fromSecret('crm-oauth', 'client-id'),
      clientSecret: SecretRef.fromSecret('crm-oauth', 'client-secret'),
    });
    api('crm', { path: '/crm', clientAuth: JWT(), scopes: ['crm:read'], upstreamAuth: token });
    const objects = synthObjects(chart);
    const fa = findObject(objects, 'Middleware', 'crm-forward-auth');
    expect(fa.apiVersion).toBe('traefik.io/v1alpha1');
    expect(fa.metadata.namespace).toBe('edge');
    expect(fa.spec).toEqual({
      forwardAuth: {
        address: 'http://gateway-proxy.edge.svc.cluster.local:8081/_gatewright/forward-auth/crm',
        trustForwardHeader: false,
        authResponseHeaders: ['Authorization'],
      },
    });
    // The proxy's answer replaces the caller's Authorization, so the strip step (external
    // backend) removes the caller's cookies and the forwarding headers only.
    expect(ingressMiddlewares(objects, 'crm')).toEqual(['gateway-untrusted-headers', 'crm-forward-auth', 'crm-strip-caller']);
    expect(findObject(objects, 'Middleware', 'crm-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { Cookie: '', ...HIDDEN } } });
  });

  it('puts the route, unchanged, into the proxy config (parsed back by the proxy schema)', () => {
    const { chart, api, gateway } = setup();
    api('weather', { path: '/weather', clientAuth: JWT(), scopes: ['weather:read'], methods: ['GET'], upstreamAuth: UpstreamCredential.header('X-API-Key', SecretRef.fromSecret('weather', 'key')) });
    const cm = findObject(synthObjects(chart), 'ConfigMap', 'gateway-proxy-config');
    const config = proxyConfigSchema.parse(JSON.parse(cm.data!['config.json']));
    expect(config.routes).toEqual(gateway.routes);
    expect(config.forwardAuthEnabled).toBe(true);
    expect(config.routes[0]).toMatchObject({
      name: 'weather',
      pathPrefix: '/weather',
      authorization: { methods: ['GET'], scopes: ['weather:read'], claims: {} },
      upstreamAuth: [{ kind: 'header', name: 'X-API-Key', value: { kind: 'secret', ref: { secretName: 'weather', key: 'key' } }, prefix: '' }],
    });
  });

  it('lists Authorization for BasicAuth and every header credential in authResponseHeaders', () => {
    const { chart, api } = setup();
    api('legacy', {
      path: '/legacy',
      clientAuth: JWT(),
      upstreamAuth: [
        UpstreamCredential.basicAuth(SecretRef.fromSecret('legacy', 'user'), SecretRef.fromSecret('legacy', 'pass')),
        UpstreamCredential.headers({ 'DD-API-KEY': SecretRef.fromSecret('dd', 'api'), 'DD-APPLICATION-KEY': SecretRef.fromSecret('dd', 'app') }),
      ],
    });
    const fa = findObject(synthObjects(chart), 'Middleware', 'legacy-forward-auth').spec.forwardAuth;
    expect(fa.authResponseHeaders).toEqual(['Authorization', 'DD-API-KEY', 'DD-APPLICATION-KEY']);
  });

  it('also lists forwarded claim headers, so a caller cannot forge them', () => {
    const { chart, api } = setup();
    api('me', {
      path: '/me',
      clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'partners', forwardClaims: { 'X-Subject': 'sub' } }),
    });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Middleware', 'me-forward-auth').spec.forwardAuth.authResponseHeaders).toEqual(['X-Subject']);
  });

  it('strips the caller token when no upstream credential replaces it: untrusted headers → forwardAuth → strip', () => {
    const { chart, api } = setup();
    api('weather', { path: '/weather', clientAuth: JWT(), upstreamAuth: UpstreamCredential.header('X-API-Key', SecretRef.fromSecret('weather', 'key')) });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Middleware', 'weather-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { Authorization: '', Cookie: '', ...HIDDEN } } });
    expect(ingressMiddlewares(objects, 'weather')).toEqual(['gateway-untrusted-headers', 'weather-forward-auth', 'weather-strip-caller']);
  });

  it('removes caller-supplied identity headers on every route with one gateway Middleware, before forwardAuth', () => {
    const { chart, api } = setup();
    api('me', {
      path: '/me',
      clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'partners', forwardClaims: { 'X-Subject': 'sub' } }),
    });
    api('status', { path: '/status', clientAuth: ClientAuth.none() });
    const objects = synthObjects(chart);
    const untrusted = findObject(objects, 'Middleware', 'gateway-untrusted-headers');
    expect(untrusted.metadata.namespace).toBe('edge');
    const removed = untrusted.spec.headers.customRequestHeaders;
    // OAuth2 Proxy's, web servers' and cloud edges' identity headers, overrides, and X-Subject,
    // which this gateway sets on /me: a caller on /status must not send its own.
    expect(removed).toMatchObject({ 'X-Forwarded-User': '', 'X-Auth-Request-User': '', 'X-Remote-User': '', 'X-Original-Url': '', 'X-Http-Method-Override': '', Forwarded: '', 'X-Subject': '' });
    expect(Object.values(removed).every((v) => v === '')).toBe(true);
    expect(ingressMiddlewares(objects, 'status')[0]).toBe('gateway-untrusted-headers');
  });

  it('strips the caller API key header with an empty OSS headers value', () => {
    const { chart, api } = setup();
    api('orders', { path: '/orders', clientAuth: ClientAuth.apiKey({ header: 'X-Partner-Key', keys: [SecretRef.fromSecret('partner-keys', 'a')] }) });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Middleware', 'orders-strip-caller').spec.headers.customRequestHeaders).toEqual({ 'X-Partner-Key': '', Cookie: '', ...HIDDEN });
    expect(findObject(objects, 'Middleware', 'orders-forward-auth').spec.forwardAuth.authResponseHeaders).toBeUndefined();
  });

  it('removes the caller Cookie with an empty OSS headers value unless the route forwards cookies', () => {
    const { chart, api } = setup();
    const inCluster = ServiceBackend.fromServiceName('orders', { port: 8080, scheme: 'http' });
    api('wiki', { path: '/wiki', clientAuth: ClientAuth.none() });
    api('shop', { path: '/shop', clientAuth: ClientAuth.none(), backend: inCluster });
    api('forwarded', { path: '/forwarded', clientAuth: ClientAuth.none(), forwardCookies: true });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Middleware', 'wiki-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { Cookie: '', ...HIDDEN } } });
    expect(ingressMiddlewares(objects, 'shop')).toEqual(['gateway-untrusted-headers']);
    expect(ingressMiddlewares(objects, 'forwarded')).toEqual(['gateway-untrusted-headers', 'forwarded-strip-caller']);
    expect(findObject(objects, 'Middleware', 'forwarded-strip-caller').spec).toEqual({ headers: { customRequestHeaders: HIDDEN } });
    expect(findObject(objects, 'IngressRoute', 'shop').spec.routes[0].services[0].passHostHeader).toBe(false);
  });

  it('keeps a Cookie the proxy answer sets as the upstream credential', () => {
    const { chart, api } = setup();
    api('legacy-ui', { path: '/ui', clientAuth: JWT(), upstreamAuth: UpstreamCredential.header('Cookie', SecretRef.fromSecret('ui', 'session')) });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Middleware', 'legacy-ui-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { Authorization: '', ...HIDDEN } } });
    expect(findObject(objects, 'Middleware', 'legacy-ui-forward-auth').spec.forwardAuth.authResponseHeaders).toEqual(['Cookie']);
  });

  it('orders untrusted headers → forwardAuth (auth + credential) → rewrite → strip (X-Replaced-Path exists only after the rewrite)', () => {
    const { chart, api } = setup();
    api('legacy', {
      endpoint: new VirtualEndpoint(chart, 'legacy-endpoint', { path: '/legacy', target: '/soap/v2/services' }),
      clientAuth: ClientAuth.apiKey({ keys: [SecretRef.fromSecret('partner-keys', 'a')] }),
      upstreamAuth: UpstreamCredential.header('X-Upstream-Key', SecretRef.fromSecret('legacy', 'key')),
    });
    const objects = synthObjects(chart);
    expect(ingressMiddlewares(objects, 'legacy')).toEqual(['gateway-untrusted-headers', 'legacy-forward-auth', 'legacy-rewrite', 'legacy-strip-caller']);
    expect(findObject(objects, 'Middleware', 'legacy-rewrite').spec).toEqual({
      replacePathRegex: { regex: '^/legacy(/.*)?$', replacement: '/soap/v2/services$1' },
    });
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names.indexOf('IngressRoute/legacy')).toBeGreaterThan(names.indexOf('Middleware/legacy-rewrite'));
  });

  it('renders the IngressRoute like every Traefik engine: anchored match, backend, TLS', () => {
    const { chart, api } = setup();
    api('orders', { path: '/orders', methods: ['GET', 'POST'], clientAuth: JWT() });
    const ir = findObject(synthObjects(chart), 'IngressRoute', 'orders');
    expect(ir.spec).toEqual({
      entryPoints: ['websecure'],
      routes: [
        {
          kind: 'Rule',
          // Methods are the proxy's job (403 through forwardAuth), not the router's.
          match: 'Host(`api.example.com`) && (Path(`/orders`) || PathPrefix(`/orders/`))',
          // exact host (300 × 100,000) + length of "/orders"
          priority: 30_000_014,
          middlewares: [{ name: 'gateway-untrusted-headers' }, { name: 'orders-forward-auth' }, { name: 'orders-strip-caller' }],
          services: [{ kind: 'Service', name: 'backend', port: 443, scheme: 'https', passHostHeader: true, serversTransport: 'gateway-transport-30s' }],
        },
      ],
      tls: { certResolver: 'le', domains: [{ main: 'api.example.com' }] },
    });
  });

  it('lets a method refused on a sub-route reach that route (the proxy answers 403), not fall through to the parent', () => {
    const { chart, api } = setup();
    api('okta', { path: '/okta', methods: ['GET', 'POST', 'PUT'], clientAuth: JWT() });
    api('okta-users', { path: '/okta/users', methods: ['GET'], clientAuth: JWT() });
    const objects = synthObjects(chart);
    const parent = findObject(objects, 'IngressRoute', 'okta').spec.routes[0];
    const child = findObject(objects, 'IngressRoute', 'okta-users').spec.routes[0];
    // POST /okta/users matches the child's rule (no Method matcher) and the child ranks higher.
    expect(child.match).toBe('Host(`api.example.com`) && (Path(`/okta/users`) || PathPrefix(`/okta/users/`))');
    expect(child.priority).toBeGreaterThan(parent.priority);
    expect(findObject(objects, 'Middleware', 'okta-users-forward-auth').spec.forwardAuth.address).toMatch(/\/okta-users$/);
  });

  it('keeps methods in the rule of a public route that bypasses the proxy', () => {
    const { chart, api } = setup();
    api('status', { path: '/status', methods: ['GET'], clientAuth: ClientAuth.none() });
    expect(findObject(synthObjects(chart), 'IngressRoute', 'status').spec.routes[0].match).toBe(
      'Host(`api.example.com`) && (Path(`/status`) || PathPrefix(`/status/`)) && Method(`GET`)',
    );
  });

  it('sends a public route with no upstream credential straight to the backend, bypassing the proxy', () => {
    const { chart, api, gateway } = setup();
    api('status', { path: '/status', clientAuth: ClientAuth.none() });
    const objects = synthObjects(chart);
    // Only removals (untrusted headers; the caller's cookies and forwarding headers toward an external backend), no forwardAuth.
    expect(ingressMiddlewares(objects, 'status')).toEqual(['gateway-untrusted-headers', 'status-strip-caller']);
    expect(gateway.proxy.routes).toEqual([]);
  });

  it('still fetches the upstream credential for a public route that has one', () => {
    const { chart, api } = setup();
    api('quotes', { path: '/quotes', clientAuth: ClientAuth.none(), upstreamAuth: UpstreamCredential.header('X-Key', SecretRef.fromSecret('quotes', 'key')) });
    const objects = synthObjects(chart);
    expect(ingressMiddlewares(objects, 'quotes')).toEqual(['gateway-untrusted-headers', 'quotes-forward-auth', 'quotes-strip-caller']);
  });

  it('copies a request header into an upstream header through the proxy', () => {
    const { chart, api } = setup();
    api('tenant', { path: '/tenant', clientAuth: JWT(), upstreamAuth: UpstreamCredential.header('X-Tenant', CredentialValue.fromRequestHeader('X-Tenant-Id')) });
    expect(findObject(synthObjects(chart), 'Middleware', 'tenant-forward-auth').spec.forwardAuth.authResponseHeaders).toEqual(['X-Tenant']);
  });

  it('mounts the route secrets into the proxy and references none from Traefik objects', () => {
    const { chart, api } = setup();
    api('weather', { path: '/weather', clientAuth: JWT(), upstreamAuth: UpstreamCredential.header('X-API-Key', SecretRef.fromSecret('weather', 'key')) });
    const objects = synthObjects(chart);
    const pod = findObject(objects, 'Deployment', 'gateway-proxy').spec.template.spec;
    expect(pod.volumes.find((v: { name: string }) => v.name === 'secret-weather').projected.sources).toEqual([
      { secret: { name: 'weather', items: [{ key: 'key', path: 'key' }] } },
    ]);
    const traefik = toYaml(objects.filter((o) => o.apiVersion.startsWith('traefik.io')));
    expect(traefik).not.toContain('urn:k8s:secret');
    expect(traefik).not.toContain('weather:key');
  });

  it('uses a ReferenceProxy passed in, in another namespace, for the forwardAuth address', () => {
    const chart = testChart('edge');
    const proxy = new ReferenceProxy(chart, 'auth', { namespace: 'gatewright', port: 8000, forwardAuthPort: 8001, forwardAuthPath: '/fa' });
    const gateway = new TraefikGateway(chart, 'gateway', { proxy, allowCrossNamespace: true });
    new SecuredApi(chart, 'orders', {
      gateway,
      host: 'api.example.com',
      path: '/orders',
      backend: ServiceBackend.fromServiceName('orders', { port: 8080, namespace: 'shop' }),
      clientAuth: JWT(),
    });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Middleware', 'orders-forward-auth').spec.forwardAuth.address).toBe('http://auth.gatewright.svc.cluster.local:8001/fa/orders');
    expect(findObject(objects, 'IngressRoute', 'orders').spec.routes[0].services[0]).toMatchObject({ name: 'orders', namespace: 'shop', port: 8080, scheme: 'http' });
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['auth']);
    expect(gateway.proxy).toBe(proxy);
  });

  it('fails synth for a query-parameter credential, naming route, field and the alternative', () => {
    const { api } = setup();
    const err = catchError(() =>
      api('maps', { path: '/maps', clientAuth: JWT(), upstreamAuth: UpstreamCredential.queryParam('key', SecretRef.fromSecret('maps', 'key')) }),
    );
    expect(err.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(err.path).toBe('test/maps');
    expect(err.field).toBe('upstreamAuth.queryParam(key)');
    expect(err.message).toBe(
      '[test/maps] upstreamAuth.queryParam(key): asks for an upstream query parameter, which open-source Traefik cannot express: a forwardAuth answer can only carry headers, so the proxy cannot add a parameter to the request URL. Fix: attach this API to ReferenceProxyGateway or TraefikHubGateway, or drop the prop',
    );
  });

  it('fails synth for a session-protected route that also needs an upstream credential', () => {
    const { api } = setup();
    const err = catchError(() =>
      api('portal', {
        path: '/portal',
        clientAuth: ClientAuth.oidcSession({ authAddress: 'http://oauth2-proxy.auth.svc/oauth2/auth', middlewareName: 'oauth2-proxy', provider: 'oauth2-proxy' }),
        upstreamAuth: UpstreamCredential.header('X-Key', SecretRef.fromSecret('portal', 'key')),
      }),
    );
    expect(err.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(err.field).toBe('upstreamAuth');
    expect(err.message).toContain('asks for a browser session plus an upstream credential, which open-source Traefik cannot express');
    expect(err.message).toContain('Fix: attach this API to TraefikHubGateway');
  });

  it('runs a session check alone through the provider middleware, without the proxy', () => {
    const { chart, api, gateway } = setup();
    api('portal', {
      path: '/portal',
      clientAuth: ClientAuth.oidcSession({ authAddress: 'http://oauth2-proxy.auth.svc/oauth2/auth', middlewareName: 'oauth2-proxy', provider: 'oauth2-proxy' }),
    });
    // Untrusted headers (a forged X-Auth-Request-User among them) go first, then the session
    // check; the caller's cookies (the session's too) stop at the gateway.
    expect(ingressMiddlewares(synthObjects(chart), 'portal')).toEqual(['gateway-untrusted-headers', 'oauth2-proxy', 'portal-strip-caller']);
    expect(gateway.proxy.routes).toEqual([]);
  });

  it('reports duplicate routes at synth', () => {
    const { chart, api } = setup();
    api('a', { path: '/x', clientAuth: ClientAuth.none() });
    api('b', { path: '/x', clientAuth: ClientAuth.none() });
    expect(() => synthObjects(chart)).toThrow(/ERR_GW_DUPLICATE_ROUTE|already served by test\/a/);
  });

  it('renders a stable manifest', async () => {
    const { chart, api } = setup();
    const token = new UpstreamOAuth(chart, 'crm-token', {
      tokenUrl: 'https://auth.example.com/token',
      clientId: SecretRef.fromSecret('crm-oauth', 'client-id'),
      clientSecret: SecretRef.fromSecret('crm-oauth', 'client-secret'),
    });
    api('crm', {
      endpoint: new VirtualEndpoint(chart, 'crm-endpoint', { path: '/crm', target: '/api/v2' }),
      clientAuth: ClientAuth.apiKey({ keys: [SecretRef.fromSecret('partner-keys', 'a')] }),
      upstreamAuth: token,
    });
    await expect(toYaml(synthObjects(chart))).toMatchFileSnapshot('./__snapshots__/traefik-gateway.yaml');
  });
});

import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  CredentialValue,
  ErrorCode,
  ExternalNameBackend,
  SecretRef,
  SecuredApi,
  ServiceBackend,
  TraefikHubGateway,
  UpstreamCredential,
  UpstreamOAuth,
  type SecuredApiProps,
} from '../../../src';
import { findObject, synthObjects } from '../../support/synth';
import { TRAEFIK_HIDDEN } from '../../support/transformation';
import { catchError } from '../../support/errors';

/**
 * What an external backend never sees: the forwarding facts Traefik adds and its X-Replaced-Path
 * (a caller's `Forwarded`, `X-Forwarded-Prefix`, `-Method` and `-Uri` already went with the untrusted headers).
 */
const HIDDEN = {
  ...TRAEFIK_HIDDEN,
  // The external backend's own name, without :443 (Traefik would send backend.example.com:443).
  Host: 'backend.example.com',
};
const UNTRUSTED = { name: 'gateway-untrusted-headers' };

function fixture(namespace = 'gw') {
  const chart = new Chart(Testing.app(), 'c', { namespace });
  const gateway = new TraefikHubGateway(chart, 'gateway', { tls: { secretName: 'api-tls', domains: ['www.example.com'] } });
  const backend = new ExternalNameBackend(chart, 'backend', { externalName: 'backend.example.com' });
  const add = (id: string, props: Partial<SecuredApiProps>) =>
    new SecuredApi(chart, id, { gateway, backend, host: 'api.example.com', path: `/${id}`, clientAuth: ClientAuth.none(), ...props });
  return { chart, gateway, backend, add };
}

describe('TraefikHubGateway', () => {
  it('defaults to the websecure entry point and lists the route host first in TLS domains', () => {
    const { chart, add } = fixture();
    add('public', {});
    const spec = findObject(synthObjects(chart), 'IngressRoute', 'public').spec;
    expect(spec.entryPoints).toEqual(['websecure']);
    expect(spec.tls).toEqual({ secretName: 'api-tls', domains: [{ main: 'api.example.com', sans: ['www.example.com'] }] });
    // Caller-supplied identity headers go first; the external backend gets no caller cookies
    // and no forwarding headers.
    expect(spec.routes[0].middlewares).toEqual([UNTRUSTED, { name: 'public-strip-caller' }]);
    // The strip middleware sets the backend's own Host, which the route then passes on.
    expect(spec.routes[0].services).toEqual([{ kind: 'Service', name: 'backend', port: 443, scheme: 'https', passHostHeader: true, serversTransport: 'gateway-transport-30s' }]);
    expect(findObject(synthObjects(chart), 'Middleware', 'public-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { Cookie: '', ...HIDDEN } } });
  });

  it('checks API keys with Hub apiKey and strips the caller key before the backend', () => {
    const { chart, add } = fixture();
    add('keyed', { clientAuth: ClientAuth.apiKey({ keys: [SecretRef.fromSecret('client-keys', 'partner-a')] }) });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Middleware', 'keyed-apikey').spec.plugin.apiKey).toEqual({
      keySource: { header: 'X-API-Key' },
      secretNonBase64Encoded: true,
      secretValues: ['urn:k8s:secret:client-keys:partner-a'],
    });
    expect(findObject(objects, 'Middleware', 'keyed-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { 'X-API-Key': '', Cookie: '', ...HIDDEN } } });
    expect(findObject(objects, 'IngressRoute', 'keyed').spec.routes[0].middlewares).toEqual([UNTRUSTED, { name: 'keyed-apikey' }, { name: 'keyed-strip-caller' }]);
  });

  it('removes the caller Cookie with an empty Hub headers value after client auth, unless the route forwards cookies', () => {
    const { chart, add } = fixture();
    const inCluster = ServiceBackend.fromServiceName('orders', { port: 8080, scheme: 'http' });
    add('jira', {
      clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'api' }),
      upstreamAuth: UpstreamCredential.header('X-Key', SecretRef.fromSecret('jira', 'key')),
    });
    add('shop', { backend: inCluster });
    add('forwarded', { forwardCookies: true });
    add('withcookie', { forwardCookies: false, backend: inCluster });
    const objects = synthObjects(chart);
    // The jwt middleware drops the caller's token itself; the strip names it again for every engine alike.
    expect(findObject(objects, 'Middleware', 'jira-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { Authorization: '', Cookie: '', ...HIDDEN } } });
    // untrusted headers → client auth → strip → inject
    expect(findObject(objects, 'IngressRoute', 'jira').spec.routes[0].middlewares.map((m: { name: string }) => m.name)).toEqual([
      'gateway-untrusted-headers',
      'jira-jwt',
      'jira-strip-caller',
      'jira-upstream-headers',
    ]);
    expect(findObject(objects, 'IngressRoute', 'shop').spec.routes[0].middlewares).toEqual([UNTRUSTED]);
    expect(findObject(objects, 'IngressRoute', 'forwarded').spec.routes[0].middlewares).toEqual([UNTRUSTED, { name: 'forwarded-strip-caller' }]);
    expect(findObject(objects, 'Middleware', 'forwarded-strip-caller').spec).toEqual({ headers: { customRequestHeaders: HIDDEN } });
    expect(findObject(objects, 'IngressRoute', 'withcookie').spec.routes[0].middlewares).toEqual([UNTRUSTED, { name: 'withcookie-strip-caller' }]);
  });

  it('puts route scopes, several audiences and claims into the JWT claims expression', () => {
    const { chart, add } = fixture();
    add('scoped', {
      clientAuth: ClientAuth.jwt({
        jwksUrl: 'https://idp.example.com/jwks',
        issuer: 'https://idp.example.com/',
        audience: ['a', 'b'],
        requiredClaims: { tenant: 't1' },
        forwardClaims: { 'X-Subject': 'sub' },
      }),
      scopes: ['orders:read', 'orders:write'],
      claims: { env: 'prod' },
    });
    const jwt = findObject(synthObjects(chart), 'Middleware', 'scoped-jwt').spec.plugin.jwt;
    expect(jwt.claims).toBe(
      'Equals(`iss`, `https://idp.example.com/`) && Prefix(`exp`, ``) && (Equals(`aud`, `a`) || Equals(`aud`, `b`) || OneOf(`aud`, `a`, `b`))' +
        ' && (SplitContains(`scope`, ` `, `orders:read`) || SplitContains(`scp`, ` `, `orders:read`) || OneOf(`scp`, `orders:read`))' +
        ' && (SplitContains(`scope`, ` `, `orders:write`) || SplitContains(`scp`, ` `, `orders:write`) || OneOf(`scp`, `orders:write`))' +
        ' && (Equals(`env`, `prod`) || OneOf(`env`, `prod`)) && (Equals(`tenant`, `t1`) || OneOf(`tenant`, `t1`))',
    );
    expect(jwt.forwardHeaders).toEqual({ 'X-Subject': 'sub' });
  });

  it('never uses Contains, which is a substring test on string claims (aud "internal-api.example.com" ⊃ "api.example.com")', () => {
    const { chart, add } = fixture();
    add('pinned', {
      clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'api.example.com' }),
      scopes: ['orders:read'],
    });
    const claims: string = findObject(synthObjects(chart), 'Middleware', 'pinned-jwt').spec.plugin.jwt.claims;
    expect(claims).not.toMatch(/(^|[^t])Contains\(/);
    expect(claims).toContain('(Equals(`aud`, `api.example.com`) || OneOf(`aud`, `api.example.com`))');
    expect(claims).toContain('SplitContains(`scp`, ` `, `orders:read`)');
  });

  it('escapes dots in claim names, which Hub would otherwise read as nested keys', () => {
    const { chart, add } = fixture();
    add('namespaced', {
      clientAuth: ClientAuth.jwt({
        jwksUrl: 'https://idp.example.com/jwks',
        issuer: 'https://idp.example.com/',
        audience: 'api.example.com',
        requiredClaims: { 'https://example.com/role': 'admin' },
      }),
    });
    const claims: string = findObject(synthObjects(chart), 'Middleware', 'namespaced-jwt').spec.plugin.jwt.claims;
    expect(claims).toContain('Equals(`https://example\\.com/role`, `admin`)');
  });

  it('references the forward-auth middleware of an OIDC session provider', () => {
    const { chart, add } = fixture();
    add('dash', {
      clientAuth: ClientAuth.oidcSession({ authAddress: 'http://oauth2-proxy.auth.svc/oauth2/auth', middlewareName: 'sso', provider: 'oauth2-proxy' }),
    });
    expect(findObject(synthObjects(chart), 'IngressRoute', 'dash').spec.routes[0].middlewares).toEqual([UNTRUSTED, { name: 'sso' }, { name: 'dash-strip-caller' }]);
  });

  it('refuses a session Middleware in another namespace unless Traefik allows cross-namespace references', () => {
    const { add } = fixture();
    const e = catchError(() =>
      add('dash', { clientAuth: ClientAuth.oidcSession({ authAddress: 'http://oauth2-proxy.auth.svc/', middlewareName: 'sso', middlewareNamespace: 'auth', provider: 'sso' }) }),
    );
    expect(e.code).toBe(ErrorCode.CROSS_NAMESPACE);
    expect(e.message).toBe(
      '[c/dash] clientAuth: the session Middleware "sso" lives in namespace "auth", but the gateway renders its IngressRoutes in "gw"; Traefik ignores a reference into another namespace unless it runs with providers.kubernetesCRD.allowCrossNamespace=true. Fix: put both in one namespace, or enable allowCrossNamespace in Traefik and say so with `allowCrossNamespace: true` on the gateway',
    );
  });

  it('names the backend namespace only when it differs, and only when Traefik allows cross-namespace references', () => {
    const { add } = fixture();
    const e = catchError(() => add('across', { backend: ServiceBackend.fromServiceName('billing', { port: 8080, namespace: 'billing' }) }));
    expect(e.code).toBe(ErrorCode.CROSS_NAMESPACE);
    expect(e.field).toBe('backend');
    const chart = new Chart(Testing.app(), 'c', { namespace: 'gw' });
    const gateway = new TraefikHubGateway(chart, 'gateway', { allowCrossNamespace: true });
    const route = (id: string, backend: SecuredApiProps['backend']) => new SecuredApi(chart, id, { gateway, backend, host: 'api.example.com', path: `/${id}`, clientAuth: ClientAuth.none() });
    route('inside', ServiceBackend.fromServiceName('orders', { port: 8080 }));
    route('across', ServiceBackend.fromServiceName('billing', { port: 8080, namespace: 'billing' }));
    const objects = synthObjects(chart);
    expect(findObject(objects, 'IngressRoute', 'inside').spec.routes[0].services[0]).toEqual({
      kind: 'Service',
      name: 'orders',
      port: 8080,
      scheme: 'http',
      passHostHeader: false,
      // The default upstream timeout, one ServersTransport per gateway and timeout.
      serversTransport: 'gateway-transport-30s',
    });
    expect(findObject(objects, 'ServersTransport', 'gateway-transport-30s').spec).toEqual({ forwardingTimeouts: { responseHeaderTimeout: '30s' } });
    expect(findObject(objects, 'IngressRoute', 'across').spec.routes[0].services[0].namespace).toBe('billing');
  });

  it('rejects a header copied from a request header, naming the alternative', () => {
    const { add } = fixture();
    const e = catchError(() => add('copy', { upstreamAuth: UpstreamCredential.header('X-Tenant', CredentialValue.fromRequestHeader('X-Org')) }));
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(e.message).toBe(
      '[c/copy] upstreamAuth.header(X-Tenant): asks for an upstream header copied from a request header, which Traefik Hub cannot express: the headers middleware sets literal values only. Fix: attach this API to ReferenceProxyGateway or TraefikGateway or OathkeeperGateway, or drop the prop',
    );
  });

  it('rejects a prefixed header whose Secret gatewright does not sync', () => {
    const { add } = fixture();
    const e = catchError(() =>
      add('okta', { upstreamAuth: UpstreamCredential.header('Authorization', SecretRef.fromSecret('okta', 'token'), { prefix: 'SSWS ' }) }),
    );
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(e.field).toBe('upstreamAuth.header(Authorization).prefix');
  });

  it('rejects BasicAuth halves that live in different Secrets', () => {
    const { add } = fixture();
    const aws = AwsSecretsManagerStore.fromClusterSecretStore('aws');
    const e = catchError(() =>
      add('basic', {
        upstreamAuth: UpstreamCredential.basicAuth(
          aws.secretRef({ remoteKey: 'a', secretName: 'user-secret', key: 'u' }),
          aws.secretRef({ remoteKey: 'b', secretName: 'pass-secret', key: 'p' }),
        ),
      }),
    );
    expect(e.message).toBe(
      '[c/basic] upstreamAuth.basicAuth: takes username and password from two different Secrets; Traefik Hub needs the encoded "Basic ..." value in one Secret key. Fix: keep both keys in one Secret (one secret-store source) so the ExternalSecret can compute the header there',
    );
  });

  it('escapes dotted claim names in the oAuthClientCredentials claims check too', () => {
    const { chart, add } = fixture();
    const token = new UpstreamOAuth(chart, 'crm-token', {
      tokenUrl: 'https://idp.example.com/token',
      clientId: SecretRef.fromSecret('c', 'id'),
      clientSecret: SecretRef.fromSecret('c', 'secret'),
      audience: 'https://crm.example.com',
      claims: { 'https://crm.example.com/tenant': 'acme' },
    });
    add('crm', { upstreamAuth: token });
    expect(findObject(synthObjects(chart), 'Middleware', 'crm-token').spec.plugin.oAuthClientCredentials.claims).toBe(
      'Equals(`https://crm\\.example\\.com/tenant`, `acme`)',
    );
  });

  it('fails when two credentials render the same middleware name differently', () => {
    const { chart, add } = fixture();
    const creds = { clientId: SecretRef.fromSecret('c', 'id'), clientSecret: SecretRef.fromSecret('c', 'secret'), audience: 'https://api.example.com' };
    const a = new UpstreamOAuth(chart, 'token-a', { ...creds, name: 'token', tokenUrl: 'https://a.example.com/token' });
    const b = new UpstreamOAuth(chart, 'token-b', { ...creds, name: 'token', tokenUrl: 'https://b.example.com/token' });
    add('one', { upstreamAuth: a });
    const e = catchError(() => add('two', { upstreamAuth: b }));
    expect(e.code).toBe(ErrorCode.NAME_COLLISION);
    expect(e.message).toBe(
      '[c/two] upstreamAuth: renders Middleware "token" in namespace "gw" differently from c/one; one would replace the other. Fix: give one of the two credentials another name (the `name` prop of UpstreamOAuth), or share one instance',
    );
  });

  it('fails when two keys of one Secret come from different remote secrets', () => {
    const { add } = fixture();
    const aws = AwsSecretsManagerStore.fromClusterSecretStore('aws');
    add('first', { upstreamAuth: UpstreamCredential.header('X-A', aws.secretRef({ remoteKey: 'prod/a', secretName: 'shared', key: 'k' })) });
    const e = catchError(() => add('second', { upstreamAuth: UpstreamCredential.header('X-B', aws.secretRef({ remoteKey: 'prod/b', secretName: 'shared', key: 'k' })) }));
    expect(e.code).toBe(ErrorCode.CONFLICT);
    // The secret-manager path is not repeated: it may be as sensitive as the value's name.
    expect(e.message).toBe('[c/second] Secret "shared": key "k" is already synced from another secret-manager entry. Fix: use one source per Kubernetes Secret key, or give the Secret another name');
  });

  it('rejects two routes with the same object name', () => {
    const { chart, add } = fixture();
    add('a', { name: 'orders', path: '/a' });
    add('b', { name: 'orders', path: '/b' });
    expect(() => Testing.synth(chart)).toThrow('route name "orders" is already used by c/a');
  });

  it('adds a method guard rule and middleware to a method-limited route', () => {
    const { chart, add } = fixture();
    add('orders', { methods: ['GET', 'HEAD'] });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Middleware', 'orders-deny-other-methods').spec).toEqual({ ipAllowList: { sourceRange: ['255.255.255.255/32'] } });
    const [main, guard] = findObject(objects, 'IngressRoute', 'orders').spec.routes;
    expect(main.match).toBe('Host(`api.example.com`) && (Path(`/orders`) || PathPrefix(`/orders/`)) && (Method(`GET`) || Method(`HEAD`))');
    expect(guard.match).toBe('Host(`api.example.com`) && (Path(`/orders`) || PathPrefix(`/orders/`))');
    expect(guard.priority).toBe(main.priority - 1);
    expect(guard.middlewares).toEqual([{ name: 'orders-deny-other-methods' }]);
    expect(guard.services).toEqual(main.services);
  });

  it('adds no guard when every method is allowed', () => {
    const { chart, add } = fixture();
    add('open', {});
    const objects = synthObjects(chart);
    expect(findObject(objects, 'IngressRoute', 'open').spec.routes).toHaveLength(1);
    expect(objects.some((o) => o.metadata.name === 'open-deny-other-methods')).toBe(false);
  });

  it('requires an audience for oAuthClientCredentials (Hub marks it required)', () => {
    const { chart, add } = fixture();
    const token = new UpstreamOAuth(chart, 'token', { tokenUrl: 'https://idp.example.com/token', clientId: SecretRef.fromSecret('c', 'id'), clientSecret: SecretRef.fromSecret('c', 's') });
    const e = catchError(() => add('crm', { upstreamAuth: token }));
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(e.message).toBe(
      "[c/crm] upstreamAuth(token).audience: is not set, and Traefik Hub's oAuthClientCredentials middleware requires an audience. Fix: set `audience` on the UpstreamOAuth: the resource the token is for (for Oracle IDCS, the resource URL its scopes start with)",
    );
  });

  it('refuses a claim value that would break out of the Hub expression (the issue: x`) || Equals(`iss`, `anything)', () => {
    const { chart, add } = fixture();
    const token = new UpstreamOAuth(chart, 'token', {
      tokenUrl: 'https://idp.example.com/token',
      clientId: SecretRef.fromSecret('c', 'id'),
      clientSecret: SecretRef.fromSecret('c', 's'),
      audience: 'https://api.example.com',
      claims: { tenant: 'x`) || Equals(`iss`, `anything' },
    });
    const e = catchError(() => add('crm', { upstreamAuth: token }));
    expect(e.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(e.message).toBe(
      "[c/token] claims.tenant: contains a backquote, which Traefik Hub's claims expression language cannot carry as literal text. Fix: remove the backquote, or serve this API through ReferenceProxyGateway, which compares claims without an expression language",
    );
  });

  it('gives each gateway-wide untrusted-headers Middleware every header any of its routes forwards', () => {
    const { chart, add } = fixture();
    add('me', { clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'api', forwardClaims: { 'X-Tenant': 'tid' } }) });
    add('open', {});
    const removed = findObject(synthObjects(chart), 'Middleware', 'gateway-untrusted-headers').spec.headers.customRequestHeaders;
    expect(removed['X-Tenant']).toBe('');
    expect(removed['X-Forwarded-User']).toBe('');
  });

  it('renders timeoutSeconds as the route transport, and checks an in-cluster https certificate against the Service name', () => {
    const { chart, add } = fixture();
    add('slow', { timeoutSeconds: 90 });
    add('legacy', { backend: ServiceBackend.fromServiceName('legacy-soap', { port: 8443, scheme: 'https', namespace: 'gw', tls: { caSecret: 'legacy-ca' } }) });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'IngressRoute', 'slow').spec.routes[0].services[0].serversTransport).toBe('gateway-transport-90s');
    expect(findObject(objects, 'ServersTransport', 'gateway-transport-90s').spec).toEqual({ forwardingTimeouts: { responseHeaderTimeout: '90s' } });
    expect(findObject(objects, 'IngressRoute', 'legacy').spec.routes[0].services[0].serversTransport).toBe('legacy-transport');
    expect(findObject(objects, 'ServersTransport', 'legacy-transport').spec).toEqual({
      serverName: 'legacy-soap.gw.svc',
      rootCAs: [{ secret: 'legacy-ca' }],
      forwardingTimeouts: { responseHeaderTimeout: '30s' },
    });
  });
});

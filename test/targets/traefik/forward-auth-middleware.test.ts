import { describe, expect, it } from 'vitest';
import { apiRouteSchema, type ApiRouteInput } from '../../../src/model';
import { planRequestTransformation } from '../../../src/plan/request-transformation';
import { forwardAuthAddress, renderForwardAuthMiddleware } from '../../../src/targets/traefik/forward-auth-middleware';

const endpoint = { host: 'p.ns.svc.cluster.local', port: 8081, path: '/_gatewright/forward-auth' };
function authResponseHeadersOf(r: ReturnType<typeof route>): string[] {
  const m = renderForwardAuthMiddleware({ namespace: 'ns' }, r, planRequestTransformation(r), endpoint);
  return ((m.props.spec as { forwardAuth: { authResponseHeaders?: string[] } }).forwardAuth.authResponseHeaders ?? []);
}

const route = (extra: Partial<ApiRouteInput> = {}) =>
  apiRouteSchema.parse({
    name: 'orders',
    path: 'test/orders',
    host: 'api.example.com',
    pathPrefix: '/orders',
    clientAuth: { kind: 'none' },
    backend: { kind: 'service', serviceName: 'b', port: 80, scheme: 'http' },
    ...extra,
  });
const secret = (key: string) => ({ kind: 'secret' as const, ref: { secretName: 's', key } });

describe('forwardAuthAddress', () => {
  it('appends the route name to the endpoint path, tolerating a trailing slash', () => {
    expect(forwardAuthAddress({ host: 'p.ns.svc.cluster.local', port: 8080, path: '/_gatewright/forward-auth/' }, route())).toBe(
      'http://p.ns.svc.cluster.local:8080/_gatewright/forward-auth/orders',
    );
  });
});

describe('authResponseHeaders (the plan\'s injections)', () => {
  it('is empty when nothing is injected', () => {
    expect(authResponseHeadersOf(route())).toEqual([]);
  });

  it('lists Authorization once for a token and BasicAuth, then header credentials in order', () => {
    expect(
      authResponseHeadersOf(
        route({
          upstreamAuth: [
            { kind: 'header', name: 'X-B', value: secret('b') },
            { kind: 'oauth2ClientCredentials', name: 't', tokenUrl: 'https://idp.example.com/token', clientId: secret('id'), clientSecret: secret('sec') },
            { kind: 'basicAuth', username: secret('u'), password: secret('p') },
            { kind: 'header', name: 'x-b', value: secret('b2') },
          ],
        }),
      ),
    ).toEqual(['X-B', 'Authorization']);
  });

  it('adds the forwarded claims of the caller and of the upstream token, which only the proxy may set', () => {
    const r = route({
      clientAuth: { kind: 'jwt', jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: ['api'], forwardClaims: { 'X-Subject': 'sub' } },
      upstreamAuth: [{ kind: 'oauth2ClientCredentials', name: 't', tokenUrl: 'https://idp.example.com/token', clientId: secret('id'), clientSecret: secret('sec'), forwardHeaders: { 'X-Client': 'azp' } }],
    });
    expect(authResponseHeadersOf(r)).toEqual(['Authorization', 'X-Client', 'X-Subject']);
    const m = renderForwardAuthMiddleware({ namespace: 'ns' }, r, planRequestTransformation(r), endpoint);
    expect(m.props).toEqual({
      metadata: { name: 'orders-forward-auth', namespace: 'ns' },
      spec: {
        forwardAuth: {
          address: 'http://p.ns.svc.cluster.local:8081/_gatewright/forward-auth/orders',
          trustForwardHeader: false,
          authResponseHeaders: ['Authorization', 'X-Client', 'X-Subject'],
        },
      },
    });
  });

  it('never lists a query parameter (it cannot travel back through forwardAuth)', () => {
    expect(authResponseHeadersOf(route({ upstreamAuth: [{ kind: 'queryParam', name: 'key', value: secret('k') }] }))).toEqual([]);
  });
});

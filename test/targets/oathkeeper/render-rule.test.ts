import { describe, expect, it } from 'vitest';
import { apiRouteSchema, ErrorCode, GatewrightError, type ApiRouteInput, type ApiRouteModel, type GatewayModel } from '../../../src/model';
import { MatchingStrategy } from '../../../src/targets/oathkeeper/access-rule';
import { renderMatchUrl } from '../../../src/targets/oathkeeper/match-url';
import { renderOathkeeperRoute } from '../../../src/targets/oathkeeper/render-rule';
import { renderUpstream } from '../../../src/targets/oathkeeper/upstream';

const gateway: GatewayModel = { name: 'oathkeeper', path: 'c/oathkeeper', engine: 'oathkeeper' as GatewayModel['engine'], namespace: 'gw', entryPoints: ['proxy'] };
const store = { name: 'aws', kind: 'SecretStore' as const, provider: 'awsSecretsManager' as const };
const sourced = (secretName: string, key: string) => ({ secretName, key, source: { store, remoteKey: `remote/${secretName}`, property: key } });
const jwt = {
  kind: 'jwt' as const,
  jwksUrl: 'https://idp.example.com/jwks.json',
  issuer: 'https://idp.example.com/',
  audience: ['api'],
};

function route(overrides: Partial<ApiRouteInput> = {}): ApiRouteModel {
  return apiRouteSchema.parse({
    name: 'orders',
    path: 'c/orders',
    host: 'api.example.com',
    pathPrefix: '/orders',
    clientAuth: jwt,
    backend: { kind: 'externalName', serviceName: 'orders-saas', externalName: 'orders.saas.example.net', port: 443, scheme: 'https' },
    ...overrides,
  });
}

function unsupported(fn: () => unknown): GatewrightError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GatewrightError);
    expect((e as GatewrightError).code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    return e as GatewrightError;
  }
  throw new Error('expected an UNSUPPORTED_BY_ENGINE error');
}

describe('match URL', () => {
  it('matches the prefix itself and below it, never a longer sibling (regexp)', () => {
    const url = renderMatchUrl(route(), MatchingStrategy.REGEXP);
    expect(url).toBe('<https?>://api.example.com/orders<(/.*)?>');
    // What Oathkeeper compiles (ladon): quoted literals, our groups, anchored.
    const compiled = new RegExp('^(https?)' + '://api\\.example\\.com/orders' + '((/.*)?)$');
    expect(compiled.test('https://api.example.com/orders')).toBe(true);
    expect(compiled.test('http://api.example.com/orders/1/items')).toBe(true);
    expect(compiled.test('https://api.example.com/ordersX')).toBe(false);
  });

  it('uses a glob alternative for the same prefix semantics (glob)', () => {
    expect(renderMatchUrl(route(), MatchingStrategy.GLOB)).toBe('<{http,https}>://api.example.com<{/orders,/orders/**}>');
    expect(renderMatchUrl(route({ pathPrefix: '/' }), MatchingStrategy.GLOB)).toBe('<{http,https}>://api.example.com/<**>');
  });

  it('turns a wildcard host into one DNS label', () => {
    expect(renderMatchUrl(route({ host: '*.example.com', pathPrefix: '/' }), MatchingStrategy.REGEXP)).toBe('<https?>://<[a-z0-9-]+>.example.com/<.*>');
    expect(renderMatchUrl(route({ host: '*.example.com', pathPrefix: '/' }), MatchingStrategy.GLOB)).toBe('<{http,https}>://<*>.example.com/<**>');
  });
});

describe('upstream', () => {
  it('maps a prefix rewrite to the target path plus strip_path', () => {
    const r = route({ rewrite: { kind: 'replacePrefix', from: '/orders', to: '/rest/v2' } });
    expect(renderUpstream(r, 'gw')).toEqual({ url: 'https://orders.saas.example.net/rest/v2', strip_path: '/orders', preserve_host: false });
  });

  it('accepts a target that repeats the prefix when stripping still lands on the target', () => {
    // /orders/1 → /api/v2/orders/orders/1 → first "/orders" removed → /api/v2/orders/1.
    const r = route({ rewrite: { kind: 'replacePrefix', from: '/orders', to: '/api/v2/orders' } });
    expect(renderUpstream(r, 'gw').strip_path).toBe('/orders');
  });

  it('forwards the path unchanged without a rewrite, with the port only when not the default', () => {
    const r = route({ backend: { kind: 'service', serviceName: 'orders', port: 8080, scheme: 'http' } });
    expect(renderUpstream(r, 'gw')).toEqual({ url: 'http://orders.gw.svc.cluster.local:8080', preserve_host: false });
  });

  it('rejects a rewrite whose public prefix occurs inside the target path', () => {
    // Oathkeeper would forward /api/x as /api/v2/api/x minus its first "/api": /v2/api/x.
    const r = route({ pathPrefix: '/api', rewrite: { kind: 'replacePrefix', from: '/api', to: '/api/v2' } });
    const e = unsupported(() => renderUpstream(r, 'gw'));
    expect(e.message).toBe(
      '[c/orders] endpoint: the rewrite /api → /api/v2 cannot be expressed with Oathkeeper\'s strip_path, which removes the first "/api" anywhere in the forwarded path, and that would cut into "/api/v2". Fix: choose a public path that does not occur inside the target path, or use the reference proxy gateway (ReferenceProxyGateway), which rewrites with an anchored prefix',
    );
  });
});

describe('access rule', () => {
  it('pins issuer, audience, algorithms, scopes and the token header in the jwt authenticator', () => {
    const { rule } = renderOathkeeperRoute(gateway, route({ authorization: { methods: ['GET'], scopes: ['orders:read'], claims: {} } }), MatchingStrategy.REGEXP);
    expect(rule.authenticators).toEqual([
      {
        handler: 'jwt',
        config: {
          jwks_urls: ['https://idp.example.com/jwks.json'],
          trusted_issuers: ['https://idp.example.com/'],
          target_audience: ['api'],
          allowed_algorithms: ['RS256'],
          required_scope: ['orders:read'],
          scope_strategy: 'exact',
          token_from: { header: 'Authorization' },
        },
      },
    ]);
    expect(rule.authorizer).toEqual({ handler: 'allow' });
    expect(rule.match.methods).toEqual(['GET']);
  });

  it('lists every method when none is restricted (an empty list would match nothing)', () => {
    const { rule } = renderOathkeeperRoute(gateway, route(), MatchingStrategy.REGEXP);
    expect(rule.match.methods).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
  });

  it('blanks the caller token when the upstream credential uses another header', () => {
    const r = route({ upstreamAuth: [{ kind: 'header', name: 'DD-API-KEY', value: { kind: 'secret', ref: sourced('dd', 'api-key') } }] });
    const out = renderOathkeeperRoute(gateway, r, MatchingStrategy.REGEXP);
    expect(out.rule.mutators).toEqual([{ handler: 'header', config: { headers: { Authorization: '', 'DD-API-KEY': '{{ env "GW_SECRET_DD_API_KEY" }}' } } }]);
    expect(out.env).toEqual([{ name: 'GW_SECRET_DD_API_KEY', secretName: 'dd', key: 'api-key' }]);
    expect(out.secretKeys).toEqual([{ kind: 'declared', ref: sourced('dd', 'api-key') }]);
  });

  it('computes a prefixed value of a synced Secret in the ExternalSecret, so the header is one env reference', () => {
    const r = route({ upstreamAuth: [{ kind: 'header', name: 'Authorization', value: { kind: 'secret', ref: sourced('okta', 'token') }, prefix: 'SSWS ' }] });
    const out = renderOathkeeperRoute(gateway, r, MatchingStrategy.REGEXP);
    expect(out.rule.mutators[0].config).toEqual({ headers: { Authorization: '{{ env "GW_SECRET_OKTA_TOKEN_SSWS_HEADER" }}' } });
    expect(out.secretKeys).toEqual([
      { kind: 'derived', secretName: 'okta', key: 'token-ssws-header', template: 'SSWS {{ index . "token" }}', inputs: [sourced('okta', 'token')] },
    ]);
    expect(out.env).toEqual([{ name: 'GW_SECRET_OKTA_TOKEN_SSWS_HEADER', secretName: 'okta', key: 'token-ssws-header' }]);
  });

  it('composes prefix and Basic encoding at request time for Secrets gatewright does not sync', () => {
    const r = route({
      upstreamAuth: [
        { kind: 'basicAuth', username: { kind: 'secret', ref: { secretName: 'jira', key: 'user' } }, password: { kind: 'secret', ref: { secretName: 'jira', key: 'token' } } },
        { kind: 'header', name: 'X-Tenant', value: { kind: 'requestHeader', header: 'X-Caller-Tenant' }, prefix: 't-' },
      ],
    });
    const { rule } = renderOathkeeperRoute(gateway, r, MatchingStrategy.REGEXP);
    expect(rule.mutators[0].config).toEqual({
      headers: {
        Authorization: 'Basic {{ printf "%s:%s" (env "GW_SECRET_JIRA_USER") (env "GW_SECRET_JIRA_TOKEN") | b64enc }}',
        'X-Tenant': 't-{{ .MatchContext.Header.Get "X-Caller-Tenant" }}',
      },
    });
  });

  it('forwards verified claims as headers', () => {
    const r = route({ clientAuth: { ...jwt, forwardClaims: { 'X-Subject': 'sub', 'X-Team': 'team' } } });
    const { rule } = renderOathkeeperRoute(gateway, r, MatchingStrategy.REGEXP);
    expect(rule.mutators[0].config).toEqual({
      headers: { Authorization: '', 'X-Subject': '{{ print .Subject }}', 'X-Team': '{{ print (index .Extra "team") }}' },
    });
  });

  it('passes a public route through noop handlers', () => {
    const { rule } = renderOathkeeperRoute(gateway, route({ clientAuth: { kind: 'none' } }), MatchingStrategy.REGEXP);
    expect(rule.authenticators).toEqual([{ handler: 'noop' }]);
    expect(rule.mutators).toEqual([{ handler: 'noop' }]);
  });
});

describe('features Oathkeeper cannot express', () => {
  it('rejects query-parameter injection and names the reference proxy', () => {
    const r = route({ upstreamAuth: [{ kind: 'queryParam', name: 'api_key', value: { kind: 'secret', ref: sourced('k', 'v') } }] });
    const e = unsupported(() => renderOathkeeperRoute(gateway, r, MatchingStrategy.REGEXP));
    expect(e.field).toBe('upstreamAuth.queryParam(api_key)');
    expect(e.message).toContain('adds a query parameter, which Oathkeeper cannot do');
    expect(e.message).toContain('reference proxy gateway (ReferenceProxyGateway)');
  });

  it('rejects OAuth2 client-credentials token exchange and names the reference proxy', () => {
    const r = route({
      upstreamAuth: [
        { kind: 'oauth2ClientCredentials', name: 'idcs', tokenUrl: 'https://idp.example.com/token', clientId: { kind: 'secret', ref: sourced('c', 'id') }, clientSecret: { kind: 'secret', ref: sourced('c', 'secret') } },
      ],
    });
    const e = unsupported(() => renderOathkeeperRoute(gateway, r, MatchingStrategy.REGEXP));
    expect(e.field).toBe('upstreamAuth(idcs)');
    expect(e.message).toContain('exchanges OAuth2 client credentials for an upstream token, which Oathkeeper cannot do');
    expect(e.message).toContain('ReferenceProxyGateway');
  });

  it('rejects claim-value checks', () => {
    const e = unsupported(() => renderOathkeeperRoute(gateway, route({ authorization: { methods: [], scopes: [], claims: { tenant: 'acme' } } }), MatchingStrategy.REGEXP));
    expect(e.message).toBe(
      "[c/orders] claims: requires claim values (tenant), which Oathkeeper's jwt authenticator cannot check. Fix: express the requirement as a scope (scopes: [...]), or use the reference proxy gateway (ReferenceProxyGateway)",
    );
  });

  it('rejects several audiences (Oathkeeper would require all of them)', () => {
    const e = unsupported(() => renderOathkeeperRoute(gateway, route({ clientAuth: { ...jwt, audience: ['a', 'b'] } }), MatchingStrategy.REGEXP));
    expect(e.field).toBe('clientAuth.audience');
  });

  it('rejects static API keys', () => {
    const e = unsupported(() => renderOathkeeperRoute(gateway, route({ clientAuth: { kind: 'apiKey', keys: [sourced('k', 'v')] } }), MatchingStrategy.REGEXP));
    expect(e.message).toContain('static API key, which Oathkeeper has no authenticator for');
  });

  it('rejects browser sessions (forward auth is a Traefik feature here)', () => {
    const r = route({ clientAuth: { kind: 'oidcSession', authAddress: 'http://oauth2-proxy.apps.svc:4180/oauth2/auth', provider: 'oauth2-proxy', middlewareName: 'oauth2-proxy-auth' } });
    const e = unsupported(() => renderOathkeeperRoute(gateway, r, MatchingStrategy.REGEXP));
    expect(e.message).toContain('TraefikHubGateway');
  });

  it('rejects template braces in a literal value', () => {
    const r = route({ upstreamAuth: [{ kind: 'header', name: 'X-Env', value: { kind: 'unsafePlaintext', value: '{{ env "HOME" }}' } }] });
    const e = unsupported(() => renderOathkeeperRoute(gateway, r, MatchingStrategy.REGEXP));
    expect(e.field).toBe('upstreamAuth.header(X-Env)');
  });
});

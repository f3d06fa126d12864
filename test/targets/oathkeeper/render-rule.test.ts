import { describe, expect, it } from 'vitest';
import { apiRouteSchema, ErrorCode, GatewrightError, type ApiRouteInput, type ApiRouteModel } from '../../../src/model';
import { derivedSecretKey, secretEnvName } from '../../../src/plan/derived-secrets';
import { planRequestTransformation, untrustedCallerHeaders } from '../../../src/plan/request-transformation';
import { MatchingStrategy } from '../../../src/targets/oathkeeper/access-rule';
import { renderMatchUrl } from '../../../src/targets/oathkeeper/match-url';
import { renderOathkeeperRoute } from '../../../src/targets/oathkeeper/render-rule';
import { renderUpstream } from '../../../src/targets/oathkeeper/upstream';
import { compileOathkeeperMatchUrl } from '../../support/grammars/oathkeeper-match';

function render(r: ApiRouteModel, strategy = MatchingStrategy.REGEXP, trustForwardedHeaders = false) {
  return renderOathkeeperRoute({ route: r, transformation: planRequestTransformation(r), strategy, forwarding: { trustForwardedHeaders }, namespace: 'gw' });
}

/** Caller-supplied identity and override headers Oathkeeper blanks on every rule (it cannot delete). */
const UNTRUSTED_BLANKS = Object.fromEntries(
  untrustedCallerHeaders()
    .filter((r) => r.header !== 'Forwarded' && !r.header.toLowerCase().startsWith('x-forwarded-'))
    .map((r) => [r.header, '']),
);

/** The header mutator's headers without the untrusted-header blanks every rule carries. */
function ownHeaders(out: ReturnType<typeof render>): Record<string, string> {
  const headers = { ...((out.rule.mutators[0].config as { headers: Record<string, string> }).headers) };
  for (const h of Object.keys(UNTRUSTED_BLANKS)) {
    expect(headers[h]).toBe('');
    delete headers[h];
  }
  return headers;
}
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
    expect(url).toBe('<https?>://<(?i:api\\.example\\.com)(?::[0-9]{1,5})?>/orders<(/.*)?>');
    // What Oathkeeper compiles (ladon): quoted literals, our groups, anchored.
    const compiled = compileOathkeeperMatchUrl(url, 'regexp');
    expect(compiled.test('https://api.example.com/orders')).toBe(true);
    expect(compiled.test('http://api.example.com/orders/1/items')).toBe(true);
    expect(compiled.test('https://api.example.com/ordersX')).toBe(false);
    expect(compiled.test('https://api.example.com.evil.test/orders')).toBe(false);
  });

  it('matches the Host header without regard to case and with a port (Oathkeeper compares it as sent)', () => {
    const compiled = compileOathkeeperMatchUrl(renderMatchUrl(route(), MatchingStrategy.REGEXP), 'regexp');
    expect(compiled.test('https://API.Example.COM/orders')).toBe(true);
    expect(compiled.test('https://api.example.com:4455/orders/1')).toBe(true);
    expect(compiled.test('https://api.example.com:/orders')).toBe(false);
    expect(compiled.test('https://api-example.com/orders')).toBe(false);
  });

  it('uses a glob alternative for the same prefix semantics (glob)', () => {
    expect(renderMatchUrl(route(), MatchingStrategy.GLOB)).toBe('<{http,https}>://api.example.com<{/orders,/orders/**}>');
    expect(renderMatchUrl(route({ pathPrefix: '/' }), MatchingStrategy.GLOB)).toBe('<{http,https}>://api.example.com/<**>');
  });

  it('turns a wildcard host into one DNS label', () => {
    expect(renderMatchUrl(route({ host: '*.example.com', pathPrefix: '/' }), MatchingStrategy.REGEXP)).toBe('<https?>://<(?i:[a-z0-9-]+\\.example\\.com)(?::[0-9]{1,5})?>/<.*>');
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
    const { rule } = render(route({ authorization: { methods: ['GET'], scopes: ['orders:read'], claims: {} } }));
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
    const { rule } = render(route());
    expect(rule.match.methods).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
  });

  it('blanks every caller-supplied identity and override header, leaving X-Forwarded-* to Oathkeeper (it deletes them itself)', () => {
    const out = render(route({ clientAuth: { kind: 'none' } }));
    expect((out.rule.mutators[0].config as { headers: Record<string, string> }).headers).toEqual(UNTRUSTED_BLANKS);
    expect(UNTRUSTED_BLANKS).toMatchObject({ 'X-Auth-Request-Email': '', 'X-Remote-User': '', 'X-Original-Url': '', 'X-Http-Method-Override': '' });
    // Trusting forwarded headers, Oathkeeper keeps the caller's X-Forwarded-*: the identity ones are blanked then.
    const trusting = render(route({ clientAuth: { kind: 'none' } }), MatchingStrategy.REGEXP, true);
    expect((trusting.rule.mutators[0].config as { headers: Record<string, string> }).headers).toMatchObject({ 'X-Forwarded-User': '', Forwarded: '', 'X-Forwarded-Prefix': '' });
  });

  it('blanks hidden forwarding headers itself when it trusts the ones it receives', () => {
    const r = route({ forwardingHeaders: 'hide' });
    const trusting = render(r, MatchingStrategy.REGEXP, true);
    const headers = (trusting.rule.mutators[0].config as { headers: Record<string, string> }).headers;
    expect(headers).toMatchObject({ 'X-Forwarded-For': '', 'X-Forwarded-Host': '', Forwarded: '', 'X-Real-Ip': '' });
    // Not trusting them, Oathkeeper drops X-Forwarded-* and Forwarded before mutators run; X-Real-Ip it keeps.
    const own = ownHeaders(render(r));
    expect(own).toEqual({ Authorization: '', 'X-Real-Ip': '', 'X-Replaced-Path': '' });
  });

  it('blanks the caller token when the upstream credential uses another header', () => {
    const r = route({ upstreamAuth: [{ kind: 'header', name: 'DD-API-KEY', value: { kind: 'secret', ref: sourced('dd', 'api-key') } }] });
    const out = render(r);
    const env = secretEnvName({ secretName: 'dd', key: 'api-key' });
    expect(ownHeaders(out)).toEqual({ Authorization: '', 'DD-API-KEY': `{{ (env "${env}") }}` });
    expect(out.env).toEqual([{ name: env, secretName: 'dd', key: 'api-key' }]);
    expect(out.secretKeys).toEqual([{ kind: 'declared', ref: sourced('dd', 'api-key') }]);
  });

  it('computes a prefixed value of a synced Secret in the ExternalSecret, so the header is one env reference', () => {
    const r = route({ upstreamAuth: [{ kind: 'header', name: 'Authorization', value: { kind: 'secret', ref: sourced('okta', 'token') }, prefix: 'SSWS ' }] });
    const out = render(r);
    const derived = derivedSecretKey({ kind: 'prefixed', prefix: 'SSWS ', input: sourced('okta', 'token') });
    expect(derived.key).toMatch(/^gw-ssws-token\.[0-9a-f]{12}$/);
    const env = secretEnvName({ secretName: 'okta', key: derived.key });
    expect(ownHeaders(out)).toEqual({ Authorization: `{{ env "${env}" }}` });
    expect(out.secretKeys).toEqual([{ kind: 'derived', derived, template: 'SSWS {{ (index . "token") }}' }]);
    expect(out.env).toEqual([{ name: env, secretName: 'okta', key: derived.key }]);
  });

  it('composes prefix and Basic encoding at request time for Secrets gatewright does not sync', () => {
    const r = route({
      upstreamAuth: [
        { kind: 'basicAuth', username: { kind: 'secret', ref: { secretName: 'jira', key: 'user' } }, password: { kind: 'secret', ref: { secretName: 'jira', key: 'token' } } },
        { kind: 'header', name: 'X-Tenant', value: { kind: 'requestHeader', header: 'X-Caller-Tenant' }, prefix: 't-' },
      ],
    });
    const user = secretEnvName({ secretName: 'jira', key: 'user' });
    const token = secretEnvName({ secretName: 'jira', key: 'token' });
    expect(ownHeaders(render(r))).toEqual({
      Authorization: `Basic {{ printf "%s:%s" (env "${user}") (env "${token}") | b64enc }}`,
      'X-Tenant': 't-{{ (.MatchContext.Header.Get "X-Caller-Tenant") }}',
    });
  });

  it('writes a prefix with braces as a printed literal, so it cannot open a template action of its own', () => {
    const r = route({ upstreamAuth: [{ kind: 'header', name: 'X-Key', value: { kind: 'secret', ref: { secretName: 'k', key: 'v' } }, prefix: '{{ env "HOME" }}' }] });
    const env = secretEnvName({ secretName: 'k', key: 'v' });
    expect(ownHeaders(render(r))['X-Key']).toBe(`{{ "{{ env \\"HOME\\" }}" }}{{ (env "${env}") }}`);
  });

  it('forwards verified claims as headers', () => {
    const r = route({ clientAuth: { ...jwt, forwardClaims: { 'X-Subject': 'sub', 'X-Team': 'team' } } });
    expect(ownHeaders(render(r))).toEqual({ Authorization: '', 'X-Subject': '{{ print .Subject }}', 'X-Team': '{{ print (index .Extra "team") }}' });
  });

  it('passes a public route through noop authentication', () => {
    const { rule } = render(route({ clientAuth: { kind: 'none' } }));
    expect(rule.authenticators).toEqual([{ handler: 'noop' }]);
  });
});

describe('features Oathkeeper cannot express (from the capability table)', () => {
  it('rejects query-parameter injection and names the gateways that can', () => {
    const r = route({ upstreamAuth: [{ kind: 'queryParam', name: 'api_key', value: { kind: 'secret', ref: sourced('k', 'v') } }] });
    const e = unsupported(() => render(r));
    expect(e.message).toBe(
      '[c/orders] upstreamAuth.queryParam(api_key): asks for an upstream query parameter, which Oathkeeper cannot express: its mutators set headers, cookies or an ID token, never query parameters. Fix: attach this API to ReferenceProxyGateway or TraefikHubGateway, or drop the prop',
    );
  });

  it('rejects OAuth2 client-credentials token exchange', () => {
    const r = route({
      upstreamAuth: [
        { kind: 'oauth2ClientCredentials', name: 'idcs', tokenUrl: 'https://idp.example.com/token', clientId: { kind: 'secret', ref: sourced('c', 'id') }, clientSecret: { kind: 'secret', ref: sourced('c', 'secret') } },
      ],
    });
    const e = unsupported(() => render(r));
    expect(e.field).toBe('upstreamAuth(idcs)');
    expect(e.message).toContain('which Oathkeeper cannot express: no mutator fetches tokens. Fix: attach this API to ReferenceProxyGateway or TraefikHubGateway or TraefikGateway');
  });

  it('rejects claim-value checks', () => {
    const e = unsupported(() => render(route({ authorization: { methods: [], scopes: [], claims: { tenant: 'acme' } } })));
    expect(e.message).toBe(
      '[c/orders] claims: asks for required claim values (`claims`, `requiredClaims`), which Oathkeeper cannot express: the jwt authenticator checks issuer, audience and scopes, not other claim values. Fix: attach this API to ReferenceProxyGateway or TraefikHubGateway or TraefikGateway, or drop the prop',
    );
  });

  it('rejects several audiences (Oathkeeper would require all of them)', () => {
    const e = unsupported(() => render(route({ clientAuth: { ...jwt, audience: ['a', 'b'] } })));
    expect(e.field).toBe('clientAuth.audience');
  });

  it('rejects EdDSA (its jwt authenticator verifies RSA, RSA-PSS and ECDSA only)', () => {
    const e = unsupported(() => render(route({ clientAuth: { ...jwt, algorithms: ['RS256', 'EdDSA'] } })));
    expect(e.field).toBe('clientAuth.algorithms');
    expect(e.message).toContain('EdDSA-signed JWTs, which Oathkeeper cannot express');
  });

  it('rejects static API keys', () => {
    const e = unsupported(() => render(route({ clientAuth: { kind: 'apiKey', keys: [sourced('k', 'v')] } })));
    expect(e.message).toContain('static API keys held in Secrets, which Oathkeeper cannot express');
  });

  it('rejects browser sessions (forward auth is a Traefik feature here)', () => {
    const r = route({ clientAuth: { kind: 'oidcSession', authAddress: 'http://oauth2-proxy.apps.svc:4180/', provider: 'oauth2-proxy' } });
    const e = unsupported(() => render(r));
    expect(e.message).toContain('TraefikHubGateway or TraefikGateway');
  });

  it('rejects an explicit upstream timeout (Oathkeeper has no per-rule one)', () => {
    const e = unsupported(() => render(route({ timeoutSeconds: 5 })));
    expect(e.field).toBe('timeoutSeconds');
  });
});

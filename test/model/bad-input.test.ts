import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ClientAuth,
  CredentialValue,
  ErrorCode,
  ExternalNameBackend,
  SecretRef,
  SecuredApi,
  TraefikHubGateway,
  UpstreamCredential,
  UpstreamOAuth,
  VirtualEndpoint,
  type SecuredApiProps,
} from '../../src';
import { catchError } from '../support/errors';

const jwt = () => ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'api' });

function setup() {
  const chart = new Chart(Testing.app(), 'chart');
  const gateway = new TraefikHubGateway(chart, 'gateway');
  const backend = new ExternalNameBackend(chart, 'backend', { externalName: 'backend.example.com' });
  return { chart, gateway, backend };
}

function api(overrides: Partial<SecuredApiProps> = {}, id = 'api') {
  const { chart, gateway, backend } = setup();
  return new SecuredApi(chart, id, { gateway, backend, host: 'api.example.com', clientAuth: jwt(), ...overrides });
}

describe('bad input is rejected at construct time with path, field and fix', () => {
  it('rejects a JWKS URL that is not https', () => {
    const e = catchError(() => api({ clientAuth: ClientAuth.jwt({ jwksUrl: 'http://idp.example.com/jwks', issuer: 'i', audience: 'a' }) }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe(
      '[chart/api] clientAuth.jwksUrl: jwksUrl must use https:// (got "http://"); keys and tokens fetched over plain HTTP can be forged in transit',
    );
  });

  it('rejects a token URL that is not https', () => {
    const { chart } = setup();
    const e = catchError(
      () =>
        new UpstreamOAuth(chart, 'token', {
          tokenUrl: 'http://idp.example.com/token',
          clientId: SecretRef.fromSecret('creds', 'id'),
          clientSecret: SecretRef.fromSecret('creds', 'secret'),
        }),
    );
    expect(e.message).toBe(
      '[chart/token] tokenUrl: tokenUrl must use https:// (got "http://"); keys and tokens fetched over plain HTTP can be forged in transit',
    );
  });

  it('requires an issuer', () => {
    const e = catchError(() => api({ clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: '', audience: 'a' }) }));
    expect(e.field).toBe('clientAuth.issuer');
    expect(e.message).toBe('[chart/api] clientAuth.issuer: is required: pin the token issuer (the "iss" claim), e.g. "https://idp.example.com/"');
  });

  it('requires an issuer even from untyped code', () => {
    const e = catchError(() => api({ clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', audience: 'a' } as never) }));
    expect(e.message).toBe('[chart/api] clientAuth.issuer: is required: pin the token issuer (the "iss" claim), e.g. "https://idp.example.com/"');
  });

  it('requires an audience', () => {
    const e = catchError(() => api({ clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'i', audience: [] }) }));
    expect(e.message).toBe('[chart/api] clientAuth.audience: is required: pin at least one audience (the "aud" claim), e.g. "api.example.com"');
  });

  it('rejects a host that is not a DNS name', () => {
    const e = catchError(() => api({ host: 'API_example.com' }));
    expect(e.message).toBe('[chart/api] host: "API_example.com" is not a DNS name; use lowercase letters, digits, "-" and ".", e.g. "api.example.com"');
  });

  it('rejects a host given as a URL', () => {
    const e = catchError(() => api({ host: 'https://api.example.com/' }));
    expect(e.message).toBe('[chart/api] host: "https://api.example.com/" is a URL; give the bare host name, e.g. "api.example.com"');
  });

  it('rejects a path that is not absolute', () => {
    const e = catchError(() => api({ path: 'orders' }));
    // The prop as the user wrote it (`path`), never the model's field name.
    expect(e.message).toBe('[chart/api] path: "orders" is not absolute; start it with "/", e.g. "/orders"');
  });

  it('rejects a rewrite target that could escape its prefix', () => {
    const { chart } = setup();
    const e = catchError(() => new VirtualEndpoint(chart, 'ep', { path: '/echo', target: '/ic/api/../admin' }));
    expect(e.message).toBe('[chart/ep] target: "/ic/api/../admin" contains a "." or ".." segment; write the resolved path');
  });

  it('rejects regex characters in a virtual endpoint', () => {
    const { chart } = setup();
    const e = catchError(() => new VirtualEndpoint(chart, 'ep', { path: '/echo(.*)', target: '/x' }));
    expect(e.message).toBe('[chart/ep] path: "/echo(.*)" contains regex characters; paths are literal, gatewright writes the anchored regex for you');
  });

  it('rejects an ExternalName that is a URL', () => {
    const chart = new Chart(Testing.app(), 'chart');
    const e = catchError(() => new ExternalNameBackend(chart, 'oic', { externalName: 'https://myinst.integration.ocp.oraclecloud.com/ic' }));
    expect(e.message).toBe(
      '[chart/oic] externalName: "https://myinst.integration.ocp.oraclecloud.com/ic" is a URL; give the bare host name, e.g. "myinst.integration.ocp.oraclecloud.com"',
    );
  });

  it('rejects a port out of range', () => {
    const chart = new Chart(Testing.app(), 'chart');
    const e = catchError(() => new ExternalNameBackend(chart, 'oic', { externalName: 'oic.example.com', port: 70000 }));
    expect(e.message).toBe('[chart/oic] port: must be between 1 and 65535');
  });

  it('rejects duplicate routes (same host and path) on one gateway at synth', () => {
    const { chart, gateway, backend } = setup();
    new SecuredApi(chart, 'orders', { gateway, backend, host: 'api.example.com', path: '/orders', clientAuth: jwt() });
    new SecuredApi(chart, 'orders-v2', { gateway, backend, host: 'api.example.com', path: '/orders', clientAuth: jwt() });
    expect(() => Testing.synth(chart)).toThrow(
      '[chart/orders-v2] host/path: api.example.com/orders is already served by chart/orders on this gateway. Fix: give one of the routes another host or path, or merge them into one SecuredApi',
    );
  });

  it('requires an explicit client-auth choice', () => {
    const e = catchError(() => api({ clientAuth: undefined as never }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe(
      '[chart/api] clientAuth: is required: every API must choose how callers authenticate. Fix: set clientAuth: ClientAuth.jwt({...}) or ClientAuth.apiKey({...}); for a deliberately public API, ClientAuth.none()',
    );
  });

  it('accepts a public API only when said with ClientAuth.none()', () => {
    const secured = api({ clientAuth: ClientAuth.none() });
    expect(secured.route.clientAuth).toEqual({ kind: 'none' });
  });

  it('rejects a SecretRef whose name is not a Kubernetes name, naming the construct and prop it was given to', () => {
    const e = catchError(() => api({ upstreamAuth: UpstreamCredential.header('X-Key', SecretRef.fromSecret('OAuth_Creds', 'clientID')) }));
    expect(e.message).toBe(
      '[chart/api] upstreamAuth.header(X-Key): SecretRef secretName: must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters); rename it, e.g. "oauth2-client-creds"',
    );
  });

  it.each(['client id', '.', '..', '..data', 'k'.repeat(254)])('rejects the Secret key %j (not a data key, a kubelet link name, or too long)', (key) => {
    const e = catchError(() => api({ upstreamAuth: UpstreamCredential.header('X-Key', SecretRef.fromSecret('creds', key)) }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.field).toBe('upstreamAuth.header(X-Key): SecretRef key');
    expect(e.message).toBe(
      key.length > 253
        ? '[chart/api] upstreamAuth.header(X-Key): SecretRef key: must be at most 253 characters (a Kubernetes Secret key)'
        : '[chart/api] upstreamAuth.header(X-Key): SecretRef key: must be a valid Secret data key (letters, digits, "-", "_" and ".", not "." or ".."-prefixed); e.g. "clientSecret"',
    );
  });

  it('rejects a plaintext credential unless it is named unsafe', () => {
    const e = catchError(() => api({ upstreamAuth: UpstreamCredential.header('X-API-Key', 'sk-live-123' as never) }));
    expect(e.code).toBe(ErrorCode.PLAINTEXT_SECRET);
    expect(e.message).toContain('[chart/api] upstreamAuth.header(X-API-Key): is a plain string');
    expect(e.message).not.toContain('sk-live-123');
    const ok = api({ upstreamAuth: UpstreamCredential.header('X-API-Key', CredentialValue.unsafePlaintext('sk-test')) });
    expect(ok.route.upstreamAuth[0]).toMatchObject({ kind: 'header', value: { kind: 'unsafePlaintext' } });
  });

  it('rejects a plaintext OAuth client secret', () => {
    const { chart } = setup();
    const e = catchError(
      () =>
        new UpstreamOAuth(chart, 'token', {
          tokenUrl: 'https://idp.example.com/token',
          clientId: SecretRef.fromSecret('creds', 'id'),
          clientSecret: 'hunter2' as never,
        }),
    );
    expect(e.code).toBe(ErrorCode.PLAINTEXT_SECRET);
    expect(e.message).not.toContain('hunter2');
  });

  it('rejects path and endpoint that disagree', () => {
    const { chart, gateway, backend } = setup();
    const endpoint = new VirtualEndpoint(chart, 'ep', { path: '/echo', target: '/x' });
    const e = catchError(() => new SecuredApi(chart, 'api', { gateway, backend, host: 'api.example.com', clientAuth: jwt(), endpoint, path: '/other' }));
    expect(e.message).toBe('[chart/api] path: conflicts with endpoint.path "/echo". Fix: drop `path`: the endpoint decides the public path');
  });

  it('rejects a CredentialValue among OAuth scopes, which reports would print as public', () => {
    const { chart } = setup();
    const e = catchError(
      () =>
        new UpstreamOAuth(chart, 'token', {
          tokenUrl: 'https://idp.example.com/token',
          clientId: SecretRef.fromSecret('creds', 'id'),
          clientSecret: SecretRef.fromSecret('creds', 'secret'),
          scopes: [CredentialValue.unsafePlaintext('tenant-secret-scope') as never],
        }),
    );
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe(
      '[chart/token] scopes[0]: must be a plain scope string or a SecretRef. Fix: write public scopes as strings and keep sensitive ones in a Secret: SecretRef.fromSecret("<secret>", "<key>")',
    );
    expect(e.message).not.toContain('tenant-secret-scope');
  });

  it('rejects empty header sets and combinations, which would silently send nothing', () => {
    expect(catchError(() => UpstreamCredential.headers({})).message).toBe(
      '[UpstreamCredential.headers({})] adds no credential. Fix: pass at least one header, e.g. headers({ "X-API-Key": ref })',
    );
    expect(catchError(() => UpstreamCredential.combine()).message).toBe(
      '[UpstreamCredential.combine()] adds no credential. Fix: pass the credentials to combine, or leave upstreamAuth unset for none',
    );
  });

  it('rejects a path that becomes engine syntax: "<" ">" (Oathkeeper patterns), backquotes (Traefik rules), non-ASCII', () => {
    for (const path of ['/ap<.>', '/a<b', '/pub`,`/admin', '/café']) {
      const e = catchError(() => api({ path }));
      expect(e.code).toBe(ErrorCode.INVALID_PROPS);
      expect(e.field).toBe('path');
    }
  });

  it('rejects a header prefix with a line break (header injection)', () => {
    const e = catchError(() => api({ upstreamAuth: UpstreamCredential.header('Authorization', CredentialValue.unsafePlaintext('x'), { prefix: 'SSWS\r\nX-Admin: 1 ' }) }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe(
      '[chart/api] upstreamAuth[0].prefix: must be printable ASCII (a header value cannot carry line breaks, control characters or non-ASCII text)',
    );
  });

  it('rejects a scope with spaces or quotes (RFC 6749 scope-token)', () => {
    const e = catchError(() => api({ scopes: ['orders read'] }));
    expect(e.field).toBe('scopes[0]');
  });
});

describe('shapes JavaScript lets through', () => {
  it('refuses a lone string where a list of scopes belongs, instead of splitting it into letters', () => {
    const e = catchError(() => api({ scopes: 'admin' as never }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe("[chart/api] scopes: must be a list, not a string. Fix: wrap it in brackets, e.g. scopes: ['orders:read']");
  });

  it('refuses a lone string where a list of methods belongs', () => {
    expect(catchError(() => api({ methods: 'GET' as never })).field).toBe('methods');
  });

  it('refuses an unknown prop (a typo would be ignored), suggesting the one meant', () => {
    const e = catchError(() => api({ scope: ['admin'] } as never));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe('[chart/api] scope: is not a prop of SecuredApi; it would be ignored. Fix: did you mean `scopes`?');
  });

  it('refuses an unknown ClientAuth.jwt option', () => {
    const e = catchError(() => api({ clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'i', audiences: ['a'] } as never) }));
    expect(e.message).toBe('[chart/api] clientAuth.audiences: is not a prop of ClientAuth.jwt; it would be ignored. Fix: did you mean `audience`?');
  });

  it('refuses an unknown prop of UpstreamOAuth', () => {
    const { chart } = setup();
    const e = catchError(() => new UpstreamOAuth(chart, 'token', { tokenUrl: 'https://idp.example.com/token', clientId: SecretRef.fromSecret('c', 'id'), clientSecret: SecretRef.fromSecret('c', 's'), scope: 'x' } as never));
    expect(e.message).toBe('[chart/token] scope: is not a prop of UpstreamOAuth; it would be ignored. Fix: did you mean `scopes`?');
  });

  it('refuses a claims object whose prototype was replaced, or a __proto__ key from JSON', () => {
    const literal = catchError(() => api({ claims: { __proto__: { tenant: 'acme' } } as never }));
    expect(literal.code).toBe(ErrorCode.INVALID_PROPS);
    expect(literal.message).toBe('[chart/api] claims: must be a plain object of keys and values (it has a "__proto__" entry or a class prototype)');
    const parsed = catchError(() => api({ claims: JSON.parse('{"__proto__": "x", "tenant": "acme"}') }));
    expect(parsed.message).toBe('[chart/api] claims.__proto__: "__proto__" cannot be a key here; rename it');
  });
});

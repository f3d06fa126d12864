import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  ErrorCode,
  ExternalNameBackend,
  OciVaultStore,
  ReferenceProxy,
  SecretRef,
  SecuredApi,
  ServiceBackend,
  TraefikHubGateway,
  UpstreamCredential,
  UpstreamOAuth,
  type SecuredApiProps,
} from '../../src';
import { catchError } from '../support/errors';

/**
 * Mistakes the TypeScript compiler would catch, arriving from JavaScript, JSON-driven code or
 * a cast, and a construct placed outside any Chart. Each used to surface as a bare TypeError
 * or cdk8s error; each must be a GatewrightError naming path, field and fix — and a string
 * where a credential belongs is a plaintext secret, whatever the prop.
 */

const PLAINTEXT_FIX =
  'Fix: pass SecretRef.fromSecret("<secret>", "<key>") (or a secret store\'s secretRef(...)); only if you accept the risk, CredentialValue.unsafePlaintext(...)';

function api(overrides: Record<string, unknown>) {
  const chart = new Chart(Testing.app(), 'chart');
  const gateway = new TraefikHubGateway(chart, 'gateway');
  const backend = new ExternalNameBackend(chart, 'backend', { externalName: 'backend.example.com' });
  const props = { gateway, backend, host: 'api.example.com', clientAuth: ClientAuth.none(), ...overrides } as unknown as SecuredApiProps;
  return new SecuredApi(chart, 'api', props);
}

const oauthProps = {
  tokenUrl: 'https://idp.example.com/token',
  clientId: SecretRef.fromSecret('creds', 'id'),
  clientSecret: SecretRef.fromSecret('creds', 'secret'),
};

describe('constructs outside a Chart', () => {
  it.each([
    ['ExternalNameBackend', (app: App) => new ExternalNameBackend(app, 'oic', { externalName: 'oic.example.com' })],
    ['AwsSecretsManagerStore', (app: App) => new AwsSecretsManagerStore(app, 'oic', { region: 'eu-west-1' })],
    [
      'OciVaultStore',
      (app: App) =>
        new OciVaultStore(app, 'oic', { vaultOcid: 'ocid1.vault.oc1.eu-frankfurt-1.abc', region: 'eu-frankfurt-1', serviceAccountName: 'eso' }),
    ],
    ['ReferenceProxy', (app: App) => new ReferenceProxy(app, 'oic')],
  ])('rejects a %s created directly under the App, naming the fix', (_name, create) => {
    const e = catchError(() => create(new App()));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe(
      '[oic] scope: is not inside a cdk8s Chart, so its objects have no manifest (and no namespace) to go to. ' +
        'Fix: create it under a chart: const chart = new Chart(app, "my-chart"), then pass chart (or a construct inside it) as the scope',
    );
  });

  it('accepts a construct nested anywhere below a Chart', () => {
    const chart = new Chart(new App(), 'chart', { namespace: 'edge' });
    const backend = new ExternalNameBackend(new Construct(chart, 'group'), 'oic', { externalName: 'oic.example.com' });
    expect(backend.service.metadata.namespace).toBe('edge');
  });
});

describe('SecuredApi props of the wrong kind', () => {
  it('rejects a string upstreamAuth as a plaintext secret', () => {
    const e = catchError(() => api({ upstreamAuth: 'Bearer eyJhbGciOi' }));
    expect(e.code).toBe(ErrorCode.PLAINTEXT_SECRET);
    expect(e.message).toBe(`[chart/api] upstreamAuth: is a plain string; credentials must not be written into manifests. ${PLAINTEXT_FIX}`);
    expect(e.message).not.toContain('eyJhbGciOi');
  });

  it('names the index of a string inside an upstreamAuth list', () => {
    const e = catchError(() => api({ upstreamAuth: [new UpstreamOAuth(new Chart(Testing.app(), 'other'), 'token', oauthProps), 'key-123'] }));
    expect(e.code).toBe(ErrorCode.PLAINTEXT_SECRET);
    expect(e.message).toBe(`[chart/api] upstreamAuth[1]: is a plain string; credentials must not be written into manifests. ${PLAINTEXT_FIX}`);
  });

  it('rejects a bare SecretRef as upstreamAuth and says how to send it', () => {
    const e = catchError(() => api({ upstreamAuth: SecretRef.fromSecret('datadog', 'api-key') }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe(
      '[chart/api] upstreamAuth: is a bare SecretRef; the gateway does not know how to send it. ' +
        'Fix: say how it travels, e.g. UpstreamCredential.header("Authorization", ref, { prefix: "Bearer " })',
    );
  });

  it('rejects an endpoint that is not a VirtualEndpoint', () => {
    const e = catchError(() => api({ endpoint: { path: '/echo', target: '/ic/api/echo' } }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe(
      '[chart/api] endpoint: is not a VirtualEndpoint. Fix: pass new VirtualEndpoint(scope, "id", { path, target }); to serve a path unchanged, set `path` instead',
    );
  });

  it('rejects a string API key as a plaintext secret, naming the SecuredApi', () => {
    const e = catchError(() => api({ clientAuth: ClientAuth.apiKey({ keys: [SecretRef.fromSecret('keys', 'a'), 'hunter2' as unknown as SecretRef] }) }));
    expect(e.code).toBe(ErrorCode.PLAINTEXT_SECRET);
    expect(e.message).toBe(`[chart/api] clientAuth.keys[1]: is a plain string; credentials must not be written into manifests. ${PLAINTEXT_FIX}`);
    expect(e.message).not.toContain('hunter2');
  });

  it('explains what an oidcSession authAddress must look like', () => {
    const e = catchError(() => api({ clientAuth: ClientAuth.oidcSession({ authAddress: 'oauth2-proxy/oauth2/auth', middlewareName: 'm', provider: 'p' }) }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe(
      '[chart/api] clientAuth.authAddress: must be an absolute URL of the forward-auth endpoint, e.g. "http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth"',
    );
  });
});

describe('credentials and references of the wrong kind', () => {
  it.each(['username', 'password'])('rejects a string Redis %s as a plaintext secret', (field) => {
    const chart = new Chart(Testing.app(), 'chart');
    const e = catchError(
      () => new UpstreamOAuth(chart, 'token', { ...oauthProps, tokenStore: { redis: { endpoints: ['redis:6379'], [field]: 's3cret' as unknown as SecretRef }, encryptionKey: SecretRef.fromSecret('redis', 'key') } }),
    );
    expect(e.code).toBe(ErrorCode.PLAINTEXT_SECRET);
    expect(e.message).toBe(`[chart/token] tokenStore.redis.${field}: is a plain string; credentials must not be written into manifests. ${PLAINTEXT_FIX}`);
  });

  it('rejects a string token-store encryption key as a plaintext secret', () => {
    const chart = new Chart(Testing.app(), 'chart');
    const e = catchError(
      () =>
        new UpstreamOAuth(chart, 'token', {
          ...oauthProps,
          tokenStore: { redis: { endpoints: ['redis:6379'] }, encryptionKey: '0123456789abcdef' as unknown as SecretRef },
        }),
    );
    expect(e.code).toBe(ErrorCode.PLAINTEXT_SECRET);
    expect(e.message).not.toContain('0123456789abcdef');
  });

  it('requires remoteKey on a store secretRef, named where the ref is used', () => {
    const store = AwsSecretsManagerStore.fromClusterSecretStore('aws');
    const ref = store.secretRef({ secretName: 'jira', key: 'token' } as unknown as Parameters<typeof store.secretRef>[0]);
    const e = catchError(() => api({ upstreamAuth: UpstreamCredential.header('X-Key', ref) }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe('[chart/api] upstreamAuth.header(X-Key): secretRef remoteKey: is required');
  });

  it('never repeats an invalid Secret name, which may be a pasted secret', () => {
    const e = catchError(() => api({ upstreamAuth: UpstreamCredential.header('X-Key', SecretRef.fromSecret('DDKEY_9f8e7d6c5b4a', 'api-key')) }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe(
      '[chart/api] upstreamAuth.header(X-Key): SecretRef secretName: must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters); rename it, e.g. "oauth2-client-creds"',
    );
    expect(e.message).not.toContain('9f8e7d6c5b4a');
  });

  it('requires the port of ServiceBackend.fromServiceName when the options are missing', () => {
    const e = catchError(() => (ServiceBackend.fromServiceName as (name: string) => unknown)('orders'));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe('[ServiceBackend.fromServiceName(orders)] port: is required');
  });
});

/**
 * Every upstream-authentication pattern Traefik Hub users write by hand today, declared once:
 * static headers, query parameters (from a secret or from a request header), BasicAuth,
 * OAuth2 client credentials with every option, and combinations. Secrets come from AWS
 * Secrets Manager and OCI Vault through External Secrets; only the keys used are synced.
 */
import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  CredentialValue,
  ExternalNameBackend,
  type IGateway,
  OciVaultStore,
  SecretRef,
  SecuredApi,
  ServiceBackend,
  TraefikHubGateway,
  UpstreamCredential,
  UpstreamOAuth,
  VirtualEndpoint,
} from '../src';

const HOST = 'partners.example.com';

/** The callers' identity provider: one JWT policy for every route below. */
function callerJwt(): ClientAuth {
  return ClientAuth.jwt({
    jwksUrl: 'https://login.example.com/.well-known/jwks.json',
    issuer: 'https://login.example.com/',
    audience: ['partners-api'],
  });
}

/** Per-pattern gateway choices for engines that cannot express every pattern. */
export interface UpstreamAuthPatternOptions {
  /**
   * Gateway for the query-parameter pattern (open-source Traefik cannot add query
   * parameters from a forwardAuth answer; a ReferenceProxyGateway can).
   * @default - the gateway of every other pattern
   */
  readonly queryParamGateway?: IGateway;
}

/**
 * Declares the patterns on `gateway`. Exported so the same declarations can be built on
 * any engine that can express them.
 */
export function declareUpstreamAuthPatterns(scope: Construct, gateway: IGateway, options: UpstreamAuthPatternOptions = {}): void {
  // A ClusterSecretStore the platform team runs, and a namespaced OCI Vault store.
  const aws = AwsSecretsManagerStore.fromClusterSecretStore('aws-secrets-manager');
  const vault = new OciVaultStore(scope, 'oci-vault', {
    vaultOcid: 'ocid1.vault.oc1.eu-frankfurt-1.abcdefgh.exampleuniqueid',
    region: 'eu-frankfurt-1',
    serviceAccountName: 'external-secrets',
  });

  const backend = (id: string, externalName: string) => new ExternalNameBackend(scope, id, { externalName });

  // 1. One static header: X-API-Key from AWS Secrets Manager.
  new SecuredApi(scope, 'weather', {
    gateway,
    host: HOST,
    path: '/weather',
    backend: backend('weather-backend', 'api.weather.example.net'),
    clientAuth: callerJwt(),
    scopes: ['weather:read'],
    methods: ['GET'],
    upstreamAuth: UpstreamCredential.header(
      'X-API-Key',
      aws.secretRef({ remoteKey: 'prod/weather', property: 'api_key', secretName: 'weather-upstream', key: 'api-key' }),
    ),
  });

  // 2. Several custom headers at once (Datadog wants two keys).
  new SecuredApi(scope, 'metrics', {
    gateway,
    host: HOST,
    path: '/metrics-intake',
    backend: backend('datadog', 'api.datadoghq.eu'),
    clientAuth: callerJwt(),
    scopes: ['metrics:write'],
    methods: ['POST'],
    upstreamAuth: UpstreamCredential.headers({
      'DD-API-KEY': aws.secretRef({ remoteKey: 'prod/datadog', property: 'api_key', secretName: 'datadog-upstream', key: 'api-key' }),
      'DD-APPLICATION-KEY': aws.secretRef({ remoteKey: 'prod/datadog', property: 'app_key', secretName: 'datadog-upstream', key: 'app-key' }),
    }),
  });

  // 3. A header with a literal prefix: Okta's "SSWS <token>" (computed by the ExternalSecret).
  new SecuredApi(scope, 'directory', {
    gateway,
    host: HOST,
    path: '/directory',
    backend: backend('okta', 'example.okta.com'),
    clientAuth: callerJwt(),
    scopes: ['directory:read'],
    methods: ['GET'],
    upstreamAuth: UpstreamCredential.header(
      'Authorization',
      aws.secretRef({ remoteKey: 'prod/okta', property: 'api_token', secretName: 'okta-upstream', key: 'token' }),
      { prefix: 'SSWS ' },
    ),
  });

  // 4. Query parameters: one from OCI Vault, one copied from a request header.
  new SecuredApi(scope, 'maps', {
    gateway: options.queryParamGateway ?? gateway,
    host: HOST,
    path: '/maps',
    backend: backend('maps-backend', 'maps.example.org'),
    clientAuth: callerJwt(),
    scopes: ['maps:read'],
    methods: ['GET'],
    upstreamAuth: [
      UpstreamCredential.queryParam('key', vault.secretRef({ remoteKey: 'maps-api-key', secretName: 'maps-upstream', key: 'key' })),
      UpstreamCredential.queryParam('tenant', CredentialValue.fromRequestHeader('X-Tenant-Id')),
    ],
  });

  // 5. BasicAuth toward a legacy SOAP service, both halves from one remote secret.
  new SecuredApi(scope, 'legacy', {
    gateway,
    host: HOST,
    endpoint: new VirtualEndpoint(scope, 'legacy-endpoint', { path: '/legacy', target: '/soap/v2/services' }),
    backend: ServiceBackend.fromServiceName('legacy-soap', { port: 8443, scheme: 'https' }),
    clientAuth: callerJwt(),
    scopes: ['legacy:invoke'],
    methods: ['POST'],
    upstreamAuth: UpstreamCredential.basicAuth(
      aws.secretRef({ remoteKey: 'prod/legacy', property: 'username', secretName: 'legacy-upstream', key: 'username' }),
      aws.secretRef({ remoteKey: 'prod/legacy', property: 'password', secretName: 'legacy-upstream', key: 'password' }),
    ),
  });

  // 6. OAuth2 client credentials with every option, tokens shared through Redis.
  const crmToken = new UpstreamOAuth(scope, 'crm-token', {
    tokenUrl: 'https://auth.crm.example.com/oauth2/token',
    clientId: aws.secretRef({ remoteKey: 'prod/crm-client', property: 'client_id', secretName: 'crm-oauth', key: 'client-id' }),
    clientSecret: aws.secretRef({ remoteKey: 'prod/crm-client', property: 'client_secret', secretName: 'crm-oauth', key: 'client-secret' }),
    scopes: ['crm.read', 'crm.write'],
    audience: 'https://api.crm.example.com',
    claims: { tenant: 'example' },
    forwardHeaders: { 'X-Token-Expires-At': 'exp' },
    tokenStore: {
      redis: {
        endpoints: ['redis.gateway.svc.cluster.local:6379'],
        password: SecretRef.fromSecret('redis-auth', 'password'),
        database: 2,
        keyPrefix: 'crm-token',
      },
      encryptionKey: SecretRef.fromSecret('redis-auth', 'token-encryption-key'),
    },
  });
  new SecuredApi(scope, 'crm', {
    gateway,
    host: HOST,
    path: '/crm',
    backend: backend('crm-backend', 'api.crm.example.com'),
    clientAuth: callerJwt(),
    scopes: ['crm:read'],
    methods: ['GET', 'HEAD'],
    upstreamAuth: crmToken,
  });

  // 7. A combination: the OAuth token plus a static subscription key (rendered as a chain).
  new SecuredApi(scope, 'crm-bulk', {
    gateway,
    host: HOST,
    path: '/crm-bulk',
    backend: backend('crm-bulk-backend', 'bulk.crm.example.com'),
    clientAuth: callerJwt(),
    scopes: ['crm:bulk'],
    methods: ['POST'],
    upstreamAuth: UpstreamCredential.combine(
      crmToken,
      UpstreamCredential.header(
        'Ocp-Apim-Subscription-Key',
        aws.secretRef({ remoteKey: 'prod/crm-client', property: 'subscription_key', secretName: 'crm-oauth', key: 'subscription-key' }),
      ),
    ),
  });
}

/** Every pattern on Traefik Hub, in namespace `partners` (`dist/upstream-auth-patterns.k8s.yaml`). */
export function upstreamAuthPatterns(app: App, id = 'upstream-auth-patterns'): Chart {
  const chart = new Chart(app, id, { namespace: 'partners' });
  const gateway = new TraefikHubGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } });
  declareUpstreamAuthPatterns(chart, gateway);
  return chart;
}

if (require.main === module) {
  const app = new App();
  upstreamAuthPatterns(app);
  app.synth();
}

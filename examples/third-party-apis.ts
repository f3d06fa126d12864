/**
 * Third-party SaaS APIs behind short-lived JWTs: CI pipelines, provisioning services, edge
 * services and analytics jobs hold tokens from an internal issuer; the gateway checks them,
 * enforces a scope per API, drops the token and calls the SaaS host with the real credential
 * (Jira Basic auth, Okta `SSWS` token, Datadog `DD-API-KEY`, Salesforce bearer token), which
 * External Secrets syncs from AWS Secrets Manager. Synthesized here for Ory Oathkeeper; the
 * declarations take any gateway, so the same APIs build unchanged on other engines.
 */
import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  ExternalNameBackend,
  type IGateway,
  type ISecretStore,
  OathkeeperGateway,
  OathkeeperRuleDelivery,
  SecuredApi,
  UpstreamCredential,
  VirtualEndpoint,
} from '../src';

/** The public host callers use. */
export const THIRD_PARTY_HOST = 'saas.internal.example.com';

/** The internal issuer of the callers' short-lived tokens: one policy for every API. */
function internalJwt(): ClientAuth {
  return ClientAuth.jwt({
    jwksUrl: 'https://auth.internal.example.com/.well-known/jwks.json',
    issuer: 'https://auth.internal.example.com/',
    audience: 'saas-gateway',
    algorithms: ['RS256', 'ES256'],
  });
}

/**
 * Declares the four APIs on `gateway`, with credentials from `store`. Returns them by name
 * so tests (and other engines' variants) can inspect the routes.
 */
export function declareThirdPartyApis(scope: Construct, gateway: IGateway, store: ISecretStore): Record<'jira' | 'okta' | 'datadog' | 'salesforce', SecuredApi> {
  const endpoint = (id: string, path: string, target: string) => new VirtualEndpoint(scope, id, { path, target });
  const saas = (id: string, externalName: string) => new ExternalNameBackend(scope, id, { externalName });

  // Jira Cloud, read-only: Basic auth with the service account's e-mail and API token.
  const jira = new SecuredApi(scope, 'jira', {
    gateway,
    host: THIRD_PARTY_HOST,
    endpoint: endpoint('jira-endpoint', '/jira', '/rest/api/3'),
    backend: saas('jira-cloud', 'example.atlassian.net'),
    clientAuth: internalJwt(),
    methods: ['GET'],
    scopes: ['jira:read'],
    upstreamAuth: UpstreamCredential.basicAuth(
      store.secretRef({ remoteKey: 'gatewright/saas/jira', property: 'email', secretName: 'jira-credentials', key: 'email' }),
      store.secretRef({ remoteKey: 'gatewright/saas/jira', property: 'api-token', secretName: 'jira-credentials', key: 'api-token' }),
    ),
  });

  // Okta user provisioning: `Authorization: SSWS <token>`.
  const okta = new SecuredApi(scope, 'okta', {
    gateway,
    host: THIRD_PARTY_HOST,
    endpoint: endpoint('okta-endpoint', '/okta/users', '/api/v1/users'),
    backend: saas('okta-org', 'example.okta.com'),
    clientAuth: internalJwt(),
    methods: ['GET', 'POST', 'PUT'],
    scopes: ['okta:users:write'],
    upstreamAuth: UpstreamCredential.header(
      'Authorization',
      store.secretRef({ remoteKey: 'gatewright/saas/okta', property: 'api-token', secretName: 'okta-credentials', key: 'api-token' }),
      { prefix: 'SSWS ' },
    ),
  });

  // Datadog metrics submission: only POST /api/v2/series, with DD-API-KEY.
  const datadog = new SecuredApi(scope, 'datadog', {
    gateway,
    host: THIRD_PARTY_HOST,
    endpoint: endpoint('datadog-endpoint', '/datadog/series', '/api/v2/series'),
    backend: saas('datadog-intake', 'api.datadoghq.com'),
    clientAuth: internalJwt(),
    methods: ['POST'],
    scopes: ['datadog:metrics:write'],
    upstreamAuth: UpstreamCredential.header(
      'DD-API-KEY',
      store.secretRef({ remoteKey: 'gatewright/saas/datadog', property: 'api-key', secretName: 'datadog-credentials', key: 'api-key' }),
    ),
  });

  // Salesforce analytics, read-only: a bearer token (an integration user's long-lived token).
  const salesforce = new SecuredApi(scope, 'salesforce', {
    gateway,
    host: THIRD_PARTY_HOST,
    endpoint: endpoint('salesforce-endpoint', '/salesforce/analytics', '/services/data/v60.0/analytics'),
    backend: saas('salesforce-org', 'example.my.salesforce.com'),
    clientAuth: internalJwt(),
    methods: ['GET'],
    scopes: ['salesforce:read'],
    upstreamAuth: UpstreamCredential.header(
      'Authorization',
      store.secretRef({ remoteKey: 'gatewright/saas/salesforce', property: 'access-token', secretName: 'salesforce-credentials', key: 'access-token' }),
      { prefix: 'Bearer ' },
    ),
  });

  return { jira, okta, datadog, salesforce };
}

/** The AWS Secrets Manager store the credentials come from (IRSA service account of ESO). */
export function thirdPartySecretStore(scope: Construct): AwsSecretsManagerStore {
  return new AwsSecretsManagerStore(scope, 'aws-secrets-manager', { region: 'eu-west-1', serviceAccountName: 'external-secrets' });
}

/** The four APIs on Ory Oathkeeper (rules as maester `Rule` objects). */
export function thirdPartyApisOnOathkeeper(app: App, id = 'third-party-apis'): Chart {
  const chart = new Chart(app, id, { namespace: 'saas-gateway' });
  const gateway = new OathkeeperGateway(chart, 'oathkeeper', {
    ruleDelivery: OathkeeperRuleDelivery.MAESTER,
    replicas: 2,
    autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 75 },
  });
  declareThirdPartyApis(chart, gateway, thirdPartySecretStore(chart));
  return chart;
}

if (require.main === module) {
  const app = new App();
  const chart = thirdPartyApisOnOathkeeper(app);
  app.synth();
  // The values for `helm upgrade --install oathkeeper ory/oathkeeper -f -`.
  process.stdout.write((chart.node.findChild('oathkeeper') as OathkeeperGateway).helmValuesYaml());
}

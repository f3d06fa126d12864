/**
 * Oracle Integration Cloud on OKE behind Traefik Hub: callers present a short-lived JWT from
 * OCI IAM; the gateway swaps it for an OAuth client-credentials token and rewrites the clean
 * `/echo` path to the integration's long REST path.
 */
import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  ClientAuth,
  ExternalNameBackend,
  type IGateway,
  SecretRef,
  SecuredApi,
  TraefikHubGateway,
  UpstreamOAuth,
  VirtualEndpoint,
} from '../src';

/** The OAuth client the gateway uses toward OIC; each value is a Secret reference. */
export interface OicClientCredentials {
  /** The confidential application's client id in IDCS / OCI IAM. */
  readonly clientId: SecretRef;
  /** Its client secret. */
  readonly clientSecret: SecretRef;
  /**
   * The OIC resource scope (`https://<instance>:443urn:opc:resource:consumer::all`); kept in
   * the Secret because it names the instance.
   */
  readonly scope: SecretRef;
}

/** The defaults: a Secret `oauth2-client-creds` managed outside gatewright. */
export function oicClientFromSecret(): OicClientCredentials {
  return {
    clientId: SecretRef.fromSecret('oauth2-client-creds', 'clientID'),
    clientSecret: SecretRef.fromSecret('oauth2-client-creds', 'clientSecret'),
    scope: SecretRef.fromSecret('oauth2-client-creds', 'scope'),
  };
}

/**
 * The OIC echo API on any gateway that can express it (Traefik Hub, open-source Traefik with
 * the reference proxy, the reference proxy itself). Exported so every engine's example and
 * the OKE stack declare the very same API.
 */
export function declareOicEcho(scope: Construct, gateway: IGateway, client: OicClientCredentials = oicClientFromSecret()): SecuredApi {
  const oic = new ExternalNameBackend(scope, 'oic', { externalName: 'myinst.integration.ocp.oraclecloud.com', port: 443 });
  const oicToken = new UpstreamOAuth(scope, 'oic-token', {
    tokenUrl: 'https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    scopes: [client.scope],
    // The OIC instance the token is for; Traefik Hub's oAuthClientCredentials requires an audience.
    audience: 'https://myinst.integration.ocp.oraclecloud.com:443',
  });

  return new SecuredApi(scope, 'echo', {
    gateway,
    host: 'api.example.com',
    backend: oic,
    endpoint: new VirtualEndpoint(scope, 'echo-endpoint', {
      path: '/echo',
      target: '/ic/api/integration/v2/flows/rest/project/P/ECHO/1.0',
    }),
    clientAuth: ClientAuth.jwt({
      jwksUrl: 'https://idcs-abc.identity.oraclecloud.com:443/admin/v1/SigningCert/jwk',
      issuer: 'https://identity.oraclecloud.com/',
      audience: 'api.example.com',
    }),
    upstreamAuth: oicToken,
  });
}

/** The OIC echo API on Traefik Hub, in namespace `integrations` (`dist/oic-on-oke.k8s.yaml`). */
export function oicOnOke(app: App, id = 'oic-on-oke'): Chart {
  const chart = new Chart(app, id, { namespace: 'integrations' });
  const gateway = new TraefikHubGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } });
  declareOicEcho(chart, gateway);
  return chart;
}

if (require.main === module) {
  const app = new App();
  oicOnOke(app);
  app.synth();
}

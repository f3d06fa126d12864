/**
 * Oracle Integration Cloud on OKE behind Traefik Hub: callers present a short-lived JWT from
 * OCI IAM; the gateway swaps it for an OAuth client-credentials token and rewrites the clean
 * `/echo` path to the integration's long REST path.
 */
import { App, Chart } from 'cdk8s';
import {
  ClientAuth,
  ExternalNameBackend,
  SecretRef,
  SecuredApi,
  TraefikHubGateway,
  UpstreamOAuth,
  VirtualEndpoint,
} from '../src';

export function oicOnOke(app: App, id = 'oic-on-oke'): Chart {
  const chart = new Chart(app, id, { namespace: 'integrations' });

  const gateway = new TraefikHubGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } });
  const oic = new ExternalNameBackend(chart, 'oic', { externalName: 'myinst.integration.ocp.oraclecloud.com', port: 443 });
  const oicToken = new UpstreamOAuth(chart, 'oic-token', {
    tokenUrl: 'https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
    clientId: SecretRef.fromSecret('oauth2-client-creds', 'clientID'),
    clientSecret: SecretRef.fromSecret('oauth2-client-creds', 'clientSecret'),
    scopes: [SecretRef.fromSecret('oauth2-client-creds', 'scope')],
  });

  new SecuredApi(chart, 'echo', {
    gateway,
    host: 'api.example.com',
    backend: oic,
    endpoint: new VirtualEndpoint(chart, 'echo-endpoint', {
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
  return chart;
}

if (require.main === module) {
  const app = new App();
  oicOnOke(app);
  app.synth();
}

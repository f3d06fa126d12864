/**
 * The Oracle Integration Cloud scenario of `oic-on-oke.ts` on open-source Traefik: Traefik
 * has no JWT or OAuth client-credentials middleware, so a `forwardAuth` Middleware asks the
 * bundled reference proxy, which verifies the caller's OCI IAM JWT and answers with the
 * OAuth token Traefik puts on the request; `/echo` is rewritten to the integration's long
 * REST path.
 */
import { App, Chart } from 'cdk8s';
import {
  ClientAuth,
  EdgeSource,
  ExternalNameBackend,
  GatewayNetworkPolicies,
  ReferenceProxy,
  SecretRef,
  SecuredApi,
  TraefikGateway,
  UpstreamOAuth,
  VirtualEndpoint,
} from '../src';

export function oicOnOssTraefik(app: App, id = 'oic-on-oss-traefik'): Chart {
  const chart = new Chart(app, id, { namespace: 'integrations-oss' });

  // Two replicas that may grow to six, never both drained at once.
  const proxy = new ReferenceProxy(chart, 'auth-proxy', {
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    disruptionBudget: { minAvailable: 1 },
  });
  const gateway = new TraefikGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' }, proxy });
  // The proxy's forwardAuth answers carry the OIC token: only Traefik may ask. Its own egress
  // is DNS and the internet on 443 (JWKS, token endpoint), never other in-cluster addresses.
  new GatewayNetworkPolicies(chart, 'auth-proxy-network', {
    gateway: proxy.workload,
    gatewayPorts: [proxy.port],
    edge: EdgeSource.namespace('traefik', { 'app.kubernetes.io/name': 'traefik' }),
    // OKE defaults: VCN, pod and service CIDRs.
    clusterCidrs: ['10.0.0.0/16', '10.244.0.0/16', '10.96.0.0/16'],
  });
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
  oicOnOssTraefik(app);
  app.synth();
}

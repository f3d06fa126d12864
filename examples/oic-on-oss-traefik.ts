/**
 * The Oracle Integration Cloud scenario of `oic-on-oke.ts` on open-source Traefik: Traefik
 * has no JWT or OAuth client-credentials middleware, so a `forwardAuth` Middleware asks the
 * bundled reference proxy, which verifies the caller's OCI IAM JWT and answers with the
 * OAuth token Traefik puts on the request; `/echo` is rewritten to the integration's long
 * REST path.
 */
import { App, Chart } from 'cdk8s';
import { EdgeSource, GatewayNetworkPolicies, ReferenceProxy, TraefikGateway } from '../src';
import { declareOicEcho } from './oic-on-oke';

/** The OIC echo API on open-source Traefik and a ReferenceProxy, in namespace `integrations-oss`. */
export function oicOnOssTraefik(app: App, id = 'oic-on-oss-traefik'): Chart {
  const chart = new Chart(app, id, { namespace: 'integrations-oss' });

  // Two replicas that may grow to six, never both drained at once.
  const proxy = new ReferenceProxy(chart, 'auth-proxy', {
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    disruptionBudget: { minAvailable: 1 },
  });
  const gateway = new TraefikGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' }, proxy });
  // The proxy's forwardAuth answers carry the OIC token: only Traefik may ask, and only on the
  // forwardAuth port (the proxy serves no inline route here). Its own egress
  // is DNS and the internet on 443 (JWKS, token endpoint), never other in-cluster addresses.
  new GatewayNetworkPolicies(chart, 'auth-proxy-network', {
    gateway: proxy.workload,
    gatewayPorts: [proxy.forwardAuthPort],
    edge: EdgeSource.namespace('traefik', { 'app.kubernetes.io/name': 'traefik' }),
    // OKE defaults: VCN, pod and service CIDRs.
    clusterCidrs: ['10.0.0.0/16', '10.244.0.0/16', '10.96.0.0/16'],
  });
  declareOicEcho(chart, gateway);
  return chart;
}

if (require.main === module) {
  const app = new App();
  oicOnOssTraefik(app);
  app.synth();
}

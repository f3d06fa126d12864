/**
 * The upstream-authentication patterns of `upstream-auth-patterns.ts` on open-source Traefik.
 * One reference proxy does the work Traefik Hub's middlewares do: Traefik asks it through
 * `forwardAuth` for every pattern that travels in headers (static headers, prefixed headers,
 * BasicAuth, OAuth2 client credentials, combinations). Query parameters cannot come back
 * through forwardAuth, so that one API is served by the same proxy inline
 * (`ReferenceProxyGateway`), still behind Traefik.
 */
import { App, Chart } from 'cdk8s';
import { EdgeSource, GatewayNetworkPolicies, ProxyExposure, ReferenceProxy, ReferenceProxyGateway, TraefikGateway } from '../src';
import { declareUpstreamAuthPatterns } from './upstream-auth-patterns';

/** Every pattern on open-source Traefik with one shared ReferenceProxy, in namespace `partners-oss`. */
export function upstreamAuthPatternsOnOssTraefik(app: App, id = 'upstream-auth-patterns-oss-traefik'): Chart {
  const chart = new Chart(app, id, { namespace: 'partners-oss' });
  const tls = { certResolver: 'le' };

  const proxy = new ReferenceProxy(chart, 'partners-proxy', {
    replicas: 3,
    disruptionBudget: { maxUnavailable: 1 },
  });
  const gateway = new TraefikGateway(chart, 'gateway', { entryPoints: ['websecure'], tls, proxy });
  const inline = new ReferenceProxyGateway(chart, 'inline', { proxy, expose: ProxyExposure.traefik({ entryPoints: ['websecure'], tls }) });
  // Only Traefik reaches the proxy: its forwardAuth answers carry the upstream credentials,
  // and the inline route is exposed through Traefik too. Without this fence any pod could ask
  // the forwardAuth port for them (`gatewright report` raises forward-auth-exposed, HIGH).
  new GatewayNetworkPolicies(chart, 'partners-proxy-network', {
    gateway: proxy.workload,
    gatewayPorts: [proxy.port, proxy.forwardAuthPort],
    edge: EdgeSource.namespace('traefik', { 'app.kubernetes.io/name': 'traefik' }),
    clusterCidrs: ['10.0.0.0/8'],
  });

  declareUpstreamAuthPatterns(chart, gateway, { queryParamGateway: inline });
  return chart;
}

if (require.main === module) {
  const app = new App();
  upstreamAuthPatternsOnOssTraefik(app);
  app.synth();
}

import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { oicOnOssTraefik } from '../../examples/oic-on-oss-traefik';
import {  } from '../../src';
import { proxyConfigSchema } from '../../src/model';
import { findObject, synthObjects, toYaml } from '../support/synth';
import { traefikTowardThirdParty } from '../support/transformation';

describe('examples/oic-on-oss-traefik (open-source Traefik + reference proxy)', () => {
  const objects = synthObjects(oicOnOssTraefik(Testing.app()));

  it('renders the proxy, the backend and the route, all in one namespace', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/auth-proxy-config',
      'Deployment/auth-proxy',
      'Service/auth-proxy',
      'HorizontalPodAutoscaler/auth-proxy',
      'PodDisruptionBudget/auth-proxy',
      'Middleware/gateway-untrusted-headers',
      'ServersTransport/gateway-transport-30s',
      'NetworkPolicy/auth-proxy-network-gateway-ingress',
      'NetworkPolicy/auth-proxy-network-gateway-egress',
      'Service/oic',
      'Middleware/echo-forward-auth',
      'Middleware/echo-rewrite',
      'Middleware/echo-strip-caller',
      'IngressRoute/echo',
    ]);
    for (const o of objects) expect(o.metadata.namespace).toBe('integrations-oss');
  });

  it('asks the proxy through forwardAuth and lets its OAuth token replace the caller JWT', () => {
    expect(findObject(objects, 'Middleware', 'echo-forward-auth').spec.forwardAuth).toEqual({
      address: 'http://auth-proxy.integrations-oss.svc.cluster.local:8081/_gatewright/forward-auth/echo',
      trustForwardHeader: false,
      authResponseHeaders: ['Authorization'],
    });
    // OIC is a third party: the caller's cookies and every forwarding header go before it.
    expect(findObject(objects, 'Middleware', 'echo-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { Cookie: '', ...traefikTowardThirdParty('myinst.integration.ocp.oraclecloud.com') } } });
    expect(findObject(objects, 'IngressRoute', 'echo').spec.routes[0].middlewares).toEqual([
      { name: 'gateway-untrusted-headers' },
      { name: 'echo-forward-auth' },
      { name: 'echo-rewrite' },
      { name: 'echo-strip-caller' },
    ]);
  });

  it('gives the proxy the same route the Traefik Hub example renders, with its secrets mounted', () => {
    const config = proxyConfigSchema.parse(JSON.parse(findObject(objects, 'ConfigMap', 'auth-proxy-config').data!['config.json']));
    expect(config.routes).toHaveLength(1);
    expect(config.routes[0]).toMatchObject({
      name: 'echo',
      host: 'api.example.com',
      pathPrefix: '/echo',
      clientAuth: { kind: 'jwt', issuer: 'https://identity.oraclecloud.com/', audience: ['api.example.com'], algorithms: ['RS256'] },
      rewrite: { kind: 'replacePrefix', from: '/echo', to: '/ic/api/integration/v2/flows/rest/project/P/ECHO/1.0' },
      upstreamAuth: [{ kind: 'oauth2ClientCredentials', name: 'oic-token' }],
    });
    const volume = findObject(objects, 'Deployment', 'auth-proxy').spec.template.spec.volumes.find((v: { name: string }) => v.name === 'secret-oauth2-client-creds');
    expect(volume.projected.sources[0].secret.items.map((i: { key: string }) => i.key)).toEqual(['clientID', 'clientSecret', 'scope']);
  });

  it('lets only Traefik reach the proxy, whose forwardAuth answers carry the token', () => {
    const ingress = findObject(objects, 'NetworkPolicy', 'auth-proxy-network-gateway-ingress').spec;
    expect(ingress.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'reference-proxy', 'app.kubernetes.io/instance': 'auth-proxy' } });
    expect(ingress.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }],
        ports: [{ protocol: 'TCP', port: 8081 }],
      },
    ]);
  });

  it('matches the snapshot', async () => {
    await expect(toYaml(objects)).toMatchFileSnapshot('./__snapshots__/oic-on-oss-traefik.k8s.yaml');
  });
});

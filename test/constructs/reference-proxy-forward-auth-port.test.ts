import { ApiObject } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ClientAuth, ErrorCode, ExternalNameBackend, ProxyExposure, ReferenceProxy, ReferenceProxyGateway, SecuredApi, TraefikGateway } from '../../src';
import { proxyConfigSchema } from '../../src/model';
import { catchError, synthValidationMessages } from '../support/errors';
import { findObject, synthObjects, testChart, type KubeObject } from '../support/synth';

/**
 * The proxy serves forwardAuth on a port of its own: the container and Service expose it only
 * while a TraefikGateway routes through the proxy, and the forwardAuth Middleware addresses it.
 */

const JWT = () => ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'api.example.com' });

function api(chart: ReturnType<typeof testChart>, gateway: TraefikGateway | ReferenceProxyGateway, id: string) {
  new SecuredApi(chart, id, {
    gateway,
    host: 'api.example.com',
    path: `/${id}`,
    backend: new ExternalNameBackend(chart, `${id}-backend`, { externalName: `${id}.example.net` }),
    clientAuth: JWT(),
  });
}

const portNames = (objects: KubeObject[], name: string) => ({
  container: findObject(objects, 'Deployment', name).spec.template.spec.containers[0].ports.map((p: { name: string; containerPort: number }) => `${p.name}:${p.containerPort}`),
  service: findObject(objects, 'Service', name).spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`),
});

describe('ReferenceProxy forwardAuth port', () => {
  it('exposes the forward-auth port, and the Middleware addresses it, when a TraefikGateway uses the proxy', () => {
    const chart = testChart('edge');
    const proxy = new ReferenceProxy(chart, 'auth', { forwardAuthPort: 8181 });
    api(chart, new TraefikGateway(chart, 'gateway', { proxy }), 'orders');
    const objects = synthObjects(chart);
    expect(portNames(objects, 'auth')).toEqual({ container: ['http:8080', 'forward-auth:8181', 'admin:9090'], service: ['http:8080', 'forward-auth:8181', 'admin:9090'] });
    expect(findObject(objects, 'Middleware', 'orders-forward-auth').spec.forwardAuth.address).toBe('http://auth.edge.svc.cluster.local:8181/_gatewright/forward-auth/orders');
    const config = proxyConfigSchema.parse(JSON.parse(findObject(objects, 'ConfigMap', 'auth-config').data!['config.json']));
    expect(config.listen.forwardAuthPort).toBe(8181);
    expect(config.forwardAuthEnabled).toBe(true);
  });

  it('exposes no forward-auth port on an inline-only proxy', () => {
    const chart = testChart('edge');
    const proxy = new ReferenceProxy(chart, 'edge', { trustedHops: ['10.42.0.0/16'] });
    api(chart, new ReferenceProxyGateway(chart, 'gateway', { proxy }), 'orders');
    const objects = synthObjects(chart);
    expect(portNames(objects, 'edge')).toEqual({ container: ['http:8080', 'admin:9090'], service: ['http:8080', 'admin:9090'] });
    const config = proxyConfigSchema.parse(JSON.parse(findObject(objects, 'ConfigMap', 'edge-config').data!['config.json']));
    expect(config.forwardAuthEnabled).toBe(false);
    expect(config.trustedHops).toEqual(['10.42.0.0/16']);
  });

  it('refuses a forwardAuthPort equal to the traffic or admin port', () => {
    const err = catchError(() => new ReferenceProxy(testChart(), 'edge', { forwardAuthPort: 8080 }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toContain('forwardAuthPort');
    expect(err.message).toContain('equals port (8080); forwardAuth answers carry upstream credentials and need a port only Traefik reaches');
    expect(catchError(() => new ReferenceProxy(testChart(), 'edge', { forwardAuthPort: 9090 })).message).toContain('equals adminPort (9090)');
  });

  it('refuses trustedHops that are not address blocks', () => {
    const err = catchError(() => new ReferenceProxy(testChart(), 'edge', { trustedHops: ['0.0.0.0/0'] }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toContain('"0.0.0.0/0" trusts every address');
  });
});

describe('forwardAuth isolation (issue 10 case 3: a shared proxy handed out upstream secrets)', () => {
  it('serves a LoadBalancer on the traffic port only, so one proxy can back a TraefikGateway and a public ReferenceProxyGateway', () => {
    const chart = testChart('edge');
    const proxy = new ReferenceProxy(chart, 'shared');
    api(chart, new TraefikGateway(chart, 'gateway', { proxy }), 'orders');
    api(chart, new ReferenceProxyGateway(chart, 'public', { proxy, expose: ProxyExposure.loadBalancer() }), 'status');
    const lb = findObject(synthObjects(chart), 'Service', 'shared-public');
    expect(lb.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    // The Middleware asks the forwardAuth port; the LoadBalancer cannot reach it.
    expect(findObject(synthObjects(chart), 'Middleware', 'orders-forward-auth').spec.forwardAuth.address).toBe(
      'http://shared.edge.svc.cluster.local:8081/_gatewright/forward-auth/orders',
    );
  });

  it('refuses a LoadBalancer or NodePort Service of the app that reaches the forwardAuth port, by number or name', () => {
    for (const [type, targetPort] of [
      ['LoadBalancer', 8081],
      ['NodePort', 'forward-auth'],
    ] as const) {
      const chart = testChart('edge');
      const proxy = new ReferenceProxy(chart, 'shared');
      api(chart, new TraefikGateway(chart, 'gateway', { proxy }), 'orders');
      new ApiObject(chart, 'leak', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'leak' },
        spec: { type, selector: { ...proxy.selectorLabels }, ports: [{ port: 80, targetPort }] },
      });
      expect(synthValidationMessages(() => synthObjects(chart))).toEqual([
        `[test/leak] is a ${type} Service that sends traffic to the forwardAuth port (8081) of test/shared; its answers carry upstream credentials, and only Traefik's forwardAuth Middleware may ask for them. ` +
          "Fix: point it at the proxy's traffic port (`proxy.port`); use ReferenceProxyGateway with ProxyExposure to serve routes from the proxy",
      ]);
    }
  });

  it('refuses an IngressRoute to the proxy Service on the forwardAuth port, and accepts one on the traffic port', () => {
    const build = (port: number) => {
      const chart = testChart('edge');
      const proxy = new ReferenceProxy(chart, 'shared');
      api(chart, new TraefikGateway(chart, 'gateway', { proxy }), 'orders');
      new ApiObject(chart, 'mine', {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'IngressRoute',
        metadata: { name: 'mine' },
        spec: { routes: [{ kind: 'Rule', match: 'Host(`x.example.com`)', services: [{ name: 'shared', port }] }] },
      });
      return chart;
    };
    expect(synthValidationMessages(() => synthObjects(build(8081)))).toEqual([
      "[test/mine] routes requests to the forwardAuth port (8081) of test/shared; its answers carry upstream credentials, and only Traefik's forwardAuth Middleware may ask for them. " +
        "Fix: point it at the proxy's traffic port (`proxy.port`); use ReferenceProxyGateway with ProxyExposure to serve routes from the proxy",
    ]);
    expect(() => synthObjects(build(8080))).not.toThrow();
  });

  it('does not check an inline-only proxy, which serves no forwardAuth', () => {
    const chart = testChart('edge');
    const proxy = new ReferenceProxy(chart, 'inline-only');
    api(chart, new ReferenceProxyGateway(chart, 'gateway', { proxy }), 'orders');
    new ApiObject(chart, 'np', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np' }, spec: { type: 'NodePort', selector: { ...proxy.selectorLabels }, ports: [{ port: 80, targetPort: 8081 }] } });
    expect(() => synthObjects(chart)).not.toThrow();
  });
});

import { ApiObject, Chart, type App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ClientAuth,
  EdgeSource,
  ExternalNameBackend,
  GatewayNetworkPolicies,
  OathkeeperGateway,
  ReferenceProxy,
  ReferenceProxyGateway,
  ServiceBackend,
  TraefikGateway,
} from '../../src';
import { diffTopologies, FindingKind, findings, type Finding } from '../../src/report';
import { api, jwt, topologyOf } from './support';

const CLUSTER = ['10.0.0.0/16'];
const TRAEFIK = EdgeSource.namespace('traefik', { 'app.kubernetes.io/name': 'traefik' });
const ofKind = (fs: Finding[], kind: FindingKind) => fs.filter((f) => f.kind === kind);

/** A TraefikGateway whose ReferenceProxy answers forwardAuth for one route, plus whatever `extra` adds. */
function forwardAuthApp(extra: (chart: Chart, proxy: ReferenceProxy) => void = () => {}) {
  return (app: App) => {
    const chart = new Chart(app, 'edge', { namespace: 'edge' });
    const proxy = new ReferenceProxy(chart, 'auth-proxy');
    const gateway = new TraefikGateway(chart, 'gateway', { proxy });
    api(chart, gateway, 'orders', { backend: new ExternalNameBackend(chart, 'saas', { externalName: 'orders.example.net' }) });
    extra(chart, proxy);
  };
}

/** A raw NetworkPolicy on the proxy pods with the given ingress rules. */
function policy(chart: Chart, proxy: ReferenceProxy, id: string, ingress: unknown[], apiVersion = 'networking.k8s.io/v1', kind = 'NetworkPolicy') {
  new ApiObject(chart, id, {
    apiVersion,
    kind,
    metadata: { name: id },
    spec: { podSelector: { matchLabels: proxy.workload.podLabels }, policyTypes: ['Ingress'], ingress },
  });
}

describe('forwardAuth exposure (issue 10: the report lists it)', () => {
  it('is high when no NetworkPolicy selects the proxy pods: any pod can ask for upstream credentials', () => {
    const fs = ofKind(findings(topologyOf(forwardAuthApp())), FindingKind.FORWARD_AUTH_EXPOSED);
    expect(fs).toEqual([
      {
        gateway: 'edge/auth-proxy',
        location: 'api.example.com/orders',
        kind: FindingKind.FORWARD_AUTH_EXPOSED,
        severity: 'high',
        message:
          'the forwardAuth listener of edge/auth-proxy (port 8081) answers with the upstream credentials of 1 route(s) and is reachable by any pod in the cluster (no NetworkPolicy selects the proxy pods)',
        fix: expect.stringContaining("admit only Traefik's pods to port 8081: new GatewayNetworkPolicies("),
      },
    ]);
  });

  it('is not raised when GatewayNetworkPolicies admit only Traefik’s pods to the forwardAuth port', () => {
    const fenced = forwardAuthApp((chart, proxy) => {
      new GatewayNetworkPolicies(chart, 'fence', { gateway: proxy.workload, gatewayPorts: [proxy.forwardAuthPort], edge: TRAEFIK, clusterCidrs: CLUSTER });
    });
    expect(ofKind(findings(topologyOf(fenced)), FindingKind.FORWARD_AUTH_EXPOSED)).toEqual([]);
  });

  it('names the policy that admits every source, any pod of a namespace, or an address block to the port (by number or name)', () => {
    const cases: [unknown[], string][] = [
      [[{ ports: [{ port: 8081 }] }], 'every source'],
      [[{ ports: [{ port: 'forward-auth' }], from: [{ namespaceSelector: { matchLabels: { team: 'edge' } } }] }], 'any pod of the selected namespaces'],
      [[{ from: [{ podSelector: {} }] }], 'any pod of its own namespace'],
      [[{ ports: [{ port: 8081 }], from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }], 'addresses 0.0.0.0/0'],
    ];
    for (const [ingress, by] of cases) {
      const fs = ofKind(findings(topologyOf(forwardAuthApp((chart, proxy) => policy(chart, proxy, 'open', ingress)))), FindingKind.FORWARD_AUTH_EXPOSED);
      expect(fs.map((f) => f.message), by).toEqual([
        `the forwardAuth listener of edge/auth-proxy (port 8081) answers with the upstream credentials of 1 route(s) and is reachable by ${by} (admitted by edge/open)`,
      ]);
    }
  });

  it('ignores rules for other ports, and does not judge policies of other kinds', () => {
    const otherPort = forwardAuthApp((chart, proxy) =>
      policy(chart, proxy, 'metrics', [{ ports: [{ port: 9090 }] }, { ports: [{ port: 8081 }], from: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }] }]),
    );
    expect(ofKind(findings(topologyOf(otherPort)), FindingKind.FORWARD_AUTH_EXPOSED)).toEqual([]);
    const cilium = forwardAuthApp((chart, proxy) => policy(chart, proxy, 'cilium', [], 'cilium.io/v2', 'CiliumNetworkPolicy'));
    expect(ofKind(findings(topologyOf(cilium)), FindingKind.FORWARD_AUTH_EXPOSED)).toEqual([]);
  });

  it('is raised by diff at the same severity when a change removes the fence', () => {
    const fenced = topologyOf(
      forwardAuthApp((chart, proxy) => {
        new GatewayNetworkPolicies(chart, 'fence', { gateway: proxy.workload, gatewayPorts: [proxy.forwardAuthPort], edge: TRAEFIK, clusterCidrs: CLUSTER });
      }),
    );
    const open = topologyOf(forwardAuthApp());
    const raised = diffTopologies(fenced, open).changes.filter((c) => c.raises?.some((r) => r.kind === FindingKind.FORWARD_AUTH_EXPOSED));
    expect(raised.map((c) => [c.kind, c.severity, c.gateway])).toEqual([['finding-raised', 'high', 'edge/auth-proxy']]);
  });
});

describe('cross-namespace references (issue 10: the report lists them)', () => {
  it('flags a Traefik route to a Service in another namespace, medium, and not one in its own', () => {
    const fs = findings(
      topologyOf((app) => {
        const chart = new Chart(app, 'edge', { namespace: 'edge' });
        const gateway = new TraefikGateway(chart, 'gateway', { allowCrossNamespace: true });
        api(chart, gateway, 'orders', { backend: ServiceBackend.fromServiceName('orders', { namespace: 'shop', port: 8443, scheme: 'https' }) });
        api(chart, gateway, 'local', { backend: ServiceBackend.fromServiceName('local', { port: 8443, scheme: 'https' }) });
      }),
    );
    expect(ofKind(fs, FindingKind.CROSS_NAMESPACE_REFERENCE)).toEqual([
      {
        gateway: 'edge/gateway',
        route: 'edge/orders',
        location: 'api.example.com/orders',
        kind: FindingKind.CROSS_NAMESPACE_REFERENCE,
        severity: 'medium',
        message:
          "the IngressRoute in namespace edge sends traffic to Service orders in namespace shop; Traefik serves it only with providers.kubernetesCRD.allowCrossNamespace=true, which lets every IngressRoute in the cluster use any namespace's Services and Middlewares",
        fix: "put the gateway in the backend's namespace (or the backend in the gateway's); keep allowCrossNamespace off where you can",
      },
    ]);
  });
});

describe('engine differences (from the capability table)', () => {
  it('raises a medium finding on an Oathkeeper JWT route: it accepts tokens without exp and lets an encoded slash through', () => {
    const fs = findings(
      topologyOf((app) => {
        const chart = new Chart(app, 'saas', { namespace: 'saas' });
        const gateway = new OathkeeperGateway(chart, 'oathkeeper');
        api(chart, gateway, 'jira', { clientAuth: jwt(), backend: new ExternalNameBackend(chart, 'jira-backend', { externalName: 'example.atlassian.net' }) });
      }),
    );
    const [d] = ofKind(fs, FindingKind.ENGINE_DIFFERENCE);
    expect([d.severity, d.route, d.location]).toEqual(['medium', 'saas/jira', 'api.example.com/jira']);
    expect(d.message).toBe(
      'Oathkeeper behaves otherwise than the model here: required scopes (`scope` string or `scp` array) (differs); ' +
        'no forwarding headers toward third parties (`forwardingHeaders: "hide"`) (differs); tokens without `exp` refused (differs, looser); tokens without a `kid` header (differs); ' +
        'clock tolerance for `exp`/`nbf`/`iat` (differs); caller credential, third-party cookies and caller-supplied identity headers removed (differs); ' +
        'an encoded slash (`%2F`) kept inside the route prefix on its way to the backend (differs, looser); an upstream timeout per route (`timeoutSeconds`) (not honoured); ' +
        'WebSocket handshakes refused on routes that do not allow them (differs)',
    );
    expect(d.fix).toContain('a token without `exp` is accepted until its key rotates');
  });

  it('raises none on the reference proxy, which runs the model itself', () => {
    const fs = findings(
      topologyOf((app) => {
        const chart = new Chart(app, 'p', { namespace: 'p' });
        api(chart, new ReferenceProxyGateway(chart, 'rp'), 'inline', { clientAuth: ClientAuth.none(), scopes: [] });
      }),
    );
    expect(ofKind(fs, FindingKind.ENGINE_DIFFERENCE)).toEqual([]);
  });
});

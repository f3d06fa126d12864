import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { oicOnOke } from '../../examples/oic-on-oke';
import { EdgeSource, ErrorCode, GatewayNetworkPolicies, TraefikHubGateway, type GatewayNetworkPoliciesProps } from '../../src';
import { NetworkPolicyEvaluator, type Endpoint, type PodEndpoint } from '../support/network-policy-evaluator';
import { findObject, synthObjects, testChart, toYaml, type KubeObject } from '../support/synth';
import { catchError } from '../support/errors';

const PROXY = { 'app.kubernetes.io/name': 'gatewright-proxy' };
const TRAEFIK = { 'app.kubernetes.io/name': 'traefik' };

const baseProps: GatewayNetworkPoliciesProps = {
  gateway: { namespace: 'gateway', podLabels: PROXY },
  gatewayPorts: [8080],
  edge: EdgeSource.namespace('traefik', TRAEFIK),
  backends: [{ namespace: 'orders', podLabels: { app: 'orders' }, ports: [8080] }],
  clientNamespaces: ['shop'],
  // EKS: VPC (nodes and pods, VPC CNI) and the service CIDR.
  clusterCidrs: ['10.0.0.0/16', '172.20.0.0/16'],
};

function synth(props: Partial<GatewayNetworkPoliciesProps> = {}): KubeObject[] {
  const chart = testChart();
  new GatewayNetworkPolicies(chart, 'edge', { ...baseProps, ...props });
  return synthObjects(chart);
}

describe('GatewayNetworkPolicies', () => {
  const objects = synth();

  it('emits one policy per concern, in a stable order', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'NetworkPolicy/gateway/edge-gateway-ingress',
      'NetworkPolicy/gateway/edge-gateway-egress',
      'NetworkPolicy/orders/edge-backend-ingress',
      'NetworkPolicy/shop/edge-client-egress',
    ]);
    for (const o of objects) expect(o.apiVersion).toBe('networking.k8s.io/v1');
  });

  it('admits traffic to the gateway only from the edge and the client namespaces, on the gateway ports', () => {
    expect(findObject(objects, 'NetworkPolicy', 'edge-gateway-ingress').spec).toEqual({
      podSelector: { matchLabels: PROXY },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: TRAEFIK } },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } },
          ],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
  });

  it('lets the gateway reach DNS, its backends and the internet on 443 outside the cluster CIDRs only', () => {
    expect(findObject(objects, 'NetworkPolicy', 'edge-gateway-egress').spec).toEqual({
      podSelector: { matchLabels: PROXY },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'orders' } }, podSelector: { matchLabels: { app: 'orders' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/16', '172.20.0.0/16'] } }],
          ports: [{ protocol: 'TCP', port: 443 }],
        },
      ],
    });
  });

  it('admits traffic to an in-cluster backend only from the gateway pods', () => {
    const p = findObject(objects, 'NetworkPolicy', 'edge-backend-ingress');
    expect(p.metadata.namespace).toBe('orders');
    expect(p.spec).toEqual({
      podSelector: { matchLabels: { app: 'orders' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } }, podSelector: { matchLabels: PROXY } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
  });

  it('gives client namespaces default-deny egress with DNS, the gateway and their own namespace', () => {
    const p = findObject(objects, 'NetworkPolicy', 'edge-client-egress');
    expect(p.metadata.namespace).toBe('shop');
    expect(p.spec.podSelector).toEqual({});
    expect(p.spec.policyTypes).toEqual(['Egress']);
    expect(p.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } }, podSelector: { matchLabels: PROXY } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
      { to: [{ podSelector: {} }] },
    ]);
  });

  it('leaves ingress open on the gateway ports only when the gateway is the edge', () => {
    const p = findObject(synth({ edge: EdgeSource.anywhere(), clientNamespaces: [] }), 'NetworkPolicy', 'edge-gateway-ingress');
    expect(p.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8080 }] }]);
  });

  it('adds the API server only when asked', () => {
    const egress = findObject(synth({ apiServerCidrs: ['10.0.0.10/32'] }), 'NetworkPolicy', 'edge-gateway-egress').spec.egress;
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  it('gives every client namespace its own default-deny egress policy', () => {
    const policies = synth({ clientNamespaces: ['shop', 'billing'] }).filter((o) => o.metadata.name === 'edge-client-egress');
    expect(policies.map((o) => o.metadata.namespace)).toEqual(['shop', 'billing']);
  });

  it('matches the YAML snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });

  it('requires an explicit edge choice', () => {
    const err = catchError(() => synth({ edge: undefined as unknown as EdgeSource }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.field).toBe('edge');
  });

  it('rejects a cluster CIDR that is not one', () => {
    const err = catchError(() => synth({ clusterCidrs: ['10.0.0.0'] }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.field).toBe('clusterCidrs[0]');
  });

  it('rejects the gateway’s or the edge’s own namespace as a client namespace', () => {
    const gatewayNs = catchError(() => synth({ clientNamespaces: ['shop', 'gateway'] }));
    expect(gatewayNs.field).toBe('clientNamespaces');
    expect(gatewayNs.message).toContain('"gateway"');
    expect(catchError(() => synth({ clientNamespaces: ['traefik'] })).message).toContain("the edge's own namespace");
  });

  it('rejects a /0 cluster CIDR, which the API server refuses as an ipBlock except of 0.0.0.0/0', () => {
    const err = catchError(() => synth({ clusterCidrs: ['10.0.0.0/16', '0.0.0.0/0'] }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.field).toBe('clusterCidrs[1]');
  });

  it('rejects an empty cluster CIDR list: internet egress would include the cluster', () => {
    expect(catchError(() => synth({ clusterCidrs: [] })).field).toBe('clusterCidrs');
  });

  it('rejects an API server range wider than /8 (0.0.0.0/0 would open the API server port to everything)', () => {
    const err = catchError(() => synth({ apiServerCidrs: ['0.0.0.0/0'] }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toBe("[test/edge] apiServerCidrs[0]: is wider than /8: name the API server's own addresses (its endpoint IPs, /32 each)");
  });

  it('refuses pod labels whose prototype was replaced (an empty selector would select every pod)', () => {
    const err = catchError(() => synth({ gateway: { namespace: 'edge', podLabels: { __proto__: { app: 'traefik' } } as never } }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.field).toBe('gateway.podLabels');
  });
});

describe('GatewayNetworkPolicies, evaluated (which connections pass)', () => {
  const policies = new NetworkPolicyEvaluator(synth());
  const pod = (name: string, namespace: string, labels: Record<string, string>, ip: string): PodEndpoint => ({ kind: 'pod', name, namespace, labels, ip });
  const traefik = pod('traefik', 'traefik', TRAEFIK, '10.0.1.10');
  const gateway = pod('gateway', 'gateway', PROXY, '10.0.1.20');
  const orders = pod('orders', 'orders', { app: 'orders' }, '10.0.2.30');
  const ordersDb = pod('orders-db', 'orders', { app: 'db' }, '10.0.2.31');
  const shopWeb = pod('web', 'shop', { app: 'web' }, '10.0.3.40');
  const shopWorker = pod('worker', 'shop', { app: 'worker' }, '10.0.3.41');
  const intruder = pod('intruder', 'other', { app: 'x' }, '10.0.4.50');
  const coredns = pod('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, '10.0.0.53');
  const internet: Endpoint = { kind: 'external', ip: '93.184.216.34' };
  const node: Endpoint = { kind: 'external', ip: '10.0.0.5' };

  const cases: [string, Endpoint, Endpoint, number, boolean, ('TCP' | 'UDP')?][] = [
    ['edge → gateway', traefik, gateway, 8080, true],
    ['edge → gateway on another port', traefik, gateway, 9090, false],
    ['other namespace → gateway', intruder, gateway, 8080, false],
    ['client app → gateway', shopWeb, gateway, 8080, true],
    ['gateway → backend', gateway, orders, 8080, true],
    ['gateway → backend on another port', gateway, orders, 9000, false],
    ['edge → backend (bypassing the gateway)', traefik, orders, 8080, false],
    ['other namespace → backend', intruder, orders, 8080, false],
    ['client app → backend', shopWeb, orders, 8080, false],
    ['client app → internet', shopWeb, internet, 443, false],
    ['client app → DNS over UDP', shopWeb, coredns, 53, true, 'UDP'],
    ['client app → DNS over TCP', shopWeb, coredns, 53, true, 'TCP'],
    ['client app → same-namespace pod', shopWeb, shopWorker, 5432, true],
    ['gateway → internet on 443', gateway, internet, 443, true],
    ['gateway → internet on 80', gateway, internet, 80, false],
    ['gateway → a non-backend pod on 443 (inside the cluster CIDRs)', gateway, ordersDb, 443, false],
    ['gateway → a node on 443', gateway, node, 443, false],
    ['gateway → DNS', gateway, coredns, 53, true, 'UDP'],
    ['unrelated namespace → internet (not isolated)', intruder, internet, 443, true],
    ['backend namespace neighbour → internet (egress not isolated)', ordersDb, internet, 443, true],
  ];

  it.each(cases)('%s: allowed=%s', (_label, from, to, port, expected, protocol) => {
    const verdict = policies.evaluate({ from, to, port, protocol });
    expect(verdict.allowed, JSON.stringify(verdict)).toBe(expected);
  });

  it('denies a client app → backend call on both ends', () => {
    expect(policies.evaluate({ from: shopWeb, to: orders, port: 8080 })).toEqual({ allowed: false, egress: 'denied', ingress: 'denied' });
  });

  it('isolates client namespaces completely when intra-namespace traffic is switched off', () => {
    const strict = new NetworkPolicyEvaluator(synth({ allowClientIntraNamespace: false }));
    expect(strict.allows({ from: shopWeb, to: shopWorker, port: 5432 })).toBe(false);
    expect(strict.allows({ from: shopWeb, to: gateway, port: 8080 })).toBe(true);
  });
});

describe('GatewayNetworkPolicies with Cilium toFQDNs (opt-in)', () => {
  function build(extraHosts?: string[]) {
    const chart = oicOnOke(Testing.app());
    const gateway = chart.node.findAll().find((c): c is TraefikHubGateway => c instanceof TraefikHubGateway)!;
    new GatewayNetworkPolicies(chart, 'edge', {
      ...baseProps,
      gateway: { namespace: 'traefik', podLabels: TRAEFIK },
      gatewayPorts: [8443],
      edge: EdgeSource.anywhere(),
      backends: [],
      clientNamespaces: [],
      ciliumFqdnEgress: { gateways: [gateway], extraHosts },
    });
    return synthObjects(chart);
  }

  it('allows exactly the hosts the routes call (backend, token and JWKS endpoints)', () => {
    const cnp = findObject(build(), 'CiliumNetworkPolicy', 'edge-gateway-fqdn-egress');
    expect(cnp.apiVersion).toBe('cilium.io/v2');
    expect(cnp.metadata.namespace).toBe('traefik');
    expect(cnp.spec.endpointSelector).toEqual({ matchLabels: TRAEFIK });
    expect(cnp.spec.egress[1]).toEqual({
      toFQDNs: [{ matchName: 'idcs-abc.identity.oraclecloud.com' }, { matchName: 'myinst.integration.ocp.oraclecloud.com' }],
      toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }],
    });
    expect(cnp.spec.egress[0].toPorts[0].rules).toEqual({ dns: [{ matchPattern: '*' }] });
  });

  it('drops the core 0.0.0.0/0 rule, which would otherwise re-open every address', () => {
    const egress = findObject(build(), 'NetworkPolicy', 'edge-gateway-egress').spec.egress as { to: { ipBlock?: unknown }[] }[];
    expect(egress.some((r) => r.to.some((peer) => peer.ipBlock))).toBe(false);
  });

  it('adds extra hosts, de-duplicated and sorted', () => {
    const cnp = findObject(build(['hub.traefik.io', 'myinst.integration.ocp.oraclecloud.com']), 'CiliumNetworkPolicy', 'edge-gateway-fqdn-egress');
    expect(cnp.spec.egress[1].toFQDNs.map((f: { matchName: string }) => f.matchName)).toEqual([
      'hub.traefik.io',
      'idcs-abc.identity.oraclecloud.com',
      'myinst.integration.ocp.oraclecloud.com',
    ]);
  });

  it('fails synth when no external host is known, naming the construct path once', () => {
    const chart = testChart();
    new GatewayNetworkPolicies(chart, 'edge', { ...baseProps, ciliumFqdnEgress: {} });
    expect(() => synthObjects(chart)).toThrow(/\n {2}\[[^\]\s]+\/edge\] ciliumFqdnEgress: found no external host names to allow\. Fix: pass the gateways/);
  });
});

describe('NetworkPolicyEvaluator follows the API server defaults', () => {
  const a: PodEndpoint = { kind: 'pod', name: 'a', namespace: 'ns', labels: { app: 'a' }, ip: '10.0.0.1' };
  const b: PodEndpoint = { kind: 'pod', name: 'b', namespace: 'ns', labels: { app: 'b' }, ip: '10.0.0.2' };
  const policy = (spec: Record<string, unknown>) => ({ kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'ns' }, spec: { podSelector: { matchLabels: { app: 'a' } }, ...spec } });

  it('treats `egress: []` without policyTypes as an ingress-only policy (egress stays open)', () => {
    const e = new NetworkPolicyEvaluator([policy({ egress: [] })]);
    expect(e.evaluate({ from: a, to: b, port: 80 }).egress).toBe('not-isolated');
    expect(e.evaluate({ from: b, to: a, port: 80 }).ingress).toBe('denied');
  });

  it('treats an empty policyTypes list like an absent one (Ingress is isolated)', () => {
    const e = new NetworkPolicyEvaluator([policy({ policyTypes: [] })]);
    expect(e.evaluate({ from: b, to: a, port: 80 }).ingress).toBe('denied');
  });

  it('denies all egress for policyTypes [Egress] without egress rules', () => {
    const e = new NetworkPolicyEvaluator([policy({ policyTypes: ['Egress'] })]);
    expect(e.evaluate({ from: a, to: b, port: 80 })).toEqual({ allowed: false, egress: 'denied', ingress: 'not-isolated' });
    expect(e.evaluate({ from: b, to: a, port: 80 }).ingress).toBe('not-isolated');
  });

  it('refuses an ipBlock except that is not a strict subset of its cidr, as the API server does', () => {
    const peer = (cidr: string, except: string[]) => policy({ policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr, except } }] }] });
    expect(() => new NetworkPolicyEvaluator([peer('0.0.0.0/0', ['0.0.0.0/0'])])).toThrow(/strict subset/);
    expect(() => new NetworkPolicyEvaluator([peer('10.0.0.0/16', ['192.168.0.0/24'])])).toThrow(/strict subset/);
    expect(() => new NetworkPolicyEvaluator([peer('10.0.0.0/8', ['10.1.0.0/16'])])).not.toThrow();
  });
});

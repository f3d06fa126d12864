import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { dnsLabel, ErrorCode, externalHostsOfRoute, GatewrightError, parseOrThrow, port, safeRecord } from '../../model';
import type { IGateway } from '../gateways/gateway';
import { keysOf, rejectUnknownProps } from '../props/check-props';

/** The label every namespace carries with its own name (Kubernetes ≥ 1.22), used to select namespaces by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Pods in one namespace, selected by labels. */
export interface WorkloadSelector {
  /** Namespace of the pods. */
  readonly namespace: string;
  /**
   * Labels the pods carry, all of them.
   * @default {} - every pod in the namespace
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** An in-cluster backend that only the gateway may call. */
export interface InClusterBackendSelector extends WorkloadSelector {
  /**
   * Container ports the backend serves on. NetworkPolicy sees traffic after the Service has
   * translated its port, so these are the pods' ports, not the Service's.
   */
  readonly ports: readonly number[];
}

/**
 * Where traffic to the gateway comes from. A class with factories, because the two cases
 * are not combinable: either an edge proxy in front of the gateway, or the gateway is the edge.
 */
export class EdgeSource {
  /**
   * The gateway sits behind an edge proxy (e.g. Traefik in front of the reference proxy or
   * Oathkeeper): only pods of that namespace (and labels) may connect to it.
   */
  static namespace(namespace: string, podLabels: Readonly<Record<string, string>> = {}): EdgeSource {
    return new EdgeSource({ namespace, podLabels });
  }

  /**
   * The gateway *is* the edge (Traefik Hub behind a cloud load balancer): any source may
   * connect, but only on the gateway ports. Load balancers rewrite or preserve the client
   * address depending on `externalTrafficPolicy`, so no ipBlock can be named reliably.
   */
  static anywhere(): EdgeSource {
    return new EdgeSource(undefined);
  }

  private constructor(
    /** @internal */
    readonly _selector: WorkloadSelector | undefined,
  ) {}
}

/** Options for the opt-in Cilium FQDN egress policy. */
export interface CiliumFqdnEgressOptions {
  /**
   * Gateways whose routes name the external hosts: ExternalName backends, OAuth token
   * endpoints and JWKS URLs are collected from their routes, so the list is computed.
   * @default []
   */
  readonly gateways?: readonly IGateway[];
  /**
   * Further host names the gateway must reach (e.g. Traefik Hub's own SaaS endpoints).
   * @default []
   */
  readonly extraHosts?: readonly string[];
}

/** Props of {@link GatewayNetworkPolicies}. */
export interface GatewayNetworkPoliciesProps {
  /** The gateway's pods (Traefik Hub, the reference proxy, Oathkeeper). */
  readonly gateway: WorkloadSelector;
  /** Container ports the gateway serves on, e.g. `[8000, 8443]` for Traefik's web/websecure. */
  readonly gatewayPorts: readonly number[];
  /** Who may connect to the gateway besides the client namespaces. */
  readonly edge: EdgeSource;
  /**
   * In-cluster backends: each gets an ingress policy admitting only the gateway, and the
   * gateway may reach them on their ports.
   * @default []
   */
  readonly backends?: readonly InClusterBackendSelector[];
  /**
   * Application namespaces whose outbound calls must go through the gateway: they get a
   * default-deny egress policy with exceptions for DNS and the gateway only.
   * @default []
   */
  readonly clientNamespaces?: readonly string[];
  /**
   * Let pods of a client namespace keep talking to each other. Off means a client namespace
   * can reach only DNS and the gateway.
   * @default true
   */
  readonly allowClientIntraNamespace?: boolean;
  /**
   * Every address range inside the cluster: node/VPC CIDR, pod CIDR, service CIDR. The
   * gateway's egress to the internet is `0.0.0.0/0` *except* these, so "internet on 443"
   * cannot be used to reach other pods or services.
   */
  readonly clusterCidrs: readonly string[];
  /**
   * Ports the gateway may reach outside the cluster.
   * @default [443]
   */
  readonly egressPorts?: readonly number[];
  /**
   * Addresses of the Kubernetes API server, for gateways that watch CRDs (Traefik, Oathkeeper
   * Maester). They usually fall inside `clusterCidrs`, so they need an explicit allowance.
   * @default - none: the gateway cannot reach the API server through this policy
   */
  readonly apiServerCidrs?: readonly string[];
  /**
   * Port of the API server at those addresses.
   * @default 443
   */
  readonly apiServerPort?: number;
  /**
   * The cluster DNS pods.
   * @default - namespace kube-system, labels { 'k8s-app': 'kube-dns' } (CoreDNS on EKS and OKE)
   */
  readonly dns?: WorkloadSelector;
  /**
   * Also emit a `cilium.io/v2` `CiliumNetworkPolicy` that limits the gateway's external egress
   * to DNS names (`toFQDNs`). Core NetworkPolicy selects peers by label or IP block only, so
   * an ExternalName backend can never be named by its DNS name there; with this option the
   * core policy's internet rule is left out (policies are additive, so it would re-open
   * every address) and Cilium alone decides which hosts the gateway reaches.
   * Requires Cilium with its DNS proxy; the Cilium CRD is not in `../shared/crds`, so the
   * shared manifest validator rejects the object: leave this off unless the cluster runs Cilium.
   * @default - off
   */
  readonly ciliumFqdnEgress?: CiliumFqdnEgressOptions;
  /**
   * Prefix of the generated policy names.
   * @default - the construct id
   */
  readonly name?: string;
}

const cidr = z.string().refine(isIpv4Cidr, { message: 'must be an IPv4 CIDR such as "10.0.0.0/16"' });
/**
 * The API server's addresses: a handful of hosts. A range wider than /8 (0.0.0.0/0 above all)
 * would let the gateway reach most of the internet or the cluster on the API server's port.
 */
const apiServerCidr = cidr.refine((c) => Number(c.split('/')[1]) >= 8, { message: 'is wider than /8: name the API server\'s own addresses (its endpoint IPs, /32 each)' });
const labels = safeRecord(z.string().min(1), z.string());
const workload = z.object({ namespace: dnsLabel, podLabels: labels.default({}) });
/**
 * A cluster CIDR goes into `except` of `0.0.0.0/0`, which the API server accepts only as a
 * strict subset: `/0` would be rejected at apply time (and would mean "no internet" anyway).
 */
const clusterCidr = cidr.refine((c) => Number(c.split('/')[1]) > 0, { message: 'must be narrower than /0: it is excluded from the gateway\'s 0.0.0.0/0 internet egress' });
const propsSchema = z.object({
  name: dnsLabel,
  gateway: workload,
  gatewayPorts: z.array(port).min(1, { message: 'needs the gateway container ports, e.g. [8443]' }),
  backends: z.array(workload.extend({ ports: z.array(port).min(1, { message: 'needs the backend container ports' }) })).default([]),
  clientNamespaces: z.array(dnsLabel).default([]),
  allowClientIntraNamespace: z.boolean().default(true),
  clusterCidrs: z.array(clusterCidr).min(1, { message: 'needs the node, pod and service CIDRs, e.g. ["10.0.0.0/16", "172.20.0.0/16"]' }),
  egressPorts: z.array(port).min(1).default([443]),
  apiServerCidrs: z.array(apiServerCidr).default([]),
  apiServerPort: port.default(443),
  dns: workload.default({ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }),
});
type Props = z.infer<typeof propsSchema>;
type Workload = z.infer<typeof workload>;

/** A NetworkPolicy peer or rule, in the plain form the API server takes. */
type Peer = Record<string, unknown>;

const GATEWAY_NETWORK_POLICIES_PROPS = keysOf<GatewayNetworkPoliciesProps>()(['gateway', 'gatewayPorts', 'edge', 'backends', 'clientNamespaces', 'allowClientIntraNamespace', 'clusterCidrs', 'egressPorts', 'apiServerCidrs', 'apiServerPort', 'dns', 'ciliumFqdnEgress', 'name']);

/**
 * NetworkPolicies (core `networking.k8s.io/v1`) that make the gateway the only way in and out:
 *
 * - the gateway accepts connections only from the edge and the client namespaces, on its ports;
 * - each in-cluster backend accepts connections only from the gateway, on its ports;
 * - client namespaces may only resolve names and call the gateway (default-deny egress);
 * - the gateway itself may reach DNS, its backends, the API server if asked, and the
 *   internet on 443 — but no other address inside the cluster.
 *
 * Kubernetes semantics: a pod is isolated for a direction as soon as one policy selects it
 * for that direction, and a connection is allowed if any policy allows it (both the
 * sender's egress and the receiver's ingress must allow it).
 *
 * External backends (ExternalName Services, token and JWKS endpoints) cannot be selected by
 * DNS name in core NetworkPolicy: peers are pods, namespaces or IP blocks, and an ExternalName
 * Service has no endpoints to select. The gateway therefore gets "443 anywhere outside the
 * cluster"; to pin it to the hosts the routes actually call, enable `ciliumFqdnEgress`
 * (Cilium `toFQDNs`).
 *
 * Traffic to a Service is matched after translation to the pod's IP and container port, so
 * every port here is a container port. Apps in a client namespace must call the gateway's
 * in-cluster Service: a detour through the public load balancer leaves the cluster and is denied.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class GatewayNetworkPolicies extends Construct {
  /** The generated policies, in emission order. */
  readonly policies: ApiObject[] = [];
  private readonly props: Props;

  constructor(scope: Construct, id: string, props: GatewayNetworkPoliciesProps) {
    super(scope, id);
    rejectUnknownProps(props, GATEWAY_NETWORK_POLICIES_PROPS, this.node.path, 'GatewayNetworkPolicies');
    if (!(props.edge instanceof EdgeSource)) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: this.node.path,
        field: 'edge',
        problem: 'is required: say who may connect to the gateway',
        fix: 'set edge: EdgeSource.namespace("traefik") or, when the gateway is the edge, EdgeSource.anywhere()',
      });
    }
    this.props = parseOrThrow(propsSchema, { ...props, name: props.name ?? id }, this.node.path);
    const edge = props.edge._selector ? parseOrThrow(workload, props.edge._selector, this.node.path, 'edge') : undefined;
    // A client namespace's default-deny egress selects every pod there, and policies add up: in
    // the gateway's namespace it would open the gateway to every neighbour on every port; in the
    // edge's it would cut the edge off from the API server and everything but the gateway.
    for (const [role, namespace] of [['gateway', this.props.gateway.namespace], ['edge', edge?.namespace]] as const) {
      if (namespace && this.props.clientNamespaces.includes(namespace)) {
        throw new GatewrightError({
          code: ErrorCode.INVALID_PROPS,
          path: this.node.path,
          field: 'clientNamespaces',
          problem: `includes "${namespace}", the ${role}'s own namespace; its default-deny egress policy would select the ${role} pods too`,
          fix: `list only the application namespaces that call the gateway; the ${role} gets its own policies`,
        });
      }
    }
    this.emitGatewayIngress(edge);
    this.emitGatewayEgress(props.ciliumFqdnEgress !== undefined);
    this.props.backends.forEach((b, i) => this.emitBackendIngress(b, i));
    for (const ns of this.props.clientNamespaces) this.emitClientEgress(ns);
    if (props.ciliumFqdnEgress) this.emitCiliumFqdnEgress(props.ciliumFqdnEgress);
  }

  private emitGatewayIngress(edge: Workload | undefined): void {
    const p = this.props;
    const ports = tcp(p.gatewayPorts);
    const from = [...(edge ? [peerOf(edge)] : []), ...p.clientNamespaces.map((ns) => ({ namespaceSelector: byName(ns) }))];
    this.policy(`${p.name}-gateway-ingress`, p.gateway, {
      policyTypes: ['Ingress'],
      // No `from` at all means "from anywhere": only when the gateway is the edge.
      ingress: edge ? [{ from, ports }] : [{ ports }],
    });
  }

  private emitGatewayEgress(fqdnMode: boolean): void {
    const p = this.props;
    const egress: Peer[] = [this.dnsRule()];
    for (const b of p.backends) egress.push({ to: [peerOf(b)], ports: tcp(b.ports) });
    if (p.apiServerCidrs.length) {
      egress.push({ to: p.apiServerCidrs.map((c) => ({ ipBlock: { cidr: c } })), ports: tcp([p.apiServerPort]) });
    }
    if (!fqdnMode) {
      egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...p.clusterCidrs] } }], ports: tcp(p.egressPorts) });
    }
    this.policy(`${p.name}-gateway-egress`, p.gateway, { policyTypes: ['Egress'], egress });
  }

  private emitBackendIngress(b: Props['backends'][number], index: number): void {
    const p = this.props;
    const suffix = p.backends.length > 1 ? `-${index + 1}` : '';
    this.policy(`${p.name}-backend-ingress${suffix}`, b, {
      policyTypes: ['Ingress'],
      ingress: [{ from: [peerOf(p.gateway)], ports: tcp(b.ports) }],
    });
  }

  private emitClientEgress(namespace: string): void {
    const p = this.props;
    const egress: Peer[] = [this.dnsRule(), { to: [peerOf(p.gateway)], ports: tcp(p.gatewayPorts) }];
    if (p.allowClientIntraNamespace) egress.push({ to: [{ podSelector: {} }] });
    this.policy(`${p.name}-client-egress`, { namespace, podLabels: {} }, { policyTypes: ['Egress'], egress });
  }

  private dnsRule(): Peer {
    return {
      to: [peerOf(this.props.dns)],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    };
  }

  private emitCiliumFqdnEgress(options: CiliumFqdnEgressOptions): void {
    const p = this.props;
    // Lazy: SecuredApis attached to the gateways after this construct still count.
    const hosts = () =>
      [...new Set([...(options.gateways ?? []).flatMap((g) => g.routes.flatMap(externalHostsOfRoute)), ...(options.extraHosts ?? [])])].sort();
    this.node.addValidation({
      validate: () =>
        hosts().length
          ? []
          : [
              // No `path`: cdk8s prefixes every validation message with this construct's path.
              new GatewrightError({
                code: ErrorCode.INVALID_PROPS,
                field: 'ciliumFqdnEgress',
                problem: 'found no external host names to allow',
                fix: 'pass the gateways whose routes call external hosts (ciliumFqdnEgress.gateways), or list them in extraHosts',
              }).message,
            ],
    });
    const dnsLabels = { 'k8s:io.kubernetes.pod.namespace': p.dns.namespace, ...prefixed(p.dns.podLabels) };
    const name = `${p.name}-gateway-fqdn-egress`;
    this.policies.push(
      new ApiObject(this, name, {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata: { name, namespace: p.gateway.namespace, labels: { 'app.kubernetes.io/managed-by': 'gatewright' } },
        spec: {
          endpointSelector: { matchLabels: { ...p.gateway.podLabels } },
          egress: [
            {
              toEndpoints: [{ matchLabels: dnsLabels }],
              // The DNS rule puts lookups through Cilium's proxy: toFQDNs learns the IPs from them.
              toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
            },
            {
              toFQDNs: Lazy.any({ produce: () => hosts().map((matchName) => ({ matchName })) }),
              toPorts: [{ ports: p.egressPorts.map((n) => ({ port: String(n), protocol: 'TCP' })) }],
            },
          ],
        },
      }),
    );
  }

  private policy(name: string, target: Workload, spec: Record<string, unknown>): void {
    this.policies.push(
      // The id carries the namespace: client-egress policies share a name across namespaces.
      new ApiObject(this, `${target.namespace}-${name}`, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name, namespace: target.namespace, labels: { 'app.kubernetes.io/managed-by': 'gatewright' } },
        spec: { podSelector: selectorOf(target.podLabels), ...spec },
      }),
    );
  }
}

function peerOf(w: Workload): Peer {
  return { namespaceSelector: byName(w.namespace), podSelector: selectorOf(w.podLabels) };
}

function byName(namespace: string): Peer {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } };
}

function selectorOf(podLabels: Readonly<Record<string, string>>): Peer {
  return Object.keys(podLabels).length ? { matchLabels: { ...podLabels } } : {};
}

function tcp(ports: readonly number[]): Peer[] {
  return ports.map((n) => ({ protocol: 'TCP', port: n }));
}

function prefixed(podLabels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(podLabels).map(([k, v]) => [`k8s:${k}`, v]));
}

function isIpv4Cidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

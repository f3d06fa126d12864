import type { AccessTopologyModel, ForwardAuthListenerModel, NetworkPolicyPeerModel, NetworkPolicySummaryModel } from '../model';

/** Who, besides chosen pods, can reach a forwardAuth listener; undefined when only chosen pods can. */
export interface ForwardAuthExposure {
  /** The listener. */
  readonly listener: ForwardAuthListenerModel;
  /** Who reaches it, in a few words (`any pod in the cluster`, `addresses 10.0.0.0/8`). */
  readonly reachableBy: string;
  /**
   * Construct path of the policy that admits them.
   * @default - none: no policy selects the proxy pods
   */
  readonly policy?: string;
}

const isolatesIngress = (p: NetworkPolicySummaryModel) => p.policyTypes.length === 0 || p.policyTypes.includes('Ingress');

/** Whether `policy` selects the listener's pods (matchLabels only; `{}` selects every pod). */
function selects(policy: NetworkPolicySummaryModel, listener: ForwardAuthListenerModel): boolean {
  if ((policy.namespace ?? 'default') !== (listener.namespace ?? 'default')) return false;
  return Object.entries(policy.podSelector).every(([k, v]) => listener.podLabels[k] === v);
}

/** A peer that admits more than chosen pods, in words; undefined for a pod selector with labels. */
function broadPeer(peer: NetworkPolicyPeerModel): string | undefined {
  if (peer.cidr) return `addresses ${peer.cidr}`;
  if (peer.hasExpressions) return undefined;
  const namespaces =
    peer.namespaceLabels === undefined ? 'its own namespace' : Object.keys(peer.namespaceLabels).length === 0 ? 'any namespace' : 'the selected namespaces';
  if (peer.podLabels === undefined || Object.keys(peer.podLabels).length === 0) return `any pod of ${namespaces}`;
  return undefined;
}

/**
 * The forwardAuth listeners that pods other than selected ones (Traefik's) can reach, with
 * who can. Kubernetes NetworkPolicies only: a listener whose pods a policy of another kind
 * (Cilium) selects is not judged. A policy is read as Kubernetes reads it: pods no
 * ingress-isolating policy selects accept everyone; otherwise the union of the rules
 * admitting the listener's port (by number or name) decides.
 */
export function forwardAuthExposures(topology: AccessTopologyModel): ForwardAuthExposure[] {
  const out: ForwardAuthExposure[] = [];
  for (const listener of topology.forwardAuthListeners) {
    const policies = topology.networkPolicies.filter((p) => isolatesIngress(p) && selects(p, listener));
    if (policies.length === 0) {
      out.push({ listener, reachableBy: 'any pod in the cluster (no NetworkPolicy selects the proxy pods)' });
      continue;
    }
    if (policies.some((p) => p.ingress === undefined)) continue;
    const exposure = policies
      .flatMap((p) =>
        (p.ingress ?? [])
          .filter((rule) => rule.ports.length === 0 || rule.ports.includes(listener.port) || rule.ports.includes(listener.portName))
          .map((rule) => ({ p, by: rule.from.length === 0 ? 'every source' : rule.from.map(broadPeer).find((b) => b !== undefined) })),
      )
      .find((e) => e.by !== undefined);
    if (exposure) out.push({ listener, reachableBy: exposure.by!, policy: exposure.p.path });
  }
  return out;
}

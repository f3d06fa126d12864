import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import {
  accessTopologySchema,
  redactTopology,
  type AccessTopologyModel,
  type ForwardAuthListenerModel,
  type NetworkPolicyIngressModel,
  type NetworkPolicyPeerModel,
  type NetworkPolicySummaryModel,
  type WorkloadSummaryModel,
} from '../../model';
import type { IGateway } from '../gateways/gateway';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Duck-typed: any engine's gateway, including ones this module has never heard of. */
export function isGateway(c: IConstruct): c is IGateway {
  const g = c as Partial<IGateway>;
  return typeof g._toGatewayModel === 'function' && typeof g._addRoute === 'function' && Array.isArray(g.routes);
}

/** Duck-typed: a ReferenceProxy (or anything) that serves forwardAuth. */
function forwardAuthListenerOf(c: IConstruct): ForwardAuthListenerModel | undefined {
  const p = c as { _forwardAuthListener?: () => ForwardAuthListenerModel | undefined };
  return typeof p._forwardAuthListener === 'function' ? p._forwardAuthListener() : undefined;
}

/**
 * Walks the construct tree under `scope` (usually the `App`) and returns every gateway with
 * its routes, every NetworkPolicy-like object and every workload, in tree order. The result
 * is redacted: plaintext credential values read `[redacted]`.
 *
 * NetworkPolicies are found by object kind (`NetworkPolicy`, `CiliumNetworkPolicy`, ...), so
 * any construct that emits them (e.g. `GatewayNetworkPolicies`) is covered without knowing it.
 */
export function collectTopology(scope: IConstruct): AccessTopologyModel {
  const gateways: AccessTopologyModel['gateways'] = [];
  const networkPolicies: NetworkPolicySummaryModel[] = [];
  const workloads: WorkloadSummaryModel[] = [];
  const forwardAuthListeners: ForwardAuthListenerModel[] = [];
  for (const c of scope.node.findAll()) {
    const listener = forwardAuthListenerOf(c);
    if (listener) forwardAuthListeners.push(listener);
    if (isGateway(c)) {
      gateways.push({ ...c._toGatewayModel(), routes: [...c.routes] });
    } else if (c instanceof ApiObject) {
      if (c.kind.endsWith('NetworkPolicy')) networkPolicies.push(summarizeNetworkPolicy(c));
      else if (WORKLOAD_KINDS.has(c.kind)) workloads.push(summarizeWorkload(c));
    }
  }
  return redactTopology(accessTopologySchema.parse({ version: 1, gateways, networkPolicies, workloads, forwardAuthListeners }));
}

/** The object's JSON, or undefined when it cannot be resolved yet (synth reports that itself). */
function jsonOf(o: ApiObject): Record<string, any> | undefined {
  try {
    return o.toJson();
  } catch {
    return undefined;
  }
}

function summarizeNetworkPolicy(o: ApiObject): NetworkPolicySummaryModel {
  const json = jsonOf(o);
  const namespace = json?.metadata?.namespace ?? o.metadata.namespace;
  const selector = json?.spec?.podSelector?.matchLabels ?? json?.spec?.endpointSelector?.matchLabels ?? {};
  return {
    name: o.name,
    ...(namespace ? { namespace } : {}),
    path: o.node.path,
    podSelector: Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, String(v)])),
    policyTypes: Array.isArray(json?.spec?.policyTypes) ? json!.spec.policyTypes.map(String) : [],
    ...(o.apiVersion === 'networking.k8s.io/v1' && o.kind === 'NetworkPolicy' ? { ingress: ingressRules(json?.spec?.ingress) } : {}),
  };
}

const stringRecord = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [k, String(x)]));

/** The ingress rules of a `networking.k8s.io/v1` NetworkPolicy, as the report evaluates them. */
function ingressRules(rules: unknown): NetworkPolicyIngressModel[] {
  if (!Array.isArray(rules)) return [];
  return rules.map((rule: Record<string, any>) => ({
    ports: Array.isArray(rule?.ports) ? rule.ports.map((p: Record<string, any>) => p?.port).filter((p: unknown) => typeof p === 'number' || typeof p === 'string') : [],
    from: Array.isArray(rule?.from) ? rule.from.map(peerOf) : [],
  }));
}

function peerOf(peer: Record<string, any>): NetworkPolicyPeerModel {
  const expressions = (sel: Record<string, any> | undefined) => Array.isArray(sel?.matchExpressions) && sel!.matchExpressions.length > 0;
  return {
    ...(peer?.podSelector ? { podLabels: stringRecord(peer.podSelector.matchLabels) } : {}),
    ...(peer?.namespaceSelector ? { namespaceLabels: stringRecord(peer.namespaceSelector.matchLabels) } : {}),
    ...(peer?.ipBlock?.cidr ? { cidr: String(peer.ipBlock.cidr) } : {}),
    hasExpressions: expressions(peer?.podSelector) || expressions(peer?.namespaceSelector),
  };
}

function summarizeWorkload(o: ApiObject): WorkloadSummaryModel {
  const json = jsonOf(o);
  const namespace = json?.metadata?.namespace ?? o.metadata.namespace;
  const replicas = json?.spec?.replicas;
  return {
    kind: o.kind,
    name: o.name,
    ...(namespace ? { namespace } : {}),
    path: o.node.path,
    ...(typeof replicas === 'number' ? { replicas } : {}),
  };
}

import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import {
  accessTopologySchema,
  redactTopology,
  type AccessTopologyModel,
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
  for (const c of scope.node.findAll()) {
    if (isGateway(c)) {
      gateways.push({ ...c._toGatewayModel(), routes: [...c.routes] });
    } else if (c instanceof ApiObject) {
      if (c.kind.endsWith('NetworkPolicy')) networkPolicies.push(summarizeNetworkPolicy(c));
      else if (WORKLOAD_KINDS.has(c.kind)) workloads.push(summarizeWorkload(c));
    }
  }
  return redactTopology(accessTopologySchema.parse({ version: 1, gateways, networkPolicies, workloads }));
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

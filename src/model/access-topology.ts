import { z } from 'zod';
import type { CredentialValueModel } from './secret-ref';
import { topologySchema, type TopologyModel } from './topology';
import type { UpstreamCredentialModel } from './upstream-credential';

/** One peer of a NetworkPolicy ingress rule (`from[]`), as the report evaluates it. */
export const networkPolicyPeerSchema = z.object({
  /**
   * `podSelector.matchLabels`; `{}` selects every pod.
   * @default - no podSelector: every pod of the selected namespaces (or an ipBlock)
   */
  podLabels: z.record(z.string(), z.string()).optional(),
  /**
   * `namespaceSelector.matchLabels`; `{}` selects every namespace.
   * @default - no namespaceSelector: the policy's own namespace
   */
  namespaceLabels: z.record(z.string(), z.string()).optional(),
  /**
   * `ipBlock.cidr`.
   * @default - not an ipBlock peer
   */
  cidr: z.string().optional(),
  /** True when a selector uses `matchExpressions`, which the report does not evaluate. */
  hasExpressions: z.boolean().default(false),
});
export type NetworkPolicyPeerModel = z.infer<typeof networkPolicyPeerSchema>;

/** One ingress rule of a NetworkPolicy. */
export const networkPolicyIngressSchema = z.object({
  /** Ports admitted, by number or by container port name; empty admits every port. */
  ports: z.array(z.union([z.number().int(), z.string()])).default([]),
  /** Who is admitted; empty admits every source. */
  from: z.array(networkPolicyPeerSchema).default([]),
});
export type NetworkPolicyIngressModel = z.infer<typeof networkPolicyIngressSchema>;

/**
 * A NetworkPolicy found next to the gateways, summarized for the report: coverage per
 * namespace, and (for `networking.k8s.io` policies) the ingress rules, so the report can tell
 * who reaches a forwardAuth listener.
 */
export const networkPolicySummarySchema = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  /** Construct path of the object. */
  path: z.string(),
  /** `matchLabels` of `spec.podSelector`; empty selects every pod of the namespace. */
  podSelector: z.record(z.string(), z.string()).default({}),
  policyTypes: z.array(z.string()).default([]),
  /**
   * The ingress rules of a Kubernetes NetworkPolicy.
   * @default - not evaluated (another kind, such as a CiliumNetworkPolicy)
   */
  ingress: z.array(networkPolicyIngressSchema).optional(),
});
export type NetworkPolicySummaryModel = z.infer<typeof networkPolicySummarySchema>;

/**
 * A reference proxy's forwardAuth listener: its answers carry upstream credentials, so only
 * Traefik's pods should reach it.
 */
export const forwardAuthListenerSchema = z.object({
  /** Construct path of the ReferenceProxy. */
  proxy: z.string(),
  namespace: z.string().optional(),
  /** Labels of the proxy's pods. */
  podLabels: z.record(z.string(), z.string()),
  /** Container port number of the listener. */
  port: z.number().int(),
  /** Container port name of the listener. */
  portName: z.string(),
  /** `host/path` of the routes answered there. */
  routes: z.array(z.string()),
});
export type ForwardAuthListenerModel = z.infer<typeof forwardAuthListenerSchema>;

/** A Deployment / StatefulSet / DaemonSet in the app, for environment comparisons. */
export const workloadSummarySchema = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  path: z.string(),
  /** `spec.replicas` when set. */
  replicas: z.number().int().optional(),
});
export type WorkloadSummaryModel = z.infer<typeof workloadSummarySchema>;

/**
 * What `gatewright report` reads: every gateway with its routes (the {@link topologySchema}),
 * plus what else the construct tree knows (NetworkPolicies, workloads). Plaintext credential
 * values never appear in it: {@link redactTopology} replaces them before it leaves the process.
 */
export const accessTopologySchema = topologySchema.extend({
  version: z.literal(1).default(1),
  networkPolicies: z.array(networkPolicySummarySchema).default([]),
  workloads: z.array(workloadSummarySchema).default([]),
  forwardAuthListeners: z.array(forwardAuthListenerSchema).default([]),
});
export type AccessTopologyModel = z.infer<typeof accessTopologySchema>;
export type AccessTopologyInput = z.input<typeof accessTopologySchema>;

/** What a redacted plaintext value reads as. */
export const REDACTED = '[redacted]';

function redactValue(v: CredentialValueModel): CredentialValueModel {
  return v.kind === 'unsafePlaintext' ? { kind: 'unsafePlaintext', value: REDACTED } : v;
}

function redactCredential(c: UpstreamCredentialModel): UpstreamCredentialModel {
  switch (c.kind) {
    case 'header':
    case 'queryParam':
      return { ...c, value: redactValue(c.value) };
    case 'basicAuth':
      return { ...c, username: redactValue(c.username), password: redactValue(c.password) };
    case 'oauth2ClientCredentials':
      // Plain-string scopes are public by contract (`UpstreamOAuthProps.scopes`: a SecretRef
      // keeps a sensitive one out of the manifests), so they stay readable.
      return { ...c, clientId: redactValue(c.clientId), clientSecret: redactValue(c.clientSecret) };
  }
}

/**
 * A copy of `topology` in which every `unsafePlaintext` credential value (except plain-string
 * OAuth scopes, which are public) reads `[redacted]`. Applied before a topology is written to a
 * file, printed or compared, so no secret value leaves the user's process.
 */
export function redactTopology<T extends TopologyModel>(topology: T): T {
  return {
    ...topology,
    gateways: topology.gateways.map((g) => ({
      ...g,
      routes: g.routes.map((r) => ({ ...r, upstreamAuth: r.upstreamAuth.map(redactCredential) })),
    })),
  };
}

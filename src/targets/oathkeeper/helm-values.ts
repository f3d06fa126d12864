import type { OathkeeperEnvBinding } from './access-rule';

/** Container resources, in Kubernetes quantities. */
export interface OathkeeperResources {
  /** What the scheduler reserves. */
  readonly requests?: {
    /** CPU, e.g. `100m`. */
    readonly cpu?: string;
    /** Memory, e.g. `64Mi`. */
    readonly memory?: string;
  };
  /** What the container may use at most. */
  readonly limits?: {
    /** CPU, e.g. `500m`. */
    readonly cpu?: string;
    /** Memory, e.g. `256Mi`. */
    readonly memory?: string;
  };
}

/** Horizontal pod autoscaling of Oathkeeper on CPU. */
export interface OathkeeperAutoscaling {
  /** Fewest replicas. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /** Average CPU utilization (percent of requests) to scale at. */
  readonly targetCpuUtilization: number;
}

export interface HelmValuesInput {
  /** The rendered `oathkeeper.yaml`. */
  readonly config: Record<string, unknown>;
  /** `maester`: Rule CRDs, maester writes the rules ConfigMap; `configMap`: ours is mounted. */
  readonly rulesDelivery: 'maester' | 'configMap';
  /** Our rules ConfigMap (configMap delivery). */
  readonly rulesConfigMapName?: string;
  readonly env: readonly OathkeeperEnvBinding[];
  readonly replicas: number;
  readonly resources: OathkeeperResources;
  readonly autoscaling?: OathkeeperAutoscaling;
}

/**
 * Values for the official chart (`ory/oathkeeper`, checked against chart 0.62 / Oathkeeper
 * v26.2.0). The chart has no `envFrom`; `deployment.extraEnv` with one `secretKeyRef` per
 * variable does the same job and names exactly the keys in use.
 */
export function renderHelmValues(input: HelmValuesInput): Record<string, unknown> {
  const maester = input.rulesDelivery === 'maester';
  return {
    replicaCount: input.replicas,
    oathkeeper: {
      config: input.config,
      // Both ways the rules arrive are ConfigMaps the chart mounts at /etc/rules.
      managedAccessRules: false,
      ...(!maester && input.rulesConfigMapName ? { accessRulesOverride: { nameOverride: input.rulesConfigMapName } } : {}),
    },
    maester: { enabled: maester },
    deployment: {
      extraEnv: input.env.map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secretName, key: e.key } } })),
      resources: input.resources,
      ...(input.autoscaling
        ? {
            autoscaling: {
              enabled: true,
              minReplicas: input.autoscaling.minReplicas,
              maxReplicas: input.autoscaling.maxReplicas,
              targetCPU: { type: 'Utilization', averageUtilization: input.autoscaling.targetCpuUtilization },
            },
          }
        : {}),
    },
  };
}

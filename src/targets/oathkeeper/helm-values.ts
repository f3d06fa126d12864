import type { OathkeeperEnvBinding } from './access-rule';

/** Container resources, in Kubernetes quantities. */
export interface OathkeeperResources {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

export interface OathkeeperAutoscaling {
  readonly minReplicas: number;
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

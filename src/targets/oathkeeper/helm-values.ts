import type { OathkeeperEnvBinding } from './access-rule';
import type { OathkeeperPorts } from './config';

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

/**
 * The chart version the values are written for; the Pulumi components pin it. ory/k8s publishes
 * the chart at its release tag (`v0.62.1`); the Chart.yaml in git at that tag still reads 0.62.0
 * because the release job bumps it after tagging.
 */
export const OATHKEEPER_CHART_VERSION = '0.62.1';
/** The Oathkeeper release that chart deploys (its `appVersion`). */
export const OATHKEEPER_VERSION = 'v26.2.0';

export interface HelmValuesInput {
  /** Our config ConfigMap (key `config.yaml`), which the chart mounts instead of rendering its own. */
  readonly configMapName: string;
  readonly ports: OathkeeperPorts;
  /** `maester`: Rule objects, maester writes the rules ConfigMap; `configMap`: ours is mounted. */
  readonly rulesDelivery: 'maester' | 'configMap';
  /** Our rules ConfigMap (configMap delivery). */
  readonly rulesConfigMapName?: string;
  readonly env: readonly OathkeeperEnvBinding[];
  readonly replicas: number;
  readonly resources: OathkeeperResources;
  readonly autoscaling?: OathkeeperAutoscaling;
  /** Maester watches only its own namespace (see `OathkeeperGateway`). */
  readonly maesterSingleNamespace: boolean;
}

/**
 * Values for the official chart (`ory/oathkeeper` 0.62, Oathkeeper v26.2.0), read against the
 * chart's templates. The chart renders `<fullname>-config` from `oathkeeper.config` unless
 * `configFileOverride.enabled` is false, in which case it mounts the ConfigMap named in
 * `nameOverride` (key `config.yaml`) — so there is one config, gatewright's, never two with one
 * name. The ports are repeated under `oathkeeper.config.serve` because the chart reads the
 * container ports from there. `deployment.extraEnv` binds one `secretKeyRef` per variable
 * the header templates read (the chart has no `envFrom`).
 */
export function renderHelmValues(input: HelmValuesInput): Record<string, unknown> {
  const maester = input.rulesDelivery === 'maester';
  return {
    image: { tag: OATHKEEPER_VERSION },
    replicaCount: input.replicas,
    oathkeeper: {
      config: { serve: { proxy: { port: input.ports.proxy }, api: { port: input.ports.api }, prometheus: { port: input.ports.metrics } } },
      configFileOverride: { enabled: false, nameOverride: input.configMapName },
      // `tpl` would read the header mutator's `{{ ... }}` templates as Helm templates.
      helmTemplatedConfigEnabled: false,
      // Both ways the rules arrive are ConfigMaps the chart mounts at /etc/rules.
      managedAccessRules: false,
      ...(!maester && input.rulesConfigMapName ? { accessRulesOverride: { nameOverride: input.rulesConfigMapName } } : {}),
    },
    maester: { enabled: maester },
    ...(maester ? { 'oathkeeper-maester': { singleNamespaceMode: input.maesterSingleNamespace } } : {}),
    deployment: {
      // Oathkeeper's anonymous usage statistics would call out to Ory; a gateway must not.
      extraArgs: ['--sqa-opt-out'],
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

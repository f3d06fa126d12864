import type { KubeObject } from '../app/synthesized-app';

/** A workload of the synthesized app running on 127.0.0.1 for the run (one replica). */
export interface RunningPod {
  /** What runs, for logs and the report, e.g. `reference-proxy partners-oss/partners-proxy`. */
  readonly description: string;
  readonly namespace: string;
  /** The pod template's labels, which Services select on. */
  readonly labels: Readonly<Record<string, string>>;
  /** Container port (as in the pod spec) → the local port it listens on. */
  readonly ports: ReadonlyMap<number, number>;
  /** Container port names → container port numbers (Service `targetPort` by name). */
  readonly portNames: ReadonlyMap<string, number>;
  /** Lines the workload logged, for evidence. */
  readonly logs: readonly string[];
  stop(): Promise<void>;
}

/** The first container of a Deployment's pod template, with its volumes. */
export function podTemplateOf(deployment: KubeObject): { labels: Record<string, string>; container: any; volumes: any[] } {
  const template = deployment.spec?.template ?? {};
  return { labels: template.metadata?.labels ?? {}, container: template.spec?.containers?.[0] ?? {}, volumes: template.spec?.volumes ?? [] };
}

/** `name → containerPort` of a container. */
export function containerPortNames(container: any): Map<string, number> {
  return new Map(((container.ports ?? []) as { name?: string; containerPort: number }[]).filter((p) => p.name).map((p) => [p.name!, p.containerPort]));
}

/** Deployments of `objects` in `namespace` whose pod template mounts ConfigMap `name`. */
export function deploymentsMountingConfigMap(objects: readonly KubeObject[], namespace: string | undefined, name: string): KubeObject[] {
  return objects.filter(
    (o) =>
      o.kind === 'Deployment' &&
      o.metadata.namespace === namespace &&
      podTemplateOf(o).volumes.some((v: any) => v.configMap?.name === name),
  );
}

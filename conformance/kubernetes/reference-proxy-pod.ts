import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { secretRefsOfRoute, type ProxyConfigModel } from '../../src/model';
import { startProxy, validateProxyConfig } from '../../src/proxy';
import type { FoundProxyConfig, KubeObject } from '../app/synthesized-app';
import { freePort } from '../network/free-port';
import type { ClusterSecrets } from './cluster-secrets';
import { containerPortNames, deploymentsMountingConfigMap, podTemplateOf, type RunningPod } from './running-pod';

/**
 * What the harness changes in a synthesized reference proxy config before starting it, and
 * nothing else: listener address (127.0.0.1) and ports (free local ports, mapped back to the
 * container ports), `secretsDir` (a temporary directory holding exactly the Secret keys the
 * Deployment mounts, at the paths it mounts them), and `originOverrides` (the proxy's own
 * test facility, pointing the model's origins at the stand-ins).
 */
export interface ReferenceProxyRewrites {
  readonly originOverrides: Readonly<Record<string, string>>;
}

/**
 * Starts, in this process, every reference proxy the app deploys: each ConfigMap whose data
 * parses as a proxy config, run as the Deployment that mounts it — with that Deployment's
 * Secret mounts and `GW_SECRET_*` env. A config no Deployment mounts is started as it is,
 * with every Secret key its routes read (a hand-wired proxy).
 */
export async function startReferenceProxyPods(
  objects: readonly KubeObject[],
  configs: readonly FoundProxyConfig[],
  secrets: ClusterSecrets,
  rewrites: ReferenceProxyRewrites,
): Promise<RunningPod[]> {
  const pods: RunningPod[] = [];
  try {
    for (const found of configs) {
      const ns = found.configMap.metadata.namespace;
      const deployments = deploymentsMountingConfigMap(objects, ns, found.configMap.metadata.name);
      const deployment = deployments[0];
      pods.push(await startOne(found, deployment, secrets, rewrites));
    }
  } catch (err) {
    await Promise.all(pods.map((p) => p.stop()));
    throw err;
  }
  return pods;
}

async function startOne(found: FoundProxyConfig, deployment: KubeObject | undefined, secrets: ClusterSecrets, rewrites: ReferenceProxyRewrites): Promise<RunningPod> {
  const namespace = found.configMap.metadata.namespace ?? 'default';
  const config = found.config;
  const secretsDir = mkdtempSync(join(tmpdir(), 'gw-conformance-mounts-'));
  const template = deployment ? podTemplateOf(deployment) : undefined;
  if (template) mountSecrets(template, config.secretsDir, secretsDir, secrets, namespace);
  else writeRouteSecrets(config, secretsDir, secrets, namespace);

  const ports = new Map<number, number>();
  const listen = { ...(config.listen as Record<string, unknown>) };
  for (const [key, value] of Object.entries(listen)) {
    if (/port$/i.test(key) && typeof value === 'number') {
      const local = await freePort();
      ports.set(value, local);
      listen[key] = local;
    }
  }
  listen.host = '127.0.0.1';
  const env: Record<string, string> = {};
  for (const e of (template?.container.env ?? []) as { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]) {
    const ref = e.valueFrom?.secretKeyRef;
    const v = ref ? secrets.value(ref.name, ref.key, namespace) : e.value;
    if (v !== undefined) env[e.name] = v;
  }
  const logs: string[] = [];
  const running = await startProxy(validateProxyConfig({ ...config, listen, secretsDir, originOverrides: { ...config.originOverrides, ...rewrites.originOverrides } }, `ConfigMap ${namespace}/${found.configMap.metadata.name}`), {
    env,
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  return {
    description: `reference-proxy ${namespace}/${found.configMap.metadata.name}`,
    namespace,
    labels: template?.labels ?? {},
    ports,
    portNames: template ? containerPortNames(template.container) : new Map(),
    logs,
    stop: async () => {
      await running.shutdown();
      rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}

/** Writes the keys of every Secret volume the container mounts under `configuredDir`, as the kubelet would. */
function mountSecrets(template: ReturnType<typeof podTemplateOf>, configuredDir: string, localDir: string, secrets: ClusterSecrets, namespace: string): void {
  const volumes = new Map<string, any>(template.volumes.map((v: any) => [v.name, v]));
  for (const m of (template.container.volumeMounts ?? []) as { name: string; mountPath: string }[]) {
    const rel = relative(configuredDir, m.mountPath);
    if (rel.startsWith('..') || rel === m.mountPath) continue;
    const v = volumes.get(m.name);
    const sources: { name: string; items?: { key: string; path: string }[] }[] = [
      ...(v?.secret ? [{ name: v.secret.secretName, items: v.secret.items }] : []),
      ...((v?.projected?.sources ?? []) as any[]).filter((s) => s.secret).map((s) => ({ name: s.secret.name, items: s.secret.items })),
    ];
    for (const s of sources) {
      for (const item of s.items ?? []) {
        const value = secrets.value(s.name, item.key, namespace);
        if (value === undefined) continue; // the kubelet would not start the pod; the proxy reports the key missing
        const file = join(localDir, rel, item.path);
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, value);
      }
    }
  }
}

function writeRouteSecrets(config: ProxyConfigModel, localDir: string, secrets: ClusterSecrets, namespace: string): void {
  for (const { secretName, key } of config.routes.flatMap(secretRefsOfRoute)) {
    const value = secrets.value(secretName, key, namespace);
    if (value === undefined) continue;
    mkdirSync(join(localDir, secretName), { recursive: true });
    writeFileSync(join(localDir, secretName, key), value);
  }
}

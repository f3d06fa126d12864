import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../app/synthesized-app';
import type { DiscoveredEngine } from '../engines/engine-discovery';
import { EngineProcess } from '../engines/engine-process';
import { freePort } from '../network/free-port';
import type { LocalCertificateAuthority } from '../network/local-ca';
import { engineEnvironment } from '../runners/engine-environment';
import type { LoopbackWorld } from '../world/loopback-world';
import type { ClusterSecrets } from './cluster-secrets';
import { containerPortNames, podTemplateOf, type RunningPod } from './running-pod';

/** The synthesized OAuth2 Proxy Deployment: the one whose container image is OAuth2 Proxy's. */
export function findOAuth2ProxyDeployment(objects: readonly KubeObject[]): KubeObject | undefined {
  return objects.find((o) => o.kind === 'Deployment' && /(^|\/)oauth2-proxy(:|@|$)/.test(String(podTemplateOf(o).container.image ?? '')));
}

/** The value of a `--flag=value` argument. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/**
 * Runs the synthesized OAuth2 Proxy Deployment's container as a process: its arguments
 * unchanged except `--http-address` (127.0.0.1 and a free port, mapped back to the container
 * port), its environment from its `secretKeyRef`s (materialized Secrets), behind the
 * loopback network like every engine.
 */
export async function startOAuth2ProxyPod(deployment: KubeObject, engine: DiscoveredEngine & { available: true }, secrets: ClusterSecrets, world: LoopbackWorld, ca: LocalCertificateAuthority): Promise<RunningPod & { process: EngineProcess; image: string }> {
  const template = podTemplateOf(deployment);
  const namespace = deployment.metadata.namespace ?? 'default';
  const args = [...((template.container.args ?? []) as string[])];
  const address = flagValue(args, '--http-address') ?? '0.0.0.0:4180';
  const containerPort = Number(address.slice(address.lastIndexOf(':') + 1));
  const local = await freePort();
  const rewritten = args.map((a) => (a.startsWith('--http-address=') ? `--http-address=127.0.0.1:${local}` : a));
  const env: Record<string, string> = {};
  for (const e of (template.container.env ?? []) as { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]) {
    const ref = e.valueFrom?.secretKeyRef;
    const v = ref ? secrets.value(ref.name, ref.key, namespace) : e.value;
    if (v !== undefined) env[e.name] = v;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gw-conformance-oauth2-proxy-'));
  writeFileSync(join(dir, 'ca.crt'), ca.caCert);
  const process = EngineProcess.start('oauth2-proxy', engine.launcher, { args: rewritten, env: engineEnvironment(world, join(dir, 'ca.crt'), env), mounts: [dir] });
  try {
    await process.waitUntil('/ping answers 200', async () => (await fetch(`http://127.0.0.1:${local}/ping`)).status === 200, 30_000);
  } catch (err) {
    await process.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    description: `oauth2-proxy ${namespace}/${deployment.metadata.name}`,
    namespace,
    labels: template.labels,
    ports: new Map([[containerPort, local]]),
    portNames: containerPortNames(template.container),
    logs: process.logs,
    process,
    image: String(template.container.image),
    stop: async () => {
      await process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import type { SynthesizedApp } from '../app/synthesized-app';
import { EngineName } from '../engines/engine-names';
import { ClusterSecrets } from '../kubernetes/cluster-secrets';
import { startReferenceProxyPods } from '../kubernetes/reference-proxy-pod';
import type { LocalCertificateAuthority } from '../network/local-ca';
import { LoopbackWorld } from '../world/loopback-world';
import { secretRefsOfRoute } from '../../src/model';
import type { EngineRun } from './engine-run';
import { runCases, type RouteGroup } from './run-cases';

/**
 * The reference column: every reference proxy config the app synthesizes (its ConfigMap),
 * started in this process as the Deployment that mounts it, inline, and the generated cases
 * of its routes sent to its traffic port.
 */
export async function runReference(app: SynthesizedApp, ca: LocalCertificateAuthority): Promise<EngineRun> {
  if (app.proxyConfigs.length === 0) {
    return { status: 'failed', engine: EngineName.REFERENCE_PROXY, error: 'the reference app synthesizes no reference proxy config', notes: [] };
  }
  const groups: RouteGroup[] = app.proxyConfigs.map((p) => ({ name: p.configMap.metadata.name, namespace: p.configMap.metadata.namespace, routes: p.config.routes }));
  const namespace = groups[0].namespace ?? 'default';
  const secrets = ClusterSecrets.materialize(app.objects, groups.flatMap((g) => g.routes.flatMap(secretRefsOfRoute)), namespace);
  const world = await LoopbackWorld.start(
    groups.flatMap((g) => g.routes.map((route) => ({ route, gatewayNamespace: g.namespace }))),
    secrets,
    ca,
  );
  const pods = await startReferenceProxyPods(app.objects, app.proxyConfigs, secrets, { originOverrides: world.originOverrides() }).catch(async (err) => {
    await world.close();
    throw err;
  });
  try {
    const results = [];
    for (const [i, found] of app.proxyConfigs.entries()) {
      const port = pods[i].ports.get(found.config.listen.port);
      if (port === undefined) throw new Error(`no local port for the traffic listener of ${pods[i].description}`);
      results.push(...(await runCases([groups[i]], { port }, world, secrets)));
    }
    return { status: 'ran', engine: EngineName.REFERENCE_PROXY, results, notes: [] };
  } finally {
    await Promise.all(pods.map((p) => p.stop()));
    await world.close();
  }
}

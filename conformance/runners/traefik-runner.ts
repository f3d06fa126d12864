import type { SynthesizedApp } from '../app/synthesized-app';
import type { DiscoveredEngine } from '../engines/engine-discovery';
import { EngineName } from '../engines/engine-names';
import type { LocalCertificateAuthority } from '../network/local-ca';
import type { EngineRun } from './engine-run';
import { runCases } from './run-cases';
import { startTraefikCluster } from './traefik-cluster';

/**
 * The Traefik column: the generated cases of every route Traefik's entry points serve,
 * through Traefik, its forwardAuth to the reference proxy, and on to the backend stand-ins.
 * The run notes say which resources Traefik asked the API for and which routers it refused.
 */
export async function runTraefik(app: SynthesizedApp, engine: DiscoveredEngine & { available: true }, ca: LocalCertificateAuthority): Promise<EngineRun> {
  let cluster;
  try {
    cluster = await startTraefikCluster(app, engine, ca);
  } catch (err) {
    return { status: 'failed', engine: EngineName.TRAEFIK, error: (err as Error).message, notes: [] };
  }
  try {
    const results = await runCases(cluster.groups, cluster.entry, cluster.world, cluster.secrets);
    const asked = [...new Set(cluster.api.requests.filter((r) => r.verb === 'list' || r.verb === 'watch').map((r) => `${r.resource}${r.labelSelector ? ` (${r.labelSelector})` : ''}`))].sort();
    cluster.collectLogNotes();
    cluster.notes.push({ topic: 'api requests', text: `Traefik listed/watched: ${asked.join(', ')}` });
    if (cluster.world.network.unrouted.length) {
      cluster.notes.push({ topic: 'network', text: `calls to unknown hosts: ${[...new Set(cluster.world.network.unrouted.map((u) => u.authority))].join(', ')}` });
    }
    return { status: 'ran', engine: EngineName.TRAEFIK, version: engine.version, results, notes: cluster.notes };
  } catch (err) {
    return { status: 'failed', engine: EngineName.TRAEFIK, error: `${(err as Error).message}\n${cluster.traefik.tail()}`, notes: cluster.notes };
  } finally {
    await cluster.stop();
  }
}

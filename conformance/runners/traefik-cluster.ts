import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { secretRefsOfRoute } from '../../src/model';
import type { KubeObject, SynthesizedApp } from '../app/synthesized-app';
import type { DiscoveredEngine } from '../engines/engine-discovery';
import { EngineProcess } from '../engines/engine-process';
import { ApiServerStandIn } from '../kubernetes/api-server-stand-in';
import { ClusterSecrets } from '../kubernetes/cluster-secrets';
import { assembleClusterState } from '../kubernetes/cluster-state';
import { startReferenceProxyPods } from '../kubernetes/reference-proxy-pod';
import type { RunningPod } from '../kubernetes/running-pod';
import { freePort } from '../network/free-port';
import type { LocalCertificateAuthority } from '../network/local-ca';
import { LoopbackWorld, type RouteInGateway } from '../world/loopback-world';
import { engineEnvironment } from './engine-environment';
import type { RunNote } from './engine-run';
import type { RouteGroup } from './run-cases';
import type { EntryPoint } from './send-case';

/** Generous bound for Traefik to load every IngressRoute: it only catches a hang. */
const ROUTERS_TIMEOUT_MS = Number(process.env.CONFORMANCE_ROUTERS_TIMEOUT_MS ?? 60_000);

/** A running Traefik with everything around it. */
export interface TraefikCluster {
  readonly world: LoopbackWorld;
  readonly secrets: ClusterSecrets;
  /** The TLS entry point the IngressRoutes use (`websecure`). */
  readonly entry: EntryPoint;
  /** The route groups served through Traefik's entry points. */
  readonly groups: readonly RouteGroup[];
  readonly pods: readonly RunningPod[];
  readonly api: ApiServerStandIn;
  readonly traefik: EngineProcess;
  readonly notes: RunNote[];
  /** Routers as Traefik's API reports them (name, rule, status, errors). */
  routers(): Promise<TraefikRouter[]>;
  /** Adds Traefik's distinct warnings and errors logged so far to {@link notes}. */
  collectLogNotes(): void;
  stop(): Promise<void>;
}

export interface TraefikRouter {
  readonly name: string;
  readonly rule: string;
  readonly status: string;
  readonly provider: string;
  readonly error?: readonly string[];
}

/** Extra workloads a caller runs next to the app (OAuth2 Proxy), started once the world exists. */
export type ExtraPods = (world: LoopbackWorld, secrets: ClusterSecrets) => Promise<RunningPod[]>;

/**
 * Open-source Traefik v3 reading the synthesized objects through its own `kubernetesCRD`
 * provider from the {@link ApiServerStandIn}, with the app's reference proxies running
 * in-process as the pods behind their Services (forwardAuth and inline alike).
 *
 * Traefik's static configuration is the harness's (Traefik's is not synthesized): each entry
 * point the IngressRoutes name on 127.0.0.1, the provider endpoint, the one setting the
 * README requires (`allowExternalNameServices: true`), and a file provider holding only the
 * default TLS certificate — standing in for the ACME resolver (`certResolver: le`) the routes
 * name, which cannot run offline. The synthesized objects are served unchanged.
 */
export async function startTraefikCluster(app: SynthesizedApp, engine: DiscoveredEngine & { available: true }, ca: LocalCertificateAuthority, extraPods?: ExtraPods): Promise<TraefikCluster> {
  const notes: RunNote[] = [];
  const ingressRoutes = app.objects.filter((o) => o.kind === 'IngressRoute');
  const entryPointNames = [...new Set(ingressRoutes.flatMap((o) => (o.spec?.entryPoints ?? []) as string[]))];
  if (entryPointNames.length === 0) throw new Error('the app synthesizes no IngressRoute with entry points');
  const groups: RouteGroup[] = app.gateways
    // Traefik-family gateways list their entry points as listeners.
    .filter((g) => g.listeners.every((e) => entryPointNames.includes(e)))
    .map((g) => ({ name: g.name, namespace: g.namespace, routes: g.routes }));
  const routes: RouteInGateway[] = groups.flatMap((g) => g.routes.map((route) => ({ route, gatewayNamespace: g.namespace })));
  const namespace = groups[0]?.namespace ?? 'default';
  const secrets = ClusterSecrets.materialize(app.objects, routes.flatMap((r) => secretRefsOfRoute(r.route)), namespace);
  const dir = mkdtempSync(join(tmpdir(), 'gw-conformance-traefik-'));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const world = await LoopbackWorld.start(routes, secrets, ca);
    cleanups.push(() => world.close());
    const pods: RunningPod[] = await startReferenceProxyPods(app.objects, app.proxyConfigs, secrets, { originOverrides: world.originOverrides() });
    cleanups.push(() => Promise.all(pods.map((p) => p.stop())).then(() => undefined));
    if (extraPods) {
      const more = await extraPods(world, secrets);
      pods.push(...more);
    }
    const state = assembleClusterState(app.objects, secrets, pods, world, routes);
    for (const [address, port] of state.serviceAddresses) {
      const i = address.lastIndexOf(':');
      world.network.route(address.slice(0, i), Number(address.slice(i + 1)), port);
    }
    const api = await ApiServerStandIn.start(state.objects);
    cleanups.push(() => api.close());

    const hosts = publicHosts(ingressRoutes);
    const certificate = ca.issue(hosts.length ? hosts : ['localhost']);
    writeFileSync(join(dir, 'tls.crt'), certificate.cert);
    writeFileSync(join(dir, 'tls.key'), certificate.key);
    writeFileSync(join(dir, 'ca.crt'), ca.caCert);
    writeFileSync(join(dir, 'dynamic.yaml'), stringify({ tls: { stores: { default: { defaultCertificate: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') } } } } }));
    const ports = new Map<string, number>();
    for (const name of entryPointNames) ports.set(name, await freePort());
    const apiPort = await freePort();
    writeFileSync(
      join(dir, 'traefik.yaml'),
      stringify({
        global: { checkNewVersion: false, sendAnonymousUsage: false },
        entryPoints: {
          ...Object.fromEntries([...ports].map(([name, port]) => [name, { address: `127.0.0.1:${port}` }])),
          traefik: { address: `127.0.0.1:${apiPort}` },
        },
        api: { insecure: true, dashboard: false },
        ping: { entryPoint: 'traefik' },
        providers: {
          kubernetesCRD: { endpoint: api.url, allowExternalNameServices: true },
          file: { filename: join(dir, 'dynamic.yaml'), watch: false },
        },
        log: { level: 'INFO', format: 'json' },
      }),
    );
    const traefik = EngineProcess.start('traefik', engine.launcher, { args: [`--configFile=${join(dir, 'traefik.yaml')}`], env: engineEnvironment(world, join(dir, 'ca.crt')), mounts: [dir] });
    cleanups.push(() => traefik.stop());
    // Every public host of the IngressRoutes leads to Traefik's TLS entry point (browsers use the loopback network too).
    const tlsEntry = ports.get('websecure') ?? [...ports.values()][0];
    for (const host of hosts) world.network.route(host, 443, tlsEntry);

    const routers = async (): Promise<TraefikRouter[]> => {
      const res = await fetch(`http://127.0.0.1:${apiPort}/api/http/routers?per_page=1000`);
      return ((await res.json()) as TraefikRouter[]).filter((r) => r.provider === 'kubernetescrd');
    };
    const expected = ingressRoutes.reduce((n, o) => n + ((o.spec?.routes ?? []) as unknown[]).length, 0);
    await traefik.waitUntil(`all ${expected} IngressRoute rules loaded as routers`, async () => (await routers()).length >= expected, ROUTERS_TIMEOUT_MS);
    for (const r of await routers()) {
      if (r.status !== 'enabled' || r.error?.length) notes.push({ topic: 'router errors', text: `${r.name} (${r.status}): ${(r.error ?? []).join('; ')}` });
    }
    return {
      world,
      secrets,
      entry: { port: tlsEntry, tlsCa: ca.caCert },
      groups,
      pods,
      api,
      traefik,
      notes,
      routers,
      collectLogNotes: () => {
        const seen = new Set<string>();
        for (const line of traefik.logs) {
          const entry = safeJson(line);
          if (!entry || (entry.level !== 'error' && entry.level !== 'warn')) continue;
          const text = `${entry.message ?? ''}${entry.error ? `: ${entry.error}` : ''}`.slice(0, 400);
          // The harness has no ACME: the routes' `certResolver: le` is expected to be missing here.
          if (seen.has(text) || /nonexistent certificate resolver/.test(text)) continue;
          seen.add(text);
          notes.push({ topic: `traefik ${entry.level}`, text });
        }
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Every host the IngressRoutes name in `Host(...)` matchers and TLS domains. */
export function publicHosts(ingressRoutes: readonly KubeObject[]): string[] {
  const hosts = new Set<string>();
  for (const o of ingressRoutes) {
    for (const r of (o.spec?.routes ?? []) as { match?: string }[]) for (const m of (r.match ?? '').matchAll(/Host\(`([^`]+)`\)/g)) hosts.add(m[1]);
    for (const d of (o.spec?.tls?.domains ?? []) as { main?: string; sans?: string[] }[]) [d.main, ...(d.sans ?? [])].forEach((h) => h && hosts.add(h));
  }
  return [...hosts].sort();
}

function safeJson(line: string): Record<string, any> | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { OathkeeperGateway } from '../../src';
import { secretRefsOfRoute } from '../../src/model';
import type { KubeObject, SynthesizedApp } from '../app/synthesized-app';
import type { DiscoveredEngine } from '../engines/engine-discovery';
import { EngineName } from '../engines/engine-names';
import { EngineProcess } from '../engines/engine-process';
import { ClusterSecrets } from '../kubernetes/cluster-secrets';
import { freePort } from '../network/free-port';
import type { LocalCertificateAuthority } from '../network/local-ca';
import { LoopbackWorld } from '../world/loopback-world';
import { engineEnvironment } from './engine-environment';
import type { EngineRun, RunNote } from './engine-run';
import { runCases, type CaseResult } from './run-cases';
import { CaseKind } from '../cases/case-kind';

/** Generous start-up bound: Oathkeeper is ready in well under a second on an idle machine. */
const READY_TIMEOUT_MS = 30_000;

/**
 * Oathkeeper as the official chart would run it: `oathkeeper serve --config` with the
 * `oathkeeper.config` of the gateway's Helm values, the rules file of the ConfigMap delivery
 * where the chart mounts it, and `deployment.extraEnv` as the environment (Secret values
 * from the materialized cluster Secrets).
 *
 * Rewritten for the run, and nothing else: `serve.proxy|api|prometheus.host` (127.0.0.1) and
 * `.port` (free ports), and the rules repository path (`file:///etc/rules/<file>` → the same
 * file name in a temporary directory). Upstreams and JWKS URLs stay as synthesized; the
 * loopback network answers for their hosts.
 */
export async function runOathkeeper(app: SynthesizedApp, engine: DiscoveredEngine & { available: true }, ca: LocalCertificateAuthority): Promise<EngineRun> {
  const gateways = app.app.node.findAll().filter((c): c is OathkeeperGateway => c instanceof OathkeeperGateway);
  if (gateways.length !== 1) return { status: 'failed', engine: EngineName.OATHKEEPER, error: `expected one OathkeeperGateway, found ${gateways.length}`, notes: [] };
  const gateway = gateways[0];
  const model = app.gateways.find((g) => g.engine === 'oathkeeper' && g.path === gateway.node.path);
  if (!model) return { status: 'failed', engine: EngineName.OATHKEEPER, error: 'the OathkeeperGateway is not in the topology', notes: [] };
  const notes: RunNote[] = [];
  const helm = gateway.helmValues() as {
    oathkeeper: { config: any; configFileOverride?: { enabled?: boolean; nameOverride?: string } };
    deployment: { extraEnv: { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[] };
  };
  // What the chart mounts at /etc/config/config.yaml: the ConfigMap named in
  // configFileOverride when the chart's own is switched off, else `oathkeeper.config`.
  const override = helm.oathkeeper.configFileOverride;
  let config: any;
  if (override?.enabled === false) {
    const mounted = app.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === override.nameOverride);
    if (!mounted?.data?.['config.yaml']) {
      return { status: 'failed', engine: EngineName.OATHKEEPER, error: `the Helm values mount ConfigMap ${override.nameOverride ?? '(unnamed)'}, which holds no config.yaml`, notes };
    }
    config = parse(mounted.data['config.yaml']);
    if (!isDeepStrictEqual({ ...config.serve, proxy: { port: config.serve.proxy.port }, api: { port: config.serve.api.port }, prometheus: { port: config.serve.prometheus.port } }, helm.oathkeeper.config.serve)) {
      notes.push({ topic: 'config', text: "the ports of the mounted config differ from oathkeeper.config.serve, which the chart uses for the container ports" });
    }
  } else {
    config = structuredClone(helm.oathkeeper.config);
  }
  const repository: string = config.access_rules?.repositories?.[0] ?? '';
  const rulesFile = basename(new URL(repository).pathname);
  const rulesMap = gateway.rulesConfigMapName ? app.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === gateway.rulesConfigMapName) : undefined;
  const rules = rulesMap?.data?.[rulesFile];
  if (!rules) {
    return {
      status: 'failed',
      engine: EngineName.OATHKEEPER,
      error: rulesMap ? `the rules ConfigMap has no key "${rulesFile}", which the config's repository ${repository} reads` : 'no rules ConfigMap: maester delivery needs the maester controller; conformance runs the ConfigMap delivery',
      notes,
    };
  }

  const namespace = model.namespace ?? 'default';
  const helmObject: KubeObject = { apiVersion: 'helm.sh/values', kind: 'HelmValues', metadata: { name: 'oathkeeper' }, spec: helm };
  const secrets = ClusterSecrets.materialize([...app.objects, helmObject], model.routes.flatMap(secretRefsOfRoute), namespace);
  const dir = mkdtempSync(join(tmpdir(), 'gw-conformance-oathkeeper-'));
  const world = await LoopbackWorld.start(model.routes.map((route) => ({ route, gatewayNamespace: model.namespace })), secrets, ca);
  let process: EngineProcess | undefined;
  try {
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', rulesFile), rules);
    writeFileSync(join(dir, 'ca.crt'), ca.caCert);
    config.access_rules.repositories = [`file://${join(dir, 'rules', rulesFile)}`];
    const ports = { proxy: await freePort(), api: await freePort(), prometheus: await freePort() };
    for (const listener of ['proxy', 'api', 'prometheus'] as const) config.serve[listener] = { ...config.serve[listener], host: '127.0.0.1', port: ports[listener] };
    writeFileSync(join(dir, 'config.yaml'), stringify(config));

    const env: Record<string, string> = {};
    for (const e of helm.deployment.extraEnv) {
      const ref = e.valueFrom.secretKeyRef;
      const value = secrets.value(ref.name, ref.key, namespace);
      if (value === undefined) notes.push({ topic: 'env', text: `${e.name}: Secret ${ref.name} has no key ${ref.key}` });
      else env[e.name] = value;
    }
    // Telemetry off: the run has no internet, and the reports would only add log noise.
    process = EngineProcess.start('oathkeeper', engine.launcher, {
      args: ['serve', '--config', join(dir, 'config.yaml'), '--sqa-opt-out'],
      env: engineEnvironment(world, join(dir, 'ca.crt'), env),
      mounts: [dir],
    });
    await process.waitUntil('/health/alive answers 200', async () => (await fetch(`http://127.0.0.1:${ports.api}/health/alive`)).status === 200, READY_TIMEOUT_MS);
    const ready = await readiness(ports.api);
    const results: CaseResult[] = [readinessResult(gateway.node.path, ready, model.routes.length)];
    results.push(...(await runCases([model], { port: ports.proxy }, world, secrets)));
    if (world.network.unrouted.length) notes.push({ topic: 'network', text: `calls to unknown hosts: ${[...new Set(world.network.unrouted.map((u) => u.authority))].join(', ')}` });
    return { status: 'ran', engine: EngineName.OATHKEEPER, version: engine.version, results, notes };
  } catch (err) {
    return { status: 'failed', engine: EngineName.OATHKEEPER, error: (err as Error).message, notes };
  } finally {
    await process?.stop();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How long readiness may take once the process is alive: rules load from a local file at once. */
const READINESS_WAIT_MS = 10_000;

/** `/health/ready` after up to {@link READINESS_WAIT_MS}: the status and body it settles on. */
async function readiness(apiPort: number): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + READINESS_WAIT_MS;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${apiPort}/health/ready`);
    const body = await res.text();
    if (res.status === 200 || Date.now() > deadline) return { status: res.status, body };
    await new Promise((r) => setTimeout(r, 250));
  }
}

function readinessResult(gatewayPath: string, ready: { status: number; body: string }, rules: number): CaseResult {
  const ok = ready.status === 200;
  return {
    gateway: gatewayPath,
    case: { id: `oathkeeper/${CaseKind.ENGINE_READY}`, route: 'oathkeeper', kind: CaseKind.ENGINE_READY, request: { method: 'GET', host: '127.0.0.1', target: '/health/ready', headers: [] }, expect: { outcome: 'refused', statuses: [] } },
    observation: { status: ready.status, headers: {}, body: ready.body, seconds: 0, backendRequests: [] },
    verdict: { verdict: ok ? 'ready' : `not ready (${ready.status})`, asModelExpects: ok, evidence: `GET /health/ready → ${ready.status} ${ready.body.slice(0, 160)}; ${rules} rule(s)` },
  };
}

import { App, Chart, Testing } from 'cdk8s';
import { proxyConfigSchema, type AccessTopologyModel, type ApiRouteModel, type GatewayModel, type ProxyConfigModel } from '../../src/model';
import { collectTopology } from '../../src/constructs/topology/collect-topology';

/** A synthesized Kubernetes object, loosely typed: the harness reads what gatewright wrote. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: any;
  data?: Record<string, string>;
  [key: string]: any;
}

/** A reference proxy config document found in a synthesized ConfigMap. */
export interface FoundProxyConfig {
  readonly configMap: KubeObject;
  /** The data key holding the document. */
  readonly key: string;
  readonly config: ProxyConfigModel;
}

/** A gateway of the model with its routes. */
export type GatewayWithRoutes = GatewayModel & { readonly routes: readonly ApiRouteModel[] };

/** Everything the harness reads from one synthesized app. */
export interface SynthesizedApp {
  readonly app: App;
  /** Every object of every chart, in synth order. */
  readonly objects: readonly KubeObject[];
  /** The model: gateways and their routes, as `gatewright report` reads it. */
  readonly topology: AccessTopologyModel;
  readonly gateways: readonly GatewayWithRoutes[];
  /** Reference proxy config documents, recognized by the proxy's own schema (not by name). */
  readonly proxyConfigs: readonly FoundProxyConfig[];
}

/** A synth that failed, with the gatewright error code when there is one. */
export class SynthRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Builds an app with `build` and synthesizes every chart, the way `cdk8s synth` would (tree
 * validation included). A gatewright error (e.g. `ERR_GW_UNSUPPORTED_BY_ENGINE`: the engine
 * cannot express a declaration) becomes a {@link SynthRefused} the table reports.
 */
export function synthesizeApp(build: (app: App) => void): SynthesizedApp {
  const app = Testing.app();
  let objects: KubeObject[];
  try {
    build(app);
    const charts = app.node.findAll().filter((c): c is Chart => c instanceof Chart);
    objects = charts.flatMap((chart) => Testing.synth(chart) as KubeObject[]);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const code = e.code ?? /\b(ERR_GW_[A-Z_]+)\b/.exec(e.message ?? '')?.[1] ?? 'ERR_SYNTH';
    throw new SynthRefused(code, e.message ?? String(err));
  }
  const topology = collectTopology(app);
  return { app, objects, topology, gateways: topology.gateways, proxyConfigs: findProxyConfigs(objects) };
}

/** ConfigMap data values that parse as a reference proxy config document. */
export function findProxyConfigs(objects: readonly KubeObject[]): FoundProxyConfig[] {
  const found: FoundProxyConfig[] = [];
  for (const o of objects) {
    if (o.kind !== 'ConfigMap' || !o.data) continue;
    for (const [key, text] of Object.entries(o.data)) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        continue;
      }
      const parsed = proxyConfigSchema.safeParse(raw);
      if (parsed.success) found.push({ configMap: o, key, config: parsed.data });
    }
  }
  return found;
}

/** The objects of `kind` (and `apiVersion` group when given). */
export function objectsOfKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

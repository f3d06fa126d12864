import type { Provider } from '@pulumi/kubernetes/provider';
import { ConfigGroup } from '@pulumi/kubernetes/yaml/v2';
import * as pulumi from '@pulumi/pulumi';
import { App, Chart } from 'cdk8s';
import { ErrorCode, GatewrightError } from '../model';

/** A synthesized Kubernetes object, as `chart.toJson()` returns it. */
export interface KubernetesObject {
  /** `group/version`, or `v1` for the core group. */
  readonly apiVersion: string;
  /** The object's kind, e.g. `ExternalSecret`. */
  readonly kind: string;
  /** Name, namespace, annotations and whatever else the chart set. */
  readonly metadata: {
    /** Object name. */
    readonly name: string;
    /**
     * Namespace of a namespaced object.
     * @default - none (cluster-scoped, or the chart set no namespace)
     */
    readonly namespace?: string;
    /**
     * Annotations, e.g. Pulumi's `pulumi.com/waitFor`.
     * @default - none
     */
    readonly annotations?: Record<string, string>;
    readonly [k: string]: unknown;
  };
  readonly [k: string]: unknown;
}

/**
 * API groups whose objects make traffic flow: Traefik (OSS and Hub) routes and middlewares,
 * Oathkeeper rules. They go in the second stage, after everything they reference.
 */
export const ROUTING_API_GROUPS: readonly string[] = ['traefik.io', 'hub.traefik.io', 'traefik.containo.us', 'oathkeeper.ory.sh'];

/** Pulumi's per-object await annotation: wait for a status condition before the object counts as created. */
export const WAIT_FOR_ANNOTATION = 'pulumi.com/waitFor';

/** Arguments of {@link GatewrightChart}. */
export interface GatewrightChartArgs {
  /** The cdk8s chart (or the whole app) to deploy. It is validated and synthesized in memory. */
  readonly chart: Chart | App;
  /** The cluster to deploy to. */
  readonly provider: Provider;
  /**
   * Make Pulumi wait until each ExternalSecret reports `Ready` (its Secret exists) before the
   * routing stage starts, by annotating it with `pulumi.com/waitFor: condition=Ready`. Turn off
   * when the secret manager is not reachable yet (e.g. the IAM grant is created later).
   * @default true
   */
  readonly waitForSecrets?: boolean;
  /**
   * Skip Pulumi's readiness checks for every object.
   * @default false
   */
  readonly skipAwait?: boolean;
  /**
   * What must exist before anything is applied: the Helm releases that install the CRDs
   * (External Secrets Operator, Traefik / Traefik Hub) and the IAM grants ESO needs.
   * @default []
   */
  readonly dependsOn?: readonly pulumi.Resource[];
  /**
   * Called once the foundation stage is declared; returns what the routing stage must also
   * wait for. Use it for a workload that needs the synced Secrets and whose CRDs the routes
   * need, e.g. the Oathkeeper Helm release (env from Secrets, `Rule` CRD from maester):
   * `beforeRouting: (foundation) => [new k8s.helm.v4.Chart('oathkeeper', {...}, { dependsOn: [foundation] })]`.
   * @default - nothing between the stages
   */
  readonly beforeRouting?: (foundation: ConfigGroup) => readonly pulumi.Resource[];
}

/** Which stage an object is deployed in. */
export function stageOf(o: Pick<KubernetesObject, 'apiVersion'>): 'foundation' | 'routing' {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return ROUTING_API_GROUPS.includes(group) ? 'routing' : 'foundation';
}

/** The plain objects of a chart or app, after running the construct tree's validations. */
export function synthesizeObjects(source: Chart | App): KubernetesObject[] {
  const charts = source instanceof App ? source.charts : [source];
  const errors = charts.flatMap((c) => c.node.findAll().flatMap((n) => n.node.validate().map((e) => `[${n.node.path}] ${e}`)));
  if (errors.length) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: charts.map((c) => c.node.path).join(', '),
      problem: `the chart does not validate: ${errors.join('; ')}`,
      fix: 'fix the construct errors above (cdk8s synth reports the same), then run pulumi up again',
    });
  }
  return charts.flatMap((c) => c.toJson() as KubernetesObject[]);
}

/**
 * Deploys a gatewright cdk8s chart to a cluster with `@pulumi/kubernetes` `yaml/v2`
 * ConfigGroups, in two stages:
 *
 * 1. **foundation** — everything that is not a route: Namespaces, ServiceAccounts, Services
 *    (ExternalName backends), NetworkPolicies, SecretStores, ExternalSecrets, Deployments,
 *    ConfigMaps. Within one ConfigGroup Pulumi already applies Namespaces and CRDs first.
 * 2. **routing** — Traefik Middlewares and IngressRoutes, Oathkeeper Rules, with `dependsOn`
 *    the foundation.
 *
 * Why two groups and not one: a ConfigGroup orders objects by kind, but it cannot see that a
 * Traefik Hub Middleware reads `urn:k8s:secret:…` from a Secret that an ExternalSecret will
 * only create once External Secrets Operator has synced it, or that a route must not go live
 * before its NetworkPolicies exist. Routing objects applied first would serve requests that
 * fail (missing credentials) or that are not yet fenced in. `dependsOn` across groups, plus
 * `pulumi.com/waitFor: condition=Ready` on ExternalSecrets, makes routes go live last — and,
 * on `pulumi destroy`, go away first, so no route outlives its auth middleware or its secrets.
 */
export class GatewrightChart extends pulumi.ComponentResource {
  /** The objects deployed in the foundation stage (as given to the ConfigGroup). */
  readonly foundationObjects: readonly KubernetesObject[];
  /** The objects deployed in the routing stage. */
  readonly routingObjects: readonly KubernetesObject[];
  /** Stage 1 ConfigGroup. */
  readonly foundation: ConfigGroup;
  /** Stage 2 ConfigGroup, absent when the chart has no routing objects. */
  readonly routing?: ConfigGroup;
  /** Every Kubernetes resource created, both stages. */
  readonly resources: pulumi.Output<unknown[]>;

  constructor(name: string, args: GatewrightChartArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('gatewright:k8s:Chart', name, {}, opts);
    const waitForSecrets = args.waitForSecrets ?? true;
    const objects = synthesizeObjects(args.chart).map((o) => (waitForSecrets && o.kind === 'ExternalSecret' ? withWaitForReady(o) : o));
    this.foundationObjects = objects.filter((o) => stageOf(o) === 'foundation');
    this.routingObjects = objects.filter((o) => stageOf(o) === 'routing');

    const childOpts = { parent: this, provider: args.provider };
    this.foundation = new ConfigGroup(
      `${name}-foundation`,
      { objs: objsInput(this.foundationObjects), skipAwait: args.skipAwait ?? false },
      { ...childOpts, dependsOn: [...(args.dependsOn ?? [])] },
    );
    const between = args.beforeRouting?.(this.foundation) ?? [];
    if (this.routingObjects.length) {
      this.routing = new ConfigGroup(
        `${name}-routing`,
        { objs: objsInput(this.routingObjects), skipAwait: args.skipAwait ?? false },
        { ...childOpts, dependsOn: [this.foundation, ...between, ...(args.dependsOn ?? [])] },
      );
    }
    this.resources = pulumi
      .all([this.foundation.resources, this.routing?.resources ?? pulumi.output([] as unknown[])])
      .apply(([a, b]) => [...(a ?? []), ...(b ?? [])]);
    this.registerOutputs({ resources: this.resources });
  }
}

function withWaitForReady(o: KubernetesObject): KubernetesObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), [WAIT_FOR_ANNOTATION]: 'condition=Ready' } } };
}

/**
 * Objects as a ConfigGroup input. A core `Secret` in the chart (only possible through explicit
 * unsafe choices) makes the whole input a Pulumi secret, so its value is encrypted in state.
 */
function objsInput(objects: readonly KubernetesObject[]): pulumi.Input<unknown[]> {
  const plain = objects.map((o) => ({ ...o }));
  return objects.some((o) => o.kind === 'Secret' && o.apiVersion === 'v1') ? pulumi.secret(plain) : plain;
}

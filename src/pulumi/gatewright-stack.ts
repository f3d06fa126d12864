import { Namespace } from '@pulumi/kubernetes/core/v1';
import { Chart as HelmChart } from '@pulumi/kubernetes/helm/v4';
import type { Provider } from '@pulumi/kubernetes/provider';
import * as pulumi from '@pulumi/pulumi';
import type { App } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { ErrorCode, GatewayEngine, GatewrightError } from '../model';
import { resolveApp, type CdkAppSource } from './app-source';
import { GatewrightChart } from './chart-deployment';
import { EXTERNAL_SECRETS_CHART, OATHKEEPER_CHART, requireExactChartVersion } from './helm-charts';
import { collectReferencedSecrets, collectSecretStores, type ReferencedSecret } from './referenced-secrets';
import type { ISecretAccess } from './secret-access';

/** How the stack installs Ory Oathkeeper for the app's `OathkeeperGateway`s. */
export interface OathkeeperReleaseOptions {
  /**
   * Install the ory/oathkeeper Helm chart, with `gateway.helmValues()`, into each
   * OathkeeperGateway's namespace, between the foundation and the routes (its environment reads
   * the synced Secrets; maester brings the `Rule` CRD the routes need).
   * @default true
   */
  readonly install?: boolean;
  /**
   * Exact chart version.
   * @default OATHKEEPER_CHART.version
   */
  readonly version?: string;
  /**
   * Helm release name; the chart names its Services after it (`<release>-proxy`).
   * @default 'oathkeeper'
   */
  readonly releaseName?: string;
}

/** How the stack installs External Secrets Operator. */
export interface ExternalSecretsReleaseOptions {
  /**
   * Install the external-secrets Helm chart (with its CRDs) before anything of the app.
   * @default false (External Secrets Operator is a prerequisite of the cluster)
   */
  readonly install?: boolean;
  /**
   * Exact chart version.
   * @default EXTERNAL_SECRETS_CHART.version
   */
  readonly version?: string;
  /**
   * Namespace of the release, created by the stack.
   * @default 'external-secrets'
   */
  readonly namespace?: string;
}

/** Arguments of {@link GatewrightStack}. */
export interface GatewrightStackArgs {
  /** Your cdk8s app: an `App`, a `Chart`, or a function that declares charts in the `App` it is given. */
  readonly app: CdkAppSource;
  /** The cluster. Enable server-side apply on it (`enableServerSideApply: true`). */
  readonly provider: Provider;
  /**
   * How External Secrets Operator may read the referenced secrets: IRSA or Pod Identity
   * (`gatewright/pulumi/aws`) or OKE workload identity ({@link OkeSecretAccess}).
   * @default - no grant (ESO can already read them, or the app uses hand-made Secrets only)
   */
  readonly secretAccess?: ISecretAccess;
  /**
   * Create the namespace of every top-level chart that sets one (labelled
   * `app.kubernetes.io/managed-by: gatewright`). Namespaces the app only points into, such as
   * Traefik's, are never created: `pulumi destroy` would delete what lives there.
   * @default true
   */
  readonly createNamespaces?: boolean;
  /**
   * Wait until every ExternalSecret is `Ready` before the routes are applied. Turn off for a
   * first `pulumi up` whose secret-manager grant is created outside the stack afterwards.
   * @default true
   */
  readonly waitForSecrets?: boolean;
  /**
   * Oathkeeper installation for the app's OathkeeperGateways.
   * @default - installed at OATHKEEPER_CHART.version as release "oathkeeper"
   */
  readonly oathkeeper?: OathkeeperReleaseOptions;
  /**
   * External Secrets Operator installation.
   * @default - not installed
   */
  readonly externalSecrets?: ExternalSecretsReleaseOptions;
  /**
   * What must exist before anything of the app is applied, e.g. a Traefik Helm release.
   * @default []
   */
  readonly dependsOn?: readonly pulumi.Resource[];
  /**
   * Skip Pulumi's readiness checks for every Kubernetes object.
   * @default false
   */
  readonly skipAwait?: boolean;
}

/**
 * Deploys your own cdk8s app with everything around it that a cluster needs, in order:
 *
 * 1. the namespaces of your charts (and External Secrets Operator, if asked);
 * 2. read access to exactly the secrets the app references ({@link GatewrightStackArgs.secretAccess}:
 *    IRSA roles, a Pod Identity role, OKE IAM policy statements) — computed from the construct tree;
 * 3. the foundation (stores, ExternalSecrets, Services, NetworkPolicies, workloads), waiting
 *    until every ExternalSecret is Ready;
 * 4. Oathkeeper for each OathkeeperGateway, at a pinned chart version — not awaited when its
 *    rules come through oathkeeper-maester, whose rules ConfigMap appears only after step 5;
 * 5. the routes (Traefik and Oathkeeper objects), last — and first to go on `pulumi destroy`.
 */
export class GatewrightStack extends pulumi.ComponentResource {
  /** The synthesized cdk8s app. */
  readonly app: App;
  /** Namespaces the stack created. */
  readonly namespaces: readonly string[];
  /** Every remote secret the app reads (what the grants cover). */
  readonly referencedSecrets: readonly ReferencedSecret[];
  /** The two-stage deployment of the app's objects. */
  readonly chart: GatewrightChart;
  /** Oathkeeper Helm releases, one per OathkeeperGateway namespace. */
  readonly oathkeeperReleases: readonly HelmChart[];
  /** The External Secrets Operator release, when installed. */
  readonly externalSecretsRelease?: HelmChart;
  /** What the secret-access grant reports (role ARNs, policies, OCI statements), for stack outputs. */
  readonly outputs: Readonly<Record<string, pulumi.Input<unknown>>>;
  /** Every Kubernetes object of the app, both stages. */
  readonly resources: pulumi.Output<unknown[]>;

  constructor(name: string, args: GatewrightStackArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('gatewright:index:Stack', name, {}, opts);
    this.app = resolveApp(args.app);
    const provider = args.provider;
    const child = { parent: this, provider };

    const namespaceNames = args.createNamespaces === false ? [] : chartNamespaces(this.app);
    const namespaces = namespaceNames.map(
      (ns) => new Namespace(`${name}-ns-${ns}`, { metadata: { name: ns, labels: { 'app.kubernetes.io/managed-by': 'gatewright' } } }, child),
    );
    this.namespaces = namespaceNames;

    const before: pulumi.Resource[] = [...namespaces, ...(args.dependsOn ?? [])];
    if (args.externalSecrets?.install) {
      const eso = args.externalSecrets;
      const esoNamespace = eso.namespace ?? 'external-secrets';
      const version = requireExactChartVersion(eso.version ?? EXTERNAL_SECRETS_CHART.version, `${name}/externalSecrets`);
      const ns = new Namespace(`${name}-ns-${esoNamespace}`, { metadata: { name: esoNamespace } }, child);
      this.externalSecretsRelease = new HelmChart(
        `${name}-external-secrets`,
        { chart: EXTERNAL_SECRETS_CHART.chart, version, namespace: esoNamespace, repositoryOpts: { repo: EXTERNAL_SECRETS_CHART.repo }, values: { installCRDs: true } },
        { ...child, dependsOn: [ns, ...(args.dependsOn ?? [])] },
      );
      before.push(this.externalSecretsRelease);
    }

    this.referencedSecrets = collectReferencedSecrets(this.app);
    const grant = args.secretAccess?.grant(name, {
      parent: this,
      app: this.app,
      secrets: this.referencedSecrets,
      stores: collectSecretStores(this.app),
      provider,
      namespaces,
    });
    this.outputs = grant?.outputs ?? {};

    const oathkeeper = args.oathkeeper ?? {};
    const gateways = oathkeeperGateways(this.app);
    const releases: HelmChart[] = [];
    this.chart = new GatewrightChart(
      name,
      {
        chart: this.app,
        provider,
        waitForSecrets: args.waitForSecrets ?? true,
        skipAwait: args.skipAwait,
        dependsOn: [...before, ...(grant?.resources ?? [])],
        beforeRouting: (foundation) => {
          if (oathkeeper.install === false) return [];
          const version = requireExactChartVersion(oathkeeper.version ?? OATHKEEPER_CHART.version, `${name}/oathkeeper`);
          const release = oathkeeper.releaseName ?? 'oathkeeper';
          for (const g of gateways) {
            releases.push(
              new HelmChart(
                gateways.length === 1 ? `${name}-oathkeeper` : `${name}-oathkeeper-${g.namespace}`,
                {
                  chart: OATHKEEPER_CHART.chart,
                  name: release,
                  version,
                  namespace: g.namespace,
                  repositoryOpts: { repo: OATHKEEPER_CHART.repo },
                  values: g.values,
                  // With maester delivery the chart mounts `<release>-rules`, which maester writes
                  // only once it reconciles a Rule, and the Rules are applied after the chart: waiting
                  // for Oathkeeper to be ready here would wait forever on the first deploy. The
                  // release only has to exist (with the Rule CRD) before the routing stage.
                  ...(g.maester || args.skipAwait ? { skipAwait: true } : {}),
                },
                { ...child, dependsOn: [foundation] },
              ),
            );
          }
          return releases;
        },
      },
      { parent: this },
    );
    this.oathkeeperReleases = releases;
    this.resources = this.chart.resources;
    this.registerOutputs({ namespaces: this.namespaces, resources: this.resources, ...this.outputs });
  }
}

/** Namespaces of the app's top-level charts, sorted, each once. */
function chartNamespaces(app: App): string[] {
  return [...new Set(app.charts.map((c) => c.namespace).filter((n): n is string => !!n))].sort();
}

interface OathkeeperGatewayLike {
  readonly engine: string;
  helmValues(): Record<string, unknown>;
  _toGatewayModel(): { namespace?: string };
}

/**
 * The OathkeeperGateways of the app with their namespace and Helm values. Duck-typed (engine and
 * `helmValues`), so a second copy of gatewright in node_modules does not hide a gateway.
 */
function oathkeeperGateways(app: App): { path: string; namespace: string; values: Record<string, unknown>; maester: boolean }[] {
  const found = app.node
    .findAll()
    .filter((c: IConstruct) => {
      const g = c as unknown as Partial<OathkeeperGatewayLike>;
      return g.engine === GatewayEngine.OATHKEEPER && typeof g.helmValues === 'function' && typeof g._toGatewayModel === 'function';
    })
    .map((c) => {
      const g = c as unknown as OathkeeperGatewayLike;
      const namespace = g._toGatewayModel().namespace;
      if (!namespace) {
        throw new GatewrightError({
          code: ErrorCode.INVALID_PROPS,
          path: c.node.path,
          field: 'namespace',
          problem: 'the OathkeeperGateway has no namespace, so the stack cannot tell where to install Oathkeeper',
          fix: 'set namespace on the gateway or on its chart',
        });
      }
      const values = g.helmValues();
      const maester = (values.maester as { enabled?: boolean } | undefined)?.enabled === true;
      return { path: c.node.path, namespace, values, maester };
    });
  const byNamespace = new Map<string, string>();
  for (const g of found) {
    const other = byNamespace.get(g.namespace);
    if (other) {
      throw new GatewrightError({
        code: ErrorCode.CONFLICT,
        path: g.path,
        problem: `is a second OathkeeperGateway in namespace "${g.namespace}" (the first is ${other}); one Oathkeeper release serves one namespace`,
        fix: 'give each OathkeeperGateway its own namespace, or serve all routes from one gateway',
      });
    }
    byNamespace.set(g.namespace, g.path);
  }
  return found;
}

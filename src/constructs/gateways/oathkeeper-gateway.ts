import { createHash } from 'node:crypto';
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { Rule, type RuleSpec } from '../../../imports/oathkeeper.ory.sh';
import { ErrorCode, GatewayEngine, GatewrightError, gatewaySchema, HTTP_METHODS, parseOrThrow, type ApiRouteModel, type GatewayModel } from '../../model';
import { Feature, unsupportedFeatureError } from '../../plan/capabilities';
import { gatewayObjectName, GatewayObject } from '../../plan/object-names';
import { headersInjectedByAnyRoute, planRequestTransformation } from '../../plan/request-transformation';
import { MatchingStrategy, type OathkeeperAccessRule, type OathkeeperEnvBinding } from '../../targets/oathkeeper/access-rule';
import { CONFIG_FILE_NAME, DEFAULT_OATHKEEPER_PORTS, renderOathkeeperConfig, RULES_DIRECTORY, RULES_FILE_NAME, type OathkeeperPorts } from '../../targets/oathkeeper/config';
import { OATHKEEPER_CHART_VERSION, renderHelmValues, type OathkeeperAutoscaling, type OathkeeperResources } from '../../targets/oathkeeper/helm-values';
import { toMaesterRuleProps } from '../../targets/oathkeeper/maester-rule';
import { renderOathkeeperRoute } from '../../targets/oathkeeper/render-rule';
import { renderMethodDenyRule } from '../../targets/oathkeeper/method-deny-rule';
import { routesOverlap, urlsOverlap } from '../../targets/oathkeeper/rule-overlap';
import { parentChartOf } from '../parent-chart';
import { AppPlan } from '../plan/app-plan';
import { SynthArtifact } from '../plan/synth-artifact';
import { CONTENT_HASH_ANNOTATION } from '../rotation/restart-on-change';
import { SecretSync } from '../secrets/secret-sync';
import type { IGateway } from './gateway';
import { RouteRegistry } from './route-registry';
import { keysOf, rejectUnknownProps } from '../props/check-props';

export { MatchingStrategy } from '../../targets/oathkeeper/access-rule';
export { OATHKEEPER_CHART_VERSION, OATHKEEPER_VERSION } from '../../targets/oathkeeper/helm-values';
export type { OathkeeperAutoscaling, OathkeeperResources } from '../../targets/oathkeeper/helm-values';

/** How access rules reach Oathkeeper. */
export enum OathkeeperRuleDelivery {
  /** One `Rule` (`oathkeeper.ory.sh/v1alpha1`) per API; oathkeeper-maester writes them into Oathkeeper's rules ConfigMap. */
  MAESTER = 'maester',
  /** One ConfigMap holding the rules file, for installations without maester. */
  CONFIG_MAP = 'configMap',
}

/** Which namespaces oathkeeper-maester watches for `Rule`s. */
export enum MaesterNamespaces {
  /** Only Oathkeeper's own namespace (`singleNamespaceMode`). */
  OWN = 'own',
  /** Every namespace of the cluster (maester's default). */
  ALL = 'all',
}

/** File format of the rules file in {@link OathkeeperRuleDelivery.CONFIG_MAP} mode. */
export enum OathkeeperRulesFormat {
  /** `rules.json`. */
  JSON = 'json',
  /** `rules.yaml`. */
  YAML = 'yaml',
}

/** Props of {@link OathkeeperGateway}. */
export interface OathkeeperGatewayProps {
  /**
   * Namespace of the Rules, ConfigMaps and synced Secrets: the namespace Oathkeeper runs in
   * (its environment can only reference Secrets there).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * How the access rules are delivered. A rules ConfigMap is the default: it needs no
   * controller, converges on the first deploy, and nobody but the platform team can add rules.
   * With maester, anyone who may create a `Rule` in the watched namespaces can template
   * `{{ env "GW_SECRET_…" }}` into a header toward their own upstream: see `maesterNamespaces`.
   * @default OathkeeperRuleDelivery.CONFIG_MAP
   */
  readonly ruleDelivery?: OathkeeperRuleDelivery;
  /**
   * Which namespaces maester watches for `Rule`s (maester delivery only). `own` sets the chart's
   * `singleNamespaceMode`: only Rules in Oathkeeper's namespace reach it, so only who may create
   * Rules there can read its credentials through header templates. `all` lets a Rule in any
   * namespace do so (gatewright's report flags it).
   * @default MaesterNamespaces.OWN
   */
  readonly maesterNamespaces?: MaesterNamespaces;
  /**
   * Format of the rules file when `ruleDelivery` is `CONFIG_MAP`.
   * @default OathkeeperRulesFormat.JSON
   */
  readonly rulesFormat?: OathkeeperRulesFormat;
  /**
   * How `match.url` patterns are written and compared (`access_rules.matching_strategy`).
   * @default MatchingStrategy.REGEXP
   */
  readonly matchingStrategy?: MatchingStrategy;
  /**
   * Trust `X-Forwarded-*` from the proxy in front of Oathkeeper. Only when that proxy
   * overwrites them: otherwise callers can spoof them.
   * @default false
   */
  readonly trustForwardedHeaders?: boolean;
  /**
   * Listener ports.
   * @default { proxy: 4455, api: 4456, metrics: 9000 }
   */
  readonly ports?: Partial<OathkeeperPorts>;
  /**
   * Replicas (Helm `replicaCount`); ignored by the chart when autoscaling is on.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Container resources.
   * @default - requests 100m CPU / 64Mi, memory limit 256Mi
   */
  readonly resources?: OathkeeperResources;
  /**
   * Horizontal pod autoscaling on CPU.
   * @default - no autoscaling
   */
  readonly autoscaling?: OathkeeperAutoscaling;
  /**
   * Base name of the generated ConfigMaps.
   * @default - the construct id
   */
  readonly name?: string;
}


const DEFAULT_RESOURCES: OathkeeperResources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } };

/** What the gateway's routes render to, computed once per route count. */
interface RenderedGateway {
  readonly routeCount: number;
  /** One access rule per route, in attachment order. */
  readonly rules: OathkeeperAccessRule[];
  /** Per route, the rule answering 403 for its refused methods (no methods when it cannot have one). */
  readonly denyRules: (OathkeeperAccessRule | undefined)[];
  readonly env: OathkeeperEnvBinding[];
  readonly redactedHeaders: string[];
}

const OATHKEEPER_GATEWAY_PROPS = keysOf<OathkeeperGatewayProps>()(['namespace', 'ruleDelivery', 'maesterNamespaces', 'rulesFormat', 'matchingStrategy', 'trustForwardedHeaders', 'ports', 'replicas', 'resources', 'autoscaling', 'name']);

/**
 * Ory Oathkeeper as the gateway: each SecuredApi becomes one access rule (JWT authenticator
 * with issuer, audience, algorithms and scopes pinned; `allow`; a `header` mutator rendering
 * the plan's request transformation and the upstream credential from environment variables;
 * upstream URL with `strip_path`). Emits Oathkeeper's configuration in a ConfigMap the official
 * Helm chart mounts (`config.yaml`), the rules in a ConfigMap (default) or as maester `Rule`s,
 * ExternalSecrets for the Secret keys used, and the chart's values — written next to the chart
 * as `<chart>.<gateway>.oathkeeper-values.yaml` and available as {@link helmValues}.
 *
 * What Oathkeeper cannot do (query parameters, OAuth client credentials, claim values, API
 * keys, EdDSA, nested prefixes) fails synth and names the gateways that can.
 */
export class OathkeeperGateway extends Construct implements IGateway {
  readonly engine = GatewayEngine.OATHKEEPER;
  /** The ConfigMap holding Oathkeeper's configuration (key `config.yaml`). */
  readonly configMap: ApiObject;
  /** The rules ConfigMap (`CONFIG_MAP` delivery only). */
  readonly rulesConfigMap?: ApiObject;
  /** Name of our rules ConfigMap, which the Helm values mount (`CONFIG_MAP` delivery only). */
  readonly rulesConfigMapName?: string;
  /** How the access rules reach Oathkeeper. */
  readonly ruleDelivery: OathkeeperRuleDelivery;
  /** How `match.url` patterns are written and compared. */
  readonly matchingStrategy: MatchingStrategy;

  private readonly model: GatewayModel;
  private readonly registry: RouteRegistry;
  private readonly rulesFormat: OathkeeperRulesFormat;
  private readonly ports: OathkeeperPorts;
  private readonly trustForwardedHeaders: boolean;
  private readonly replicas: number;
  private readonly resources: OathkeeperResources;
  private readonly autoscaling?: OathkeeperAutoscaling;
  private readonly maesterNamespaces: MaesterNamespaces;
  private rendered?: RenderedGateway;

  constructor(scope: Construct, id: string, props: OathkeeperGatewayProps = {}) {
    super(scope, id);
    rejectUnknownProps(props, OATHKEEPER_GATEWAY_PROPS, this.node.path, 'OathkeeperGateway');
    const namespace = props.namespace ?? parentChartOf(this).namespace;
    const name = props.name ?? id;
    this.ruleDelivery = props.ruleDelivery ?? OathkeeperRuleDelivery.CONFIG_MAP;
    this.rulesFormat = props.rulesFormat ?? OathkeeperRulesFormat.JSON;
    this.matchingStrategy = props.matchingStrategy ?? MatchingStrategy.REGEXP;
    this.maesterNamespaces = props.maesterNamespaces ?? MaesterNamespaces.OWN;
    this.ports = { ...DEFAULT_OATHKEEPER_PORTS, ...(props.ports ?? {}) };
    this.trustForwardedHeaders = props.trustForwardedHeaders ?? false;
    this.replicas = props.replicas ?? 2;
    this.resources = props.resources ?? DEFAULT_RESOURCES;
    this.autoscaling = props.autoscaling;
    this.model = parseOrThrow(
      gatewaySchema,
      { name, path: this.node.path, engine: this.engine, ...(namespace ? { namespace } : {}), listeners: [`proxy :${this.ports.proxy}`] },
      this.node.path,
    );
    this.validateScaling(props);
    this.registry = new RouteRegistry(this);
    this.node.addValidation({ validate: () => [...this.overlappingRuleErrors(), ...this.emptyGatewayErrors()] });
    AppPlan.of(this).addCheck(() => this.maesterSharingErrors());

    const plan = AppPlan.of(this);
    const metadata = (n: string) => ({ name: n, ...(namespace ? { namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'gatewright' } });
    this.configMap = plan.describe(
      new ApiObject(this, 'config', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: metadata(gatewayObjectName(name, GatewayObject.CONFIG)),
        data: Lazy.any({ produce: () => ({ [CONFIG_FILE_NAME]: stringify(this.config()) }) }),
      }),
      { owner: this.node.path, purpose: "Oathkeeper's configuration" },
    );
    if (this.ruleDelivery === OathkeeperRuleDelivery.CONFIG_MAP) {
      this.rulesConfigMapName = gatewayObjectName(name, GatewayObject.RULES);
      this.rulesConfigMap = plan.describe(
        new ApiObject(this, 'rules', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: metadata(this.rulesConfigMapName),
          data: Lazy.any({ produce: () => ({ [this.rulesFileName]: this.rulesFile() }) }),
        }),
        { owner: this.node.path, purpose: "Oathkeeper's access rules" },
      );
    }
    new SynthArtifact(this, 'helm-values', { fileName: () => `${parentChartOf(this).node.id}.${name}.oathkeeper-values.yaml`, content: () => this.helmValuesYaml() });
  }

  get routes(): readonly ApiRouteModel[] {
    return this.registry.routes;
  }

  /** Access rules of the routes attached so far, in attachment order, each followed by its method-deny rule (the content of the rules file). */
  get accessRules(): readonly OathkeeperAccessRule[] {
    const r = this.render();
    return r.rules.flatMap((rule, i) => {
      const deny = r.denyRules[i];
      return deny && deny.match.methods.length ? [rule, deny] : [rule];
    });
  }

  /** Environment variables Oathkeeper needs, each from one Secret key, sorted by name. */
  get environment(): readonly OathkeeperEnvBinding[] {
    return this.render().env;
  }

  /** Oathkeeper's configuration (`config.yaml`) as an object. */
  config(): Record<string, unknown> {
    return renderOathkeeperConfig({
      rules: this.accessRules,
      matchingStrategy: this.matchingStrategy,
      repositories: [`file://${RULES_DIRECTORY}/${this.ruleDelivery === OathkeeperRuleDelivery.CONFIG_MAP ? this.rulesFileName : RULES_FILE_NAME}`],
      ports: this.ports,
      trustForwardedHeaders: this.trustForwardedHeaders,
      redactedHeaders: this.render().redactedHeaders,
    });
  }

  /**
   * Values for the official `ory/oathkeeper` Helm chart (version {@link OATHKEEPER_CHART_VERSION}):
   * mount gatewright's config and rules ConfigMaps, `deployment.extraEnv` from the credential
   * Secrets, replicas, resources, autoscaling, and a pod annotation that rolls the pods when
   * the config or rules change (Oathkeeper caches header templates per rule id until restart).
   */
  helmValues(): Record<string, unknown> {
    const values = renderHelmValues({
      configMapName: gatewayObjectName(this.model.name, GatewayObject.CONFIG),
      ports: this.ports,
      rulesDelivery: this.ruleDelivery,
      rulesConfigMapName: this.rulesConfigMapName,
      env: this.environment,
      replicas: this.replicas,
      resources: this.resources,
      autoscaling: this.autoscaling,
      maesterSingleNamespace: this.maesterNamespaces === MaesterNamespaces.OWN,
    });
    const hash = createHash('sha256').update(JSON.stringify([this.config(), this.accessRules])).digest('hex');
    const deployment = values.deployment as Record<string, unknown>;
    deployment.podMetadata = { annotations: { [CONTENT_HASH_ANNOTATION]: hash } };
    return values;
  }

  /** {@link helmValues} as a YAML document, ready for `helm upgrade -f`. */
  helmValuesYaml(): string {
    return `# Values for the ory/oathkeeper Helm chart ${OATHKEEPER_CHART_VERSION}, generated by gatewright from ${this.node.path}.\n${stringify(this.helmValues())}`;
  }

  /** @internal */
  _toGatewayModel(): GatewayModel {
    return this.model;
  }

  /** @internal */
  _addRoute(api: Construct, route: ApiRouteModel): void {
    // Rendered once now, so an unsupported or conflicting route fails at the user's line; the
    // manifests are rendered again at synth, when every route of the gateway is known.
    const now = this.renderRoute(route, [...this.registry.routes, route]);
    this.registry.add(route);
    this.rendered = undefined;
    if (this.ruleDelivery === OathkeeperRuleDelivery.MAESTER) {
      const index = this.registry.routes.length - 1;
      const rule = new Rule(api, `${route.name}-rule`, {
        metadata: { name: now.rule.id, ...(this.model.namespace ? { namespace: this.model.namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'gatewright' } },
        spec: Lazy.any({ produce: () => toMaesterRuleProps(this.render().rules[index], this.model.namespace).spec }) as unknown as RuleSpec,
      });
      AppPlan.of(this).describe(rule, { owner: api.node.path, purpose: 'the maester Rule' });
      if (route.authorization.methods.length) {
        const deny = new Rule(api, `${route.name}-deny-rule`, {
          metadata: { name: `${now.rule.id}-deny-other-methods`, ...(this.model.namespace ? { namespace: this.model.namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'gatewright' } },
          // Lazy: with another route in the same URL space it gets no methods (it would double-match).
          spec: Lazy.any({ produce: () => toMaesterRuleProps(this.render().denyRules[index]!, this.model.namespace).spec }) as unknown as RuleSpec,
        });
        AppPlan.of(this).describe(deny, { owner: api.node.path, purpose: 'the maester Rule refusing other methods' });
      }
    }
    SecretSync.of(this, this.model.namespace).add(now.secretKeys, api.node.path);
  }

  private renderRoute(route: ApiRouteModel, routes: readonly ApiRouteModel[]) {
    return renderOathkeeperRoute({
      route,
      transformation: planRequestTransformation(route, { injectedAnywhere: headersInjectedByAnyRoute(routes) }),
      strategy: this.matchingStrategy,
      forwarding: { trustForwardedHeaders: this.trustForwardedHeaders },
      namespace: this.model.namespace,
    });
  }

  private render(): RenderedGateway {
    const routes = this.registry.routes;
    if (this.rendered?.routeCount === routes.length) return this.rendered;
    const rules: OathkeeperAccessRule[] = [];
    const denyRules: (OathkeeperAccessRule | undefined)[] = [];
    const env = new Map<string, OathkeeperEnvBinding>();
    const redacted: string[] = [];
    routes.forEach((route, i) => {
      const r = this.renderRoute(route, routes);
      rules.push(r.rule);
      const allowed = route.authorization.methods as readonly string[];
      const alone = !routes.some((other, j) => j !== i && urlsOverlap(route, other));
      denyRules.push(allowed.length ? renderMethodDenyRule(r.rule, alone ? HTTP_METHODS.filter((m) => !allowed.includes(m)) : []) : undefined);
      for (const e of r.env) env.set(e.name, e);
      redacted.push(...r.credentialHeaders);
    });
    this.rendered = { routeCount: routes.length, rules, denyRules, env: [...env.values()].sort((a, b) => a.name.localeCompare(b.name)), redactedHeaders: redacted };
    return this.rendered;
  }

  private get rulesFileName(): string {
    return this.rulesFormat === OathkeeperRulesFormat.JSON ? RULES_FILE_NAME : 'access-rules.yaml';
  }

  private rulesFile(): string {
    const rules = this.accessRules;
    return this.rulesFormat === OathkeeperRulesFormat.JSON ? `${JSON.stringify(rules, null, 2)}\n` : stringify(rules);
  }

  /** Pairs of routes a single request could match (exact duplicates are the registry's to report). */
  private overlappingRuleErrors(): string[] {
    const routes = this.registry.routes;
    const errors: string[] = [];
    for (let i = 0; i < routes.length; i++) {
      for (let j = i + 1; j < routes.length; j++) {
        const [a, b] = [routes[i], routes[j]];
        if (a.host === b.host && a.pathPrefix === b.pathPrefix) continue;
        if (!routesOverlap(a, b)) continue;
        errors.push(unsupportedFeatureError(this.engine, { feature: Feature.OVERLAPPING_PREFIXES, field: 'path' }, b.path).message.replace(/^\[[^\]]+\] /, `[${b.path}] `) + ` (overlaps ${a.host}${a.pathPrefix} of ${a.path})`);
      }
    }
    return errors;
  }

  /** Oathkeeper's readiness needs at least one rule: with none, the startup probe never passes. */
  private emptyGatewayErrors(): string[] {
    if (this.registry.routes.length) return [];
    return [
      new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        field: 'routes',
        problem: 'has no SecuredApi; Oathkeeper reports not-ready with zero access rules, so its pods would never start',
        fix: 'attach at least one SecuredApi to this gateway, or remove it',
      }).message,
    ];
  }

  /** Maester writes every Rule of its namespace into one rules ConfigMap: two maester gateways in one namespace would serve each other's rules. */
  private maesterSharingErrors(): string[] {
    if (this.ruleDelivery !== OathkeeperRuleDelivery.MAESTER) return [];
    const others = this.node.root.node
      .findAll()
      .filter((c): c is OathkeeperGateway => c instanceof OathkeeperGateway && c !== this && c.ruleDelivery === OathkeeperRuleDelivery.MAESTER && c.model.namespace === this.model.namespace);
    const first = others.find((o) => o.node.path < this.node.path);
    if (!first) return [];
    return [
      new GatewrightError({
        code: ErrorCode.CONFLICT,
        path: this.node.path,
        field: 'ruleDelivery',
        problem: `delivers rules through maester in namespace "${this.model.namespace ?? '(default)'}", like ${first.node.path}; maester collects every Rule of a namespace into one rules file, so each Oathkeeper would serve the other's routes and credentials`,
        fix: 'put the gateways in different namespaces, or use OathkeeperRuleDelivery.CONFIG_MAP for one of them',
      }).message,
    ];
  }

  private validateScaling(props: OathkeeperGatewayProps): void {
    const bad = (field: string, problem: string, fix: string) => new GatewrightError({ code: ErrorCode.INVALID_PROPS, path: this.node.path, field, problem, fix });
    if (!Number.isInteger(this.replicas) || this.replicas < 1) throw bad('replicas', `must be a whole number ≥ 1 (got ${props.replicas})`, 'set replicas: 2');
    const a = this.autoscaling;
    if (a && (!Number.isInteger(a.minReplicas) || a.minReplicas < 1 || a.maxReplicas < a.minReplicas)) {
      throw bad('autoscaling', `needs 1 ≤ minReplicas ≤ maxReplicas (got ${a.minReplicas}..${a.maxReplicas})`, 'e.g. { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 75 }');
    }
    if (a && (a.targetCpuUtilization < 1 || a.targetCpuUtilization > 100)) {
      throw bad('autoscaling.targetCpuUtilization', `must be a percentage between 1 and 100 (got ${a.targetCpuUtilization})`, 'e.g. 75');
    }
  }
}

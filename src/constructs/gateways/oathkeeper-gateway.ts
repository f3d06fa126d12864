import { ApiObject, Lazy } from 'cdk8s';
import { parentChartOf } from '../parent-chart';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { Rule } from '../../../imports/oathkeeper.ory.sh';
import { ErrorCode, GatewayEngine, GatewrightError, gatewaySchema, parseOrThrow, type ApiRouteModel, type GatewayModel } from '../../model';
import { MatchingStrategy, type OathkeeperAccessRule, type OathkeeperEnvBinding } from '../../targets/oathkeeper/access-rule';
import { DEFAULT_OATHKEEPER_PORTS, renderOathkeeperConfig, type OathkeeperPorts } from '../../targets/oathkeeper/config';
import { renderHelmValues, type OathkeeperAutoscaling, type OathkeeperResources } from '../../targets/oathkeeper/helm-values';
import { toMaesterRuleProps } from '../../targets/oathkeeper/maester-rule';
import { renderOathkeeperRoute } from '../../targets/oathkeeper/render-rule';
import { routesOverlap } from '../../targets/oathkeeper/rule-overlap';
import { SecretSync } from '../secrets/secret-sync';
import type { IGateway } from './gateway';
import { RouteRegistry } from './route-registry';

export { MatchingStrategy } from '../../targets/oathkeeper/access-rule';
export type { OathkeeperAutoscaling, OathkeeperResources } from '../../targets/oathkeeper/helm-values';

/** How access rules reach Oathkeeper. */
export enum OathkeeperRuleDelivery {
  /** One `Rule` (`oathkeeper.ory.sh/v1alpha1`) per API; oathkeeper-maester writes them into Oathkeeper's rules ConfigMap. */
  MAESTER = 'maester',
  /** One ConfigMap holding the rules file, for installations without maester. */
  CONFIG_MAP = 'configMap',
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
   * How the access rules are delivered.
   * @default OathkeeperRuleDelivery.MAESTER
   */
  readonly ruleDelivery?: OathkeeperRuleDelivery;
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

/**
 * Ory Oathkeeper as the gateway: each SecuredApi becomes one access rule (JWT authenticator
 * with issuer, audience, algorithms and scopes pinned; `allow`; a `header` mutator that blanks
 * the caller's token and sets the upstream credential from environment variables; upstream
 * URL with `strip_path`). Emits the global `oathkeeper.yaml` in a ConfigMap, the rules as
 * maester `Rule`s or a rules ConfigMap, ExternalSecrets for the Secret keys used, and exposes
 * the values for the official Helm chart as {@link OathkeeperGateway.helmValues}.
 *
 * Oathkeeper cannot add query parameters, exchange OAuth client credentials, check claim
 * values or verify static API keys: such routes fail synth and name the reference proxy.
 */
export class OathkeeperGateway extends Construct implements IGateway {
  readonly engine = GatewayEngine.OATHKEEPER;
  /** The ConfigMap holding `oathkeeper.yaml`. */
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
  private readonly rules: OathkeeperAccessRule[] = [];
  private readonly env = new Map<string, { binding: OathkeeperEnvBinding; owner: string }>();
  private readonly redactedHeaders: string[] = [];
  private readonly rulesFormat: OathkeeperRulesFormat;
  private readonly ports: OathkeeperPorts;
  private readonly trustForwardedHeaders: boolean;
  private readonly replicas: number;
  private readonly resources: OathkeeperResources;
  private readonly autoscaling?: OathkeeperAutoscaling;

  constructor(scope: Construct, id: string, props: OathkeeperGatewayProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? parentChartOf(this).namespace;
    const name = props.name ?? id;
    this.model = parseOrThrow(
      gatewaySchema,
      // Oathkeeper has one proxy listener; "entry point" is kept for the engine-neutral model.
      { name, path: this.node.path, engine: this.engine, ...(namespace ? { namespace } : {}), entryPoints: ['proxy'] },
      this.node.path,
    );
    this.ruleDelivery = props.ruleDelivery ?? OathkeeperRuleDelivery.MAESTER;
    this.rulesFormat = props.rulesFormat ?? OathkeeperRulesFormat.JSON;
    this.matchingStrategy = props.matchingStrategy ?? MatchingStrategy.REGEXP;
    this.ports = { ...DEFAULT_OATHKEEPER_PORTS, ...(props.ports ?? {}) };
    this.trustForwardedHeaders = props.trustForwardedHeaders ?? false;
    this.replicas = props.replicas ?? 2;
    this.resources = props.resources ?? DEFAULT_RESOURCES;
    this.autoscaling = props.autoscaling;
    this.validateScaling(props);
    this.registry = new RouteRegistry(this);
    this.node.addValidation({ validate: () => this.overlappingRuleErrors() });

    const metadata = (n: string) => ({ name: n, ...(namespace ? { namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'gatewright' } });
    this.configMap = new ApiObject(this, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(`${name}-config`),
      data: Lazy.any({ produce: () => ({ 'oathkeeper.yaml': stringify(this.config()) }) }),
    });
    // With maester, the chart mounts the ConfigMap maester writes; nothing to name here.
    if (this.ruleDelivery === OathkeeperRuleDelivery.CONFIG_MAP) {
      this.rulesConfigMapName = `${name}-rules`;
      this.rulesConfigMap = new ApiObject(this, 'rules', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: metadata(this.rulesConfigMapName),
        data: Lazy.any({ produce: () => ({ [this.rulesFileName]: this.rulesFile() }) }),
      });
    }
  }

  get routes(): readonly ApiRouteModel[] {
    return this.registry.routes;
  }

  /** Access rules rendered so far, in attachment order (the content of the rules file). */
  get accessRules(): readonly OathkeeperAccessRule[] {
    return this.rules;
  }

  /** Environment variables Oathkeeper needs, each from one Secret key, sorted by name. */
  get environment(): readonly OathkeeperEnvBinding[] {
    return [...this.env.values()].map((e) => e.binding).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The global `oathkeeper.yaml` as an object. */
  config(): Record<string, unknown> {
    return renderOathkeeperConfig({
      rules: this.rules,
      matchingStrategy: this.matchingStrategy,
      rulesFileName: this.ruleDelivery === OathkeeperRuleDelivery.CONFIG_MAP ? this.rulesFileName : 'access-rules.json',
      ports: this.ports,
      trustForwardedHeaders: this.trustForwardedHeaders,
      redactedHeaders: this.redactedHeaders,
    });
  }

  /**
   * Values for the official `ory/oathkeeper` Helm chart: the same `oathkeeper.yaml`, where
   * the rules come from, `deployment.extraEnv` from the credential Secrets, replicas,
   * resources, autoscaling. Call after every SecuredApi is attached (e.g. after synth).
   */
  helmValues(): Record<string, unknown> {
    return renderHelmValues({
      config: this.config(),
      rulesDelivery: this.ruleDelivery,
      rulesConfigMapName: this.rulesConfigMapName,
      env: this.environment,
      replicas: this.replicas,
      resources: this.resources,
      autoscaling: this.autoscaling,
    });
  }

  /** {@link helmValues} as a YAML document, ready for `helm upgrade -f`. */
  helmValuesYaml(): string {
    return `# Values for the ory/oathkeeper Helm chart, generated by gatewright from ${this.node.path}.\n${stringify(this.helmValues())}`;
  }

  /** @internal */
  _toGatewayModel(): GatewayModel {
    return this.model;
  }

  /** @internal */
  _addRoute(api: Construct, route: ApiRouteModel): void {
    const rendered = renderOathkeeperRoute(this.model, route, this.matchingStrategy);
    for (const binding of rendered.env) this.bindEnv(binding, api.node.path);
    this.registry.add(route);
    this.rules.push(rendered.rule);
    this.redactedHeaders.push(...rendered.credentialHeaders);
    if (this.ruleDelivery === OathkeeperRuleDelivery.MAESTER) {
      new Rule(api, `${route.name}-rule`, toMaesterRuleProps(rendered.rule, this.model.namespace));
    }
    SecretSync.of(this, this.model.namespace).add(rendered.secretKeys, api.node.path);
  }

  private get rulesFileName(): string {
    return `access-rules.${this.rulesFormat}`;
  }

  private rulesFile(): string {
    return this.rulesFormat === OathkeeperRulesFormat.JSON ? `${JSON.stringify(this.rules, null, 2)}\n` : stringify(this.rules);
  }

  /** Two Secret keys must not end up in one variable (`a-b/c` and `a/b-c` both give `GW_SECRET_A_B_C`). */
  private bindEnv(binding: OathkeeperEnvBinding, owner: string): void {
    const existing = this.env.get(binding.name);
    if (existing && (existing.binding.secretName !== binding.secretName || existing.binding.key !== binding.key)) {
      throw new GatewrightError({
        code: ErrorCode.CONFLICT,
        path: owner,
        field: `SecretRef(${binding.secretName}:${binding.key})`,
        problem: `maps to the environment variable ${binding.name}, which ${existing.owner} already fills from ${existing.binding.secretName}:${existing.binding.key}`,
        fix: 'rename one of the Secrets or keys so their upper-cased names differ',
      });
    }
    if (!existing) this.env.set(binding.name, { binding, owner });
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
        errors.push(
          new GatewrightError({
            code: ErrorCode.DUPLICATE_ROUTE,
            path: b.path,
            field: 'host/path',
            problem: `${b.host}${b.pathPrefix} overlaps ${a.host}${a.pathPrefix} (${a.path}) for some methods; Oathkeeper has no rule priority and answers 500 when two rules match one request`,
            fix: 'give the routes disjoint path prefixes or disjoint methods, or use a Traefik or reference proxy gateway (longest prefix wins there)',
          }).message,
        );
      }
    }
    return errors;
  }

  private validateScaling(props: OathkeeperGatewayProps): void {
    const bad = (field: string, problem: string, fix: string) =>
      new GatewrightError({ code: ErrorCode.INVALID_PROPS, path: this.node.path, field, problem, fix });
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

import { createHash } from 'node:crypto';
import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { cidr, dnsLabel, forwardAuthPathSchema, PROXY_DEFAULTS, secretsDirSchema, ErrorCode, GatewayEngine, GatewrightError, parseOrThrow, type ApiRouteModel, type ForwardAuthListenerModel, type ProxyConfigModel } from '../../model';
import { checkRouteCapabilities } from '../../plan/capabilities';
import type { ForwardAuthEndpoint } from '../../targets/traefik/forward-auth-middleware';
import { renderProxyConfig } from '../../targets/proxy/render-config';
import { proxySecretMounts, uniqueSecretRefs } from '../../targets/proxy/secret-mounts';
import type { WorkloadSelector } from '../network/gateway-network-policies';
import { parentChartOf } from '../parent-chart';
import { CONTENT_HASH_ANNOTATION } from '../rotation/restart-on-change';
import { SecretSync } from '../secrets/secret-sync';
import { AppPlan } from '../plan/app-plan';
import { keysOf, rejectUnknownProps } from '../props/check-props';
import { forwardAuthExposureErrors } from './forward-auth-isolation';
import { FORWARD_AUTH_PORT_NAME, PROXY_CONFIG_FILE, proxyPodSpec, type ProxyPodSpecInput } from './proxy-pod-spec';
import type { ProxyResources } from './proxy-resources';

export type { ProxyResourceQuantities, ProxyResources } from './proxy-resources';

/** The image the construct deploys unless told otherwise; bumped with each gatewright release. */
export const DEFAULT_REFERENCE_PROXY_IMAGE = 'ghcr.io/gatewright/reference-proxy:0.1.0';

/** ConfigMaps are limited to 1 MiB in all; leave room for the object's metadata. */
const MAX_CONFIG_BYTES = 1_000_000;

/**
 * Pod annotation carrying the config digest: a config change rolls the pods. The same key
 * `RestartOnChange.contentHash` writes, so every gatewright workload rolls on one annotation.
 */
export const CONFIG_HASH_ANNOTATION = CONTENT_HASH_ANNOTATION;

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization. */
export interface ProxyAutoscaling {
  /**
   * Fewest replicas; keep at least 2 so one pod can roll or fail without an outage.
   * @default 2
   */
  readonly minReplicas?: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilization (percent of the CPU request) the autoscaler aims for.
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;
}

/** A PodDisruptionBudget (policy/v1): how many pods a node drain may take at once. */
export interface ProxyDisruptionBudget {
  /**
   * Pods that must stay available during voluntary disruptions (number or percentage).
   * @default 1 (when maxUnavailable is not set)
   */
  readonly minAvailable?: number | string;
  /**
   * Pods that may be unavailable at once (number or percentage); exclusive with minAvailable.
   * @default - not set; minAvailable applies
   */
  readonly maxUnavailable?: number | string;
}

/** Props of {@link ReferenceProxy}. */
export interface ReferenceProxyProps {
  /**
   * Base name of the Deployment, Service, ConfigMap and friends.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of every object, and of the Secrets the proxy mounts (a pod can only mount
   * Secrets of its own namespace).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Container image, pinned by tag or digest. `:latest` and untagged images are rejected:
   * a gateway must not change under a running cluster.
   * @default DEFAULT_REFERENCE_PROXY_IMAGE ('ghcr.io/gatewright/reference-proxy:0.1.0')
   */
  readonly image?: string;
  /**
   * Replicas; ignored when `autoscaling` is set (the autoscaler owns the count).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Port serving proxied traffic (inline routes).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Port of the Traefik forwardAuth endpoint, opened only when a `TraefikGateway` routes
   * through the proxy. Its answers carry upstream credentials, so it is a listener of its
   * own, never the traffic port; let only Traefik reach it.
   * @default 8081
   */
  readonly forwardAuthPort?: number;
  /**
   * Address blocks (CIDR) of the hops in front of the proxy — Traefik pods, a load balancer —
   * whose `X-Forwarded-*` headers the proxy believes (RFC 7239 §8.1). From anyone else they
   * are overwritten from the connection, so behind a TLS-terminating Traefik name its pod CIDR
   * here for backends to see `X-Forwarded-Proto: https`.
   * @default - none: forwarding headers are always written from the connection
   */
  readonly trustedHops?: string[];
  /**
   * Port serving `/healthz`, `/readyz` and `/metrics`; never exposed outside the cluster.
   * @default 9090
   */
  readonly adminPort?: number;
  /**
   * Directory under which every Secret is mounted, one sub-directory per Secret.
   * @default '/var/run/secrets/gatewright'
   */
  readonly secretsDir?: string;
  /**
   * Path of the Traefik forwardAuth endpoint on the forwardAuth port.
   * @default '/_gatewright/forward-auth'
   */
  readonly forwardAuthPath?: string;
  /**
   * Largest request header block the proxy accepts, in bytes.
   * @default 16384
   */
  readonly maxHeaderBytes?: number;
  /**
   * Largest bearer token the proxy verifies, in bytes.
   * @default 8192
   */
  readonly maxTokenBytes?: number;
  /**
   * Seconds the proxy keeps accepting and serving after SIGTERM while reporting not-ready, so
   * connections routed to it before kube-proxy and Traefik drop it from the Service endpoints
   * are not refused during rollouts (the image has no shell for a `preStop` sleep). Then it
   * drains in-flight requests; the pod's `terminationGracePeriodSeconds` covers both. 0 disables.
   * @default 5
   */
  readonly shutdownDelaySeconds?: number;
  /**
   * Container requests and limits.
   * @default - requests 100m CPU / 128Mi, limit 256Mi memory, no CPU limit
   */
  readonly resources?: ProxyResources;
  /**
   * Scale on CPU with a HorizontalPodAutoscaler.
   * @default - no autoscaler; `replicas` pods
   */
  readonly autoscaling?: ProxyAutoscaling;
  /**
   * Protect the proxy from node drains with a PodDisruptionBudget.
   * @default - no PodDisruptionBudget
   */
  readonly disruptionBudget?: ProxyDisruptionBudget;
  /**
   * UID (and GID) the container runs as; must match a non-root user of the image.
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * Service account of the pods. The proxy never talks to the Kubernetes API, so its token
   * is not mounted either way.
   * @default - the namespace's default service account
   */
  readonly serviceAccountName?: string;
}

const quantity = z.string().regex(/^[0-9.]+[a-zA-Z]*$/, { message: 'must be a Kubernetes quantity such as "250m" or "256Mi"' });
const intOrPercent = z.union([z.number().int().min(0), z.string().regex(/^\d{1,3}%$/, { message: 'must be a number or a percentage such as "50%"' })]);

const propsSchema = z.object({
  name: dnsLabel,
  namespace: dnsLabel.optional(),
  image: z.string().superRefine((v, ctx) => {
    const digest = v.includes('@sha256:');
    const tag = v.slice(v.lastIndexOf('/') + 1).split(':')[1];
    if (!digest && !tag) ctx.addIssue({ code: 'custom', message: `"${v}" has no tag; pin a version such as "${v}:0.1.0" or a digest` });
    else if (!digest && tag === 'latest') ctx.addIssue({ code: 'custom', message: `"${v}" uses ":latest"; pin a version or a digest so pods never change under you` });
  }),
  replicas: z.number().int().min(1),
  port: z.number().int().min(1).max(65535),
  adminPort: z.number().int().min(1).max(65535),
  forwardAuthPort: z.number().int().min(1).max(65535),
  trustedHops: z.array(cidr).optional(),
  secretsDir: secretsDirSchema,
  forwardAuthPath: forwardAuthPathSchema,
  maxHeaderBytes: z.number().int().min(1024).optional(),
  maxTokenBytes: z.number().int().min(256).optional(),
  shutdownDelaySeconds: z.number().int().min(0),
  resources: z.object({
    requests: z.object({ cpu: quantity.optional(), memory: quantity.optional() }),
    limits: z.object({ cpu: quantity.optional(), memory: quantity.optional() }),
  }),
  autoscaling: z
    .object({
      minReplicas: z.number().int().min(1),
      maxReplicas: z.number().int().min(1),
      targetCpuUtilizationPercent: z.number().int().min(1).max(100),
    })
    .refine((a) => a.maxReplicas >= a.minReplicas, { message: 'maxReplicas must be at least minReplicas' })
    .optional(),
  disruptionBudget: z
    .object({ minAvailable: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() })
    .refine((b) => b.minAvailable === undefined || b.maxUnavailable === undefined, { message: 'set minAvailable or maxUnavailable, not both' })
    .optional(),
  runAsUser: z.number().int().min(1, { message: 'must be a non-root UID (not 0)' }),
  serviceAccountName: z.string().min(1).optional(),
});

const REFERENCE_PROXY_PROPS = keysOf<ReferenceProxyProps>()(['name', 'namespace', 'image', 'replicas', 'port', 'adminPort', 'secretsDir', 'forwardAuthPath', 'forwardAuthPort', 'trustedHops', 'maxHeaderBytes', 'maxTokenBytes', 'shutdownDelaySeconds', 'resources', 'autoscaling', 'disruptionBudget', 'runAsUser', 'serviceAccountName']);

/**
 * The gatewright reference proxy on Kubernetes: a hardened Deployment running the bundled
 * proxy image, a Service for traffic and an admin port, and a ConfigMap holding the routes
 * it executes — the very model every other engine renders. Secrets are mounted as files,
 * exactly the keys the routes use; keys from a secret store are synced by ExternalSecrets.
 *
 * Gateways feed it routes (`ReferenceProxyGateway` inline, `TraefikGateway` through
 * forwardAuth); everything derived from routes is produced at synth, so routes added after
 * construction count.
 */
export class ReferenceProxy extends Construct {
  /** Base name of the generated objects; also the Service name. */
  readonly name: string;
  /** Namespace of the objects, when set. */
  readonly namespace?: string;
  /** Service port for proxied traffic. */
  readonly port: number;
  /** Port of the forwardAuth listener (a Service port only while a route uses forwardAuth). */
  readonly forwardAuthPort: number;
  /** Service port for health and metrics. */
  readonly adminPort: number;
  /** Path of the forwardAuth endpoint. */
  readonly forwardAuthPath: string;
  /** Directory the Secrets are mounted under. */
  readonly secretsDir: string;
  /** Pod labels the Service, autoscaler and budget select on. */
  readonly selectorLabels: Readonly<Record<string, string>>;

  private readonly props: z.infer<typeof propsSchema>;
  private readonly routeList: ApiRouteModel[] = [];
  private readonly routeOwners = new Map<string, string>();
  private forwardAuthUsed = false;
  private readonly forwardAuthRoutes: string[] = [];
  private renderedConfig?: { readonly routeCount: number; readonly model: ProxyConfigModel; readonly json: string };

  constructor(scope: Construct, id: string, props: ReferenceProxyProps = {}) {
    super(scope, id);
    rejectUnknownProps(props, REFERENCE_PROXY_PROPS, this.node.path, 'ReferenceProxy');
    const namespace = props.namespace ?? parentChartOf(this).namespace;
    this.props = parseOrThrow(
      propsSchema,
      {
        ...props,
        name: props.name ?? id,
        namespace,
        image: props.image ?? DEFAULT_REFERENCE_PROXY_IMAGE,
        replicas: props.replicas ?? 2,
        port: props.port ?? PROXY_DEFAULTS.port,
        adminPort: props.adminPort ?? PROXY_DEFAULTS.adminPort,
        forwardAuthPort: props.forwardAuthPort ?? PROXY_DEFAULTS.forwardAuthPort,
        secretsDir: props.secretsDir ?? PROXY_DEFAULTS.secretsDir,
        forwardAuthPath: props.forwardAuthPath ?? PROXY_DEFAULTS.forwardAuthPath,
        shutdownDelaySeconds: props.shutdownDelaySeconds ?? PROXY_DEFAULTS.shutdownDelaySeconds,
        resources: {
          requests: { cpu: '100m', memory: '128Mi', ...props.resources?.requests },
          limits: { memory: '256Mi', ...props.resources?.limits },
        },
        autoscaling: props.autoscaling && {
          minReplicas: props.autoscaling.minReplicas ?? 2,
          maxReplicas: props.autoscaling.maxReplicas,
          targetCpuUtilizationPercent: props.autoscaling.targetCpuUtilizationPercent ?? 70,
        },
        disruptionBudget: props.disruptionBudget && {
          ...props.disruptionBudget,
          ...(props.disruptionBudget.minAvailable === undefined && props.disruptionBudget.maxUnavailable === undefined ? { minAvailable: 1 } : {}),
        },
        runAsUser: props.runAsUser ?? 65532,
      },
      this.node.path,
    );
    const p = this.props;
    if (p.port === p.adminPort) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: this.node.path,
        field: 'adminPort',
        problem: `equals port (${p.port}); health and metrics must not share the traffic port`,
        fix: 'choose another adminPort, e.g. 9090',
      });
    }
    if (p.forwardAuthPort === p.port || p.forwardAuthPort === p.adminPort) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: this.node.path,
        field: 'forwardAuthPort',
        problem: `equals ${p.forwardAuthPort === p.port ? 'port' : 'adminPort'} (${p.forwardAuthPort}); forwardAuth answers carry upstream credentials and need a port only Traefik reaches`,
        fix: 'choose another forwardAuthPort, e.g. 8081',
      });
    }
    const budget = p.disruptionBudget;
    const fewestPods = p.autoscaling?.minReplicas ?? p.replicas;
    if (budget && typeof budget.minAvailable === 'number' && budget.minAvailable >= fewestPods) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: this.node.path,
        field: 'disruptionBudget.minAvailable',
        problem: `is ${budget.minAvailable} with only ${fewestPods} replica(s), which blocks every node drain`,
        fix: `raise replicas (or autoscaling.minReplicas) above ${budget.minAvailable}, or lower minAvailable`,
      });
    }

    this.name = p.name;
    this.namespace = p.namespace;
    this.port = p.port;
    this.adminPort = p.adminPort;
    this.forwardAuthPort = p.forwardAuthPort;
    this.forwardAuthPath = p.forwardAuthPath;
    this.secretsDir = p.secretsDir;
    this.selectorLabels = { 'app.kubernetes.io/name': 'reference-proxy', 'app.kubernetes.io/instance': p.name };

    this.node.addValidation({ validate: () => this.configSizeErrors() });
    this.emitConfigMap();
    this.emitDeployment();
    this.emitService();
    // Nothing of the app may carry requests to the forwardAuth listener but Traefik's
    // Middleware: checked once every construct exists.
    AppPlan.of(this).addCheck(() =>
      this.forwardAuthUsed
        ? forwardAuthExposureErrors(this.node.root, {
            path: this.node.path,
            namespace: this.namespace ?? 'default',
            podLabels: this.selectorLabels,
            serviceName: this.name,
            port: this.forwardAuthPort,
            portName: FORWARD_AUTH_PORT_NAME,
          })
        : [],
    );
    if (p.autoscaling) this.emitAutoscaler(p.autoscaling);
    if (budget) this.emitDisruptionBudget(budget);
  }

  /** Routes the proxy executes, in the order they were added. */
  get routes(): readonly ApiRouteModel[] {
    return this.routeList;
  }

  /** Where Traefik's forwardAuth Middlewares reach this proxy. */
  get forwardAuthEndpoint(): ForwardAuthEndpoint {
    // The forwardAuth listener, a port of its own: never the traffic port.
    return { host: this.serviceHost, port: this.forwardAuthPort, path: this.forwardAuthPath };
  }

  /** `<name>.<namespace>.svc.cluster.local`: the Service's in-cluster DNS name. */
  get serviceHost(): string {
    return `${this.name}.${this.namespace ?? 'default'}.svc.cluster.local`;
  }

  /**
   * The proxy's pods, for `GatewayNetworkPolicies({ gateway: proxy.workload, ... })`. In
   * forwardAuth mode the proxy's answers carry upstream credentials: let only Traefik in.
   */
  get workload(): WorkloadSelector {
    return { namespace: this.namespace ?? 'default', podLabels: { ...this.selectorLabels } };
  }

  /**
   * The forwardAuth listener, for the access report's exposure check.
   * @internal
   */
  _forwardAuthListener(): ForwardAuthListenerModel | undefined {
    if (!this.forwardAuthUsed) return undefined;
    const w = this.workload;
    return { proxy: this.node.path, namespace: w.namespace, podLabels: { ...w.podLabels }, port: this.forwardAuthPort, portName: FORWARD_AUTH_PORT_NAME, routes: [...this.forwardAuthRoutes] };
  }

  /** Name of the ConfigMap holding the config document. */
  get configMapName(): string {
    return `${this.name}-config`;
  }

  /**
   * Adds a validated route to the proxy's config, mounts the Secret keys it reads and has
   * the secret sync materialize the sourced ones. Route names key the forwardAuth
   * endpoint (`<forwardAuthPath>/<name>`), so they must be unique per proxy.
   * @param usedBy construct path named in errors and secret conflicts
   * @param mode how the route reaches the proxy: `inline` (the proxy forwards the request) or
   *   `forwardAuth` (Traefik asks the proxy, then forwards itself). The forwardAuth endpoint,
   *   whose answers carry upstream credentials, is only served when a route needs it.
   */
  addRoute(route: ApiRouteModel, usedBy: string = route.path, mode: 'inline' | 'forwardAuth' = 'inline'): void {
    checkRouteCapabilities(GatewayEngine.REFERENCE_PROXY, route);
    const owner = this.routeOwners.get(route.name);
    if (owner) {
      throw new GatewrightError({
        code: ErrorCode.DUPLICATE_ROUTE,
        path: usedBy,
        field: 'name',
        problem: `route name "${route.name}" is already served by this reference proxy for ${owner}`,
        fix: 'set a distinct `name` on one of the SecuredApis, or give each gateway its own ReferenceProxy',
      });
    }
    this.routeOwners.set(route.name, usedBy);
    this.routeList.push(route);
    if (mode === 'forwardAuth') {
      this.forwardAuthUsed = true;
      this.forwardAuthRoutes.push(`${route.host}${route.pathPrefix}`);
    }
    const keys = uniqueSecretRefs([route]).map((ref) => ({ kind: 'declared' as const, ref }));
    SecretSync.of(this, this.namespace).add(keys, usedBy);
  }

  /** The config document the ConfigMap holds, rendered from the routes added so far. */
  renderConfig(): ProxyConfigModel {
    const p = this.props;
    return renderProxyConfig(this.routeList, {
      secretsDir: p.secretsDir,
      listen: { host: '0.0.0.0', port: p.port, adminPort: p.adminPort, forwardAuthPort: p.forwardAuthPort },
      ...(p.trustedHops ? { trustedHops: p.trustedHops } : {}),
      forwardAuthPath: p.forwardAuthPath,
      // Off unless a TraefikGateway routes through this proxy: an inline-only proxy must never
      // answer credential-bearing forwardAuth requests.
      forwardAuthEnabled: this.forwardAuthUsed,
      shutdownDelaySeconds: p.shutdownDelaySeconds,
      ...(p.maxHeaderBytes !== undefined || p.maxTokenBytes !== undefined
        ? { limits: { maxHeaderBytes: p.maxHeaderBytes ?? PROXY_DEFAULTS.maxHeaderBytes, maxTokenBytes: p.maxTokenBytes ?? PROXY_DEFAULTS.maxTokenBytes } }
        : {}),
    });
  }

  /** Rendered once per route count: the ConfigMap, the pod spec and its config hash share it. */
  private rendered(): { readonly routeCount: number; readonly model: ProxyConfigModel; readonly json: string } {
    if (this.renderedConfig?.routeCount !== this.routeList.length) {
      const model = this.renderConfig();
      this.renderedConfig = { routeCount: this.routeList.length, model, json: `${JSON.stringify(model, null, 2)}\n` };
    }
    return this.renderedConfig;
  }

  private configJson(): string {
    return this.rendered().json;
  }

  /** The API server rejects a ConfigMap over 1 MiB; say so at synth, not at `kubectl apply`. */
  private configSizeErrors(): string[] {
    const bytes = Buffer.byteLength(this.configJson(), 'utf8');
    if (bytes <= MAX_CONFIG_BYTES) return [];
    return [
      // No `path`: cdk8s prefixes every validation message with this construct's path.
      new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        field: 'routes',
        problem: `the config document of ${this.routeList.length} routes is ${bytes} bytes; a ConfigMap holds at most ${MAX_CONFIG_BYTES}`,
        fix: 'spread the APIs over several gateways, each with its own ReferenceProxy',
      }).message,
    ];
  }

  private metadata(name: string): { name: string; namespace?: string; labels: Record<string, string> } {
    return {
      name,
      ...(this.namespace ? { namespace: this.namespace } : {}),
      labels: { ...this.selectorLabels, 'app.kubernetes.io/managed-by': 'gatewright' },
    };
  }

  private emitConfigMap(): void {
    new ApiObject(this, 'ConfigMap', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: this.metadata(this.configMapName),
      data: Lazy.any({ produce: () => ({ [PROXY_CONFIG_FILE]: this.configJson() }) }),
    });
  }

  private emitDeployment(): void {
    const p = this.props;
    // Built at synth with the typed k8s classes (`manifest` turns them into API JSON), so the
    // Secret volumes and the config hash see every route.
    const spec = Lazy.any({
      produce: () => {
        const input: ProxyPodSpecInput = {
          image: p.image,
          port: p.port,
          adminPort: p.adminPort,
          forwardAuthPort: this.forwardAuthUsed ? p.forwardAuthPort : undefined,
          runAsUser: p.runAsUser,
          shutdownDelaySeconds: this.rendered().model.shutdownDelaySeconds,
          shutdownGraceSeconds: this.rendered().model.shutdownGraceSeconds,
          serviceAccountName: p.serviceAccountName,
          resources: p.resources,
          configMapName: this.configMapName,
          secretMounts: proxySecretMounts(this.routeList, p.secretsDir),
          selectorLabels: this.selectorLabels,
        };
        const configHash = createHash('sha256').update(this.configJson()).digest('hex');
        const deployment: k8s.KubeDeploymentProps = {
          spec: {
            ...(p.autoscaling ? {} : { replicas: p.replicas }),
            selector: { matchLabels: { ...this.selectorLabels } },
            // Never below the current capacity during a rollout: a new pod must be ready first.
            strategy: {
              type: 'RollingUpdate',
              rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) },
            },
            template: {
              metadata: {
                labels: { ...this.selectorLabels, 'app.kubernetes.io/managed-by': 'gatewright' },
                annotations: {
                  [CONFIG_HASH_ANNOTATION]: configHash,
                  'prometheus.io/scrape': 'true',
                  'prometheus.io/port': String(p.adminPort),
                  'prometheus.io/path': '/metrics',
                },
              },
              spec: proxyPodSpec(input),
            },
          },
        };
        return k8s.KubeDeployment.manifest(deployment).spec;
      },
    });
    new ApiObject(this, 'Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: this.metadata(this.name), spec });
  }

  private emitService(): void {
    new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: this.metadata(this.name),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selectorLabels },
        // The forwardAuth port only while a route uses it (the proxy opens it only then).
        ports: Lazy.any({
          produce: () => [
            { name: 'http', port: this.port, targetPort: 'http', protocol: 'TCP' },
            ...(this.forwardAuthUsed ? [{ name: FORWARD_AUTH_PORT_NAME, port: this.forwardAuthPort, targetPort: FORWARD_AUTH_PORT_NAME, protocol: 'TCP' }] : []),
            { name: 'admin', port: this.adminPort, targetPort: 'admin', protocol: 'TCP' },
          ],
        }),
      },
    });
  }

  private emitAutoscaler(a: NonNullable<z.infer<typeof propsSchema>['autoscaling']>): void {
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: this.metadata(this.name),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuUtilizationPercent } },
          },
        ],
      },
    });
  }

  private emitDisruptionBudget(b: NonNullable<z.infer<typeof propsSchema>['disruptionBudget']>): void {
    const intOrString = (v: number | string) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v));
    new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: this.metadata(this.name),
      spec: {
        selector: { matchLabels: { ...this.selectorLabels } },
        ...(b.minAvailable !== undefined ? { minAvailable: intOrString(b.minAvailable) } : {}),
        ...(b.maxUnavailable !== undefined ? { maxUnavailable: intOrString(b.maxUnavailable) } : {}),
      },
    });
  }
}

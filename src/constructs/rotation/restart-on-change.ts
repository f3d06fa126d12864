import { createHash } from 'node:crypto';
import { ApiObject, JsonPatch, Lazy, type ApiObjectMetadataDefinition } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { ErrorCode, GatewrightError } from '../../model';

/** Stakater Reloader: restart on change of any Secret/ConfigMap the pod template references. */
export const RELOADER_AUTO_ANNOTATION = 'reloader.stakater.com/auto';
/** Stakater Reloader: restart on change of these Secrets only (comma-separated names). */
export const RELOADER_SECRETS_ANNOTATION = 'secret.reloader.stakater.com/reload';
/** Stakater Reloader: restart on change of these ConfigMaps only (comma-separated names). */
export const RELOADER_CONFIGMAPS_ANNOTATION = 'configmap.reloader.stakater.com/reload';
/** Pod-template annotation holding the content hash: a new value rolls the pods. */
export const CONTENT_HASH_ANNOTATION = 'gatewright.dev/config-hash';

/** A cdk8s-plus workload (Deployment, StatefulSet, DaemonSet): what we need of it. */
export interface IPodTemplateWorkload extends IConstruct {
  /** The workload's own metadata, where Reloader reads its annotations. */
  readonly metadata: ApiObjectMetadataDefinition;
  /** The pod template's metadata, where the content hash goes (a change rolls the pods). */
  readonly podMetadata: ApiObjectMetadataDefinition;
}

/** What {@link RestartOnChange.applyTo} accepts: a plain `ApiObject` or a cdk8s-plus workload. */
export type RestartableWorkload = ApiObject | IPodTemplateWorkload;

/** Options for {@link RestartOnChange.reloaderFor}. */
export interface ReloaderTargets {
  /**
   * Secrets whose change restarts the workload.
   * @default []
   */
  readonly secrets?: readonly string[];
  /**
   * ConfigMaps whose change restarts the workload.
   * @default []
   */
  readonly configMaps?: readonly string[];
}

/**
 * How a workload that reads secrets or configuration at start-up picks up a change without
 * downtime: a rolling restart (Deployment strategy `RollingUpdate`), triggered either by
 * Stakater Reloader when a Secret rotates in the cluster, or by a content hash on the pod
 * template when the synthesized configuration changes.
 *
 * Secrets rotated in the secret manager reach the cluster through External Secrets every
 * `refreshInterval` (default `DEFAULT_REFRESH_INTERVAL`, 1h); only Reloader sees that change,
 * because the manifests do not change. A content hash covers configuration that ships with
 * the manifests (ConfigMaps, rules, ExternalSecret specs) and needs no controller.
 *
 * @see https://github.com/stakater/Reloader
 */
export class RestartOnChange {
  /**
   * Opt in to Reloader for every Secret and ConfigMap the pod template references
   * (`reloader.stakater.com/auto: "true"`). Needs Reloader installed in the cluster.
   */
  static reloader(): RestartOnChange {
    return new RestartOnChange({ [RELOADER_AUTO_ANNOTATION]: 'true' }, []);
  }

  /** Opt in to Reloader for the named Secrets / ConfigMaps only. */
  static reloaderFor(targets: ReloaderTargets): RestartOnChange {
    const secrets = [...(targets.secrets ?? [])].sort();
    const configMaps = [...(targets.configMaps ?? [])].sort();
    if (secrets.length + configMaps.length === 0) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: 'RestartOnChange.reloaderFor',
        problem: 'names no Secret or ConfigMap',
        fix: 'list secrets and/or configMaps, or use RestartOnChange.reloader() for all of them',
      });
    }
    return new RestartOnChange(
      {
        ...(secrets.length ? { [RELOADER_SECRETS_ANNOTATION]: secrets.join(',') } : {}),
        ...(configMaps.length ? { [RELOADER_CONFIGMAPS_ANNOTATION]: configMaps.join(',') } : {}),
      },
      [],
    );
  }

  /**
   * Roll the pods whenever the synthesized content of `sources` changes (ConfigMaps, rendered
   * rules, ExternalSecrets, or any JSON value). Kubernetes `Secret` objects (also inside a construct) are refused: a hash
   * of a secret value would be a guessing oracle in the manifests; hash the ExternalSecret
   * and use Reloader for value changes instead.
   */
  static contentHash(...sources: readonly (IConstruct | unknown)[]): RestartOnChange {
    for (const o of sources.flatMap(apiObjectsOf)) {
      if (o.kind === 'Secret') {
        throw new GatewrightError({
          code: ErrorCode.PLAINTEXT_SECRET,
          path: o.node.path,
          problem: 'is a Secret; its content must not be hashed into a pod annotation',
          fix: 'hash the ExternalSecret or ConfigMap instead, and use RestartOnChange.reloader() for value rotation',
        });
      }
    }
    return new RestartOnChange({}, sources);
  }

  /** Both at once, e.g. `RestartOnChange.combine(RestartOnChange.reloader(), RestartOnChange.contentHash(cm))`. */
  static combine(...strategies: readonly RestartOnChange[]): RestartOnChange {
    return new RestartOnChange(
      Object.assign({}, ...strategies.map((s) => s.workloadAnnotations)),
      strategies.flatMap((s) => s.hashSources),
    );
  }

  private constructor(
    private readonly workloadAnnotations: Readonly<Record<string, string>>,
    private readonly hashSources: readonly unknown[],
  ) {}

  /**
   * Annotates `workload`. Reloader annotations go on the workload's own metadata (where
   * Reloader reads them); the hash goes on the pod template. For cdk8s-plus workloads the
   * hash is computed at synth (later changes count); for a plain `ApiObject` it is computed
   * now, so apply it after the sources are complete.
   */
  applyTo(workload: RestartableWorkload): void {
    for (const [k, v] of Object.entries(this.workloadAnnotations)) workload.metadata.addAnnotation(k, v);
    if (this.hashSources.length === 0) return;
    if (!(workload instanceof ApiObject)) {
      workload.podMetadata.addAnnotation(CONTENT_HASH_ANNOTATION, Lazy.any({ produce: () => contentHash(this.hashSources) }) as unknown as string);
      return;
    }
    const current = workload.toJson() as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } };
    if (!current.spec?.template) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: workload.node.path,
        problem: `is a ${workload.kind} without spec.template; only workloads with a pod template can be restarted`,
        fix: 'apply RestartOnChange to the Deployment, StatefulSet or DaemonSet that runs the pods',
      });
    }
    const annotations = { ...(current.spec.template.metadata?.annotations ?? {}), [CONTENT_HASH_ANNOTATION]: contentHash(this.hashSources) };
    workload.addJsonPatch(
      current.spec.template.metadata
        ? JsonPatch.add('/spec/template/metadata/annotations', annotations)
        : JsonPatch.add('/spec/template/metadata', { annotations }),
    );
  }
}

/** The API objects a source stands for: itself, or every one under a construct (cdk8s-plus). */
function apiObjectsOf(source: unknown): ApiObject[] {
  if (source instanceof ApiObject) return [source];
  if (Construct.isConstruct(source)) return source.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  return [];
}

/**
 * A short, stable SHA-256 of `sources` (constructs by the synthesized JSON of their API
 * objects, other values as JSON with sorted keys): equal content, equal hash, in any process.
 */
export function contentHash(sources: readonly unknown[]): string {
  const hash = createHash('sha256');
  for (const s of sources) {
    const content = Construct.isConstruct(s) ? apiObjectsOf(s).map((o) => o.toJson()) : s;
    hash.update(stableJson(content)).update('\n');
  }
  return hash.digest('hex').slice(0, 32);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

import { k8s } from 'cdk8s-plus-28';
import type { ProxySecretMount } from '../../targets/proxy/secret-mounts';
import type { ProxyResources } from './proxy-resources';

/** Everything the proxy's pod spec depends on, resolved from `ReferenceProxyProps`. */
export interface ProxyPodSpecInput {
  /** Container image, already checked to be pinned. */
  readonly image: string;
  /** Container port for proxied traffic (named `http`). */
  readonly port: number;
  /** Container port for health and metrics (named `admin`, probed by the kubelet). */
  readonly adminPort: number;
  /**
   * Container port of the forwardAuth listener (named `forward-auth`).
   * @default - none: no route uses forwardAuth, so the proxy does not listen for it
   */
  readonly forwardAuthPort?: number;
  /** Non-root UID, also used as GID and fsGroup so the proxy can read its Secret files. */
  readonly runAsUser: number;
  /** How long the proxy serves, not ready, after SIGTERM (`shutdownDelaySeconds` of its config). */
  readonly shutdownDelaySeconds: number;
  /** The proxy's drain time after that delay (`shutdownGraceSeconds` of its config). */
  readonly shutdownGraceSeconds: number;
  /**
   * Service account of the pods.
   * @default - the namespace's default service account
   */
  readonly serviceAccountName?: string;
  /** Requests and limits, with the construct's defaults already filled in. */
  readonly resources: Required<ProxyResources>;
  /** ConfigMap holding the config document. */
  readonly configMapName: string;
  /** One projected volume per Secret, listing only the keys routes use. */
  readonly secretMounts: readonly ProxySecretMount[];
  /** Pod labels the Deployment selects on and the spread constraint balances. */
  readonly selectorLabels: Readonly<Record<string, string>>;
}

/** Where the ConfigMap is mounted, and the file the proxy reads (env `GATEWRIGHT_CONFIG`). */
export const PROXY_CONFIG_DIR = '/etc/gatewright';
export const PROXY_CONFIG_FILE = 'config.json';

/** Name of the forwardAuth container and Service port, for NetworkPolicies that admit only Traefik to it. */
export const FORWARD_AUTH_PORT_NAME = 'forward-auth';

/** Owner and group may read, nobody else; the pod's fsGroup makes the proxy the group. */
const SECRET_FILE_MODE = 0o440;

/**
 * The reference proxy's pod: one hardened container (non-root, read-only root file system,
 * no capabilities, RuntimeDefault seccomp, no service-account token), the config document
 * as a read-only file, and each Secret as a directory holding only the keys routes use.
 */
export function proxyPodSpec(input: ProxyPodSpecInput): k8s.PodSpec {
  return {
    ...(input.serviceAccountName ? { serviceAccountName: input.serviceAccountName } : {}),
    // The proxy never calls the Kubernetes API; a mounted token would only be loot.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    // After SIGTERM the proxy serves, not ready, for shutdownDelaySeconds, then drains
    // in-flight requests for shutdownGraceSeconds; the kubelet must not SIGKILL it before
    // that, so it gets a few seconds more.
    terminationGracePeriodSeconds: input.shutdownDelaySeconds + input.shutdownGraceSeconds + 5,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: input.runAsUser,
      runAsGroup: input.runAsUser,
      fsGroup: input.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    // Spread replicas over nodes when possible, so one node failure leaves capacity behind.
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { ...input.selectorLabels } },
      },
    ],
    containers: [
      {
        name: 'proxy',
        image: input.image,
        imagePullPolicy: 'IfNotPresent',
        env: [
          { name: 'GATEWRIGHT_CONFIG', value: `${PROXY_CONFIG_DIR}/${PROXY_CONFIG_FILE}` },
          { name: 'NODE_ENV', value: 'production' },
        ],
        ports: [
          { name: 'http', containerPort: input.port, protocol: 'TCP' },
          ...(input.forwardAuthPort !== undefined ? [{ name: FORWARD_AUTH_PORT_NAME, containerPort: input.forwardAuthPort, protocol: 'TCP' }] : []),
          { name: 'admin', containerPort: input.adminPort, protocol: 'TCP' },
        ],
        readinessProbe: {
          httpGet: { path: '/readyz', port: k8s.IntOrString.fromString('admin') },
          periodSeconds: 5,
          timeoutSeconds: 2,
          failureThreshold: 2,
        },
        livenessProbe: {
          httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('admin') },
          initialDelaySeconds: 5,
          periodSeconds: 10,
          timeoutSeconds: 2,
          failureThreshold: 3,
        },
        resources: {
          requests: quantities(input.resources.requests),
          limits: quantities(input.resources.limits),
        },
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [
          { name: 'config', mountPath: PROXY_CONFIG_DIR, readOnly: true },
          // Node and its libraries may want a scratch directory; the root stays read-only.
          { name: 'tmp', mountPath: '/tmp' },
          ...input.secretMounts.map((m) => ({ name: m.volumeName, mountPath: m.mountPath, readOnly: true })),
        ],
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: input.configMapName, items: [{ key: PROXY_CONFIG_FILE, path: PROXY_CONFIG_FILE }] } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
      ...input.secretMounts.map((m) => ({
        name: m.volumeName,
        // Projected with explicit items: only the listed keys appear, and a rotated Secret is
        // updated in place (no subPath), so the proxy picks it up without a restart.
        projected: {
          defaultMode: SECRET_FILE_MODE,
          sources: [{ secret: { name: m.secretName, items: m.keys.map((key) => ({ key, path: key })) } }],
        },
      })),
    ],
  };
}

function quantities(q: { readonly cpu?: string; readonly memory?: string }): Record<string, k8s.Quantity> {
  const out: Record<string, k8s.Quantity> = {};
  if (q.cpu) out.cpu = k8s.Quantity.fromString(q.cpu);
  if (q.memory) out.memory = k8s.Quantity.fromString(q.memory);
  return out;
}

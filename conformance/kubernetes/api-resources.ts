/** One resource type the API stand-in serves. */
export interface ApiResource {
  /** API group; `''` for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural, lower case, as in the URL. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const core = (plural: string, kind: string, namespaced = true): ApiResource => ({ group: '', version: 'v1', plural, kind, namespaced });
const traefik = (plural: string, kind: string): ApiResource => ({ group: 'traefik.io', version: 'v1alpha1', plural, kind, namespaced: true });

/**
 * The resource types Traefik v3's `kubernetesCRD` provider lists and watches (its informers in
 * `pkg/provider/kubernetes/crd/client.go`: every traefik.io/v1alpha1 kind, Services,
 * EndpointSlices, ConfigMaps, Secrets, and cluster-scoped Nodes), plus the few others a
 * client may ask for. Objects of any other kind in the served set are reachable under a
 * plural derived from their kind (`ExternalSecret` → `externalsecrets`).
 */
export const KNOWN_RESOURCES: readonly ApiResource[] = [
  core('services', 'Service'),
  core('secrets', 'Secret'),
  core('configmaps', 'ConfigMap'),
  core('endpoints', 'Endpoints'),
  core('pods', 'Pod'),
  core('namespaces', 'Namespace', false),
  core('nodes', 'Node', false),
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
  traefik('ingressroutes', 'IngressRoute'),
  traefik('ingressroutetcps', 'IngressRouteTCP'),
  traefik('ingressrouteudps', 'IngressRouteUDP'),
  traefik('middlewares', 'Middleware'),
  traefik('middlewaretcps', 'MiddlewareTCP'),
  traefik('serverstransports', 'ServersTransport'),
  traefik('serverstransporttcps', 'ServersTransportTCP'),
  traefik('tlsoptions', 'TLSOption'),
  traefik('tlsstores', 'TLSStore'),
  traefik('traefikservices', 'TraefikService'),
];

/** `group/version` as in an object's `apiVersion` (`v1` for core). */
export function groupVersion(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The resource of an object (by apiVersion and kind), known or derived. */
export function resourceOfObject(apiVersion: string, kind: string): ApiResource {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const known = KNOWN_RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
  return known ?? { group, version, kind, plural: `${kind.toLowerCase()}s`, namespaced: true };
}

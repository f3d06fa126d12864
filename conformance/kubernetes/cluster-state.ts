import type { KubeObject } from '../app/synthesized-app';
import { backendId } from '../cases/route-expectations';
import type { LoopbackWorld, RouteInGateway } from '../world/loopback-world';
import type { ClusterSecrets } from './cluster-secrets';
import { matchesLabels } from './label-selector';
import type { RunningPod } from './running-pod';


/** What the API stand-in serves, and where each Service's DNS names lead on 127.0.0.1. */
export interface ClusterState {
  readonly objects: KubeObject[];
  /** `host:port` → local port, for every Service DNS name and port. */
  readonly serviceAddresses: ReadonlyMap<string, number>;
}

/**
 * The cluster after `kubectl apply` of the synthesized objects, as far as a gateway can see
 * it: the objects themselves, the Secrets (materialized), Services for in-cluster backends the
 * app only references (`ServiceBackend.fromServiceName`: the platform team's own Services),
 * and the EndpointSlices the endpoint controller would write — pointing at the running pods
 * (a reference proxy, OAuth2 Proxy) or, for backends, at their stand-ins. Addresses are
 * `127.0.0.1` with each local port in place of the container port.
 */
export function assembleClusterState(objects: readonly KubeObject[], secrets: ClusterSecrets, pods: readonly RunningPod[], world: LoopbackWorld, routes: readonly RouteInGateway[]): ClusterState {
  const served: KubeObject[] = [...objects, ...secrets.toObjects()];
  const services = objects.filter((o) => o.kind === 'Service' && o.spec?.type !== 'ExternalName');
  // Referenced but not synthesized: the backend's own Service, as the platform team runs it.
  for (const { route, gatewayNamespace } of routes) {
    const b = route.backend;
    if (b.kind !== 'service') continue;
    const ns = b.namespace ?? gatewayNamespace ?? 'default';
    if (services.some((s) => s.metadata.name === b.serviceName && (s.metadata.namespace ?? 'default') === ns)) continue;
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: b.serviceName, namespace: ns },
      spec: { type: 'ClusterIP', ports: [{ name: b.scheme, port: b.port, protocol: 'TCP' }] },
    };
    services.push(svc);
    served.push(svc);
  }

  const addresses = new Map<string, number>();
  for (const svc of services) {
    const ns = svc.metadata.namespace ?? 'default';
    const pod = svc.spec?.selector && Object.keys(svc.spec.selector).length
      ? pods.find((p) => p.namespace === ns && matchesLabels(Object.entries(svc.spec.selector as Record<string, string>).map(([key, v]) => ({ op: 'in' as const, key, values: [v] })), p.labels))
      : undefined;
    const ports: { name: string; port: number }[] = [];
    for (const sp of (svc.spec?.ports ?? []) as { name?: string; port: number; targetPort?: number | string }[]) {
      let local: number | undefined;
      if (pod) {
        const target = sp.targetPort ?? sp.port;
        const containerPort = typeof target === 'string' ? pod.portNames.get(target) : target;
        local = containerPort === undefined ? undefined : pod.ports.get(containerPort);
      } else {
        for (const scheme of ['http', 'https'] as const) {
          const endpoint = world.backendEndpoint(backendId({ kind: 'service', serviceName: svc.metadata.name, namespace: ns, port: sp.port, scheme }, ns));
          if (endpoint && endpoint.tls === (scheme === 'https')) local = endpoint.port;
        }
      }
      if (local === undefined) continue;
      ports.push({ name: sp.name ?? '', port: local });
      for (const host of [`${svc.metadata.name}.${ns}.svc.cluster.local`, `${svc.metadata.name}.${ns}.svc`, `${svc.metadata.name}.${ns}`]) addresses.set(`${host}:${sp.port}`, local);
    }
    if (ports.length === 0) continue;
    served.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${svc.metadata.name}-conformance`, namespace: ns, labels: { 'kubernetes.io/service-name': svc.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'conformance-stand-in' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true, serving: true, terminating: false } }],
      ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP' })),
    });
  }
  return { objects: served, serviceAddresses: addresses };
}

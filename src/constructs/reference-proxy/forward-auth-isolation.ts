import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { ErrorCode, GatewrightError } from '../../model';

/** What the check needs to know about one proxy. */
export interface ForwardAuthListener {
  /** Construct path of the proxy. */
  readonly path: string;
  /** Namespace of the proxy's pods and Service. */
  readonly namespace: string;
  /** Labels of the proxy's pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The proxy's own ClusterIP Service (the one Traefik's forwardAuth Middleware addresses). */
  readonly serviceName: string;
  /** Number of the forwardAuth container and Service port. */
  readonly port: number;
  /** Name of the forwardAuth container port (`forward-auth`). */
  readonly portName: string;
}

const selectsPods = (selector: unknown, labels: Readonly<Record<string, string>>) =>
  !!selector && typeof selector === 'object' && Object.keys(selector).length > 0 && Object.entries(selector as Record<string, unknown>).every(([k, v]) => labels[k] === v);

const targetsPort = (p: Record<string, unknown>, l: ForwardAuthListener) => {
  const target = p.targetPort ?? p.port;
  return target === l.port || target === l.portName;
};

/**
 * The objects of the app that would carry requests to a proxy's forwardAuth listener from
 * outside the cluster or from a route: a LoadBalancer or NodePort Service selecting the proxy
 * pods on that port, or an IngressRoute sending traffic to the proxy's Service on it. Either
 * makes the upstream credentials the listener answers with public, and no NetworkPolicy can
 * undo that for traffic the Service itself admits, so synth refuses it.
 */
export function forwardAuthExposureErrors(root: IConstruct, l: ForwardAuthListener): string[] {
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const ns = c.metadata.namespace ?? 'default';
    if (ns !== l.namespace) continue;
    const json = safeJson(c);
    if (!json) continue;
    if (c.kind === 'Service' && c.apiVersion === 'v1') {
      const type = json.spec?.type ?? 'ClusterIP';
      if ((type === 'LoadBalancer' || type === 'NodePort') && selectsPods(json.spec?.selector, l.podLabels)) {
        const ports: Record<string, unknown>[] = Array.isArray(json.spec?.ports) ? json.spec.ports : [];
        if (ports.some((p) => targetsPort(p, l))) errors.push(exposure(c.node.path, `is a ${type} Service that sends traffic to the forwardAuth port (${l.port}) of ${l.path}`).message);
      }
    } else if (c.kind === 'IngressRoute') {
      const routes: Record<string, any>[] = Array.isArray(json.spec?.routes) ? json.spec.routes : [];
      const hit = routes.some((r) =>
        (Array.isArray(r.services) ? r.services : []).some(
          (s: Record<string, unknown>) => s.name === l.serviceName && (s.namespace ?? ns) === l.namespace && (s.port === l.port || s.port === l.portName),
        ),
      );
      if (hit) errors.push(exposure(c.node.path, `routes requests to the forwardAuth port (${l.port}) of ${l.path}`).message);
    }
  }
  return errors;
}

function exposure(path: string, problem: string): GatewrightError {
  return new GatewrightError({
    code: ErrorCode.EXPOSURE,
    path,
    problem: `${problem}; its answers carry upstream credentials, and only Traefik's forwardAuth Middleware may ask for them`,
    fix: "point it at the proxy's traffic port (`proxy.port`); use ReferenceProxyGateway with ProxyExposure to serve routes from the proxy",
  });
}

function safeJson(o: ApiObject): Record<string, any> | undefined {
  try {
    return o.toJson();
  } catch {
    return undefined;
  }
}

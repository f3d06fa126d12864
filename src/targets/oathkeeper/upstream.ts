import { ErrorCode, GatewrightError, type ApiRouteModel } from '../../model';

export interface RenderedUpstream {
  readonly url: string;
  readonly strip_path?: string;
  readonly preserve_host: boolean;
}

/**
 * `upstream` of an access rule. Oathkeeper forwards to `path.Join(<url path>, <request path>)`
 * and then removes the *first* occurrence of `strip_path` anywhere in that joined path
 * (`strings.Replace(..., 1)`, proxy/proxy.go). A prefix rewrite `/jira → /rest/api/3`
 * therefore becomes `url: https://host/rest/api/3` + `strip_path: /jira`, which is exact only
 * when stripping the first `/jira` from `/rest/api/3/jira` gives back `/rest/api/3`; otherwise
 * synth fails instead of sending requests to a mangled path.
 */
export function renderUpstream(route: ApiRouteModel, defaultNamespace: string | undefined): RenderedUpstream {
  const base = backendOrigin(route, defaultNamespace);
  const preserve_host = route.preserveHost;
  const rewrite = route.rewrite;
  if (rewrite.kind === 'none') return { url: base, preserve_host };
  const target = rewrite.to === '/' ? '' : rewrite.to;
  if (rewrite.from === '/') return { url: `${base}${target}`, preserve_host };
  // Any occurrence of `from` that starts before the request's own lies within target+from, so
  // the rewrite is exact for every request iff stripping target+from gives back target.
  if (`${target}${rewrite.from}`.replace(rewrite.from, '') !== target) {
    throw new GatewrightError({
      code: ErrorCode.UNSUPPORTED_BY_ENGINE,
      path: route.path,
      field: 'endpoint',
      problem: `the rewrite ${rewrite.from} → ${rewrite.to} cannot be expressed with Oathkeeper's strip_path, which removes the first "${rewrite.from}" anywhere in the forwarded path, and that would cut into "${rewrite.to}"`,
      fix: 'choose a public path that does not occur inside the target path, or use the reference proxy gateway (ReferenceProxyGateway), which rewrites with an anchored prefix',
    });
  }
  return { url: `${base}${target}`, strip_path: rewrite.from, preserve_host };
}

function backendOrigin(route: ApiRouteModel, defaultNamespace: string | undefined): string {
  const b = route.backend;
  const host = b.kind === 'externalName' ? b.externalName : `${b.serviceName}.${b.namespace ?? defaultNamespace ?? 'default'}.svc.cluster.local`;
  const defaultPort = b.scheme === 'https' ? 443 : 80;
  return `${b.scheme}://${host}${b.port === defaultPort ? '' : `:${b.port}`}`;
}

import type { ApiRouteModel, BackendModel, CredentialValueModel } from '../../src/model';
import type { ClusterSecrets } from '../kubernetes/cluster-secrets';

/**
 * What the model says a backend must receive, computed from the route alone (never from an
 * engine's output): the backend, the rewritten path, the injected credentials.
 */

/** Identity of a backend stand-in: `<scheme>://<host>:<port>`, the host in-cluster-qualified for Services. */
export function backendId(backend: BackendModel, gatewayNamespace: string | undefined): string {
  const host = backend.kind === 'externalName' ? backend.externalName : `${backend.serviceName}.${backend.namespace ?? gatewayNamespace ?? 'default'}`;
  return `${backend.scheme}://${host}:${backend.port}`;
}

/** The DNS names a backend is reached by: the external name, or a Service's short and qualified names. */
export function backendHostNames(backend: BackendModel, gatewayNamespace: string | undefined): string[] {
  if (backend.kind === 'externalName') return [backend.externalName];
  const ns = backend.namespace ?? gatewayNamespace ?? 'default';
  return [backend.serviceName, `${backend.serviceName}.${ns}`, `${backend.serviceName}.${ns}.svc`, `${backend.serviceName}.${ns}.svc.cluster.local`];
}

/** The request path a caller uses to reach `suffix` under the route (`/echo` + `/x`). */
export function publicPath(route: ApiRouteModel, suffix: string): string {
  return route.pathPrefix === '/' ? suffix : `${route.pathPrefix}${suffix}`;
}

/**
 * The path the backend must receive for a clean public path: the prefix replaced by the
 * virtual endpoint's target (`/echo/x` → `/ic/api/.../1.0/x`, `/echo` → the target), or
 * unchanged without a rewrite.
 */
export function expectedBackendPath(route: ApiRouteModel, path: string): string {
  if (route.rewrite.kind === 'none') return path;
  const { from, to } = route.rewrite;
  const rest = from === '/' ? path : path.slice(from.length);
  const joined = `${to === '/' ? '' : to}${rest.startsWith('/') || rest === '' ? rest : `/${rest}`}`;
  return joined === '' ? '/' : joined;
}

/** The longest-prefix route of `routes` that serves `host` and `path` (exact host before wildcard). */
export function routeServing(routes: readonly ApiRouteModel[], host: string, path: string): ApiRouteModel | undefined {
  const covers = (prefix: string) => prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
  const exact = routes.filter((r) => r.host === host && covers(r.pathPrefix));
  const wild = routes.filter((r) => r.host.startsWith('*.') && host.endsWith(r.host.slice(1)) && host.length > r.host.length - 1 && covers(r.pathPrefix));
  const longest = (list: ApiRouteModel[]) => [...list].sort((a, b) => b.pathPrefix.length - a.pathPrefix.length)[0];
  return longest(exact) ?? longest(wild);
}

/** One thing the backend must see because the gateway injected it. */
export type ExpectedInjection =
  | { readonly kind: 'header'; readonly name: string; readonly value: string }
  | { readonly kind: 'query'; readonly name: string; readonly value: string }
  /** `Authorization: Bearer <token>` where the token came from the token endpoint for this credential. */
  | { readonly kind: 'oauthToken'; readonly credential: string }
  /** A header holding a claim of the fetched upstream token. */
  | { readonly kind: 'oauthClaimHeader'; readonly credential: string; readonly name: string; readonly claim: string }
  /** A header holding a claim of the caller's verified token. */
  | { readonly kind: 'callerClaimHeader'; readonly name: string; readonly value: string };

/** Request headers an allowed case sends so `CredentialValue.fromRequestHeader` values exist. */
export function requestHeaderValues(route: ApiRouteModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of route.upstreamAuth) {
    const values: CredentialValueModel[] = c.kind === 'header' || c.kind === 'queryParam' ? [c.value] : c.kind === 'basicAuth' ? [c.username, c.password] : [];
    for (const v of values) if (v.kind === 'requestHeader') out[v.header] = `conformance-${v.header.toLowerCase()}`;
  }
  return out;
}

/** A credential value as the backend must receive it, or undefined when the harness cannot know it (redacted plaintext). */
function resolve(v: CredentialValueModel, secrets: ClusterSecrets, headers: Readonly<Record<string, string>>): string | undefined {
  switch (v.kind) {
    case 'secret':
      return secrets.value(v.ref.secretName, v.ref.key);
    case 'requestHeader':
      return headers[v.header];
    case 'unsafePlaintext':
      return v.value === '[redacted]' ? undefined : v.value;
  }
}

/**
 * Everything the gateway must add toward the backend for an allowed request, per the model.
 * `callerClaims` are the claims of the caller's token (for `forwardClaims`).
 */
export function expectedInjections(route: ApiRouteModel, secrets: ClusterSecrets, callerClaims: Readonly<Record<string, unknown>>): ExpectedInjection[] {
  const sent = requestHeaderValues(route);
  const out: ExpectedInjection[] = [];
  for (const c of route.upstreamAuth) {
    switch (c.kind) {
      case 'header': {
        const v = resolve(c.value, secrets, sent);
        if (v !== undefined) out.push({ kind: 'header', name: c.name, value: `${c.prefix}${v}` });
        break;
      }
      case 'queryParam': {
        const v = resolve(c.value, secrets, sent);
        if (v !== undefined) out.push({ kind: 'query', name: c.name, value: v });
        break;
      }
      case 'basicAuth': {
        const u = resolve(c.username, secrets, sent);
        const p = resolve(c.password, secrets, sent);
        if (u !== undefined && p !== undefined) out.push({ kind: 'header', name: 'Authorization', value: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
        break;
      }
      case 'oauth2ClientCredentials':
        out.push({ kind: 'oauthToken', credential: c.name });
        for (const [name, claim] of Object.entries(c.forwardHeaders)) out.push({ kind: 'oauthClaimHeader', credential: c.name, name, claim });
        break;
    }
  }
  if (route.clientAuth.kind === 'jwt') {
    for (const [name, claim] of Object.entries(route.clientAuth.forwardClaims)) {
      const v = callerClaims[claim];
      if (v !== undefined) out.push({ kind: 'callerClaimHeader', name, value: typeof v === 'string' ? v : JSON.stringify(v) });
    }
  }
  return out;
}

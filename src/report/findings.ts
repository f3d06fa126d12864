import type { AccessTopologyModel } from '../model';
import {
  expandMethods,
  isReadMethod,
  routeAccessList,
  routeLocation,
  type RouteAccess,
  type SecretAddress,
  type ValueSource,
} from './route-access';
import { severityRank, type Severity } from './severity';

/** Every kind of finding the report raises. */
export enum FindingKind {
  /** `ClientAuth.none()`: anyone can call the route. */
  PUBLIC_ROUTE = 'public-route',
  /** Authenticated, but no scope (or claim) narrows which callers may use it. */
  ROUTE_WITHOUT_SCOPES = 'route-without-scopes',
  /** One scope grants both read and write methods: overbroad tokens. */
  SCOPE_SHARED_READ_WRITE = 'scope-shared-read-write',
  /** No method restriction. */
  WILDCARD_METHODS = 'wildcard-methods',
  /** The same upstream secret is sent to more than one backend. */
  SHARED_CREDENTIAL = 'shared-credential',
  /** The gateway talks plain HTTP to the backend. */
  HTTP_UPSTREAM = 'http-upstream',
  /** A Secret nobody syncs from a secret manager (created by hand, rotated by hand). */
  SECRET_WITHOUT_SOURCE = 'secret-without-source',
  /** A credential written into the manifests in clear text. */
  PLAINTEXT_CREDENTIAL = 'plaintext-credential',
}

export interface Finding {
  readonly kind: FindingKind;
  readonly severity: Severity;
  /** Gateway construct path. */
  readonly gateway: string;
  /** Route construct path, when the finding is about one route. */
  readonly route?: string;
  /** `host/path` of the route(s). */
  readonly location: string;
  /** What is wrong, one sentence, never a secret value. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

const WRITE = (m: string) => !isReadMethod(m);

/**
 * Security findings over the whole topology, worst first (then by gateway and route, so the
 * order is stable). Pure: same topology, same findings.
 */
export function findings(topology: AccessTopologyModel): Finding[] {
  const routes = routeAccessList(topology);
  const out: Finding[] = [];
  for (const r of routes) out.push(...routeFindings(r));
  out.push(...sharedScopeFindings(routes), ...sharedCredentialFindings(routes));
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.i - b.i)
    .map(({ f }) => f);
}

function base(r: RouteAccess) {
  return { gateway: r.gatewayPath, route: r.routePath, location: routeLocation(r) };
}

function routeFindings(r: RouteAccess): Finding[] {
  const out: Finding[] = [];
  const methods = expandMethods(r.methods);
  if (r.clientAuth.public) {
    const writes = methods.some(WRITE);
    out.push({
      ...base(r),
      kind: FindingKind.PUBLIC_ROUTE,
      severity: writes ? 'high' : 'medium',
      message: writes
        ? `PUBLIC route: anyone can call ${r.methods.includes('*') ? 'every method' : methods.join(', ')} without credentials`
        : `PUBLIC route: anyone can call ${methods.join(', ')} without credentials`,
      fix: writes
        ? 'if it is not meant to be public, set clientAuth to ClientAuth.jwt({...}); otherwise restrict methods to GET/HEAD'
        : 'confirm it is meant to be public (a status or discovery endpoint); otherwise set clientAuth to ClientAuth.jwt({...})',
    });
  } else if (r.scopes.length === 0 && Object.keys(r.claims).length === 0) {
    out.push({
      ...base(r),
      kind: FindingKind.ROUTE_WITHOUT_SCOPES,
      severity: r.clientAuth.kind === 'jwt' ? 'medium' : 'low',
      message:
        r.clientAuth.kind === 'jwt'
          ? `any token from ${r.clientAuth.issuer} for audience ${(r.clientAuth.audience ?? []).join(', ')} is accepted; no scope is required`
          : `any caller with a valid ${r.clientAuth.kind === 'apiKey' ? 'API key' : 'session'} is accepted; no scope or claim narrows it`,
      fix: 'require the scope(s) this API needs with `scopes: [...]` (or `claims`)',
    });
  }
  if (r.methods.includes('*')) {
    out.push({
      ...base(r),
      kind: FindingKind.WILDCARD_METHODS,
      severity: 'low',
      message: 'every HTTP method is allowed',
      fix: 'list the methods the API serves with `methods: [...]`',
    });
  }
  if (r.backend.url.startsWith('http://')) {
    const withCredential = r.upstream.length > 0;
    const external = r.backend.kind === 'externalName';
    out.push({
      ...base(r),
      kind: FindingKind.HTTP_UPSTREAM,
      severity: external ? 'high' : withCredential ? 'medium' : 'low',
      message: `the gateway calls ${r.backend.url} over plain HTTP${withCredential ? ', sending the upstream credential in clear text' : ''}${external ? ' across the network' : ''}`,
      fix: external ? 'use scheme https and port 443' : 'serve the backend over TLS (scheme: "https") or confine it with NetworkPolicies / a mesh',
    });
  }
  for (const [field, v, credential] of valueSources(r)) {
    if (v.kind === 'plaintext') {
      out.push({
        ...base(r),
        kind: FindingKind.PLAINTEXT_CREDENTIAL,
        severity: 'high',
        message: `${credential} ${field} is written into the manifests in plaintext (value not shown)`,
        fix: 'store it in a secret manager and pass store.secretRef({...}) instead of CredentialValue.unsafePlaintext',
      });
    } else if (v.kind === 'secret' && !v.secret.source) {
      out.push({
        ...base(r),
        kind: FindingKind.SECRET_WITHOUT_SOURCE,
        severity: 'low',
        message: `${credential} ${field} reads Secret ${v.secret.secretName}/${v.secret.key}, which no secret manager syncs (created and rotated by hand)`,
        fix: 'reference it through an AwsSecretsManagerStore / OciVaultStore secretRef({...}) so External Secrets keeps it in sync',
      });
    }
  }
  return out;
}

/** Every credential value of a route: [field, source, "what credential"]. */
function valueSources(r: RouteAccess): [string, ValueSource, string][] {
  const out: [string, ValueSource, string][] = [];
  if (r.clientAuth.keys) {
    r.clientAuth.keys.forEach((k, i) => out.push([`keys[${i}]`, { kind: 'secret', secret: k }, 'client API key']));
  }
  for (const u of r.upstream) {
    for (const [field, v] of Object.entries(u.values)) out.push([field, v, `upstream ${u.kind} ${u.name}`]);
  }
  return out;
}

function sharedScopeFindings(routes: RouteAccess[]): Finding[] {
  // A scope means something per issuer (or per API-key/session realm): group by both.
  const byScope = new Map<string, { scope: string; realm: string; routes: RouteAccess[]; methods: Set<string> }>();
  for (const r of routes) {
    const realm = r.clientAuth.kind === 'jwt' ? `issuer ${r.clientAuth.issuer}` : r.clientAuth.kind;
    for (const scope of r.scopes) {
      const key = `${realm}\u0000${scope}`;
      const entry = byScope.get(key) ?? { scope, realm, routes: [], methods: new Set<string>() };
      entry.routes.push(r);
      expandMethods(r.methods).forEach((m) => entry.methods.add(m));
      byScope.set(key, entry);
    }
  }
  const out: Finding[] = [];
  for (const e of byScope.values()) {
    const methods = [...e.methods];
    if (!methods.some(isReadMethod) || !methods.some(WRITE)) continue;
    const first = e.routes[0];
    out.push({
      gateway: first.gatewayPath,
      ...(e.routes.length === 1 ? { route: first.routePath } : {}),
      location: e.routes.map(routeLocation).join(', '),
      kind: FindingKind.SCOPE_SHARED_READ_WRITE,
      severity: 'medium',
      message: `scope "${e.scope}" (${e.realm}) grants both read (${methods.filter(isReadMethod).join(', ')}) and write (${methods.filter(WRITE).join(', ')}) methods`,
      fix: 'split it, e.g. "orders:read" for GET/HEAD and "orders:write" for POST/PUT/PATCH/DELETE, with one SecuredApi (or methods list) per scope',
    });
  }
  return out;
}

/** Identity of a secret for sharing: the remote secret when synced, else the namespaced Secret key. */
function secretIdentity(s: SecretAddress): string {
  return s.source
    ? `${s.source.provider}:${s.source.arn ?? s.source.remoteKey}${s.source.property ? `#${s.source.property}` : ''}`
    : `${s.namespace ?? ''}/${s.secretName}/${s.key}`;
}

function sharedCredentialFindings(routes: RouteAccess[]): Finding[] {
  // One identity per upstream credential: the secrets it sends (a token-store login is not sent).
  const users = new Map<string, { label: string; backends: Set<string>; routes: RouteAccess[] }>();
  for (const r of routes) {
    for (const u of r.upstream) {
      const secrets = Object.entries(u.values)
        .filter(([field, v]) => v.kind === 'secret' && !field.startsWith('redis.'))
        .map(([, v]) => (v as Extract<ValueSource, { kind: 'secret' }>).secret);
      if (secrets.length === 0) continue;
      const id = `${u.kind}\u0000${secrets.map(secretIdentity).sort().join('\u0000')}`;
      const label = `${u.kind} ${u.name} (${secrets.map((s) => (s.source ? `${s.source.remoteKey}${s.source.property ? `#${s.source.property}` : ''}` : `Secret ${s.secretName}/${s.key}`)).join(', ')})`;
      const entry = users.get(id) ?? { label, backends: new Set<string>(), routes: [] };
      entry.backends.add(r.backend.url);
      if (!entry.routes.includes(r)) entry.routes.push(r);
      users.set(id, entry);
    }
  }
  const out: Finding[] = [];
  for (const e of users.values()) {
    if (e.backends.size < 2) continue;
    out.push({
      gateway: e.routes[0].gatewayPath,
      location: e.routes.map(routeLocation).join(', '),
      kind: FindingKind.SHARED_CREDENTIAL,
      severity: 'medium',
      message: `upstream credential ${e.label} is sent to ${e.backends.size} backends (${[...e.backends].join(', ')}); one leak or rotation affects all of them`,
      fix: 'give each backend its own credential (its own secret-manager entry)',
    });
  }
  return out;
}

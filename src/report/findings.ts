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
import { routeEngineDifferences } from './engine-difference-findings';
import { forwardAuthExposures } from './forward-auth-exposure';
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
  /** A reference proxy's forwardAuth listener (answers carry upstream credentials) reachable by more than Traefik. */
  FORWARD_AUTH_EXPOSED = 'forward-auth-exposed',
  /** A Traefik route refers to a Service in another namespace (Traefik needs `allowCrossNamespace`). */
  CROSS_NAMESPACE_REFERENCE = 'cross-namespace-reference',
  /** The engine behaves otherwise than the model for what a route asks or gets by default. */
  ENGINE_DIFFERENCE = 'engine-difference',
}

/** One security finding of the access report. */
export interface Finding {
  /** What kind of problem it is. */
  readonly kind: FindingKind;
  /** How much it matters; `diff` raises a change to at least this (see `CHANGES_RAISING`). */
  readonly severity: Severity;
  /** Gateway construct path. */
  readonly gateway: string;
  /**
   * Route construct path, when the finding is about one route.
   * @default - none (the finding is about several routes)
   */
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
  out.push(...sharedScopeFindings(routes), ...sharedCredentialFindings(routes), ...forwardAuthFindings(topology), ...engineDifferenceFindings(topology));
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
  const traefik = r.engine === 'traefik' || r.engine === 'traefik-hub';
  if (traefik && r.backend.namespace && r.backend.namespace !== (r.namespace ?? 'default')) {
    out.push({
      ...base(r),
      kind: FindingKind.CROSS_NAMESPACE_REFERENCE,
      severity: 'medium',
      message: `the IngressRoute in namespace ${r.namespace ?? 'default'} sends traffic to Service ${r.backend.service} in namespace ${r.backend.namespace}; Traefik serves it only with providers.kubernetesCRD.allowCrossNamespace=true, which lets every IngressRoute in the cluster use any namespace's Services and Middlewares`,
      fix: "put the gateway in the backend's namespace (or the backend in the gateway's); keep allowCrossNamespace off where you can",
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

/**
 * A route's scopes are all required (AND), so what grants a method is the route's whole scope
 * set, not each scope alone. A finding is raised when the scopes that grant a write method
 * (W) are among those that grant a read method (R ⊇ W): every token able to read can also
 * write. That covers one scope for GET and POST (on one route or across routes), but not a
 * write route that requires an extra scope (`orders` + `orders:write`) next to a read route
 * that requires `orders` only.
 */
function sharedScopeFindings(routes: RouteAccess[]): Finding[] {
  // A scope means something per issuer (or per API-key/session realm): group by both.
  const realmOf = (r: RouteAccess) => (r.clientAuth.kind === 'jwt' ? `issuer ${r.clientAuth.issuer}` : r.clientAuth.kind);
  const grants = routes
    .filter((r) => r.scopes.length > 0)
    .map((r) => {
      const methods = expandMethods(r.methods);
      return { route: r, realm: realmOf(r), scopes: [...new Set(r.scopes)].sort(), reads: methods.filter(isReadMethod), writes: methods.filter(WRITE) };
    });
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const w of grants) {
    if (w.writes.length === 0) continue;
    const key = `${w.realm}\u0000${w.scopes.join(' ')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const writers = grants.filter((g) => g.realm === w.realm && g.writes.length > 0 && g.scopes.join(' ') === w.scopes.join(' '));
    const readers = grants.filter((g) => g.realm === w.realm && g.reads.length > 0 && w.scopes.every((s) => g.scopes.includes(s)));
    if (readers.length === 0) continue;
    const involved = grants.filter((g) => writers.includes(g) || readers.includes(g)).map((g) => g.route);
    const reads = [...new Set(readers.flatMap((g) => g.reads))];
    const writes = [...new Set(writers.flatMap((g) => g.writes))];
    const what = w.scopes.length === 1 ? `scope "${w.scopes[0]}"` : `scopes ${w.scopes.map((s) => `"${s}"`).join(' + ')} (together)`;
    out.push({
      gateway: involved[0].gatewayPath,
      ...(involved.length === 1 ? { route: involved[0].routePath } : {}),
      location: involved.map(routeLocation).join(', '),
      kind: FindingKind.SCOPE_SHARED_READ_WRITE,
      severity: 'medium',
      message: `${what} (${w.realm}) grants both read (${reads.join(', ')}) and write (${writes.join(', ')}) methods`,
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

/** Where a secret comes from, for messages: the remote key when synced, else the Secret key. */
function secretLabel(s: SecretAddress): string {
  return s.source ? `${s.source.remoteKey}${s.source.property ? `#${s.source.property}` : ''}` : `Secret ${s.secretName}/${s.key}`;
}

/**
 * A secret the gateway sends (header, query parameter, Basic auth, OAuth client) to more
 * than one backend, whatever credential kinds carry it: the same API key in a header for one
 * backend and in a query parameter for another is still one key. Token-store logins and
 * OAuth scopes are not sent to a backend and do not count. Secrets that reach exactly the
 * same backends from the same routes (a Basic-auth user and password) make one finding.
 */
function sharedCredentialFindings(routes: RouteAccess[]): Finding[] {
  const bySecret = new Map<string, { secret: SecretAddress; credentials: Set<string>; backends: Set<string>; routes: RouteAccess[] }>();
  for (const r of routes) {
    for (const u of r.upstream) {
      for (const [field, v] of Object.entries(u.values)) {
        if (v.kind !== 'secret' || field.startsWith('redis.') || field.startsWith('scopes[')) continue;
        const id = secretIdentity(v.secret);
        const entry = bySecret.get(id) ?? { secret: v.secret, credentials: new Set<string>(), backends: new Set<string>(), routes: [] };
        entry.credentials.add(`${u.kind} ${u.name}`);
        entry.backends.add(r.backend.url);
        if (!entry.routes.includes(r)) entry.routes.push(r);
        bySecret.set(id, entry);
      }
    }
  }
  const groups = new Map<string, { labels: string[]; credentials: Set<string>; backends: string[]; routes: RouteAccess[] }>();
  for (const e of bySecret.values()) {
    if (e.backends.size < 2) continue;
    const backends = [...e.backends];
    const key = `${[...backends].sort().join('\u0000')}\u0001${e.routes.map((r) => r.routePath).join('\u0000')}`;
    const group = groups.get(key) ?? { labels: [], credentials: new Set<string>(), backends, routes: e.routes };
    group.labels.push(secretLabel(e.secret));
    e.credentials.forEach((c) => group.credentials.add(c));
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({
    gateway: g.routes[0].gatewayPath,
    location: g.routes.map(routeLocation).join(', '),
    kind: FindingKind.SHARED_CREDENTIAL,
    severity: 'medium' as const,
    message: `upstream credential ${[...g.credentials].join(' / ')} (${g.labels.join(', ')}) is sent to ${g.backends.length} backends (${g.backends.join(', ')}); one leak or rotation affects all of them`,
    fix: 'give each backend its own credential (its own secret-manager entry)',
  }));
}

function forwardAuthFindings(topology: AccessTopologyModel): Finding[] {
  return forwardAuthExposures(topology).map(({ listener, reachableBy, policy }) => ({
    gateway: listener.proxy,
    location: listener.routes.join(', '),
    kind: FindingKind.FORWARD_AUTH_EXPOSED,
    severity: 'high' as const,
    message: `the forwardAuth listener of ${listener.proxy} (port ${listener.port}) answers with the upstream credentials of ${listener.routes.length} route(s) and is reachable by ${reachableBy}${policy ? ` (admitted by ${policy})` : ''}`,
    fix: `admit only Traefik's pods to port ${listener.port}: new GatewayNetworkPolicies(chart, 'proxy-fence', { gateway: proxy.workload, gatewayPorts: [proxy.forwardAuthPort], edge: EdgeSource.namespace('traefik', { 'app.kubernetes.io/name': 'traefik' }), clusterCidrs: [...] })`,
  }));
}

function engineDifferenceFindings(topology: AccessTopologyModel): Finding[] {
  const word: Record<string, string> = { differs: 'differs', unconfirmed: 'unconfirmed', no: 'not honoured' };
  return routeEngineDifferences(topology).map((r) => {
    const weakens = r.differences.filter((d) => d.weakens);
    return {
      gateway: r.gateway,
      route: r.route,
      location: r.location,
      kind: FindingKind.ENGINE_DIFFERENCE,
      severity: weakens.length ? ('medium' as const) : ('low' as const),
      message: `${r.engineName} behaves otherwise than the model here: ${r.differences.map((d) => `${d.description} (${word[d.support]}${d.weakens ? ', looser' : ''})`).join('; ')}`,
      fix: weakens.length
        ? `${weakens.map((d) => d.note).join('; ')} — serve the route from an engine that enforces it, or accept the difference knowingly (README: Engine capabilities)`
        : 'nothing to do unless a difference matters to this route (README: Engine capabilities)',
    };
  });
}

import type { AccessTopologyModel } from '../model';
import { code, table } from './markdown-table';
import { describeValueSource, expandMethods, routeAccessList, routeLocation, type RouteAccess, type SecretAddress } from './route-access';
import { ChangeKind } from './change-kind';
import { CHANGES_RAISING } from './finding-causes';
import { findings, type Finding, type FindingKind } from './findings';
import { countBySeverity, severityRank, type Severity } from './severity';

export { ChangeKind } from './change-kind';

/** One change to the attack surface between two topologies. */
export interface TopologyChange {
  /** What changed. */
  readonly kind: ChangeKind;
  /** How much it matters: at least the severity of every finding it raises. */
  readonly severity: Severity;
  /** Gateway construct path. */
  readonly gateway: string;
  /** `host/path`. */
  readonly location: string;
  /**
   * The base's value, in words.
   * @default - none (the route is new)
   */
  readonly before?: string;
  /**
   * The head's value, in words.
   * @default - none (the route is gone)
   */
  readonly after?: string;
  /** What the change means, one sentence. */
  readonly message: string;
  /**
   * Findings of the report that this change raises (new, or higher than in the base); the
   * change's severity is at least theirs.
   * @default - none
   */
  readonly raises?: readonly {
    /** The finding. */
    readonly kind: FindingKind;
    /** Its severity in the head's report. */
    readonly severity: Severity;
  }[];
}

/** The security diff as data: what `diff --format json` prints. */
export interface TopologyDiff {
  /** Format version of this JSON document. */
  readonly version: 1;
  /** Changes per severity, and in all. */
  readonly summary: Record<Severity, number> & {
    /** All changes. */
    readonly changes: number;
  };
  /** The changes, worst first. */
  readonly changes: readonly TopologyChange[];
}

const key = (r: RouteAccess) => `${r.gatewayPath}\u0000${r.host}${r.pathPrefix}`;

/**
 * What changes the attack surface between two topologies (e.g. `main` and a pull request):
 * routes added or removed, routes that became public, scopes removed or widened, methods
 * added, upstream credentials, secret sources and backends changed. Routes are identified by
 * gateway construct path and host + path. Worst first; otherwise in head order.
 */
export function diffTopologies(base: AccessTopologyModel, head: AccessTopologyModel): TopologyDiff {
  const before = new Map(routeAccessList(base).map((r) => [key(r), r]));
  const after = routeAccessList(head);
  const changes: TopologyChange[] = [];
  for (const r of after) {
    const b = before.get(key(r));
    if (!b) {
      changes.push({
        kind: ChangeKind.ROUTE_ADDED,
        // What the new route exposes is judged by its findings (a public read-only route is
        // MEDIUM in the report, a public write route HIGH): see withFindingSeverity.
        severity: 'medium',
        gateway: r.gatewayPath,
        location: routeLocation(r),
        after: `${authSummary(r)}; methods ${r.methods.join(',')}; scopes ${list(r.scopes)}`,
        message: `new ${r.clientAuth.public ? 'PUBLIC ' : ''}route to ${r.backend.url}`,
      });
    } else {
      changes.push(...routeChanges(b, r));
    }
  }
  const headKeys = new Set(after.map(key));
  for (const b of before.values()) {
    if (headKeys.has(key(b))) continue;
    changes.push({
      kind: ChangeKind.ROUTE_REMOVED,
      severity: 'info',
      gateway: b.gatewayPath,
      location: routeLocation(b),
      before: `${authSummary(b)}; methods ${b.methods.join(',')}`,
      message: 'route removed',
    });
  }
  const sorted = withFindingSeverity(changes, raisedFindings(base, head))
    .map((c, i) => ({ c, i }))
    .sort((x, y) => severityRank(y.c.severity) - severityRank(x.c.severity) || x.i - y.i)
    .map(({ c }) => c);
  return { version: 1, summary: { ...countBySeverity(sorted), changes: sorted.length }, changes: sorted };
}

const findingKey = (f: Finding) => `${f.kind}\u0000${f.gateway}\u0000${f.route ?? ''}\u0000${f.location}`;

/** Findings of `head` that `base` does not have, or has at a lower severity. */
function raisedFindings(base: AccessTopologyModel, head: AccessTopologyModel): Finding[] {
  const before = new Map(findings(base).map((f) => [findingKey(f), f.severity]));
  return findings(head).filter((f) => {
    const was = before.get(findingKey(f));
    return was === undefined || severityRank(f.severity) > severityRank(was);
  });
}

/** Whether `finding` is about the route at `location` on `gateway`. */
function concerns(finding: Finding, gateway: string, location: string): boolean {
  return finding.gateway === gateway && finding.location.split(', ').includes(location);
}

/**
 * The shared severity model: each change is raised to the severity of the findings it raises
 * on its route ({@link CHANGES_RAISING}); raised findings no change accounts for become
 * `finding-raised` changes of their own severity. So `diff --fail-on X` fails exactly when the
 * pull request makes the report of the head worse at X or above.
 */
function withFindingSeverity(changes: TopologyChange[], raised: Finding[]): TopologyChange[] {
  const carried = new Set<Finding>();
  const out = changes.map((c) => {
    const mine = raised.filter((f) => concerns(f, c.gateway, c.location) && CHANGES_RAISING[f.kind].includes(c.kind));
    if (!mine.length) return c;
    mine.forEach((f) => carried.add(f));
    const worst = mine.reduce<Severity>((s, f) => (severityRank(f.severity) > severityRank(s) ? f.severity : s), c.severity);
    return { ...c, severity: worst, raises: mine.map((f) => ({ kind: f.kind, severity: f.severity })) };
  });
  for (const f of raised) {
    if (carried.has(f)) continue;
    out.push({
      kind: ChangeKind.FINDING_RAISED,
      severity: f.severity,
      gateway: f.gateway,
      location: f.location,
      message: `${f.kind}: ${f.message}`,
      raises: [{ kind: f.kind, severity: f.severity }],
    });
  }
  return out;
}

function list(xs: readonly string[]): string {
  return xs.length ? xs.join(' ') : '(none)';
}

function authSummary(r: RouteAccess): string {
  const a = r.clientAuth;
  if (a.kind === 'none') return 'PUBLIC';
  if (a.kind === 'jwt') {
    const claims = Object.entries(a.requiredClaims ?? {}).map(([k, v]) => `${k}=${v}`);
    return `jwt iss=${a.issuer} aud=${(a.audience ?? []).join(',')} alg=${(a.algorithms ?? []).join(',')} jwks=${a.jwksUrl}${claims.length ? ` claims=${claims.join(',')}` : ''}`;
  }
  if (a.kind === 'apiKey') return `apiKey header=${a.header} keys=${(a.keys ?? []).map((k) => describeValueSource({ kind: 'secret', secret: k })).join('; ')}`;
  return `oidcSession provider=${a.provider}`;
}

/**
 * True when the head accepts callers the base did not: another kind of client auth, a new
 * algorithm or audience, keys fetched from another JWKS URL (whoever controls it can mint
 * tokens), a required claim dropped or changed, or an additional accepted API key.
 */
function clientAuthWeakened(b: RouteAccess['clientAuth'], h: RouteAccess['clientAuth']): boolean {
  const added = (head: readonly string[] | undefined, base: readonly string[] | undefined) => (head ?? []).some((x) => !(base ?? []).includes(x));
  if (b.kind !== h.kind) return true;
  if (added(h.algorithms, b.algorithms) || added(h.audience, b.audience)) return true;
  if (b.jwksUrl !== h.jwksUrl) return true;
  const bc = b.requiredClaims ?? {};
  const hc = h.requiredClaims ?? {};
  if (Object.keys(bc).some((k) => bc[k] !== hc[k])) return true;
  const keyId = (k: SecretAddress) => describeValueSource({ kind: 'secret', secret: k });
  return added((h.keys ?? []).map(keyId), (b.keys ?? []).map(keyId));
}

function upstreamShape(r: RouteAccess): string {
  return r.upstream
    .map((u) => `${u.kind}(${u.name}${u.tokenUrl ? ` ${u.tokenUrl}` : ''}${u.tokenScopes ? ` scopes=${u.tokenScopes.join(' ')}` : ''})`)
    .join(', ') || 'none';
}

function secretSources(r: RouteAccess): string {
  return r.upstream.flatMap((u) => Object.entries(u.values).map(([f, v]) => `${u.name} ${f}: ${describeValueSource(v)}`)).join('\n') || 'none';
}

function routeChanges(b: RouteAccess, h: RouteAccess): TopologyChange[] {
  const out: TopologyChange[] = [];
  const at = { gateway: h.gatewayPath, location: routeLocation(h) };
  const push = (kind: ChangeKind, severity: Severity, message: string, before: string, after: string) =>
    out.push({ ...at, kind, severity, message, before, after });

  if (!b.clientAuth.public && h.clientAuth.public) {
    push(ChangeKind.BECAME_PUBLIC, 'high', 'route became PUBLIC: no client authentication any more', authSummary(b), authSummary(h));
  } else if (b.clientAuth.public && !h.clientAuth.public) {
    push(ChangeKind.NO_LONGER_PUBLIC, 'info', 'route now requires client authentication', authSummary(b), authSummary(h));
  } else if (authSummary(b) !== authSummary(h)) {
    push(ChangeKind.CLIENT_AUTH_CHANGED, clientAuthWeakened(b.clientAuth, h.clientAuth) ? 'medium' : 'low', 'client authentication changed', authSummary(b), authSummary(h));
  }
  const removed = b.scopes.filter((s) => !h.scopes.includes(s));
  const added = h.scopes.filter((s) => !b.scopes.includes(s));
  if (removed.length && added.length) {
    push(ChangeKind.SCOPES_WIDENED, 'medium', `required scopes changed: ${removed.join(' ')} replaced by ${added.join(' ')}; check the new scope is not broader`, list(b.scopes), list(h.scopes));
  } else if (removed.length) {
    push(ChangeKind.SCOPES_REMOVED, h.scopes.length === 0 ? 'high' : 'medium', `required scope(s) removed: ${removed.join(' ')}`, list(b.scopes), list(h.scopes));
  } else if (added.length) {
    push(ChangeKind.SCOPES_ADDED, 'info', `required scope(s) added: ${added.join(' ')}`, list(b.scopes), list(h.scopes));
  }
  const removedClaims = Object.keys(b.claims).filter((k) => b.claims[k] !== h.claims[k]);
  if (removedClaims.length) {
    push(ChangeKind.CLAIMS_REMOVED, 'medium', `claim check(s) removed or changed: ${removedClaims.join(', ')}`, JSON.stringify(b.claims), JSON.stringify(h.claims));
  }
  const bm = expandMethods(b.methods);
  const hm = expandMethods(h.methods);
  const newMethods = hm.filter((m) => !bm.includes(m));
  const goneMethods = bm.filter((m) => !hm.includes(m));
  if (newMethods.length) {
    const writes = newMethods.some((m) => !['GET', 'HEAD', 'OPTIONS'].includes(m));
    push(ChangeKind.METHODS_ADDED, writes ? 'medium' : 'low', `methods added: ${newMethods.join(', ')}`, b.methods.join(','), h.methods.join(','));
  } else if (goneMethods.length) {
    push(ChangeKind.METHODS_REMOVED, 'info', `methods removed: ${goneMethods.join(', ')}`, b.methods.join(','), h.methods.join(','));
  }
  if (upstreamShape(b) !== upstreamShape(h)) {
    push(ChangeKind.UPSTREAM_CREDENTIAL_CHANGED, 'medium', 'upstream credential changed', upstreamShape(b), upstreamShape(h));
  }
  if (secretSources(b) !== secretSources(h)) {
    const plaintext = (r: RouteAccess) => r.upstream.flatMap((u) => Object.values(u.values)).filter((v) => v.kind === 'plaintext').length;
    const newPlaintext = plaintext(h) > plaintext(b);
    push(
      ChangeKind.SECRET_SOURCE_CHANGED,
      newPlaintext ? 'high' : 'medium',
      newPlaintext ? 'an upstream credential is now PLAINTEXT in the manifests' : 'where upstream secrets come from changed',
      secretSources(b),
      secretSources(h),
    );
  }
  if (b.backend.url !== h.backend.url || b.backend.service !== h.backend.service) {
    push(ChangeKind.BACKEND_CHANGED, 'medium', `backend changed to ${h.backend.url}`, `${b.backend.service} ${b.backend.url}`, `${h.backend.service} ${h.backend.url}`);
  }
  const rw = (r: RouteAccess) => (r.rewrite ? `${r.rewrite.from} -> ${r.rewrite.to}` : 'none');
  if (rw(b) !== rw(h)) push(ChangeKind.REWRITE_CHANGED, 'low', 'path rewrite changed', rw(b), rw(h));
  if (b.cookies !== h.cookies) {
    // Forwarding the caller's cookies hands their session to the backend: a widening.
    const widened = h.cookies === 'forwarded';
    push(ChangeKind.COOKIES_CHANGED, widened ? 'medium' : 'low', widened ? "caller's cookies now reach the backend" : "caller's cookies no longer reach the backend", b.cookies, h.cookies);
  }
  return out;
}

/** The diff as a pull-request comment (Markdown) or JSON. */
export function renderTopologyDiff(diff: TopologyDiff, format: 'markdown' | 'json' = 'markdown'): string {
  if (format === 'json') return `${JSON.stringify(diff, null, 2)}\n`;
  const s = diff.summary;
  const out = ['## gatewright security diff', ''];
  if (diff.changes.length === 0) {
    out.push('No change to the attack surface: routes, client auth, scopes, methods, upstream credentials, secret sources and backends are unchanged.');
    return `${out.join('\n')}\n`;
  }
  out.push(`${s.changes} change(s): ${s.high} high, ${s.medium} medium, ${s.low} low, ${s.info} info.`, '');
  out.push(
    table(
      ['Severity', 'Change', 'Route', 'What', 'Before', 'After'],
      diff.changes.map((c) => [c.severity.toUpperCase(), c.kind, `${code(c.location)}\n${c.gateway}`, whatText(c), c.before ?? '', c.after ?? '']),
    ),
  );
  return `${out.join('\n')}\n`;
}

/** The change's message, plus the findings it raises when they are not the change itself. */
function whatText(c: TopologyChange): string {
  if (!c.raises?.length || c.kind === ChangeKind.FINDING_RAISED) return c.message;
  return `${c.message}\nraises ${c.raises.map((r) => `${r.kind} (${r.severity.toUpperCase()})`).join(', ')}`;
}

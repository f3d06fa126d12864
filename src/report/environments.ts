import type { AccessTopologyModel } from '../model';
import { code, table } from './markdown-table';
import { describeValueSource, routeAccessList, type RouteAccess } from './route-access';

/** One field whose value differs between environments. */
export interface EnvironmentDifference {
  /** `gateway/route` or `Deployment orders-app` (kind and construct path below the chart). */
  readonly subject: string;
  /** What differs: `host`, `scopes`, `replicas`, … */
  readonly field: string;
  /** environment → value (`(absent)` when the subject does not exist there). */
  readonly values: Readonly<Record<string, string>>;
}

/** The result of {@link compareEnvironments}: is the policy the same everywhere, and what differs on purpose. */
export interface EnvironmentComparison {
  /** The environments compared (top-level chart ids), in the order given. */
  readonly environments: readonly string[];
  /**
   * True when routes, methods, client-auth kinds, scopes, claims and credential kinds all match
   * (and at least one route was compared).
   */
  readonly policyIdentical: boolean;
  /** Differences in policy: each one means the environments do not enforce the same thing. */
  readonly policyDifferences: readonly EnvironmentDifference[];
  /** Differences expected between environments: hosts, issuers, secret paths, backends, replicas. */
  readonly intendedDifferences: readonly EnvironmentDifference[];
  /** Routes matched across the environments (by gateway and route name). */
  readonly routesCompared: number;
}

const ABSENT = '(absent)';

/** The environment a construct path belongs to: its top-level chart id. */
export function environmentOf(constructPath: string): string {
  return constructPath.split('/')[0];
}

/** Fields that define the access policy and must be equal everywhere. */
function policyFields(r: RouteAccess): Record<string, string> {
  const f: Record<string, string> = {
    engine: r.engine,
    path: r.pathPrefix,
    methods: r.methods.join(','),
    'client auth': r.clientAuth.kind,
    scopes: [...r.scopes].sort().join(' ') || '(none)',
    claims: JSON.stringify(r.claims),
    rewrite: r.rewrite ? `${r.rewrite.from} -> ${r.rewrite.to}` : 'none',
    'backend kind': `${r.backend.kind} ${r.backend.url.split(':')[0]}`,
    'upstream credentials': r.upstream.map((u) => `${u.kind}(${u.name})`).join(', ') || 'none',
  };
  if (r.clientAuth.kind === 'jwt') {
    f['algorithms'] = (r.clientAuth.algorithms ?? []).join(',');
    f['required claims'] = JSON.stringify(r.clientAuth.requiredClaims ?? {});
  }
  if (r.clientAuth.kind === 'apiKey') f['api key header'] = r.clientAuth.header ?? '';
  for (const u of r.upstream) {
    if (u.tokenScopes) f[`${u.name} token scopes`] = u.tokenScopes.join(' ');
    for (const [field, v] of Object.entries(u.values)) f[`${u.name} ${field} kind`] = v.kind;
  }
  return f;
}

/** Fields expected to differ per environment. */
function environmentFields(r: RouteAccess): Record<string, string> {
  const f: Record<string, string> = { host: r.host, backend: r.backend.url, namespace: r.namespace ?? 'default' };
  if (r.clientAuth.kind === 'jwt') {
    f['issuer'] = r.clientAuth.issuer ?? '';
    f['audience'] = (r.clientAuth.audience ?? []).join(', ');
    f['jwks url'] = r.clientAuth.jwksUrl ?? '';
  }
  for (const u of r.upstream) {
    if (u.tokenUrl) f[`${u.name} token url`] = u.tokenUrl;
    for (const [field, v] of Object.entries(u.values)) f[`${u.name} ${field} source`] = describeValueSource(v);
  }
  return f;
}

function diffFields(
  subject: string,
  envs: readonly string[],
  perEnv: Map<string, Record<string, string> | undefined>,
): EnvironmentDifference[] {
  const fields = new Set<string>();
  for (const v of perEnv.values()) if (v) Object.keys(v).forEach((k) => fields.add(k));
  const out: EnvironmentDifference[] = [];
  for (const field of fields) {
    const values = Object.fromEntries(envs.map((e) => [e, perEnv.get(e)?.[field] ?? ABSENT]));
    if (new Set(Object.values(values)).size > 1) out.push({ subject, field, values });
  }
  return out;
}

/**
 * Compares the same declarations synthesized into several environments (charts whose ids are
 * `environments`): routes are matched by gateway and route name, workloads by kind and construct path below the chart.
 * Policy must be identical; hosts, issuers, secret-manager paths, backends and replica counts
 * are listed as the intended differences.
 */
export function compareEnvironments(topology: AccessTopologyModel, environments: readonly string[]): EnvironmentComparison {
  const routes = routeAccessList(topology);
  const byEnv = new Map<string, Map<string, RouteAccess>>(environments.map((e) => [e, new Map()]));
  for (const r of routes) byEnv.get(environmentOf(r.gatewayPath))?.set(`${r.gateway}/${r.route}`, r);
  const subjects = new Set<string>();
  for (const m of byEnv.values()) m.forEach((_r, k) => subjects.add(k));

  const policyDifferences: EnvironmentDifference[] = [];
  const intendedDifferences: EnvironmentDifference[] = [];
  for (const subject of [...subjects].sort()) {
    const present = new Map(environments.map((e) => [e, byEnv.get(e)!.get(subject)]));
    if ([...present.values()].some((r) => r === undefined)) {
      policyDifferences.push({ subject, field: 'route', values: Object.fromEntries(environments.map((e) => [e, present.get(e) ? 'present' : ABSENT])) });
      continue;
    }
    policyDifferences.push(...diffFields(subject, environments, new Map(environments.map((e) => [e, policyFields(present.get(e)!)]))));
    intendedDifferences.push(...diffFields(subject, environments, new Map(environments.map((e) => [e, environmentFields(present.get(e)!)]))));
  }

  const workloads = new Map<string, Map<string, Record<string, string>>>();
  for (const w of topology.workloads) {
    const env = environmentOf(w.path);
    if (!environments.includes(env)) continue;
    // Generated names embed the chart (`staging-orders-app-c84fa159`): match by construct path.
    const relative = w.path.split('/').slice(1).filter((seg) => seg !== 'Resource').join('/');
    const key = `${w.kind} ${relative}`;
    const m = workloads.get(key) ?? new Map<string, Record<string, string>>();
    m.set(env, { replicas: w.replicas === undefined ? 'default' : String(w.replicas), namespace: w.namespace ?? 'default' });
    workloads.set(key, m);
  }
  for (const [subject, m] of [...workloads.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    intendedDifferences.push(...diffFields(subject, environments, new Map(environments.map((e) => [e, m.get(e)]))));
  }

  return {
    environments: [...environments],
    // Nothing compared proves nothing: a misspelt environment must not read as "identical".
    policyIdentical: subjects.size > 0 && policyDifferences.length === 0,
    policyDifferences,
    intendedDifferences,
    routesCompared: subjects.size,
  };
}

/** The comparison as the report's Markdown section. */
export function renderEnvironmentComparisonMarkdown(c: EnvironmentComparison): string {
  const envs = c.environments;
  const out: string[] = [`## Environments: ${envs.map(code).join(' vs ')}`, ''];
  if (c.routesCompared === 0) {
    out.push(`No routes found in ${envs.map(code).join(', ')}; environments are the top-level chart ids.`, '');
    return out.join('\n');
  }
  out.push(
    c.policyIdentical
      ? `Policy is **identical** across ${envs.map(code).join(', ')} (${c.routesCompared} route(s)): same routes, methods, client-auth kinds, scopes, claims, rewrites and upstream credential kinds.`
      : `Policy **differs** across ${envs.map(code).join(', ')}: ${c.policyDifferences.length} difference(s).`,
    '',
  );
  const header = ['Subject', 'Field', ...envs.map(code)];
  const rows = (ds: readonly EnvironmentDifference[]) => ds.map((d) => [code(d.subject), d.field, ...envs.map((e) => d.values[e] ?? ABSENT)]);
  if (!c.policyIdentical) out.push('### Policy differences', '', table(header, rows(c.policyDifferences)), '');
  out.push('### Intended differences', '');
  out.push(c.intendedDifferences.length ? table(header, rows(c.intendedDifferences)) : 'None.', '');
  return out.join('\n');
}

import type { AccessTopologyModel } from '../model';
import { compareEnvironments, renderEnvironmentComparisonMarkdown, type EnvironmentComparison } from './environments';
import { findings, type Finding } from './findings';
import { code, table } from './markdown-table';
import { describeSecret, describeValueSource, routeAccessList, routeLocation, type RouteAccess, type UpstreamAccess } from './route-access';
import { dotOf } from './diagram/dot';
import { mermaidOf } from './diagram/mermaid';
import { buildTopologyGraph } from './diagram/topology-graph';
import { countBySeverity, type Severity } from './severity';

/** Output formats of the access report: a document (Markdown, JSON) or a diagram (Mermaid, DOT). */
export const REPORT_FORMATS = ['markdown', 'json', 'mermaid', 'dot'] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Options of {@link renderAccessReport}. */
export interface AccessReportOptions {
  /**
   * Output format.
   * @default 'markdown'
   */
  readonly format?: ReportFormat;
  /**
   * Environments (top-level chart ids) to compare, e.g. `['staging', 'production']`.
   * @default - no comparison
   */
  readonly environments?: readonly string[];
}

/** The report as data: what `--format json` prints. */
export interface AccessReport {
  /** Format version of this JSON document. */
  readonly version: 1;
  /** Counts for the first line of the report. */
  readonly summary: {
    /** Gateways in the app. */
    readonly gateways: number;
    /** Routes across all gateways. */
    readonly routes: number;
    /** Routes anyone may call (`ClientAuth.none()`). */
    readonly publicRoutes: number;
    /** Findings per severity. */
    readonly findings: Record<Severity, number>;
  };
  /** Every gateway with its routes, in construct-tree order. */
  readonly gateways: readonly {
    /** Gateway name (its construct id unless set). */
    readonly name: string;
    /** Construct path of the gateway. */
    readonly path: string;
    /** Engine that serves the routes (`traefik-hub`, `traefik`, `oathkeeper`, `reference-proxy`). */
    readonly engine: string;
    /**
     * Namespace of the gateway's objects.
     * @default - none (the chart sets none)
     */
    readonly namespace?: string;
    /** Listeners the routes are served on: Traefik entry points or `<host>:<port>` of a proxy. */
    readonly listeners: readonly string[];
    /**
     * TLS at the gateway, as declared (`certResolver:<name>` or `secret:<name>`).
     * @default - no TLS
     */
    readonly tls?: string;
    /** NetworkPolicies in the gateway's namespace, by name. */
    readonly networkPolicies: readonly string[];
    /** The gateway's routes. */
    readonly routes: readonly RouteAccess[];
  }[];
  /** Deployments, StatefulSets and DaemonSets of the app (for environment comparisons). */
  readonly workloads: AccessTopologyModel['workloads'];
  /** Security findings, worst first. */
  readonly findings: readonly Finding[];
  /**
   * The environment comparison, when environments were named.
   * @default - none
   */
  readonly environments?: EnvironmentComparison;
}

/** Builds the report data from a topology. */
export function buildAccessReport(topology: AccessTopologyModel, options: Pick<AccessReportOptions, 'environments'> = {}): AccessReport {
  const all = routeAccessList(topology);
  const found = findings(topology);
  return {
    version: 1,
    summary: {
      gateways: topology.gateways.length,
      routes: all.length,
      publicRoutes: all.filter((r) => r.clientAuth.public).length,
      findings: countBySeverity(found),
    },
    gateways: topology.gateways.map((g) => ({
      name: g.name,
      path: g.path,
      engine: g.engine,
      ...(g.namespace ? { namespace: g.namespace } : {}),
      listeners: g.listeners,
      ...(g.tls ? { tls: g.tls } : {}),
      networkPolicies: topology.networkPolicies.filter((p) => p.namespace === g.namespace).map((p) => p.name),
      routes: all.filter((r) => r.gatewayPath === g.path),
    })),
    workloads: topology.workloads,
    findings: found,
    ...(options.environments?.length ? { environments: compareEnvironments(topology, options.environments) } : {}),
  };
}

/**
 * The access report: per gateway and engine, every exposed host + path with its methods,
 * client authentication (or **PUBLIC**), scopes and claims, upstream credential and the
 * secret-manager path its secret comes from (never a value), rewrite, backend and
 * NetworkPolicy coverage; then the findings. Markdown for PRs and auditors, JSON for tools.
 */
export function renderAccessReport(topology: AccessTopologyModel, options: AccessReportOptions = {}): string {
  return formatAccessReport(buildAccessReport(topology, options), options.format ?? 'markdown');
}

/** Renders report data built by {@link buildAccessReport}. */
export function formatAccessReport(report: AccessReport, format: ReportFormat = 'markdown'): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'mermaid':
      return mermaidOf(buildTopologyGraph(report.gateways));
    case 'dot':
      return dotOf(buildTopologyGraph(report.gateways));
    case 'markdown':
      return renderMarkdown(report);
  }
}

function renderMarkdown(report: AccessReport): string {
  const s = report.summary;
  const out: string[] = ['# gatewright access report', ''];
  out.push(
    `${s.gateways} gateway(s), ${s.routes} route(s), ${s.publicRoutes} public. ` +
      `Findings: ${s.findings.high} high, ${s.findings.medium} medium, ${s.findings.low} low.`,
    '',
  );
  if (s.routes > 0) {
    // Code hosts (GitHub, GitLab) draw a mermaid block where a reviewer looks, above the tables.
    out.push('```mermaid', mermaidOf(buildTopologyGraph(report.gateways)).trimEnd(), '```', '');
  }
  for (const g of report.gateways) {
    out.push(`## Gateway ${code(g.path)} (${g.engine})`, '');
    out.push(
      [
        `Construct ${code(g.path)}`,
        `namespace ${code(g.namespace ?? 'default')}`,
        `listeners ${g.listeners.map(code).join(', ')}`,
        g.tls ? `TLS ${g.tls}` : 'no TLS section',
        `NetworkPolicies in the namespace: ${g.networkPolicies.length ? g.networkPolicies.map(code).join(', ') : 'none known'}`,
      ].join(' · '),
      '',
    );
    if (g.routes.length === 0) {
      out.push('_No routes._', '');
      continue;
    }
    out.push(
      table(
        ['Host + path', 'Methods', 'Client auth', 'Scopes / claims', 'Upstream credential', 'Secret source', 'Rewrite', 'Backend'],
        g.routes.map((r) => [
          code(routeLocation(r)),
          r.methods.includes('*') ? 'any' : r.methods.join(', '),
          clientAuthText(r),
          scopesText(r),
          r.upstream.length ? r.upstream.map(upstreamText).join('\n') : 'none',
          secretSourcesText(r),
          r.rewrite ? `${code(r.rewrite.from)} → ${code(r.rewrite.to)}` : 'none',
          backendText(r),
        ]),
      ),
      '',
    );
  }
  if (report.workloads.length) {
    out.push('## Workloads', '');
    out.push(
      table(
        ['Kind', 'Name', 'Namespace', 'Replicas'],
        report.workloads.map((w) => [w.kind, code(w.name), w.namespace ?? 'default', w.replicas === undefined ? 'default' : String(w.replicas)]),
      ),
      '',
    );
  }
  out.push('## Findings', '');
  if (report.findings.length === 0) out.push('No findings.', '');
  else
    out.push(
      table(
        ['Severity', 'Finding', 'Where', 'Detail', 'Fix'],
        report.findings.map((f) => [f.severity.toUpperCase(), f.kind, `${code(f.location)}${f.route ? `\n${f.route}` : ''}`, f.message, f.fix]),
      ),
      '',
    );
  if (report.environments) out.push(renderEnvironmentComparisonMarkdown(report.environments));
  return `${out.join('\n').trimEnd()}\n`;
}

function clientAuthText(r: RouteAccess): string {
  const a = r.clientAuth;
  switch (a.kind) {
    case 'none':
      return '**PUBLIC**';
    case 'jwt':
      return `JWT\nissuer ${code(a.issuer ?? '')}\naudience ${(a.audience ?? []).map(code).join(', ')}\nalgorithms ${(a.algorithms ?? []).join(', ')}` +
        (a.requiredClaims && Object.keys(a.requiredClaims).length ? `\nrequired claims ${claimsText(a.requiredClaims)}` : '');
    case 'apiKey':
      return `API key in header ${code(a.header ?? '')}`;
    case 'oidcSession':
      return `OIDC session (${a.provider})`;
  }
}

function claimsText(claims: Readonly<Record<string, string>>): string {
  return Object.entries(claims)
    .map(([k, v]) => code(`${k}=${v}`))
    .join(', ');
}

function scopesText(r: RouteAccess): string {
  const parts: string[] = [];
  if (r.scopes.length) parts.push(r.scopes.map(code).join(', '));
  if (Object.keys(r.claims).length) parts.push(`claims ${claimsText(r.claims)}`);
  return parts.length ? parts.join('\n') : r.clientAuth.public ? 'n/a' : 'none';
}

const UPSTREAM_LABEL: Record<UpstreamAccess['kind'], string> = {
  header: 'header',
  queryParam: 'query parameter',
  basicAuth: 'Basic auth',
  oauth2ClientCredentials: 'OAuth2 client credentials',
};

function upstreamText(u: UpstreamAccess): string {
  if (u.kind === 'oauth2ClientCredentials') {
    return `${UPSTREAM_LABEL[u.kind]} ${code(u.name)} from ${code(u.tokenUrl ?? '')}${u.tokenScopes?.length ? `, scopes ${u.tokenScopes.map(code).join(', ')}` : ''}`;
  }
  return u.kind === 'basicAuth' ? UPSTREAM_LABEL[u.kind] : `${UPSTREAM_LABEL[u.kind]} ${code(u.name)}`;
}

function secretSourcesText(r: RouteAccess): string {
  const lines: string[] = [];
  if (r.clientAuth.keys) r.clientAuth.keys.forEach((k) => lines.push(`client keys: ${describeSecret(k)}`));
  for (const u of r.upstream) {
    for (const [field, v] of Object.entries(u.values)) lines.push(`${u.name} ${field}: ${describeValueSource(v)}`);
  }
  return lines.length ? lines.join('\n') : 'none';
}

function backendText(r: RouteAccess): string {
  const b = r.backend;
  const np = r.networkPolicies.backendNamespace;
  const coverage = np === undefined ? '' : `\nNetworkPolicies: ${np.length ? np.map(code).join(', ') : 'none known'}`;
  return `${b.kind === 'externalName' ? 'ExternalName' : 'Service'} ${code(b.service)} → ${code(b.url)}\ncookies: ${r.cookies}${coverage}`;
}

import type { AccessTopologyModel } from '../../model';
import { routeAccessList, routeLocation, type RouteAccess, type SecretAddress, type UpstreamAccess, type ValueSource } from '../route-access';

/**
 * The access topology as a graph: who calls (one node per kind of caller), which gateway and
 * route they reach, and which backend the route calls with which credential. Labels are plain
 * text lines; each renderer escapes them for its own syntax. Node ids are generated (`c0`,
 * `g0`, `r0`, `b0`), never user strings.
 */
export interface TopologyGraph {
  /** Kinds of callers: the public, each JWT issuer/audience, each API-key header, each session provider. */
  readonly callers: readonly GraphNode[];
  /** Gateways, each holding its routes. */
  readonly gateways: readonly (GraphNode & {
    /** The gateway's routes, drawn inside it. */
    readonly routes: readonly GraphNode[];
  })[];
  /** Backends, one per URL. */
  readonly backends: readonly GraphNode[];
  /** caller → route (label: scopes and claims) and route → backend (label: upstream credential). */
  readonly edges: readonly GraphEdge[];
}

/** One box of the diagram. */
export interface GraphNode {
  /** Generated id, safe in every syntax. */
  readonly id: string;
  /** Text lines of the box. */
  readonly label: readonly string[];
  /**
   * A public caller, or a route anyone may call: drawn as a warning.
   * @default false
   */
  readonly public?: boolean;
}

/** One arrow of the diagram. */
export interface GraphEdge {
  /** Id of the node the arrow starts at. */
  readonly from: string;
  /** Id of the node the arrow points to. */
  readonly to: string;
  /** Text lines on the arrow. */
  readonly label: readonly string[];
  /**
   * The gateway talks plain HTTP on this arrow.
   * @default false
   */
  readonly plaintext?: boolean;
}

/** A gateway with its routes, as the access report holds them. */
export interface GatewayRoutes {
  /** Construct path of the gateway. */
  readonly path: string;
  /** Engine that serves the routes. */
  readonly engine: string;
  /**
   * Namespace of the gateway.
   * @default - none shown
   */
  readonly namespace?: string;
  /** The gateway's routes. */
  readonly routes: readonly RouteAccess[];
}

/** The gateways of a topology with their routes. */
export function gatewayRoutesOf(topology: AccessTopologyModel): GatewayRoutes[] {
  const routes = routeAccessList(topology);
  return topology.gateways.map((g) => ({ path: g.path, engine: g.engine, ...(g.namespace ? { namespace: g.namespace } : {}), routes: routes.filter((r) => r.gatewayPath === g.path) }));
}

/** Builds the graph the Mermaid and DOT renderers draw, in topology order (stable for snapshots). */
export function buildTopologyGraph(gatewayRoutes: readonly GatewayRoutes[]): TopologyGraph {
  const callers = new Map<string, GraphNode>();
  const backends = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const gateways = gatewayRoutes.map((g, gi) => {
    const routeNodes = g.routes.map((r, ri) => {
      const id = `r${gi}_${ri}`;
      const caller = callerOf(r);
      if (!callers.has(caller.key)) callers.set(caller.key, { id: `c${callers.size}`, label: caller.label, ...(r.clientAuth.public ? { public: true } : {}) });
      edges.push({ from: callers.get(caller.key)!.id, to: id, label: accessLabel(r) });
      if (!backends.has(r.backend.url)) {
        backends.set(r.backend.url, { id: `b${backends.size}`, label: [`${r.backend.kind === 'externalName' ? 'ExternalName' : 'Service'} ${r.backend.service}`, r.backend.url] });
      }
      edges.push({ from: id, to: backends.get(r.backend.url)!.id, label: credentialLabel(r), ...(r.backend.url.startsWith('http://') ? { plaintext: true } : {}) });
      return {
        id,
        label: [routeLocation(r), r.methods.includes('*') ? 'any method' : r.methods.join(', '), ...(r.rewrite ? [`rewrite → ${r.rewrite.to}`] : [])],
        ...(r.clientAuth.public ? { public: true } : {}),
      };
    });
    return { id: `g${gi}`, label: [`Gateway ${g.path}`, `${g.engine}${g.namespace ? ` in ${g.namespace}` : ''}`], routes: routeNodes };
  });
  return { callers: [...callers.values()], gateways, backends: [...backends.values()], edges };
}

function callerOf(r: RouteAccess): { key: string; label: string[] } {
  const a = r.clientAuth;
  switch (a.kind) {
    case 'none':
      return { key: 'public', label: ['PUBLIC: anyone'] };
    case 'jwt':
      return { key: `jwt ${a.issuer} ${(a.audience ?? []).join(' ')}`, label: ['JWT callers', `issuer ${a.issuer}`, `audience ${(a.audience ?? []).join(', ')}`] };
    case 'apiKey':
      return { key: `apiKey ${a.header}`, label: ['API-key callers', `header ${a.header}`] };
    case 'oidcSession':
      return { key: `oidc ${a.provider}`, label: ['Browser sessions', `OIDC ${a.provider}`] };
  }
}

function accessLabel(r: RouteAccess): string[] {
  if (r.clientAuth.public) return ['no credential'];
  const lines: string[] = [];
  lines.push(r.scopes.length ? `scopes ${r.scopes.join(' ')}` : 'no scope required');
  const claims = Object.entries(r.claims);
  if (claims.length) lines.push(`claims ${claims.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return lines;
}

const CREDENTIAL: Record<UpstreamAccess['kind'], string> = {
  header: 'header',
  queryParam: 'query parameter',
  basicAuth: 'Basic auth',
  oauth2ClientCredentials: 'OAuth2 client credentials',
};

/** `header X-Api-Key from AWS SM prod/orders#key`: what the gateway sends, and where its secret lives (never a value). */
function credentialLabel(r: RouteAccess): string[] {
  const lines = r.upstream.map((u) => {
    const what = u.kind === 'basicAuth' ? CREDENTIAL[u.kind] : `${CREDENTIAL[u.kind]} ${u.name}`;
    const sources = [...new Set(Object.entries(u.values).filter(([f]) => !f.startsWith('redis.') && f !== 'store.encryptionKey').map(([, v]) => sourceLabel(v)))];
    return sources.length ? `${what} from ${sources.join(', ')}` : what;
  });
  if (!lines.length) lines.push('no upstream credential');
  if (r.backend.url.startsWith('http://')) lines.push('plain HTTP');
  return lines;
}

const PROVIDER: Record<string, string> = { awsSecretsManager: 'AWS SM', ociVault: 'OCI Vault' };

function sourceLabel(v: ValueSource): string {
  switch (v.kind) {
    case 'secret':
      return secretLabel(v.secret);
    case 'requestHeader':
      return `request header ${v.header}`;
    case 'plaintext':
      return 'PLAINTEXT';
  }
}

function secretLabel(s: SecretAddress): string {
  if (!s.source) return `Secret ${s.secretName}`;
  return `${PROVIDER[s.source.provider] ?? s.source.provider} ${s.source.remoteKey}${s.source.property ? `#${s.source.property}` : ''}`;
}

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KubeObject } from '../app/synthesized-app';
import { groupVersion, KNOWN_RESOURCES, resourceOfObject, type ApiResource } from './api-resources';
import { LabelSelectorError, matchesLabels, parseLabelSelector } from './label-selector';

/** One request a client made: which resources it listed or watched, in which namespace. */
export interface ApiRequestRecord {
  readonly verb: 'list' | 'watch' | 'get' | 'discovery' | 'unknown';
  /** `group/version/plural`, or the raw path for unknown requests. */
  readonly resource: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Watch-list streaming (`sendInitialEvents=true`, KEP-3157). */
  readonly initialEvents?: boolean;
}

/** The annotation that ends a watch-list stream's initial events. */
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Longest a watch stays open when the client gives no `timeoutSeconds`. */
const DEFAULT_WATCH_SECONDS = 300;

/**
 * A stand-in for the Kubernetes API server, for clients that only read: it serves a fixed
 * set of objects (what `kubectl apply` of the synthesized YAML plus the cluster's own state
 * would leave) under their REST paths with list and watch, as client-go informers use them —
 * `GET /apis/<group>/<version>[/namespaces/<ns>]/<plural>` with `labelSelector`, then
 * `?watch=true&resourceVersion=N`, or the watch-list stream (`sendInitialEvents=true`:
 * ADDED events, then a BOOKMARK annotated `k8s.io/initial-events-end`). Objects never
 * change during a run, so watches carry no further events and close at `timeoutSeconds`.
 *
 * It is a test double of the API server only: the objects are the real synthesized ones, and
 * the client is the real engine. Every request is recorded, so a run can say exactly which
 * resources the engine asked for.
 */
export class ApiServerStandIn {
  readonly requests: ApiRequestRecord[] = [];
  private readonly objects: KubeObject[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private resourceVersion = 1;
  url = '';

  static async start(objects: readonly KubeObject[]): Promise<ApiServerStandIn> {
    const api = new ApiServerStandIn();
    for (const o of objects) api.add(o);
    const server = createServer((req, res) => api.handle(req, res));
    server.on('connection', (s: Socket) => {
      api.sockets.add(s);
      s.once('close', () => api.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    api.server = server;
    api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return api;
  }

  /** A kubeconfig pointing at this server (no credentials: the stand-in checks none). */
  kubeconfig(): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: conformance`,
      `  cluster: { server: "${this.url}" }`,
      'users:',
      '- name: conformance',
      '  user: { token: conformance }',
      'contexts:',
      '- name: conformance',
      '  context: { cluster: conformance, user: conformance }',
      'current-context: conformance',
      '',
    ].join('\n');
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private add(o: KubeObject): void {
    // What the API server fills in on create: clients key caches by uid and resourceVersion.
    const stored: KubeObject = {
      ...o,
      metadata: {
        ...o.metadata,
        namespace: resourceOfObject(o.apiVersion, o.kind).namespaced ? (o.metadata.namespace ?? 'default') : undefined,
        uid: randomUUID(),
        resourceVersion: String(++this.resourceVersion),
        creationTimestamp: new Date(0).toISOString(),
        generation: 1,
      },
    };
    if (stored.metadata.namespace === undefined) delete stored.metadata.namespace;
    this.objects.push(stored);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const path = url.pathname.replace(/\/$/, '');
    if (req.method !== 'GET') return this.status(res, 405, 'MethodNotAllowed', `the stand-in is read-only (${req.method})`);
    if (path === '/version') {
      this.requests.push({ verb: 'discovery', resource: path });
      return json(res, 200, { major: '1', minor: '35', gitVersion: 'v1.35.0-conformance-stand-in', platform: 'linux/amd64' });
    }
    if (path === '/api' || path === '/apis') {
      this.requests.push({ verb: 'discovery', resource: path });
      return path === '/api'
        ? json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] })
        : json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups() });
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (!m) {
      this.requests.push({ verb: 'unknown', resource: path });
      return this.status(res, 404, 'NotFound', `the stand-in does not serve ${path}`);
    }
    const [, coreVersion, group = '', groupVersionPart, namespace, plural, name] = m;
    const resource = this.resourceFor(group, coreVersion ?? groupVersionPart, plural);
    const id = `${groupVersion(resource)}/${plural}`;
    if (name) {
      this.requests.push({ verb: 'get', resource: id, ...(namespace ? { namespace } : {}) });
      const found = this.matching(resource, namespace, []).find((o) => o.metadata.name === name);
      return found ? json(res, 200, found) : this.status(res, 404, 'NotFound', `${plural} "${name}" not found`);
    }
    const labelSelector = url.searchParams.get('labelSelector') ?? '';
    let requirements;
    try {
      requirements = parseLabelSelector(labelSelector);
    } catch (err) {
      return this.status(res, 400, 'BadRequest', (err as LabelSelectorError).message);
    }
    const items = this.matching(resource, namespace, requirements);
    const watch = url.searchParams.get('watch');
    const initialEvents = url.searchParams.get('sendInitialEvents') === 'true';
    this.requests.push({
      verb: watch === 'true' || watch === '1' ? 'watch' : 'list',
      resource: id,
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(initialEvents ? { initialEvents } : {}),
    });
    if (watch === 'true' || watch === '1') return this.watch(req, res, resource, items, initialEvents, Number(url.searchParams.get('timeoutSeconds') ?? DEFAULT_WATCH_SECONDS));
    return json(res, 200, {
      apiVersion: groupVersion(resource),
      kind: `${resource.kind}List`,
      metadata: { resourceVersion: String(this.resourceVersion) },
      items,
    });
  }

  private watch(req: IncomingMessage, res: ServerResponse, resource: ApiResource, items: KubeObject[], initialEvents: boolean, timeoutSeconds: number): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    if (initialEvents) {
      for (const object of items) res.write(`${JSON.stringify({ type: 'ADDED', object })}\n`);
      const bookmark = {
        apiVersion: groupVersion(resource),
        kind: resource.kind,
        metadata: { resourceVersion: String(this.resourceVersion), annotations: { [INITIAL_EVENTS_END]: 'true' } },
      };
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: bookmark })}\n`);
    }
    const seconds = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? Math.min(timeoutSeconds, DEFAULT_WATCH_SECONDS) : DEFAULT_WATCH_SECONDS;
    const timer = setTimeout(() => res.end(), seconds * 1000);
    timer.unref();
    req.once('close', () => clearTimeout(timer));
  }

  private matching(resource: ApiResource, namespace: string | undefined, requirements: ReturnType<typeof parseLabelSelector>): KubeObject[] {
    return this.objects.filter((o) => {
      const r = resourceOfObject(o.apiVersion, o.kind);
      if (r.group !== resource.group || r.version !== resource.version || r.plural !== resource.plural) return false;
      if (namespace !== undefined && o.metadata.namespace !== namespace) return false;
      return matchesLabels(requirements, o.metadata.labels);
    });
  }

  private resourceFor(group: string, version: string, plural: string): ApiResource {
    const known = KNOWN_RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
    if (known) return known;
    const served = this.objects.map((o) => resourceOfObject(o.apiVersion, o.kind)).find((r) => r.group === group && r.version === version && r.plural === plural);
    // An unknown type lists as empty, as a CRD without objects would.
    return served ?? { group, version, plural, kind: plural, namespaced: true };
  }

  private groups(): unknown[] {
    const byGroup = new Map<string, Set<string>>();
    for (const r of [...KNOWN_RESOURCES, ...this.objects.map((o) => resourceOfObject(o.apiVersion, o.kind))]) {
      if (!r.group) continue;
      if (!byGroup.has(r.group)) byGroup.set(r.group, new Set());
      byGroup.get(r.group)!.add(r.version);
    }
    return [...byGroup].map(([name, versions]) => ({
      name,
      versions: [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${[...versions][0]}`, version: [...versions][0] },
    }));
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

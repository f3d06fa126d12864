/** One entry of a {@link RouteTable}: a served host (`api.example.com` or `*.example.com`) and a literal path prefix. */
export interface RouteTableEntry<T> {
  readonly host: string;
  readonly pathPrefix: string;
  readonly value: T;
}

interface Candidate<T> {
  readonly prefix: string;
  readonly value: T;
}

/**
 * Host + path-prefix lookup compiled once at start-up: exact hosts before wildcard hosts,
 * longest prefix first. A prefix matches itself and everything below it (`/echo` matches
 * `/echo` and `/echo/x`, never `/echoes`).
 */
export class RouteTable<T> {
  private readonly exact = new Map<string, Candidate<T>[]>();
  private readonly wildcard: { readonly suffix: string; readonly candidates: Candidate<T>[] }[] = [];

  constructor(entries: readonly RouteTableEntry<T>[]) {
    for (const e of entries) {
      const host = e.host.toLowerCase();
      const candidate = { prefix: e.pathPrefix, value: e.value };
      if (host.startsWith('*.')) {
        const suffix = host.slice(1);
        let group = this.wildcard.find((w) => w.suffix === suffix);
        if (!group) this.wildcard.push((group = { suffix, candidates: [] }));
        group.candidates.push(candidate);
      } else {
        const list = this.exact.get(host) ?? [];
        list.push(candidate);
        this.exact.set(host, list);
      }
    }
    const byLength = (a: Candidate<T>, b: Candidate<T>) => b.prefix.length - a.prefix.length;
    for (const list of this.exact.values()) list.sort(byLength);
    for (const w of this.wildcard) w.candidates.sort(byLength);
    this.wildcard.sort((a, b) => b.suffix.length - a.suffix.length);
  }

  /** Whether any route is served on this normalized host. */
  servesHost(host: string): boolean {
    if (this.exact.has(host)) return true;
    return this.wildcard.some((w) => host.length > w.suffix.length && host.endsWith(w.suffix));
  }

  /** The route for a normalized host and decoded path, if any. */
  match(host: string, path: string): T | undefined {
    const exact = this.exact.get(host);
    if (exact) {
      const hit = matchPrefix(exact, path);
      if (hit !== undefined) return hit;
    }
    for (const w of this.wildcard) {
      if (host.length > w.suffix.length && host.endsWith(w.suffix)) {
        const hit = matchPrefix(w.candidates, path);
        if (hit !== undefined) return hit;
      }
    }
    return undefined;
  }
}

function matchPrefix<T>(candidates: readonly Candidate<T>[], path: string): T | undefined {
  for (const c of candidates) {
    if (c.prefix === '/' || path === c.prefix || (path.startsWith(c.prefix) && path.charCodeAt(c.prefix.length) === 47)) {
      return c.value;
    }
  }
  return undefined;
}

/**
 * The host a request is for, from its `Host` header: lower-cased, port and trailing dot
 * removed. `undefined` for a missing or malformed header.
 */
export function normalizeHost(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  let host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end === -1) return undefined;
    return host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  if (colon !== -1) host = host.slice(0, colon);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!/^[a-z0-9.-]+$/.test(host)) return undefined;
  return host;
}

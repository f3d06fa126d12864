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

/** {@link RouteTable.resolve}: the request's spelling would select another route on a lenient backend. */
export const AMBIGUOUS_ROUTE: unique symbol = Symbol('ambiguous route');

/** Exact-host and wildcard-host candidates, longest prefix first. */
class PrefixIndex<T> {
  private readonly exact = new Map<string, Candidate<T>[]>();
  private readonly wildcard: { readonly suffix: string; readonly candidates: Candidate<T>[] }[] = [];

  constructor(entries: readonly RouteTableEntry<T>[], foldPrefix: (p: string) => string) {
    for (const e of entries) {
      const host = e.host.toLowerCase();
      const candidate = { prefix: foldPrefix(e.pathPrefix), value: e.value };
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

  servesHost(host: string): boolean {
    if (this.exact.has(host)) return true;
    return this.wildcard.some((w) => host.length > w.suffix.length && host.endsWith(w.suffix));
  }

  match(host: string, path: string): Candidate<T> | undefined {
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

/**
 * Host + path-prefix lookup compiled once at start-up: exact hosts before wildcard hosts,
 * longest prefix first. A prefix matches itself and everything below it (`/echo` matches
 * `/echo` and `/echo/x`, never `/echoes`).
 */
export class RouteTable<T> {
  private readonly index: PrefixIndex<T>;
  /** The same routes with lower-cased prefixes, for {@link resolve}. */
  private readonly folded: PrefixIndex<T>;

  constructor(entries: readonly RouteTableEntry<T>[]) {
    this.index = new PrefixIndex(entries, (p) => p);
    this.folded = new PrefixIndex(entries, (p) => p.toLowerCase());
  }

  /** Whether any route is served on this normalized host. */
  servesHost(host: string): boolean {
    return this.index.servesHost(host);
  }

  /** The route for a normalized host and decoded path, if any. */
  match(host: string, path: string): T | undefined {
    return this.index.match(host, path)?.value;
  }

  /**
   * Like {@link match}, but refuses ({@link AMBIGUOUS_ROUTE}) a path that a lenient backend
   * would read as belonging to another route: Tomcat, Jetty and Spring drop `;parameters` from
   * path segments (`/admin;x/users` is `/admin/users` to them), IIS drops trailing dots and
   * spaces (`/admin.`), some servers fold Unicode compatibility forms, and IIS, ASP.NET and
   * many other servers match paths case-insensitively (`/ADMIN` is `/admin`). Matching the
   * literal spelling would hand such a request to a less protected route (often the public `/`)
   * while the backend serves the protected one.
   */
  resolve(host: string, path: string): T | undefined | typeof AMBIGUOUS_ROUTE {
    const literal = this.index.match(host, path);
    // Fast path: nothing a lenient reading could change.
    if (!/[;A-Z\u0080-\uffff]|[. ](?:\/|$)/.test(path)) return literal?.value;
    const lenient = lenientReading(path);
    if (this.index.match(host, lenient)?.value !== literal?.value) return AMBIGUOUS_ROUTE;
    const byCase = this.folded.match(host, lenient.toLowerCase());
    // Two routes whose prefixes differ only in case cannot be told apart by a case-insensitive
    // backend either; that is the configuration's choice, not the caller's trick.
    if (byCase?.value !== literal?.value && byCase?.prefix !== literal?.prefix.toLowerCase()) return AMBIGUOUS_ROUTE;
    return literal?.value;
  }
}

/** Whether a served host (exact, or a `*.` wildcard) covers a normalized host. */
export function hostCovers(servedHost: string, host: string): boolean {
  const pattern = servedHost.toLowerCase();
  return pattern.startsWith('*.') ? host.length > pattern.length - 1 && host.endsWith(pattern.slice(1)) : host === pattern;
}

/** Whether a literal path prefix covers a decoded path (on a segment boundary). */
export function prefixCovers(prefix: string, path: string): boolean {
  return matchPrefix([{ prefix, value: true }], path) !== undefined;
}

/**
 * How lenient backends read a path: Unicode compatibility forms folded (NFKC: fullwidth
 * `ａ` is `a`), `;parameters` dropped from segments (Tomcat, Jetty, Spring), trailing dots and
 * spaces dropped from segments (IIS and Windows file semantics), and segments left empty by
 * that removed. `/ａdmin.;x/b/` → `/admin/b/`.
 */
function lenientReading(path: string): string {
  // eslint-disable-next-line no-control-regex
  const folded = /[^\u0000-\u007f]/.test(path) ? path.normalize('NFKC') : path;
  if (!/[;. ]/.test(folded)) return folded;
  const trailingSlash = folded.length > 1 && folded.endsWith('/');
  const segments = folded
    .slice(1)
    .split('/')
    .map((s) => s.split(';', 1)[0].replace(/[. ]+$/, ''))
    .filter((s) => s !== '');
  const joined = `/${segments.join('/')}`;
  return trailingSlash && joined !== '/' ? `${joined}/` : joined;
}

function matchPrefix<T>(candidates: readonly Candidate<T>[], path: string): Candidate<T> | undefined {
  for (const c of candidates) {
    if (c.prefix === '/' || path === c.prefix || (path.startsWith(c.prefix) && path.charCodeAt(c.prefix.length) === 47)) {
      return c;
    }
  }
  return undefined;
}

/**
 * The host a request is for, from its `Host` header (or an absolute-form target's authority):
 * lower-cased, port and trailing dot removed. `undefined` for a missing value or one that is
 * not `host[:port]` (RFC 9112 §3.2: answered 400), such as `api.test@evil.test`.
 */
export function normalizeHost(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const value = hostHeader.toLowerCase();
  let name: string;
  let rest: string;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end === -1) return undefined;
    name = value.slice(0, end + 1);
    rest = value.slice(end + 1);
    if (!/^\[[0-9a-f:.]+\]$/.test(name)) return undefined;
  } else {
    const colon = value.indexOf(':');
    name = colon === -1 ? value : value.slice(0, colon);
    rest = colon === -1 ? '' : value.slice(colon);
    if (name.endsWith('.')) name = name.slice(0, -1);
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(name)) return undefined;
  }
  if (rest !== '' && !/^:\d{0,5}$/.test(rest)) return undefined;
  return name;
}

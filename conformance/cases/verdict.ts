import { decodeJwt } from 'jose';
import { FORWARDING_HEADERS, REWRITE_TRACE_HEADERS } from '../../src/plan';
import type { ObservedRequest } from '../network/origin-server';
import { CaseKind } from './case-kind';
import type { ConformanceCase, ServedExpectation } from './conformance-case';
import { canonicalWirePath } from './path-encoding';

/** What happened when a case was sent to one engine. */
export interface Observation {
  /** 0 when no response came. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly seconds: number;
  /** Every request any backend stand-in received while the case ran. */
  readonly backendRequests: readonly ObservedRequest[];
  readonly error?: string;
}

/** The judgement of one observation. */
export interface Verdict {
  /** Engine-neutral summary that two engines must share to agree (e.g. `refused 401`, `served`). */
  readonly verdict: string;
  /** Whether it is what the model expects. */
  readonly asModelExpects: boolean;
  /** Status, backend path, failed checks: the evidence behind the verdict. */
  readonly evidence: string;
}

/**
 * Judges an observation against the model's expectation. The verdict string is what engines
 * are compared on, so it says what matters for the case kind and nothing else: the exact
 * status for authentication refusals, "403/405" for a refused method, "refused" (any 4xx)
 * for path and header tricks, and for served requests the list of checks that failed.
 */
export function judge(c: ConformanceCase, o: Observation): Verdict {
  const evidence = (extra: string[] = []) => [o.status ? `status ${o.status}` : `no answer${o.error ? ` (${o.error})` : ''}`, ...extra].join('; ');
  if (o.status === 0) return { verdict: 'no answer', asModelExpects: false, evidence: evidence() };
  const e = c.expect;

  if (e.outcome === 'timeout') {
    const timedOut = o.status === 504 && o.seconds <= e.withinSeconds;
    const verdict = timedOut ? 'timed out (504)' : o.status < 400 ? 'served after the backend answered' : `${o.status >= 500 ? 'error' : 'refused'} ${o.status}`;
    return { verdict, asModelExpects: timedOut, evidence: evidence([`after ${o.seconds.toFixed(1)} s (route timeout ${e.withinSeconds - 2} s, backend delay ${e.backendDelaySeconds} s)`]) };
  }

  const reached = o.backendRequests;
  if (o.status >= 400) {
    const leaked = reached.length ? [`yet ${reached.length} request(s) reached ${[...new Set(reached.map((r) => r.origin))].join(', ')}`] : [];
    const cls = o.status >= 500 ? 'error' : 'refused';
    if (e.outcome === 'refused') {
      const methodKind = c.kind === CaseKind.REFUSED_METHOD && (o.status === 403 || o.status === 405);
      const verdict = methodKind ? 'refused 403/405' : `${cls} ${o.status}`;
      return { verdict: leaked.length ? `${verdict}, backend reached` : verdict, asModelExpects: e.statuses.includes(o.status) && !leaked.length, evidence: evidence(leaked) };
    }
    if ((e.outcome === 'contained' || e.outcome === 'refusedOrClean') && o.status < 500) {
      // Refused or served cleanly is the same verdict: what is compared is that nothing escaped.
      const ok = e.outcome === 'contained' ? 'contained' : 'kept from the backend';
      return { verdict: leaked.length ? 'refused, backend reached' : ok, asModelExpects: !leaked.length, evidence: evidence(['refused', ...leaked]) };
    }
    return { verdict: `${cls} ${o.status}`, asModelExpects: false, evidence: evidence([...leaked, bodyHint(o.body)]) };
  }

  // 1xx-3xx: served (or redirected) somewhere.
  if (e.outcome === 'refused') {
    return { verdict: o.status >= 300 ? `redirected ${o.status}` : 'served', asModelExpects: false, evidence: evidence(reached.map(describeRequest)) };
  }
  const problems = servedProblems(e.served, reached, e.outcome === 'contained' ? e.rewriteTarget : undefined);
  if (o.status >= 300) problems.unshift(`answered ${o.status}`);
  const clean = e.outcome === 'contained' ? 'contained' : e.outcome === 'refusedOrClean' ? 'kept from the backend' : 'served';
  const verdict = problems.length ? `served, but: ${problems.join('; ')}` : clean;
  const how = e.outcome === 'served' ? [] : ['served'];
  return { verdict, asModelExpects: problems.length === 0, evidence: evidence([...how, ...reached.map(describeRequest)]) };
}

function servedProblems(s: ServedExpectation, reached: readonly ObservedRequest[], containedIn: string | undefined): string[] {
  if (reached.length === 0) return ['no backend received it'];
  const problems: string[] = [];
  const other = reached.filter((r) => r.origin !== s.backend);
  if (other.length) problems.push(`reached ${[...new Set(other.map((r) => r.origin))].join(', ')} instead of ${s.backend}`);
  const mine = reached.filter((r) => r.origin === s.backend);
  if (mine.length === 0) return problems;
  if (mine.length > 1) problems.push(`${mine.length} requests reached the backend`);
  const r = mine[0];
  const [path, query = ''] = r.url.split('?');
  if (containedIn !== undefined) {
    const target = canonicalWirePath(containedIn);
    const wire = canonicalWirePath(path);
    const inside = wire === target || wire.startsWith(`${target === '/' ? '' : target}/`);
    const clean = !/(^|\/)(\.|\.\.|%2e%2e|%2e)(\/|$)|\/\/|%2f|%5c/i.test(path);
    if (!inside || !clean) problems.push(`escaped the prefix: backend path ${path}`);
  } else if (canonicalWirePath(path) !== canonicalWirePath(s.path)) {
    problems.push(`backend path ${path} (model: ${s.path})`);
  }
  const header = (name: string) => r.headers.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  const params = new URLSearchParams(query);
  for (const inj of s.injections) {
    switch (inj.kind) {
      case 'header': {
        const got = header(inj.name);
        if (got.length === 0) problems.push(`${inj.name} not injected`);
        else if (got.length > 1 || got[0] !== inj.value) problems.push(`${inj.name} has the wrong value`);
        break;
      }
      case 'query':
        if (params.getAll(inj.name).length !== 1 || params.get(inj.name) !== inj.value) problems.push(`query parameter ${inj.name} not injected as declared`);
        break;
      case 'oauthToken': {
        const got = header('Authorization');
        const token = /^Bearer (\S+)$/.exec(got[0] ?? '')?.[1];
        if (got.length !== 1 || !token || claimOf(token, 'client') !== inj.credential) problems.push(`Authorization is not the ${inj.credential} token`);
        break;
      }
      case 'oauthClaimHeader': {
        const token = /^Bearer (\S+)$/.exec(header('Authorization')[0] ?? '')?.[1];
        const want = token ? claimOf(token, inj.claim) : undefined;
        const got = header(inj.name);
        if (got.length !== 1 || want === undefined || got[0] !== String(want)) problems.push(`${inj.name} does not carry the token's ${inj.claim}`);
        break;
      }
      case 'callerClaimHeader': {
        const got = header(inj.name);
        if (got.length !== 1 || got[0] !== inj.value) problems.push(`${inj.name} does not carry the caller's claim`);
        break;
      }
    }
  }
  const everything = `${r.url}\n${r.headers.map(([k, v]) => `${k}: ${v}`).join('\n')}`;
  if (s.secretsOfCaller.some((t) => t && everything.includes(t))) problems.push("the caller's credential reached the backend");
  const cookieSeen = header('Cookie').some((v) => v.includes(s.cookie.value));
  if (!s.cookie.forwarded && cookieSeen) problems.push("the caller's cookie reached the backend");
  if (s.cookie.forwarded && !cookieSeen) problems.push("the caller's cookie was not forwarded");
  if (s.forwarding?.policy === 'hide') {
    // An empty value tells nothing (Oathkeeper can only blank a header, never delete it).
    for (const h of [...FORWARDING_HEADERS, ...REWRITE_TRACE_HEADERS]) {
      const values = header(h).filter((v) => v.trim() !== '');
      if (values.length) problems.push(`${h} reached a third party (${values.join(', ')})`);
    }
  } else if (s.forwarding) {
    const spoofed = s.forwarding.spoofed;
    for (const h of FORWARDING_HEADERS) {
      const values = header(h);
      if (values.some((v) => spoofed.some((x) => v.includes(x)))) problems.push(`the caller's spoofed ${h} was passed on (${values.join(', ')})`);
    }
  }
  if (s.host !== undefined) {
    const got = header('Host');
    if (got.length !== 1 || got[0].toLowerCase() !== s.host.toLowerCase()) problems.push(`Host ${got.join(',') || '(none)'} (model: ${s.host})`);
  }
  for (const [name, value] of s.forgedHeaders ?? []) if (header(name).includes(value)) problems.push(`forged ${name} reached the backend`);
  return problems;
}

function claimOf(token: string, claim: string): unknown {
  try {
    return decodeJwt(token)[claim];
  } catch {
    return undefined;
  }
}

function describeRequest(r: ObservedRequest): string {
  const host = r.headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? '';
  return `${r.method} ${r.url} at ${r.origin} (Host ${host})`;
}

function bodyHint(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text ? `body ${JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)}` : 'empty body';
}

import { describe, expect, it } from 'vitest';
import { CaseKind } from '../../conformance/cases/case-kind';
import type { ConformanceCase, ServedExpectation } from '../../conformance/cases/conformance-case';
import { judge, type Observation } from '../../conformance/cases/verdict';
import type { ObservedRequest } from '../../conformance/network/origin-server';

const SERVED: ServedExpectation = {
  backend: 'https://saas.example.net:443',
  path: '/rest/x',
  injections: [{ kind: 'header', name: 'Authorization', value: 'Basic abc' }],
  secretsOfCaller: ['caller.jwt.token'],
  cookie: { value: 'caller-cookie', forwarded: false },
};

const kase = (kind: CaseKind, expect: ConformanceCase['expect']): ConformanceCase => ({
  id: `r/${kind}`,
  route: 'r',
  kind,
  request: { method: 'GET', host: 'api.example.com', target: '/x', headers: [] },
  expect,
});

const at = (url: string, headers: [string, string][], origin = SERVED.backend): ObservedRequest => ({ origin, method: 'GET', url, headers: [['Host', 'saas.example.net'], ...headers], tls: true, body: '' });
const seen = (status: number, requests: ObservedRequest[] = [], body = ''): Observation => ({ status, headers: {}, body, seconds: 0.01, backendRequests: requests });

describe('verdicts', () => {
  const allowed = kase(CaseKind.ALLOWED, { outcome: 'served', served: SERVED });

  it('an allowed call passes only at the right backend, path and credential, without the caller credential or cookie', () => {
    expect(judge(allowed, seen(200, [at('/rest/x', [['Authorization', 'Basic abc']])]))).toMatchObject({ verdict: 'served', asModelExpects: true });
    expect(judge(allowed, seen(200, [at('/x', [['Authorization', 'Basic abc']])])).verdict).toBe('served, but: backend path /x (model: /rest/x)');
    expect(judge(allowed, seen(200, [at('/rest/x', [])])).verdict).toBe('served, but: Authorization not injected');
    expect(judge(allowed, seen(200, [at('/rest/x', [['Authorization', 'Basic abc'], ['X-Token', 'caller.jwt.token']])])).verdict).toBe("served, but: the caller's credential reached the backend");
    expect(judge(allowed, seen(200, [at('/rest/x', [['Authorization', 'Basic abc'], ['Cookie', 's=caller-cookie']])])).verdict).toBe("served, but: the caller's cookie reached the backend");
    expect(judge(allowed, seen(200, [at('/rest/x', [['Authorization', 'Basic abc']], 'http://other:80')])).verdict).toContain('reached http://other:80 instead of https://saas.example.net:443');
    expect(judge(allowed, seen(401)).asModelExpects).toBe(false);
  });

  it('what a third party sees: no forwarding header when hidden, and its own Host', () => {
    const fwd = kase(CaseKind.FORWARDING_HEADERS, { outcome: 'served', served: { ...SERVED, forwarding: { policy: 'hide', spoofed: ['198.51.100.7'] }, host: 'saas.example.net' } });
    const v = judge(fwd, seen(200, [{ ...at('/rest/x', [['Authorization', 'Basic abc'], ['X-Forwarded-For', '127.0.0.1'], ['X-Replaced-Path', '/echo/x']]), headers: [['Host', 'saas.example.net:443'], ['Authorization', 'Basic abc'], ['X-Forwarded-For', '127.0.0.1'], ['X-Replaced-Path', '/echo/x']] }]));
    expect(v.verdict).toBe('served, but: X-Forwarded-For reached a third party (127.0.0.1); X-Replaced-Path reached a third party (/echo/x); Host saas.example.net:443 (model: saas.example.net)');
    const overwrite = kase(CaseKind.FORWARDING_HEADERS, { outcome: 'served', served: { ...SERVED, forwarding: { policy: 'overwrite', spoofed: ['198.51.100.7'] } } });
    expect(judge(overwrite, seen(200, [at('/rest/x', [['Authorization', 'Basic abc'], ['X-Forwarded-For', '127.0.0.1']])])).asModelExpects).toBe(true);
    expect(judge(overwrite, seen(200, [at('/rest/x', [['Authorization', 'Basic abc'], ['X-Forwarded-For', '198.51.100.7, 127.0.0.1']])])).verdict).toContain("the caller's spoofed X-Forwarded-For was passed on");
  });

  it('refusals: the exact status for authentication, 403 or 405 for a method, and never a backend call', () => {
    const noToken = kase(CaseKind.NO_CREDENTIAL, { outcome: 'refused', statuses: [401] });
    expect(judge(noToken, seen(401))).toMatchObject({ verdict: 'refused 401', asModelExpects: true });
    expect(judge(noToken, seen(403))).toMatchObject({ verdict: 'refused 403', asModelExpects: false });
    expect(judge(noToken, seen(200, [at('/rest/x', [])]))).toMatchObject({ verdict: 'served', asModelExpects: false });
    const method = kase(CaseKind.REFUSED_METHOD, { outcome: 'refused', statuses: [403, 405] });
    expect(judge(method, seen(405)).verdict).toBe('refused 403/405');
    expect(judge(method, seen(403)).verdict).toBe('refused 403/405');
    expect(judge(method, seen(404))).toMatchObject({ verdict: 'refused 404', asModelExpects: false });
    expect(judge(method, seen(403, [at('/rest/x', [])]))).toMatchObject({ verdict: 'refused 403/405, backend reached', asModelExpects: false });
  });

  it('path tricks: any refusal or a request inside the prefix is "contained"; a path outside it is an escape', () => {
    const trick = kase(CaseKind.DOT_DOT, { outcome: 'contained', served: SERVED, rewriteTarget: '/rest' });
    expect(judge(trick, seen(400))).toMatchObject({ verdict: 'contained', asModelExpects: true });
    expect(judge(trick, seen(404))).toMatchObject({ verdict: 'contained', asModelExpects: true });
    expect(judge(trick, seen(200, [at('/rest/admin', [['Authorization', 'Basic abc']])]))).toMatchObject({ verdict: 'contained', asModelExpects: true });
    expect(judge(trick, seen(200, [at('/admin', [['Authorization', 'Basic abc']])])).verdict).toBe('served, but: escaped the prefix: backend path /admin');
    expect(judge(trick, seen(200, [at('/rest%2Fadmin', [['Authorization', 'Basic abc']])])).asModelExpects).toBe(false);
    expect(judge(trick, seen(502)).verdict).toBe('error 502');
  });

  it('a route timeout is a 504 in time; a late 200 is not', () => {
    const slow = kase(CaseKind.UPSTREAM_TIMEOUT, { outcome: 'timeout', withinSeconds: 4, backendDelaySeconds: 5 });
    expect(judge(slow, { ...seen(504), seconds: 2.1 })).toMatchObject({ verdict: 'timed out (504)', asModelExpects: true });
    expect(judge(slow, { ...seen(200), seconds: 5.0 })).toMatchObject({ verdict: 'served after the backend answered', asModelExpects: false });
  });

  it('no answer at all is its own verdict', () => {
    expect(judge(allowed, { ...seen(0), error: 'socket hang up' })).toMatchObject({ verdict: 'no answer', evidence: 'no answer (socket hang up)' });
  });
});

import { describe, expect, it } from 'vitest';
import { CaseKind } from '../../conformance/cases/case-kind';
import type { DeclaredDifference } from '../../conformance/declared-difference';
import { DECLARED_DIFFERENCES } from '../../conformance/declared-differences';
import { EngineName } from '../../conformance/engines/engine-names';
import { compareRun, unusedDeclarations } from '../../conformance/report/compare-runs';
import type { EngineRun } from '../../conformance/runners/engine-run';
import type { CaseResult } from '../../conformance/runners/run-cases';

const result = (id: string, kind: CaseKind, verdict: string, asModelExpects: boolean): CaseResult => ({
  gateway: 'g',
  case: { id, route: id.split('/')[0], kind, request: { method: 'GET', host: 'h', target: '/', headers: [] }, expect: { outcome: 'refused', statuses: [401] } },
  observation: { status: 0, headers: {}, body: '', seconds: 0, backendRequests: [] },
  verdict: { verdict, asModelExpects, evidence: 'e' },
});
const ran = (engine: EngineName, results: CaseResult[]): EngineRun => ({ status: 'ran', engine, results, notes: [] });

describe('comparing an engine with the reference proxy', () => {
  const reference = ran(EngineName.REFERENCE_PROXY, [result('a/missing-scope', CaseKind.MISSING_SCOPE, 'refused 403', true), result('a/allowed', CaseKind.ALLOWED, 'served', true)]);
  const oathkeeper = ran(EngineName.OATHKEEPER, [result('a/missing-scope', CaseKind.MISSING_SCOPE, 'refused 401', false), result('a/allowed', CaseKind.ALLOWED, 'served', true)]);
  const declaration: DeclaredDifference = { engine: EngineName.OATHKEEPER, kind: CaseKind.MISSING_SCOPE, verdict: 'refused 401', reason: 'jwt authenticator answers 401 for every failure' };

  it('passes what matches the model and the reference, and fails every undeclared difference', () => {
    const cells = compareRun('ex', oathkeeper, reference, []);
    expect(cells.map((c) => [c.caseId, c.status, c.reference])).toEqual([
      ['a/missing-scope', 'differs', 'refused 403'],
      ['a/allowed', 'pass', 'served'],
    ]);
  });

  it('accepts a declared difference only for the verdict it declares', () => {
    expect(compareRun('ex', oathkeeper, reference, [declaration])[0]).toMatchObject({ status: 'declared', declaration });
    expect(compareRun('ex', oathkeeper, reference, [{ ...declaration, verdict: 'refused 404' }])[0].status).toBe('differs');
    expect(compareRun('ex', oathkeeper, reference, [{ ...declaration, example: 'other' }])[0].status).toBe('differs');
  });

  it('judges the reference proxy against the model alone', () => {
    const bad = ran(EngineName.REFERENCE_PROXY, [result('a/allowed', CaseKind.ALLOWED, 'served, but: x', false)]);
    const [cell] = compareRun('ex', bad, undefined, []);
    expect(cell.status).toBe('differs');
    expect(cell).not.toHaveProperty('reference');
  });

  it('does not blame an engine that meets the model where the reference proxy does not', () => {
    const refMisses = ran(EngineName.REFERENCE_PROXY, [result('a/allowed', CaseKind.ALLOWED, 'served, but: x', false)]);
    const engine = ran(EngineName.TRAEFIK, [result('a/allowed', CaseKind.ALLOWED, 'served', true)]);
    expect(compareRun('ex', engine, refMisses, [])[0]).toMatchObject({ status: 'pass', reference: 'served, but: x' });
  });

  it('reports declarations no run used', () => {
    const cells = compareRun('ex', oathkeeper, reference, [declaration]);
    expect(unusedDeclarations([declaration], cells, new Set([EngineName.OATHKEEPER]))).toEqual([]);
    expect(unusedDeclarations([declaration], [], new Set([EngineName.OATHKEEPER]))).toEqual([declaration]);
    expect(unusedDeclarations([declaration], [], new Set([EngineName.TRAEFIK]))).toEqual([]);
  });

  it('every declared difference names an engine that runs, a case kind, the verdict and a reason', () => {
    const engines = new Set(Object.values(EngineName));
    const kinds = new Set(Object.values(CaseKind));
    const keys = new Set<string>();
    for (const d of DECLARED_DIFFERENCES) {
      expect(engines.has(d.engine) && d.engine !== EngineName.TRAEFIK_HUB).toBe(true);
      expect(kinds.has(d.kind)).toBe(true);
      expect(d.verdict.length).toBeGreaterThan(0);
      expect(d.reason.length).toBeGreaterThan(20);
      const key = `${d.engine}|${d.kind}|${d.example ?? ''}|${d.route ?? ''}|${d.verdict}`;
      expect(keys.has(key)).toBe(false);
      keys.add(key);
    }
  });
});

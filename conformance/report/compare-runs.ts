import type { CaseKind } from '../cases/case-kind';
import { declares, type DeclaredDifference } from '../declared-difference';
import { EngineName } from '../engines/engine-names';
import type { EngineRun } from '../runners/engine-run';

/** How one engine did on one case. */
export type CellStatus = 'pass' | 'declared' | 'differs';

export interface Cell {
  readonly example: string;
  readonly engine: EngineName;
  readonly caseId: string;
  readonly route: string;
  readonly kind: CaseKind;
  readonly status: CellStatus;
  readonly verdict: string;
  /** The reference proxy's verdict on the same case, when it ran it. */
  readonly reference?: string;
  readonly asModelExpects: boolean;
  readonly evidence: string;
  readonly declaration?: DeclaredDifference;
}

/**
 * Judges every case an engine ran: it passes when its verdict is what the model expects and
 * (for engines other than the reference proxy) the reference proxy's verdict on the same
 * case, unless the reference proxy misses the model there; otherwise the difference must be
 * declared.
 */
export function compareRun(example: string, run: EngineRun, reference: EngineRun | undefined, declared: readonly DeclaredDifference[]): Cell[] {
  if (run.status !== 'ran') return [];
  const refVerdicts = new Map(reference?.status === 'ran' ? reference.results.map((r) => [r.case.id, r.verdict]) : []);
  return run.results.map((r) => {
    const refVerdict = run.engine === EngineName.REFERENCE_PROXY ? undefined : refVerdicts.get(r.case.id);
    const ref = refVerdict?.verdict;
    // Where the reference proxy itself misses the model, its own cell fails; an engine that
    // meets the model is not blamed for disagreeing with it.
    const agrees = refVerdict === undefined || ref === r.verdict.verdict || !refVerdict.asModelExpects;
    const ok = r.verdict.asModelExpects && agrees;
    const declaration = ok ? undefined : declared.find((d) => declares(d, run.engine, example, r.case.route, r.case.kind, r.verdict.verdict));
    return {
      example,
      engine: run.engine,
      caseId: r.case.id,
      route: r.case.route,
      kind: r.case.kind,
      status: ok ? 'pass' : declaration ? 'declared' : 'differs',
      verdict: r.verdict.verdict,
      ...(ref !== undefined ? { reference: ref } : {}),
      asModelExpects: r.verdict.asModelExpects,
      evidence: r.verdict.evidence,
      ...(declaration ? { declaration } : {}),
    };
  });
}

/** Declarations no cell used, among the engines that ran: stale, or the engine got better. */
export function unusedDeclarations(declared: readonly DeclaredDifference[], cells: readonly Cell[], enginesRun: ReadonlySet<EngineName>): DeclaredDifference[] {
  return declared.filter((d) => enginesRun.has(d.engine) && !cells.some((c) => c.declaration === d));
}

import type { CaseKind } from './cases/case-kind';
import type { EngineName } from './engines/engine-names';

/**
 * An answer of an engine that differs from the reference proxy (or from the model) on
 * purpose: the engine cannot do better, and gatewright says so. The suite fails on every
 * difference not declared here; a declaration that no run observes is reported as stale.
 */
export interface DeclaredDifference {
  readonly engine: EngineName;
  readonly kind: CaseKind;
  /**
   * Only this example (its key in `examples/index.ts`, or `probe:<name>`).
   * @default - every example
   */
  readonly example?: string;
  /**
   * Only this route (its name).
   * @default - every route
   */
  readonly route?: string;
  /**
   * The verdict the engine gives instead (exact text of the table cell), so a declaration
   * covers one behaviour, not whatever the engine might do. `{route}` is replaced by the route's name.
   */
  readonly verdict: string;
  /** Why, in the engine's terms, with the source or doc that says so. */
  readonly reason: string;
}

/** Whether `d` covers the engine's `verdict` on `kind` of `route` in `example`. */
export function declares(d: DeclaredDifference, engine: EngineName, example: string, route: string, kind: CaseKind, verdict: string): boolean {
  return d.engine === engine && d.kind === kind && (d.example === undefined || d.example === example) && (d.route === undefined || d.route === route) && d.verdict.replaceAll('{route}', route) === verdict;
}

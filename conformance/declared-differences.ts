import { GatewayEngine } from '../src/model';
import { observedDifferencesOf } from '../src/plan/capabilities';
import type { CaseKind } from './cases/case-kind';
import type { DeclaredDifference } from './declared-difference';
import { EngineName } from './engines/engine-names';

/**
 * Every difference the conformance suite accepts, with its reason: read from the engine
 * capability table (`src/plan/capabilities/`), the one place that says what each engine can
 * express and how it differs — the same table the README's engine matrix is generated from.
 * A difference a renderer (or the reference proxy) can remove is not declared there: it fails
 * the suite until it is fixed.
 */
const ENGINES: readonly [GatewayEngine, EngineName][] = [
  [GatewayEngine.OATHKEEPER, EngineName.OATHKEEPER],
  [GatewayEngine.TRAEFIK, EngineName.TRAEFIK],
  [GatewayEngine.REFERENCE_PROXY, EngineName.REFERENCE_PROXY],
];

export const DECLARED_DIFFERENCES: readonly DeclaredDifference[] = ENGINES.flatMap(([engine, name]) =>
  observedDifferencesOf(engine).map(
    ({ note, observed }): DeclaredDifference => ({
      engine: name,
      kind: observed.case as CaseKind,
      ...(observed.example ? { example: observed.example } : {}),
      ...(observed.route ? { route: observed.route } : {}),
      verdict: observed.verdict,
      reason: note,
    }),
  ),
);

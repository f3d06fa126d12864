import type { DeclaredDifference } from './declared-difference';

/**
 * Every difference the conformance suite accepts, with its reason. Data only: the lead moves
 * these into the engine capability table (issue 10), which will then render both the README
 * matrix and this list. A difference that a renderer can remove is not declared here: it
 * fails the suite until the renderer is fixed.
 */
export const DECLARED_DIFFERENCES: readonly DeclaredDifference[] = [];

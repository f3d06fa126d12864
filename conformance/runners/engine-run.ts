import type { EngineName } from '../engines/engine-names';
import type { CaseResult } from './run-cases';

/** A fact an engine run established beyond the generated cases (a probe, a log line, a config difference). */
export interface RunNote {
  /** Short label, e.g. `api requests` or `router errors`. */
  readonly topic: string;
  readonly text: string;
}

/** What happened to one engine on one example. */
export type EngineRun =
  | { readonly status: 'ran'; readonly engine: EngineName; readonly version?: string; readonly results: readonly CaseResult[]; readonly notes: readonly RunNote[] }
  /** The engine is not on this machine. Never counted as passed. */
  | { readonly status: 'skipped'; readonly engine: EngineName; readonly reason: string }
  /** The engine cannot express the declarations and synth said so (the capability check working). */
  | { readonly status: 'refused-at-synth'; readonly engine: EngineName; readonly code: string; readonly message: string }
  /** Closed source: schemas and docs only. */
  | { readonly status: 'schema-only'; readonly engine: EngineName; readonly reason: string }
  /** The engine or the harness broke: the suite fails. */
  | { readonly status: 'failed'; readonly engine: EngineName; readonly error: string; readonly notes: readonly RunNote[] };

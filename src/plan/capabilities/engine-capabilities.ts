import type { Feature } from './feature';

/** How well an engine expresses a feature. */
export enum Support {
  /** Rendered and behaving as the reference proxy does. */
  YES = 'yes',
  /** Cannot be expressed: synth fails with `ERR_GW_UNSUPPORTED_BY_ENGINE`. */
  NO = 'no',
  /** Rendered, with a documented difference in behaviour (the report lists it). */
  DIFFERS = 'differs',
  /** Rendered as the engine's documentation describes; not confirmed against the engine itself. */
  UNCONFIRMED = 'unconfirmed',
}

/**
 * A conformance verdict a `differs` capability explains: on this kind of request the engine
 * answers this way, where the reference proxy answers as the model says. The conformance
 * suite accepts exactly these differences and fails on any other.
 */
export interface ObservedDifference {
  /** The case kind of the conformance suite (`missing-scope`, `token-without-exp`, ...). */
  readonly case: string;
  /**
   * The engine's verdict, as the suite's table writes it (`refused 401`). `{route}` stands for
   * the route's name, for verdicts that quote a path the suite derives from it.
   */
  readonly verdict: string;
  /**
   * Only in this example (`probe:<name>` for a probe).
   * @default - every example
   */
  readonly example?: string;
  /**
   * Only on this route.
   * @default - every route
   */
  readonly route?: string;
}

export interface Capability {
  readonly support: Support;
  /** Why, in one sentence: the engine's limit, or the difference in behaviour. */
  readonly note?: string;
  /**
   * What the difference looks like on the wire, for the conformance suite.
   * @default []
   */
  readonly observed?: readonly ObservedDifference[];
  /**
   * The difference makes the engine accept what the model refuses (looser, not stricter): the
   * access report raises it as a medium finding instead of a low one.
   * @default false
   */
  readonly weakens?: boolean;
}

/** Every feature, for one engine. */
export type EngineCapabilities = Readonly<Record<Feature, Capability>>;

export const yes: Capability = { support: Support.YES };
export function no(note: string): Capability {
  return { support: Support.NO, note };
}
export function differs(note: string, ...observed: ObservedDifference[]): Capability {
  return { support: Support.DIFFERS, note, ...(observed.length ? { observed } : {}) };
}
/** A difference that lets through what the model refuses (see {@link Capability.weakens}). */
export function weaker(note: string, ...observed: ObservedDifference[]): Capability {
  return { ...differs(note, ...observed), weakens: true };
}
export function unconfirmed(note: string): Capability {
  return { support: Support.UNCONFIRMED, note };
}

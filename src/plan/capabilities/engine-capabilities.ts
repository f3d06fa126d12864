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

export interface Capability {
  readonly support: Support;
  /** Why, in one sentence: the engine's limit, or the difference in behaviour. */
  readonly note?: string;
}

/** Every feature, for one engine. */
export type EngineCapabilities = Readonly<Record<Feature, Capability>>;

export const yes: Capability = { support: Support.YES };
export function no(note: string): Capability {
  return { support: Support.NO, note };
}
export function differs(note: string): Capability {
  return { support: Support.DIFFERS, note };
}
export function unconfirmed(note: string): Capability {
  return { support: Support.UNCONFIRMED, note };
}

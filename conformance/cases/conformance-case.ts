import type { ExpectedInjection } from './route-expectations';
import type { CaseKind } from './case-kind';

/** The request of a case, as sent on the wire. */
export interface CaseRequest {
  readonly method: string;
  /** The `Host` header (and TLS server name on a TLS entry point, without any port). */
  readonly host: string;
  /** The request target exactly as sent, never normalized by the client. */
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string;
}

/** What the backend must and must not see when the case is served. */
export interface ServedExpectation {
  /** {@link backendId} of the route's backend. */
  readonly backend: string;
  /** Path (without query) the backend must receive. */
  readonly path: string;
  readonly injections: readonly ExpectedInjection[];
  /** Strings that must appear nowhere in what the backend receives (the caller's credential). */
  readonly secretsOfCaller: readonly string[];
  /** The caller's cookie value, and whether the model forwards it. */
  readonly cookie: { readonly value: string; readonly forwarded: boolean };
  /**
   * Checked by the forwarding-headers case only: `hide`, no forwarding header at all;
   * `overwrite`, none carrying the spoofed values the caller sent.
   */
  readonly forwarding?: { readonly policy: 'hide' | 'overwrite'; readonly spoofed: readonly string[] };
  /** Host header the backend must receive, when the model decides it (external backends, preserveHost). */
  readonly host?: string;
  /** Header names whose values the caller forged and that must not arrive with those values. */
  readonly forgedHeaders?: readonly (readonly [string, string])[];
}

/** What the model expects of a case. */
export type CaseExpectation =
  | { readonly outcome: 'served'; readonly served: ServedExpectation }
  /** Refused with one of these statuses, reaching no backend. */
  | { readonly outcome: 'refused'; readonly statuses: readonly number[] }
  /**
   * Path tricks: refused with any 4xx, or served by the route inside its prefix; never
   * outside it and never by another route's backend with this route's credential.
   */
  | { readonly outcome: 'contained'; readonly served: ServedExpectation; readonly rewriteTarget: string }
  /** Header tricks: refused with any 4xx, or served without the forged headers. */
  | { readonly outcome: 'refusedOrClean'; readonly served: ServedExpectation }
  /** The route's timeout: 504 before the backend answers. */
  | { readonly outcome: 'timeout'; readonly withinSeconds: number; readonly backendDelaySeconds: number };

/** One generated request with the model's expectation. */
export interface ConformanceCase {
  /** `<route>/<kind>[/<variant>]`. */
  readonly id: string;
  readonly route: string;
  readonly kind: CaseKind;
  /** Extra detail, e.g. the algorithm of an other-allowed-algorithm case. */
  readonly variant?: string;
  readonly request: CaseRequest;
  readonly expect: CaseExpectation;
}

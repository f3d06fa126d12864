import type { AccessTopologyModel } from '../model';
import { declaredDifferencesOf, ENGINE_NAMES, FEATURE_DESCRIPTIONS, Support, type Feature } from '../plan/capabilities';

/** One difference between the model and a route's engine. */
export interface EngineDifference {
  /** The capability-table feature. */
  readonly feature: Feature;
  /** What the model promises, in words. */
  readonly description: string;
  /** `differs`, `unconfirmed` or `no` (a default the engine does not honour). */
  readonly support: Support;
  /** Why, from the capability table. */
  readonly note: string;
  /** Whether the engine accepts what the model refuses. */
  readonly weakens: boolean;
}

/** The differences one route meets on its gateway's engine. */
export interface RouteEngineDifferences {
  /** Construct path of the gateway. */
  readonly gateway: string;
  /** The gateway's engine, as the README names it. */
  readonly engineName: string;
  /** Construct path of the route. */
  readonly route: string;
  /** `host/path` of the route. */
  readonly location: string;
  /** The differences, in capability-table order (what the route asks for, then its defaults). */
  readonly differences: readonly EngineDifference[];
}

/**
 * Per route, every difference between the model and its engine that the route meets, from
 * the capability table: what the README's matrix and the conformance suite declare, shown
 * where it applies. Routes that meet none are left out.
 */
export function routeEngineDifferences(topology: AccessTopologyModel): RouteEngineDifferences[] {
  return topology.gateways.flatMap((g) =>
    g.routes
      .map((r) => ({
        gateway: g.path,
        engineName: ENGINE_NAMES[g.engine].name,
        route: r.path,
        location: `${r.host}${r.pathPrefix}`,
        differences: declaredDifferencesOf(g.engine, r).map((d) => ({
          feature: d.feature,
          description: FEATURE_DESCRIPTIONS[d.feature],
          support: d.capability.support,
          note: d.capability.note ?? '',
          weakens: d.capability.weakens === true,
        })),
      }))
      .filter((r) => r.differences.length > 0),
  );
}

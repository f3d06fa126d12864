import { ErrorCode, GatewayEngine, GatewrightError, type ApiRouteModel } from '../../model';
import { Support, type Capability, type EngineCapabilities, type ObservedDifference } from './engine-capabilities';
import { Feature, FEATURE_DESCRIPTIONS } from './feature';
import { OATHKEEPER_CAPABILITIES } from './oathkeeper';
import { REFERENCE_PROXY_CAPABILITIES } from './reference-proxy';
import { featuresOfRoute, implicitFeaturesOfRoute, type FeatureUse } from './route-features';
import { TRAEFIK_CAPABILITIES } from './traefik';
import { TRAEFIK_HUB_CAPABILITIES } from './traefik-hub';

export * from './engine-capabilities';
export * from './feature';
export * from './route-features';

/** The capability table: every engine, every feature. */
export const ENGINE_CAPABILITIES: Readonly<Record<GatewayEngine, EngineCapabilities>> = {
  [GatewayEngine.TRAEFIK_HUB]: TRAEFIK_HUB_CAPABILITIES,
  [GatewayEngine.TRAEFIK]: TRAEFIK_CAPABILITIES,
  [GatewayEngine.OATHKEEPER]: OATHKEEPER_CAPABILITIES,
  [GatewayEngine.REFERENCE_PROXY]: REFERENCE_PROXY_CAPABILITIES,
};

/** How an engine is named in messages and the README, with the construct that deploys it. */
export const ENGINE_NAMES: Readonly<Record<GatewayEngine, { readonly name: string; readonly construct: string }>> = {
  [GatewayEngine.TRAEFIK_HUB]: { name: 'Traefik Hub', construct: 'TraefikHubGateway' },
  [GatewayEngine.TRAEFIK]: { name: 'open-source Traefik', construct: 'TraefikGateway' },
  [GatewayEngine.OATHKEEPER]: { name: 'Oathkeeper', construct: 'OathkeeperGateway' },
  [GatewayEngine.REFERENCE_PROXY]: { name: 'the reference proxy', construct: 'ReferenceProxyGateway' },
};

const ENGINE_ORDER = [GatewayEngine.REFERENCE_PROXY, GatewayEngine.TRAEFIK_HUB, GatewayEngine.TRAEFIK, GatewayEngine.OATHKEEPER] as const;

export function capabilityOf(engine: GatewayEngine, feature: Feature): Capability {
  return ENGINE_CAPABILITIES[engine][feature];
}

/** Engines that can express `feature`, best first (the reference proxy, which runs the model itself). */
export function enginesSupporting(feature: Feature): GatewayEngine[] {
  return ENGINE_ORDER.filter((e) => ENGINE_CAPABILITIES[e][feature].support !== Support.NO);
}

/** The error for a feature an engine cannot express: what, why, and which gateways can. */
export function unsupportedFeatureError(engine: GatewayEngine, use: FeatureUse, routePath: string): GatewrightError {
  const capability = capabilityOf(engine, use.feature);
  const others = enginesSupporting(use.feature).filter((e) => e !== engine);
  return new GatewrightError({
    code: ErrorCode.UNSUPPORTED_BY_ENGINE,
    path: routePath,
    field: use.field,
    problem: `asks for ${FEATURE_DESCRIPTIONS[use.feature]}, which ${ENGINE_NAMES[engine].name} cannot express: ${capability.note ?? 'not supported'}`,
    fix: others.length
      ? `attach this API to ${others.map((e) => ENGINE_NAMES[e].construct).join(' or ')}, or drop the prop`
      : 'drop the prop',
  });
}

/** Throws for the first feature of `route` that `engine` cannot express. */
export function checkRouteCapabilities(engine: GatewayEngine, route: ApiRouteModel): void {
  for (const use of featuresOfRoute(route)) {
    if (capabilityOf(engine, use.feature).support === Support.NO) throw unsupportedFeatureError(engine, use, route.path);
  }
}

/** One way `route` behaves otherwise on an engine than the model says. */
export interface RouteDifference {
  readonly feature: Feature;
  /** The prop behind it, as the user wrote it (`clientAuth`, `timeoutSeconds`). */
  readonly field: string;
  readonly capability: Capability;
}

/**
 * The differences in behaviour `route` meets on `engine`, for reports: what it asks for that
 * the engine does otherwise (`differs`) or that no run has confirmed (`unconfirmed`), and what
 * the model gives it by default that the engine does otherwise or not at all.
 */
export function declaredDifferencesOf(engine: GatewayEngine, route: ApiRouteModel): RouteDifference[] {
  const explicit = featuresOfRoute(route)
    .map((u) => ({ feature: u.feature, field: u.field, capability: capabilityOf(engine, u.feature) }))
    .filter((d) => d.capability.support === Support.DIFFERS || d.capability.support === Support.UNCONFIRMED);
  const implicit = implicitFeaturesOfRoute(route)
    .filter((u) => !explicit.some((d) => d.feature === u.feature))
    .map((u) => ({ feature: u.feature, field: u.field, capability: capabilityOf(engine, u.feature) }))
    .filter((d) => d.capability.support !== Support.YES);
  return [...explicit, ...implicit];
}

/** Every observed difference of `engine`, with the note that explains it: what the conformance suite accepts. */
export function observedDifferencesOf(engine: GatewayEngine): { feature: Feature; note: string; observed: ObservedDifference }[] {
  return Object.values(Feature).flatMap((feature) => {
    const c = capabilityOf(engine, feature);
    return (c.observed ?? []).map((observed) => ({ feature, note: c.note ?? '', observed }));
  });
}

const MARK: Readonly<Record<Support, string>> = {
  [Support.YES]: 'yes',
  [Support.NO]: '**no**',
  [Support.DIFFERS]: 'differs',
  [Support.UNCONFIRMED]: 'unconfirmed',
};

/**
 * The README's "Engine capabilities" table, generated from the capability table (a test keeps
 * the README equal to it). Each non-`yes` cell gets a numbered note.
 */
export function capabilityMatrixMarkdown(): string {
  const notes: string[] = [];
  const header = `| feature | ${ENGINE_ORDER.map((e) => `${ENGINE_NAMES[e].name} (\`${ENGINE_NAMES[e].construct}\`)`).join(' | ')} |`;
  const rule = `|---|${ENGINE_ORDER.map(() => '---').join('|')}|`;
  const rows = Object.values(Feature).map((feature) => {
    const cells = ENGINE_ORDER.map((engine) => {
      const c = capabilityOf(engine, feature);
      if (c.support === Support.YES || !c.note) return MARK[c.support];
      notes.push(`${ENGINE_NAMES[engine].name}: ${c.note}.`);
      return `${MARK[c.support]} [${notes.length}]`;
    });
    return `| ${FEATURE_DESCRIPTIONS[feature]} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows, '', ...notes.map((n, i) => `${i + 1}. ${n}`)].join('\n');
}

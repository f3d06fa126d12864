/** The engines the conformance suite can run, and the two columns that are not processes. */
export enum EngineName {
  /** The bundled reference proxy, run in-process from its synthesized config: every verdict is compared with it. */
  REFERENCE_PROXY = 'reference-proxy',
  OATHKEEPER = 'oathkeeper',
  /** Open-source Traefik v3 with its `kubernetesCRD` provider, forwardAuth to the reference proxy. */
  TRAEFIK = 'traefik',
  /** OAuth2 Proxy behind Traefik forwardAuth, driven by headless Chromium. */
  OAUTH2_PROXY = 'oauth2-proxy',
  /** Closed source: checked against its schemas and docs only, never run. */
  TRAEFIK_HUB = 'traefik-hub',
}

/** The engines that run as external programs, with the binary file name the suite looks for. */
export const PROCESS_ENGINES = [EngineName.OATHKEEPER, EngineName.TRAEFIK, EngineName.OAUTH2_PROXY] as const;
export type ProcessEngine = (typeof PROCESS_ENGINES)[number];

/**
 * The release each engine is validated with, and its official image for users with a Docker
 * engine. Build the binaries from these tags; `gatewright`'s own pinned images must name
 * released versions too (see issue 11 §2.10).
 */
export const ENGINE_RELEASES: Readonly<Record<ProcessEngine, { readonly version: string; readonly image: string }>> = {
  [EngineName.OATHKEEPER]: { version: 'v26.2.0', image: 'oryd/oathkeeper:v26.2.0' },
  [EngineName.TRAEFIK]: { version: 'v3.7.9', image: 'traefik:v3.7.9' },
  [EngineName.OAUTH2_PROXY]: { version: 'v7.15.3', image: 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.3' },
};

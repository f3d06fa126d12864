/** The gateway engines `gatewright init` can start a project with (flag values). */
export const STARTER_GATEWAYS = ['traefik-hub', 'traefik', 'oathkeeper', 'reference-proxy'] as const;
/** One of {@link STARTER_GATEWAYS}. */
export type StarterGateway = (typeof STARTER_GATEWAYS)[number];

/** How the starter SecuredApi authenticates its callers (flag values). */
export const STARTER_CLIENT_AUTHS = ['jwt', 'api-key', 'none'] as const;
/** One of {@link STARTER_CLIENT_AUTHS}. */
export type StarterClientAuth = (typeof STARTER_CLIENT_AUTHS)[number];

/** What the generated project declares. */
export interface StarterChoices {
  /** package.json `name` (when init creates package.json). */
  readonly name: string;
  /** The gateway engine. */
  readonly gateway: StarterGateway;
  /** The SecuredApi's client authentication. */
  readonly clientAuth: StarterClientAuth;
  /** Public host of the API. */
  readonly host: string;
  /** Namespace of the chart. */
  readonly namespace: string;
}

/** What a prompt shows for each choice. */
export const GATEWAY_DESCRIPTIONS: Readonly<Record<StarterGateway, string>> = {
  'traefik-hub': 'Traefik Hub API Gateway (JWT, API keys and OAuth in Traefik itself)',
  traefik: 'open-source Traefik v3, auth through the bundled reference proxy (forwardAuth)',
  oathkeeper: 'Ory Oathkeeper (JWT; no API keys)',
  'reference-proxy': 'the bundled reference proxy as the gateway itself',
};

/** What a prompt shows for each client auth. */
export const CLIENT_AUTH_DESCRIPTIONS: Readonly<Record<StarterClientAuth, string>> = {
  jwt: 'JWT bearer tokens from your identity provider, with a required scope',
  'api-key': 'API keys held in a Kubernetes Secret',
  none: 'public: anyone may call it (GET only)',
};

/** Why a combination cannot be generated, or undefined when it can. */
export function unsupportedCombination(c: Pick<StarterChoices, 'gateway' | 'clientAuth'>): string | undefined {
  if (c.gateway === 'oathkeeper' && c.clientAuth === 'api-key') {
    return 'Oathkeeper cannot verify static API keys; choose --gateway traefik-hub or --gateway reference-proxy for --client-auth api-key';
  }
  return undefined;
}

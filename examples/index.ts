import type { App, Chart } from 'cdk8s';
import { oicOnOke } from './oic-on-oke';
import { upstreamAuthPatterns } from './upstream-auth-patterns';
import { ENVIRONMENTS, shopEnvironment } from './multi-environment';
import { thirdPartyApisOnOathkeeper } from './third-party-apis';
import { keycloakForwardAuth } from './keycloak-forward-auth';
import { oicOnOssTraefik } from './oic-on-oss-traefik';
import { upstreamAuthPatternsOnOssTraefik } from './upstream-auth-patterns-oss-traefik';

/** Every bundled example, by chart id. `main.ts` synthesizes them all; tests check each. */
export const examples: Record<string, (app: App) => Chart> = {
  'oic-on-oke': (app) => oicOnOke(app),
  'upstream-auth-patterns': (app) => upstreamAuthPatterns(app),
  staging: (app) => shopEnvironment(app, ENVIRONMENTS.staging),
  production: (app) => shopEnvironment(app, ENVIRONMENTS.production),
  'third-party-apis': (app) => thirdPartyApisOnOathkeeper(app),
  'keycloak-forward-auth': (app) => keycloakForwardAuth(app),
  'oic-on-oss-traefik': (app) => oicOnOssTraefik(app),
  'upstream-auth-patterns-oss-traefik': (app) => upstreamAuthPatternsOnOssTraefik(app),
};

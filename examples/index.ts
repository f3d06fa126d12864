import { App, type Chart } from 'cdk8s';
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

/**
 * What `npx cdk8s synth` does with the examples: each is a deployment of its own (several
 * declare the same API for different engines and clusters), so each is synthesized in an App
 * of its own, all into `outdir`. Whole-app checks — one router table per Traefik, object
 * identity — then hold per deployment, as they would in your own project.
 */
export function synthesizeExamples(outdir?: string): string[] {
  const written: string[] = [];
  for (const build of Object.values(examples)) {
    const app = new App(outdir ? { outdir } : {});
    build(app);
    app.synth();
    written.push(...app.charts.map((c) => c.node.id));
  }
  return written;
}

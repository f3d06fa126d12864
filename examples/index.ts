import type { App, Chart } from 'cdk8s';
import { oicOnOke } from './oic-on-oke';
import { upstreamAuthPatterns } from './upstream-auth-patterns';

/** Every bundled example, by chart id. `main.ts` synthesizes them all; tests check each. */
export const examples: Record<string, (app: App) => Chart> = {
  'oic-on-oke': (app) => oicOnOke(app),
  'upstream-auth-patterns': (app) => upstreamAuthPatterns(app),
};

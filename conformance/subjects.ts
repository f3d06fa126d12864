import { App, Chart, Testing } from 'cdk8s';
import { examples } from '../examples';
import { APPS_DOMAIN, declareKeycloakApps, keycloakAuth } from '../examples/keycloak-forward-auth';
import { declareOicEcho } from '../examples/oic-on-oke';
import { declareThirdPartyApis, thirdPartySecretStore } from '../examples/third-party-apis';
import { declareUpstreamAuthPatterns } from '../examples/upstream-auth-patterns';
import { collectTopology, OathkeeperGateway, OathkeeperRuleDelivery, ReferenceProxy, ReferenceProxyGateway, TraefikGateway } from '../src';
import { EngineName } from './engines/engine-names';

/** One way an example is rendered for one engine. */
export interface Rendering {
  readonly engine: EngineName;
  /**
   * How this rendering differs from the example file, when it is not the file itself (e.g.
   * the same declarations on another gateway construct).
   */
  readonly variant?: string;
  readonly build: (app: App) => void;
}

/** An example of `examples/index.ts` and every engine it is run on. */
export interface ConformanceSubject {
  /** The example's key in `examples/index.ts` (or `probe:<name>` for a fidelity probe). */
  readonly example: string;
  /** The same declarations on an inline reference proxy: the verdicts every engine is compared with. */
  readonly reference: { readonly build: (app: App) => void; readonly variant: string } | { readonly unavailable: string };
  readonly renderings: readonly Rendering[];
}

const INLINE_REFERENCE = 'the same declarations on an inline ReferenceProxyGateway';

/** The example file itself. */
const asWritten = (example: keyof typeof examples, engine: EngineName): Rendering => ({ engine, build: (app) => void examples[example](app) });

/**
 * The example's routes added one by one to a `ReferenceProxy` (what `ReferenceProxyGateway`
 * does for each SecuredApi), for examples that declare their APIs inside a function bound to
 * one gateway and so cannot be re-targeted.
 */
function routesOnReferenceProxy(example: keyof typeof examples): (app: App) => void {
  return (app) => {
    const scratch = Testing.app();
    const source = examples[example](scratch);
    const chart = new Chart(app, `${example}-reference`, { namespace: source.namespace });
    const proxy = new ReferenceProxy(chart, 'reference-proxy');
    for (const gateway of collectTopology(scratch).gateways) for (const route of gateway.routes) proxy.addRoute(route);
  };
}

/** Every example of `examples/index.ts`, how its reference is built, and the engines it runs on. */
export const SUBJECTS: readonly ConformanceSubject[] = [
  {
    example: 'oic-on-oke',
    reference: onReference('oic-on-oke', 'integrations', (chart, gateway) => declareOicEcho(chart, gateway)),
    renderings: [
      asWritten('oic-on-oke', EngineName.TRAEFIK_HUB),
      {
        engine: EngineName.OATHKEEPER,
        variant: 'the same declarations on an OathkeeperGateway (rules in a ConfigMap)',
        build: (app) => {
          const chart = new Chart(app, 'oic-on-oke', { namespace: 'integrations' });
          declareOicEcho(chart, new OathkeeperGateway(chart, 'oathkeeper', { ruleDelivery: OathkeeperRuleDelivery.CONFIG_MAP }));
        },
      },
    ],
  },
  {
    example: 'oic-on-oss-traefik',
    reference: onReference('oic-on-oss-traefik', 'integrations-oss', (chart, gateway) => declareOicEcho(chart, gateway)),
    renderings: [asWritten('oic-on-oss-traefik', EngineName.TRAEFIK)],
  },
  {
    example: 'upstream-auth-patterns',
    reference: onReference('upstream-auth-patterns', 'partners', (chart, gateway) => declareUpstreamAuthPatterns(chart, gateway)),
    renderings: [
      asWritten('upstream-auth-patterns', EngineName.TRAEFIK_HUB),
      {
        engine: EngineName.OATHKEEPER,
        variant: 'the same declarations on an OathkeeperGateway (rules in a ConfigMap)',
        build: (app) => {
          const chart = new Chart(app, 'upstream-auth-patterns', { namespace: 'partners' });
          declareUpstreamAuthPatterns(chart, new OathkeeperGateway(chart, 'oathkeeper', { ruleDelivery: OathkeeperRuleDelivery.CONFIG_MAP }));
        },
      },
    ],
  },
  {
    example: 'upstream-auth-patterns-oss-traefik',
    reference: onReference('upstream-auth-patterns-oss-traefik', 'partners-oss', (chart, gateway) => declareUpstreamAuthPatterns(chart, gateway)),
    renderings: [asWritten('upstream-auth-patterns-oss-traefik', EngineName.TRAEFIK)],
  },
  {
    example: 'staging',
    reference: { variant: "the example's routes added to a ReferenceProxy (shopEnvironment binds its APIs to a TraefikHubGateway)", build: routesOnReferenceProxy('staging') },
    renderings: [asWritten('staging', EngineName.TRAEFIK_HUB)],
  },
  {
    example: 'production',
    reference: { variant: "the example's routes added to a ReferenceProxy (shopEnvironment binds its APIs to a TraefikHubGateway)", build: routesOnReferenceProxy('production') },
    renderings: [asWritten('production', EngineName.TRAEFIK_HUB)],
  },
  {
    example: 'third-party-apis',
    reference: onReference('third-party-apis', 'saas-gateway', (chart, gateway) => declareThirdPartyApis(chart, gateway, thirdPartySecretStore(chart))),
    renderings: [
      {
        engine: EngineName.OATHKEEPER,
        variant: 'rules delivered in a ConfigMap (the example uses maester Rule objects, which need the maester controller)',
        build: (app) => {
          const chart = new Chart(app, 'third-party-apis', { namespace: 'saas-gateway' });
          const gateway = new OathkeeperGateway(chart, 'oathkeeper', {
            ruleDelivery: OathkeeperRuleDelivery.CONFIG_MAP,
            replicas: 2,
            autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 75 },
          });
          declareThirdPartyApis(chart, gateway, thirdPartySecretStore(chart));
        },
      },
      {
        engine: EngineName.TRAEFIK,
        variant: 'the same declarations on a TraefikGateway (open-source Traefik + reference proxy forwardAuth)',
        build: (app) => {
          const chart = new Chart(app, 'third-party-apis', { namespace: 'saas-gateway' });
          declareThirdPartyApis(chart, new TraefikGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } }), thirdPartySecretStore(chart));
        },
      },
    ],
  },
  {
    example: 'keycloak-forward-auth',
    reference: { unavailable: 'browser sessions (ClientAuth.oidcSession) are refused by the reference proxy at synth; OAuth2 Proxy is the engine' },
    renderings: [
      asWritten('keycloak-forward-auth', EngineName.TRAEFIK_HUB),
      {
        engine: EngineName.OAUTH2_PROXY,
        variant: `the same declarations on a TraefikGateway (open-source Traefik), apps under .${APPS_DOMAIN}`,
        build: (app) => {
          const chart = new Chart(app, 'keycloak-forward-auth', { namespace: 'apps' });
          const gateway = new TraefikGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } });
          declareKeycloakApps(chart, gateway, keycloakAuth(chart));
        },
      },
    ],
  },
];

/** The example's declarations on an inline ReferenceProxyGateway in a chart like the example's. */
function onReference(id: string, namespace: string, declare: (chart: Chart, gateway: ReferenceProxyGateway) => void): ConformanceSubject['reference'] {
  return {
    variant: INLINE_REFERENCE,
    build: (app) => {
      const chart = new Chart(app, id, { namespace });
      declare(chart, new ReferenceProxyGateway(chart, 'gateway'));
    },
  };
}

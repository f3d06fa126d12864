import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  ClientAuth,
  ExternalNameBackend,
  type IGateway,
  OathkeeperGateway,
  OathkeeperRuleDelivery,
  ReferenceProxyGateway,
  SecuredApi,
  TraefikGateway,
  UpstreamCredential,
  SecretRef,
  VirtualEndpoint,
} from '../src';
import { capabilityOf, Feature, Support } from '../src/plan/capabilities';
import { EngineName } from './engines/engine-names';
import type { ConformanceSubject } from './subjects';

/**
 * Apps built from the same constructs as the examples, for what issue 11 §2 found by reading
 * the engines' source and the examples do not exercise: a route that allows EdDSA and a route
 * with a short `timeoutSeconds` — each declared only on the engines whose capability table
 * says they can express it (elsewhere synth refuses it, which the engine-free tests check) —
 * and an Oathkeeper gateway's first deploy with its first route.
 */
const HOST = 'probe.example.com';
const NAMESPACE = 'conformance-probes';

/** The probe APIs on `gateway`, as far as its engine can express them. */
export function declareFidelityProbes(scope: Construct, gateway: IGateway): void {
  const can = (feature: Feature) => capabilityOf(gateway.engine, feature).support !== Support.NO;
  const backend = new ExternalNameBackend(scope, 'probe-backend', { externalName: 'probe-backend.example.net' });
  const callers = (algorithms: ('RS256' | 'EdDSA')[] = ['RS256']) =>
    ClientAuth.jwt({ jwksUrl: 'https://login.probe.example.com/jwks.json', issuer: 'https://login.probe.example.com/', audience: 'probe-api', algorithms });
  const credential = UpstreamCredential.header('X-Probe-Key', SecretRef.fromSecret('probe-upstream', 'api-key'));
  // §2.6: Oathkeeper verifies no EdDSA signature (credentials/verifier_default.go).
  if (can(Feature.JWT_EDDSA)) new SecuredApi(scope, 'eddsa', { gateway, host: HOST, path: '/eddsa', backend, clientAuth: callers(['RS256', 'EdDSA']), upstreamAuth: credential, methods: ['GET'] });
  // §2.7: timeoutSeconds was dropped on Traefik and Oathkeeper.
  if (can(Feature.UPSTREAM_TIMEOUT)) {
    new SecuredApi(scope, 'slow', { gateway, host: HOST, path: '/slow', backend, clientAuth: callers(), upstreamAuth: credential, methods: ['GET'], timeoutSeconds: 2 });
  }
  // maxBodyBytes: Traefik's buffering Middleware, the proxy inline; Oathkeeper has none.
  if (can(Feature.BODY_LIMIT)) {
    new SecuredApi(scope, 'upload', { gateway, host: HOST, path: '/upload', backend, clientAuth: callers(), upstreamAuth: credential, methods: ['POST'], maxBodyBytes: 64 });
  }
  // A virtual endpoint every engine expresses, so each rendering has a route (§2.11's non-ASCII
  // path is refused by the model now: the engine-free tests check that).
  new SecuredApi(scope, 'cafe', {
    gateway,
    host: HOST,
    endpoint: new VirtualEndpoint(scope, 'cafe-endpoint', { path: '/cafe', target: '/api/cafe' }),
    backend,
    clientAuth: callers(),
    upstreamAuth: credential,
    methods: ['GET'],
  });
}

const chartFor = (app: App) => new Chart(app, 'fidelity-probes', { namespace: NAMESPACE });

export const FIDELITY_PROBES: readonly ConformanceSubject[] = [
  {
    example: 'probe:fidelity',
    reference: {
      variant: 'the probe declarations on an inline ReferenceProxyGateway',
      build: (app) => {
        const chart = chartFor(app);
        declareFidelityProbes(chart, new ReferenceProxyGateway(chart, 'gateway'));
      },
    },
    renderings: [
      {
        engine: EngineName.OATHKEEPER,
        variant: 'OathkeeperGateway, rules in a ConfigMap',
        build: (app) => {
          const chart = chartFor(app);
          declareFidelityProbes(chart, new OathkeeperGateway(chart, 'oathkeeper', { ruleDelivery: OathkeeperRuleDelivery.CONFIG_MAP }));
        },
      },
      {
        engine: EngineName.TRAEFIK,
        variant: 'TraefikGateway (open-source Traefik + reference proxy forwardAuth)',
        build: (app) => {
          const chart = chartFor(app);
          declareFidelityProbes(chart, new TraefikGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } }));
        },
      },
    ],
  },
  {
    example: 'probe:oathkeeper-first-deploy',
    reference: { unavailable: 'Oathkeeper readiness only' },
    renderings: [
      {
        engine: EngineName.OATHKEEPER,
        variant: 'an OathkeeperGateway with its first SecuredApi (rules in a ConfigMap): what the chart starts with on a first deploy',
        build: (app) => {
          const chart = chartFor(app);
          const gateway = new OathkeeperGateway(chart, 'oathkeeper', { ruleDelivery: OathkeeperRuleDelivery.CONFIG_MAP });
          new SecuredApi(chart, 'first', {
            gateway,
            host: HOST,
            path: '/first',
            backend: new ExternalNameBackend(chart, 'first-backend', { externalName: 'first.example.net' }),
            clientAuth: ClientAuth.none(),
          });
        },
      },
    ],
  },
];

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
import { EngineName } from './engines/engine-names';
import type { ConformanceSubject } from './subjects';

/**
 * Apps built from the same constructs as the examples, for what issue 11 §2 found by reading
 * the engines' source and the examples do not exercise: a route that allows EdDSA, a route
 * with a short `timeoutSeconds`, a virtual endpoint whose public path is not ASCII, and an
 * Oathkeeper gateway that has no route yet (its first deploy).
 */
const HOST = 'probe.example.com';
const NAMESPACE = 'conformance-probes';

/** The probe APIs on `gateway`. */
export function declareFidelityProbes(scope: Construct, gateway: IGateway): void {
  const backend = new ExternalNameBackend(scope, 'probe-backend', { externalName: 'probe-backend.example.net' });
  const callers = (algorithms: ('RS256' | 'EdDSA')[] = ['RS256']) =>
    ClientAuth.jwt({ jwksUrl: 'https://login.probe.example.com/jwks.json', issuer: 'https://login.probe.example.com/', audience: 'probe-api', algorithms });
  const credential = UpstreamCredential.header('X-Probe-Key', SecretRef.fromSecret('probe-upstream', 'api-key'));
  // §2.6: Oathkeeper verifies no EdDSA signature (credentials/verifier_default.go).
  new SecuredApi(scope, 'eddsa', { gateway, host: HOST, path: '/eddsa', backend, clientAuth: callers(['RS256', 'EdDSA']), upstreamAuth: credential, methods: ['GET'] });
  // §2.7: timeoutSeconds is dropped on Traefik and Oathkeeper.
  new SecuredApi(scope, 'slow', { gateway, host: HOST, path: '/slow', backend, clientAuth: callers(), upstreamAuth: credential, methods: ['GET'], timeoutSeconds: 2 });
  // §2.11: a non-ASCII prefix is routed decoded by Traefik but replacePathRegex sees it escaped.
  new SecuredApi(scope, 'cafe', {
    gateway,
    host: HOST,
    endpoint: new VirtualEndpoint(scope, 'cafe-endpoint', { path: '/café', target: '/api/cafe' }),
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
        variant: 'an OathkeeperGateway before its first SecuredApi (rules in a ConfigMap): what the chart starts with on a first deploy',
        build: (app) => void new OathkeeperGateway(chartFor(app), 'oathkeeper', { ruleDelivery: OathkeeperRuleDelivery.CONFIG_MAP }),
      },
    ],
  },
];

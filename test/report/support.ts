import { App, Chart, Testing } from 'cdk8s';
import {
  ClientAuth,
  ExternalNameBackend,
  SecuredApi,
  TraefikHubGateway,
  type IGateway,
  type SecuredApiProps,
} from '../../src';
import { collectTopology } from '../../src/report';
import type { AccessTopologyModel } from '../../src/model';

/** The topology of whatever `build` declares in a fresh app. */
export function topologyOf(build: (app: App) => void): AccessTopologyModel {
  const app = Testing.app();
  build(app);
  return collectTopology(app);
}

/** A chart with one Traefik Hub gateway in namespace `shop`. */
export function gatewayChart(app: App, id = 'test'): { chart: Chart; gateway: IGateway } {
  const chart = new Chart(app, id, { namespace: 'shop' });
  return { chart, gateway: new TraefikHubGateway(chart, 'gateway', { tls: { certResolver: 'le' } }) };
}

export const jwt = (issuer = 'https://login.example.com/') =>
  ClientAuth.jwt({ jwksUrl: `${issuer}.well-known/jwks.json`, issuer, audience: 'shop-api' });

/** A SecuredApi with sensible, finding-free defaults that `overrides` change. */
export function api(chart: Chart, gateway: IGateway, id: string, overrides: Partial<SecuredApiProps> = {}): SecuredApi {
  return new SecuredApi(chart, id, {
    gateway,
    host: 'api.example.com',
    path: `/${id}`,
    backend: ExternalNameBackend.fromService(`${id}-backend`, `${id}.example.net`),
    clientAuth: jwt(),
    methods: ['GET'],
    scopes: [`${id}:read`],
    ...overrides,
  });
}

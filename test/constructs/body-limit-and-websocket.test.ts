import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ClientAuth, ErrorCode, ExternalNameBackend, OathkeeperGateway, ReferenceProxyGateway, SecuredApi, TraefikGateway, TraefikHubGateway, type IGateway } from '../../src';
import { proxyConfigSchema } from '../../src/model';
import { catchError } from '../support/errors';
import { findObject, type KubeObject } from '../support/synth';

const JWT = () => ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'api' });

function app(gateway: (chart: Chart) => IGateway, props: { maxBodyBytes?: number; allowWebSocket?: boolean }) {
  const chart = new Chart(Testing.app(), 'c', { namespace: 'gw' });
  new SecuredApi(chart, 'upload', {
    gateway: gateway(chart),
    host: 'api.example.com',
    path: '/upload',
    methods: ['POST'],
    backend: new ExternalNameBackend(chart, 'backend', { externalName: 'files.example.net' }),
    clientAuth: JWT(),
    ...props,
  });
  return chart;
}
const synth = (chart: Chart) => Testing.synth(chart) as KubeObject[];
const middlewareNames = (objects: KubeObject[]) => findObject(objects, 'IngressRoute', 'upload').spec.routes[0].middlewares.map((m: { name: string }) => m.name);

describe('SecuredApi maxBodyBytes', () => {
  it('renders a buffering Middleware right after client authentication on Traefik Hub', () => {
    const objects = synth(app((c) => new TraefikHubGateway(c, 'gateway'), { maxBodyBytes: 1048576 }));
    expect(findObject(objects, 'Middleware', 'upload-body-limit').spec).toEqual({ buffering: { maxRequestBodyBytes: 1048576 } });
    expect(middlewareNames(objects)).toEqual(['gateway-untrusted-headers', 'upload-jwt', 'upload-body-limit', 'upload-strip-caller']);
  });

  it('renders it after the forwardAuth Middleware on open-source Traefik (a forwardAuth request has no body)', () => {
    const objects = synth(app((c) => new TraefikGateway(c, 'gateway'), { maxBodyBytes: 64 }));
    expect(findObject(objects, 'Middleware', 'upload-body-limit').spec).toEqual({ buffering: { maxRequestBodyBytes: 64 } });
    expect(middlewareNames(objects)).toEqual(['gateway-untrusted-headers', 'upload-forward-auth', 'upload-body-limit', 'upload-strip-caller']);
  });

  it('renders no buffering Middleware without a limit', () => {
    const objects = synth(app((c) => new TraefikHubGateway(c, 'gateway'), {}));
    expect(objects.some((o) => o.metadata.name === 'upload-body-limit')).toBe(false);
  });

  it('goes into the reference proxy config with allowWebSocket', () => {
    const objects = synth(app((c) => new ReferenceProxyGateway(c, 'gateway'), { maxBodyBytes: 64, allowWebSocket: true }));
    const config = proxyConfigSchema.parse(JSON.parse(findObject(objects, 'ConfigMap', 'gateway-proxy-config').data!['config.json']));
    expect(config.routes[0]).toMatchObject({ maxBodyBytes: 64, allowWebSocket: true, closeWebSocketAtTokenExpiry: true });
  });

  it('is refused on Oathkeeper, which has no body limit, naming the engines that have one', () => {
    const err = catchError(() => app((c) => new OathkeeperGateway(c, 'oathkeeper'), { maxBodyBytes: 64 }));
    expect(err.code).toBe(ErrorCode.UNSUPPORTED_BY_ENGINE);
    expect(err.message).toBe(
      '[c/upload] maxBodyBytes: asks for a request body limit per route (`maxBodyBytes`: 413 above it), which Oathkeeper cannot express: Oathkeeper has no request body limit. ' +
        'Fix: attach this API to ReferenceProxyGateway or TraefikHubGateway or TraefikGateway, or drop the prop',
    );
  });

  it('refuses 0, which Traefik would read as no limit', () => {
    const err = catchError(() => app((c) => new TraefikHubGateway(c, 'gateway'), { maxBodyBytes: 0 }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toBe('[c/upload] maxBodyBytes: must be at least 1 (Traefik reads 0 as no limit)');
  });
});

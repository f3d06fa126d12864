import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { upstreamAuthPatternsOnOssTraefik } from '../../examples/upstream-auth-patterns-oss-traefik';
import { proxyConfigSchema } from '../../src/model';
import { traefikTowardThirdParty } from '../support/transformation';
import { findObject, synthObjects, toYaml, type KubeObject } from '../support/synth';

const middlewares = (objects: KubeObject[], route: string) =>
  (findObject(objects, 'IngressRoute', route).spec.routes[0].middlewares ?? []).map((m: { name: string }) => m.name);
const forwardAuth = (objects: KubeObject[], route: string) => findObject(objects, 'Middleware', `${route}-forward-auth`).spec.forwardAuth;

describe('examples/upstream-auth-patterns-oss-traefik', () => {
  const objects = synthObjects(upstreamAuthPatternsOnOssTraefik(Testing.app()));

  it('has every header pattern answered by the proxy through forwardAuth', () => {
    expect(forwardAuth(objects, 'weather').authResponseHeaders).toEqual(['X-API-Key']);
    expect(forwardAuth(objects, 'metrics').authResponseHeaders).toEqual(['DD-API-KEY', 'DD-APPLICATION-KEY']);
    expect(forwardAuth(objects, 'directory').authResponseHeaders).toEqual(['Authorization']);
    expect(forwardAuth(objects, 'legacy').authResponseHeaders).toEqual(['Authorization']);
    expect(forwardAuth(objects, 'crm').authResponseHeaders).toEqual(['Authorization', 'X-Token-Expires-At']);
    expect(forwardAuth(objects, 'crm-bulk').authResponseHeaders).toEqual(['Authorization', 'Ocp-Apim-Subscription-Key', 'X-Token-Expires-At']);
  });

  it('strips the caller JWT only where no upstream Authorization replaces it', () => {
    expect(middlewares(objects, 'weather')).toEqual(['gateway-untrusted-headers', 'weather-forward-auth', 'weather-strip-caller']);
    expect(findObject(objects, 'Middleware', 'weather-strip-caller').spec.headers.customRequestHeaders).toMatchObject({ Authorization: '', Cookie: '' });
    // Authorization is replaced by the proxy's answer; the strip step only removes the caller's
    // cookies and the forwarding headers (external backend).
    expect(middlewares(objects, 'directory')).toEqual(['gateway-untrusted-headers', 'directory-forward-auth', 'directory-strip-caller']);
    expect(findObject(objects, 'Middleware', 'directory-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { Cookie: '', ...traefikTowardThirdParty('example.okta.com') } } });
    // In-cluster backend with BasicAuth: nothing to strip.
    expect(middlewares(objects, 'legacy')).toEqual(['gateway-untrusted-headers', 'legacy-forward-auth', 'legacy-rewrite']);
  });

  it('serves the query-parameter pattern inline through the same proxy', () => {
    expect(middlewares(objects, 'maps')).toEqual([]);
    expect(findObject(objects, 'IngressRoute', 'maps').spec.routes[0].services).toEqual([
      { kind: 'Service', name: 'partners-proxy', port: 8080, scheme: 'http', passHostHeader: true },
    ]);
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['partners-proxy']);
    const config = proxyConfigSchema.parse(JSON.parse(findObject(objects, 'ConfigMap', 'partners-proxy-config').data!['config.json']));
    expect(config.routes.map((r) => r.name).sort()).toEqual(['crm', 'crm-bulk', 'directory', 'legacy', 'maps', 'metrics', 'weather']);
  });

  it('syncs the declared keys only; the proxy computes prefixes and BasicAuth itself', () => {
    expect(findObject(objects, 'ExternalSecret', 'okta-upstream').spec.data).toEqual([{ secretKey: 'token', remoteRef: { key: 'prod/okta', property: 'api_token' } }]);
    expect(findObject(objects, 'ExternalSecret', 'okta-upstream').spec.target.template).toBeUndefined();
    expect(findObject(objects, 'ExternalSecret', 'legacy-upstream').spec.target.template).toBeUndefined();
  });

  it('matches the snapshot', async () => {
    await expect(toYaml(objects)).toMatchFileSnapshot('./__snapshots__/upstream-auth-patterns-oss-traefik.k8s.yaml');
  });
});

import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { oicOnOke } from '../../examples/oic-on-oke';
import { findObject, synthObjects, toYaml } from '../support/synth';
import { traefikTowardThirdParty } from '../support/transformation';

describe('examples/oic-on-oke (Traefik Hub)', () => {
  const objects = synthObjects(oicOnOke(Testing.app()));

  it('renders exactly the objects a hand-written setup needs, in a stable order', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Middleware/gateway-untrusted-headers',
      'Middleware/oic-token',
      'ServersTransport/gateway-transport-30s',
      'Service/oic',
      'Middleware/echo-jwt',
      'Middleware/echo-rewrite',
      'Middleware/echo-strip-caller',
      'IngressRoute/echo',
    ]);
    for (const o of objects) expect(o.metadata.namespace).toBe('integrations');
  });

  it('keeps port 443 on the ExternalName Service', () => {
    const svc = findObject(objects, 'Service', 'oic');
    expect(svc.spec).toEqual({
      type: 'ExternalName',
      externalName: 'myinst.integration.ocp.oraclecloud.com',
      ports: [{ name: 'https', port: 443, targetPort: 443, protocol: 'TCP' }],
    });
  });

  it('pins issuer and audience in the JWT middleware and drops the caller token', () => {
    const jwt = findObject(objects, 'Middleware', 'echo-jwt').spec.plugin.jwt;
    expect(jwt.jwksUrl).toBe('https://idcs-abc.identity.oraclecloud.com:443/admin/v1/SigningCert/jwk');
    expect(jwt.claims).toBe('Equals(`iss`, `https://identity.oraclecloud.com/`) && Prefix(`exp`, ``) && (Equals(`aud`, `api.example.com`) || OneOf(`aud`, `api.example.com`))');
    expect(jwt.forwardAuthorization).toBe(false);
  });

  it('references every OAuth client credential as urn:k8s:secret', () => {
    const oauth = findObject(objects, 'Middleware', 'oic-token').spec.plugin.oAuthClientCredentials;
    expect(oauth).toEqual({
      url: 'https://idcs-abc.identity.oraclecloud.com/oauth2/v1/token',
      clientID: 'urn:k8s:secret:oauth2-client-creds:clientID',
      clientSecret: 'urn:k8s:secret:oauth2-client-creds:clientSecret',
      audience: 'https://myinst.integration.ocp.oraclecloud.com:443',
      scopes: ['urn:k8s:secret:oauth2-client-creds:scope'],
    });
  });

  it('rewrites /echo with an anchored regex', () => {
    const rewrite = findObject(objects, 'Middleware', 'echo-rewrite').spec.replacePathRegex;
    expect(rewrite).toEqual({ regex: '^/echo(/.*)?$', replacement: '/ic/api/integration/v2/flows/rest/project/P/ECHO/1.0$1' });
  });

  it('removes the caller cookies and every forwarding header before OIC, a third party (the token is replaced by the OAuth one)', () => {
    expect(findObject(objects, 'Middleware', 'echo-strip-caller').spec).toEqual({ headers: { customRequestHeaders: { Cookie: '', ...traefikTowardThirdParty('myinst.integration.ocp.oraclecloud.com') } } });
  });

  it('routes with TLS, no host pass-through, and untrusted headers → client auth → rewrite → strip → injection', () => {
    const spec = findObject(objects, 'IngressRoute', 'echo').spec;
    expect(spec.entryPoints).toEqual(['websecure']);
    expect(spec.tls).toEqual({ certResolver: 'le', domains: [{ main: 'api.example.com' }] });
    const [route] = spec.routes;
    expect(route.match).toBe('Host(`api.example.com`) && (Path(`/echo`) || PathPrefix(`/echo/`))');
    expect(route.middlewares).toEqual([{ name: 'gateway-untrusted-headers' }, { name: 'echo-jwt' }, { name: 'echo-rewrite' }, { name: 'echo-strip-caller' }, { name: 'oic-token' }]);
    expect(route.services).toEqual([{ kind: 'Service', name: 'oic', port: 443, scheme: 'https', passHostHeader: true, serversTransport: 'gateway-transport-30s' }]);
  });

  it('matches the reviewed YAML snapshot', async () => {
    await expect(toYaml(objects)).toMatchFileSnapshot('./__snapshots__/oic-on-oke.k8s.yaml');
  });
});

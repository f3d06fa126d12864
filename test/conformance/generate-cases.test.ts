import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRouteSchema, type ApiRouteInput, type ApiRouteModel } from '../../src/model';
import { CaseKind } from '../../conformance/cases/case-kind';
import { generateCases } from '../../conformance/cases/generate-cases';
import { expectedBackendPath, routeServing } from '../../conformance/cases/route-expectations';
import { JwtIssuer } from '../../conformance/identity/jwt-issuer';
import { ClusterSecrets, testValue } from '../../conformance/kubernetes/cluster-secrets';

const JWKS = 'https://login.example.com/jwks.json';

function route(input: Partial<ApiRouteInput> & { name: string }): ApiRouteModel {
  return apiRouteSchema.parse({
    path: `test/${input.name}`,
    host: 'api.example.com',
    pathPrefix: `/${input.name}`,
    clientAuth: { kind: 'jwt', jwksUrl: JWKS, issuer: 'https://login.example.com/', audience: ['api'], algorithms: ['RS256', 'ES256'] },
    backend: { kind: 'externalName', serviceName: 'saas', externalName: 'saas.example.net', port: 443, scheme: 'https' },
    forwardCookies: false,
    forwardingHeaders: 'hide',
    ...input,
  });
}

// Keys are made once: RSA key generation is the slow part of these tests.
const issuer = new JwtIssuer(JWKS);
beforeAll(() => issuer.ensureKeys(['RS256', 'ES256']));

async function casesOf(r: ApiRouteModel, siblings: ApiRouteModel[] = [r]) {
  const secrets = ClusterSecrets.materialize([], [{ secretName: 'up', key: 'token' }], 'ns');
  return generateCases(r, { gatewayNamespace: 'ns', siblings, secrets, issuers: new Map([[JWKS, issuer]]) });
}

describe('cases generated from a route of the model', () => {
  it('derives every refusal the declarations imply, and nothing they do not', async () => {
    const scoped = await casesOf(route({ name: 'orders', authorization: { methods: ['GET'], scopes: ['orders:read'], claims: {} } }));
    const kinds = scoped.map((c) => c.kind);
    for (const k of [CaseKind.ALLOWED, CaseKind.NO_CREDENTIAL, CaseKind.BAD_SIGNATURE, CaseKind.WRONG_ISSUER, CaseKind.WRONG_AUDIENCE, CaseKind.EXPIRED, CaseKind.WITHOUT_EXP, CaseKind.WITHOUT_KID, CaseKind.MISSING_SCOPE, CaseKind.REFUSED_METHOD, CaseKind.DOT_DOT, CaseKind.HOST_UPPERCASE, CaseKind.BACKEND_HOST, CaseKind.FORWARDING_HEADERS]) {
      expect(kinds).toContain(k);
    }
    expect(scoped.find((c) => c.kind === CaseKind.OTHER_ALLOWED_ALGORITHM)?.variant).toBe('ES256');
    expect(scoped.find((c) => c.kind === CaseKind.REFUSED_METHOD)?.request.method).toBe('DELETE');
    expect(scoped.find((c) => c.kind === CaseKind.MISSING_SCOPE)?.expect).toEqual({ outcome: 'refused', statuses: [403] });

    const open = await casesOf(route({ name: 'status', pathPrefix: '/', clientAuth: { kind: 'none' } }));
    const openKinds = open.map((c) => c.kind);
    expect(openKinds).not.toContain(CaseKind.NO_CREDENTIAL);
    expect(openKinds).not.toContain(CaseKind.MISSING_SCOPE);
    expect(openKinds).not.toContain(CaseKind.REFUSED_METHOD);
    expect(openKinds).not.toContain(CaseKind.DOT_DOT); // nothing to escape from "/"
    expect(openKinds).not.toContain(CaseKind.UPSTREAM_TIMEOUT); // 30 s default: too long to wait for
  });

  it('breaks each token in exactly one way', async () => {
    const cases = await casesOf(route({ name: 'orders' }));
    const token = (k: CaseKind) => (cases.find((c) => c.kind === k)!.request.headers.find(([h]) => h === 'Authorization')![1]).slice(7);
    expect(decodeJwt(token(CaseKind.ALLOWED))).toMatchObject({ iss: 'https://login.example.com/', aud: 'api' });
    expect(decodeJwt(token(CaseKind.WRONG_ISSUER)).iss).toBe('https://conformance-other-issuer.example/');
    expect(decodeJwt(token(CaseKind.WRONG_AUDIENCE)).aud).toBe('conformance-other-audience');
    expect(decodeJwt(token(CaseKind.WITHOUT_EXP)).exp).toBeUndefined();
    expect(decodeJwt(token(CaseKind.EXPIRED)).exp).toBeLessThan(Date.now() / 1000 - 500);
    expect(decodeProtectedHeader(token(CaseKind.WITHOUT_KID)).kid).toBeUndefined();
    expect(decodeProtectedHeader(token(CaseKind.ALLOWED)).kid).toBe('conformance-rs256');
    expect(cases.find((c) => c.kind === CaseKind.NO_CREDENTIAL)!.request.headers.some(([h]) => h === 'Authorization')).toBe(false);
  });

  it('expects the rewritten path, the injected credential and no caller credential at the backend', async () => {
    const r = route({
      name: 'echo',
      pathPrefix: '/echo',
      rewrite: { kind: 'replacePrefix', from: '/echo', to: '/ic/api/1.0' },
      upstreamAuth: [{ kind: 'header', name: 'Authorization', value: { kind: 'secret', ref: { secretName: 'up', key: 'token' } }, prefix: 'Bearer ' }],
    });
    const allowed = (await casesOf(r)).find((c) => c.kind === CaseKind.ALLOWED)!;
    expect(allowed.request.target).toBe('/echo/conformance-probe');
    expect(allowed.expect.outcome).toBe('served');
    if (allowed.expect.outcome !== 'served') return;
    expect(allowed.expect.served).toMatchObject({
      backend: 'https://saas.example.net:443',
      path: '/ic/api/1.0/conformance-probe',
      injections: [{ kind: 'header', name: 'Authorization', value: `Bearer ${testValue('up', 'token')}` }],
      cookie: { value: 'conformance-caller-cookie-echo', forwarded: false },
    });
    expect(allowed.expect.served.secretsOfCaller[0]).toMatch(/^ey/);
  });

  it('leaves a trick path out when another route legitimately serves it', async () => {
    const echo = route({ name: 'echo' });
    const echoes = route({ name: 'echoes' });
    const kinds = (await casesOf(echo, [echo, echoes])).map((c) => c.kind);
    expect(kinds).not.toContain(CaseKind.SIBLING_PATH);
    expect(routeServing([echo, echoes], 'api.example.com', '/echoes/x')?.name).toBe('echoes');
  });

  it('maps public paths through a virtual endpoint like the model says', () => {
    const r = route({ name: 'x', pathPrefix: '/echo', rewrite: { kind: 'replacePrefix', from: '/echo', to: '/' } });
    expect(expectedBackendPath(r, '/echo')).toBe('/');
    expect(expectedBackendPath(r, '/echo/a')).toBe('/a');
    expect(expectedBackendPath(route({ name: 'y' }), '/y/a')).toBe('/y/a');
  });
});

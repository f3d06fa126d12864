/**
 * Issue 10, case by case, in the issue's own terms: each test builds the app the issue
 * describes and checks that the whole-app plan refuses it (naming both declarations) or
 * renders it so no route, credential or reference is lost. Case 3 (a shared proxy's
 * forwardAuth) is in test/constructs/reference-proxy-forward-auth-port.test.ts and
 * test/report/exposure-findings.test.ts; case 4 (user strings in engine grammars) in the
 * property tests of test/targets/grammars and test/plan/user-strings.property.test.ts.
 */
import { Chart, Testing, type App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  ErrorCode,
  ExternalNameBackend,
  OathkeeperGateway,
  OathkeeperRuleDelivery,
  SecretRef,
  SecuredApi,
  ServiceBackend,
  TraefikGateway,
  TraefikHubGateway,
  UpstreamCredential,
  UpstreamOAuth,
  type IGateway,
} from '../../src';
import { catchError, synthValidationMessages } from '../support/errors';
import { type KubeObject } from '../support/synth';

const JWT = () => ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'api' });

/** Every object of the app `build` declares, after the whole-app validation. */
function objectsOf(build: (app: App) => void): KubeObject[] {
  const app = Testing.app();
  build(app);
  return app.charts.flatMap((c) => Testing.synth(c)) as KubeObject[];
}
const validationOf = (build: (app: App) => void) =>
  synthValidationMessages(() => {
    const app = Testing.app();
    build(app);
    app.synth();
  });

function route(chart: Chart, id: string, gateway: IGateway, extra: Partial<ConstructorParameters<typeof SecuredApi>[2]> = {}) {
  return new SecuredApi(chart, id, {
    gateway,
    host: `${id}.example.com`,
    path: `/${id}`,
    backend: new ExternalNameBackend(chart, `${id}-backend`, { externalName: `${id}.example.net` }),
    clientAuth: JWT(),
    ...extra,
  });
}

describe('issue 10 case 1: name collisions never make a protected route public', () => {
  it('refuses an UpstreamOAuth "admin-jwt" next to route "admin"’s JWT Middleware of another gateway in the namespace', () => {
    const messages = validationOf((app) => {
      const chart = new Chart(app, 'shop', { namespace: 'shop' });
      route(chart, 'admin', new TraefikHubGateway(chart, 'a'), { scopes: ['admin'] });
      const token = new UpstreamOAuth(chart, 'admin-jwt', {
        tokenUrl: 'https://idp.example.com/token',
        clientId: SecretRef.fromSecret('oauth', 'id'),
        clientSecret: SecretRef.fromSecret('oauth', 'secret'),
        audience: 'https://backend.example.net',
      });
      route(chart, 'reports', new TraefikHubGateway(chart, 'b'), { upstreamAuth: token });
    });
    expect(messages).toEqual([
      '[shop/reports] name: Middleware "admin-jwt" in namespace "shop" (the shared Middleware of shop/reports) is also generated for the Middleware of shop/admin; ' +
        'applied together, one would silently replace the other. Fix: give one of the two declarations another name (the `name` prop), or put them in different namespaces',
    ]);
  });

  it('refuses two gateways of one namespace that would both write IngressRoute "echo"', () => {
    const messages = validationOf((app) => {
      for (const id of ['blue', 'green']) {
        const chart = new Chart(app, id, { namespace: 'shared' });
        route(chart, 'echo', new TraefikGateway(chart, 'gateway', { name: `${id}-gw` }), { host: `${id}.example.com` });
      }
    });
    expect(messages.some((m) => m.includes('IngressRoute "echo" in namespace "shared"') && m.includes('green/echo') && m.includes('blue/echo'))).toBe(true);
  });

  it('refuses two Oathkeeper gateways of one namespace that would both write Rule "echo"', () => {
    const messages = validationOf((app) => {
      for (const id of ['blue', 'green']) {
        const chart = new Chart(app, id, { namespace: 'shared' });
        route(chart, 'echo', new OathkeeperGateway(chart, 'oathkeeper', { name: `${id}-ok`, ruleDelivery: OathkeeperRuleDelivery.MAESTER }), { host: `${id}.example.com` });
      }
    });
    expect(messages.some((m) => m.includes('Rule "echo" in namespace "shared"'))).toBe(true);
  });

  it('refuses two charts that would both write ExternalSecret "shared" in one namespace from different remote secrets', () => {
    const err = catchError(() => {
      const app = Testing.app();
      for (const id of ['jira', 'okta']) {
        const chart = new Chart(app, id, { namespace: 'saas' });
        const store = new AwsSecretsManagerStore(chart, 'aws', { region: 'eu-west-1' });
        route(chart, id, new TraefikHubGateway(chart, 'gateway', { name: `${id}-gw` }), {
          upstreamAuth: UpstreamCredential.header('X-Api-Key', store.secretRef({ remoteKey: `prod/${id}`, secretName: 'shared', key: 'api-key' })),
        });
      }
      app.synth();
    });
    expect(err.message).toBe(
      '[okta/okta] Secret "shared": key "api-key" is already synced from another secret-manager entry. Fix: use one source per Kubernetes Secret key, or give the Secret another name',
    );
  });

  it('refuses one host and path on two gateways that share a Traefik entry point: a public route would stand in for a protected one', () => {
    const messages = validationOf((app) => {
      const open = new Chart(app, 'open', { namespace: 'open' });
      route(open, 'status', new TraefikGateway(open, 'gateway'), { host: 'api.example.com', path: '/admin', clientAuth: ClientAuth.none() });
      const locked = new Chart(app, 'locked', { namespace: 'locked' });
      route(locked, 'admin', new TraefikHubGateway(locked, 'gateway'), { host: 'api.example.com', path: '/admin', scopes: ['admin'] });
    });
    expect(messages).toEqual([
      '[locked/admin] host/path: api.example.com/admin on entry point "websecure" is also served by open/status (gateway open/gateway); Traefik would send each request to one of the two, so either route\'s authentication may apply. ' +
        'Fix: give one of the routes another host or path, serve both from one gateway, or put the gateways on different entry points',
    ]);
  });

  it('accepts the same host and path on gateways with different entry points', () => {
    const app = Testing.app();
    const a = new Chart(app, 'internal', { namespace: 'internal' });
    route(a, 'status', new TraefikGateway(a, 'gateway', { entryPoints: ['internal'] }), { host: 'api.example.com', path: '/admin' });
    const b = new Chart(app, 'public', { namespace: 'public' });
    route(b, 'admin', new TraefikGateway(b, 'gateway', { entryPoints: ['websecure'] }), { host: 'api.example.com', path: '/admin' });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('issue 10 case 2: one backend never receives another backend’s credentials', () => {
  /** Two BasicAuth credentials from one Secret: jira-user/pass and conf-user/pass. */
  const atlassian = (gateway: (chart: Chart) => IGateway) => (app: App) => {
    const chart = new Chart(app, 'atlassian', { namespace: 'atlassian' });
    const store = new AwsSecretsManagerStore(chart, 'aws', { region: 'eu-west-1' });
    const ref = (property: string) => store.secretRef({ remoteKey: 'prod/atlassian', property, secretName: 'atlassian', key: property });
    const gw = gateway(chart);
    route(chart, 'jira', gw, { upstreamAuth: UpstreamCredential.basicAuth(ref('jira-user'), ref('jira-pass')) });
    route(chart, 'confluence', gw, { upstreamAuth: UpstreamCredential.basicAuth(ref('conf-user'), ref('conf-pass')) });
  };
  const templateData = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'ExternalSecret').flatMap((o) => Object.entries(o.spec.target?.template?.data ?? {}));

  it('on Traefik Hub: each route references its own derived Basic key, and each key is templated from its own pair', () => {
    const objects = objectsOf(atlassian((chart) => new TraefikHubGateway(chart, 'gateway')));
    const authOf = (id: string) => objects.find((o) => o.kind === 'Middleware' && o.metadata.name === `${id}-upstream-headers`)?.spec.headers.customRequestHeaders.Authorization;
    const jira = authOf('jira');
    const confluence = authOf('confluence');
    expect(jira).toMatch(/^urn:k8s:secret:atlassian:gw-basic-jira-user-jira-pass\.[0-9a-f]{12}$/);
    expect(confluence).toMatch(/^urn:k8s:secret:atlassian:gw-basic-conf-user-conf-pass\.[0-9a-f]{12}$/);
    expect(jira).not.toBe(confluence);
    const data = Object.fromEntries(templateData(objects));
    expect(data[jira.split(':').pop()]).toContain('"jira-user"');
    expect(data[jira.split(':').pop()]).toContain('"jira-pass"');
    expect(data[confluence.split(':').pop()]).toContain('"conf-user"');
    expect(data[confluence.split(':').pop()]).toContain('"conf-pass"');
  });

  it('on Oathkeeper: the two rules read two different environment variables, each from its own derived key', () => {
    const objects = objectsOf(atlassian((chart) => new OathkeeperGateway(chart, 'oathkeeper')));
    const rules = JSON.parse(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'oathkeeper-rules')!.data!['access-rules.json']);
    const envOf = (id: string) => /GW_SECRET_[A-Z0-9_]+/.exec(rules.find((r: { id: string }) => r.id.endsWith(id)).mutators[0].config.headers.Authorization)![0];
    expect(envOf('jira')).not.toBe(envOf('confluence'));
  });

  it('gives "SSWS " and "ssws " prefixes of one key two derived keys', () => {
    const objects = objectsOf((app) => {
      const chart = new Chart(app, 'okta', { namespace: 'okta' });
      const gw = new TraefikHubGateway(chart, 'gateway');
      const key = new AwsSecretsManagerStore(chart, 'aws', { region: 'eu-west-1' }).secretRef({ remoteKey: 'prod/okta', secretName: 'okta', key: 'token' });
      route(chart, 'upper', gw, { upstreamAuth: UpstreamCredential.header('Authorization', key, { prefix: 'SSWS ' }) });
      route(chart, 'lower', gw, { upstreamAuth: UpstreamCredential.header('Authorization', key, { prefix: 'ssws ' }) });
    });
    const authOf = (id: string) => objects.find((o) => o.kind === 'Middleware' && o.metadata.name === `${id}-upstream-headers`)?.spec.headers.customRequestHeaders.Authorization;
    expect(authOf('upper')).toMatch(/^urn:k8s:secret:okta:gw-ssws-token\.[0-9a-f]{12}$/);
    expect(authOf('lower')).toMatch(/^urn:k8s:secret:okta:gw-ssws-token\.[0-9a-f]{12}$/);
    expect(authOf('upper')).not.toBe(authOf('lower'));
    const templates = objects.find((o) => o.kind === 'ExternalSecret')!.spec.target.template.data;
    expect(templates[authOf('upper').split(':').pop()]).toBe('SSWS {{ (index . "token") }}');
    expect(templates[authOf('lower').split(':').pop()]).toBe('ssws {{ (index . "token") }}');
  });

  it('on Oathkeeper, gives X-Jira ref(a-b, c) and X-Okta ref(a, b-c) — and apiKey/APIKEY, a.b/a-b — different environment variables', () => {
    const objects = objectsOf((app) => {
      const chart = new Chart(app, 'env', { namespace: 'env' });
      route(chart, 'api', new OathkeeperGateway(chart, 'oathkeeper'), {
        upstreamAuth: UpstreamCredential.headers({
          'X-Jira': SecretRef.fromSecret('a-b', 'c'),
          'X-Okta': SecretRef.fromSecret('a', 'b-c'),
          'X-One': SecretRef.fromSecret('s', 'apiKey'),
          'X-Two': SecretRef.fromSecret('s', 'APIKEY'),
          'X-Three': SecretRef.fromSecret('s', 'a.b'),
          'X-Four': SecretRef.fromSecret('s', 'a-b'),
        }),
      });
    });
    const rules = JSON.parse(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'oathkeeper-rules')!.data!['access-rules.json']);
    const headers: Record<string, string> = rules[0].mutators[0].config.headers;
    const envs = ['X-Jira', 'X-Okta', 'X-One', 'X-Two', 'X-Three', 'X-Four'].map((h) => /GW_SECRET_[A-Z0-9_]+/.exec(headers[h])![0]);
    expect(new Set(envs).size).toBe(6);
  });
});

describe('issue 10 case 5: namespaces line up, or the plan says what is needed', () => {
  /** Chart in `apps`, gateway in `edge`, the store in `storeNamespace`. */
  const split = (storeNamespace?: string) => (app: App) => {
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    const store = new AwsSecretsManagerStore(chart, 'aws', { region: 'eu-west-1', ...(storeNamespace ? { namespace: storeNamespace } : {}) });
    route(chart, 'orders', new TraefikHubGateway(chart, 'gateway', { namespace: 'edge', allowCrossNamespace: true }), {
      upstreamAuth: UpstreamCredential.header('X-Key', store.secretRef({ remoteKey: 'prod/orders', secretName: 'orders', key: 'key' })),
    });
  };

  it('refuses a SecretStore in another namespace than the ExternalSecret that names it, saying where to put it', () => {
    expect(validationOf(split())).toEqual([
      '[apps/orders] Secret "orders": is synced into namespace "edge", where the gateway reads it, but SecretStore "aws" (apps/aws) lives in "apps"; ' +
        "ESO looks a SecretStore up in the ExternalSecret's namespace, so the Secret would never sync. " +
        'Fix: create the store in namespace "edge" (its `namespace` prop), or use a ClusterSecretStore (fromClusterSecretStore)',
    ]);
  });

  it('syncs the Secret next to the gateway from a store in the gateway’s namespace', () => {
    const objects = objectsOf(split('edge'));
    const es = objects.find((o) => o.kind === 'ExternalSecret')!;
    expect([es.metadata.namespace, es.spec.secretStoreRef]).toEqual(['edge', { kind: 'SecretStore', name: 'aws' }]);
    expect(objects.filter((o) => o.kind === 'SecretStore').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['edge/aws']);
  });

  it('refuses an IngressRoute to a Service in another namespace unless the gateway says Traefik allows cross-namespace references', () => {
    const err = catchError(() => {
      const app = Testing.app();
      const chart = new Chart(app, 'edge', { namespace: 'edge' });
      route(chart, 'orders', new TraefikGateway(chart, 'gateway'), { backend: ServiceBackend.fromServiceName('orders', { namespace: 'shop', port: 8443, scheme: 'https' }) });
    });
    expect(err.code).toBe(ErrorCode.CROSS_NAMESPACE);
    expect(err.message).toContain('allowCrossNamespace');
    expect(err.message.startsWith('[edge/orders] backend:')).toBe(true);
  });
});


describe('issue 10 case 6: errors in the user’s words, derived keys within Kubernetes limits', () => {
  const build = (props: Record<string, unknown>) => () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    route(chart, 'orders', new TraefikHubGateway(chart, 'gateway'), props as never);
  };

  it('names `methods[1]` and `path`, the props as written, never the model’s authorization.methods.1 or pathPrefix', () => {
    const methods = catchError(build({ methods: ['GET', 'FETCH'] }));
    expect(methods.message.startsWith('[shop/orders] methods[1]:')).toBe(true);
    expect(methods.message).not.toContain('authorization');
    const path = catchError(build({ path: 'orders' }));
    expect(path.message.startsWith('[shop/orders] path:')).toBe(true);
    expect(path.message).not.toContain('pathPrefix');
  });

  it('keeps a derived key within 253 characters when the keys it is computed from are long, and distinct per source', () => {
    const long = (c: string) => c.repeat(200);
    const objects = objectsOf((app) => {
      const chart = new Chart(app, 'long', { namespace: 'long' });
      const store = new AwsSecretsManagerStore(chart, 'aws', { region: 'eu-west-1' });
      const ref = (key: string) => store.secretRef({ remoteKey: 'prod/long', property: key, secretName: 'long', key });
      const gw = new TraefikHubGateway(chart, 'gateway');
      route(chart, 'a', gw, { upstreamAuth: UpstreamCredential.basicAuth(ref(long('a')), ref(long('b'))) });
      route(chart, 'b', gw, { upstreamAuth: UpstreamCredential.basicAuth(ref(long('b')), ref(long('a'))) });
    });
    const derived = Object.keys(objects.find((o) => o.kind === 'ExternalSecret')!.spec.target.template.data);
    expect(derived).toHaveLength(2);
    for (const key of derived) {
      expect(key.length).toBeLessThanOrEqual(253);
      expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
    }
    expect(new Set(derived).size).toBe(2);
  });
});

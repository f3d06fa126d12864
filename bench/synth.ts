/**
 * Synth throughput: 1,000 APIs through gatewright constructs vs. the same objects written as
 * plain cdk8s ApiObjects. DESIGN.md target: within 1.5x of plain cdk8s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import {
  ClientAuth,
  ExternalNameBackend,
  SecretRef,
  SecuredApi,
  TraefikHubGateway,
  UpstreamOAuth,
  VirtualEndpoint,
} from '../src';

const APIS = Number(process.env.BENCH_APIS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function plain(outdir: string): void {
  const app = new App({ outdir });
  const chart = new Chart(app, 'plain', { namespace: 'gw' });
  const mw = (name: string, spec: unknown) => new ApiObject(chart, name, { apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { name }, spec });
  mw('token', { plugin: { oAuthClientCredentials: { url: 'https://idp.example.com/token', clientID: 'urn:k8s:secret:c:id', clientSecret: 'urn:k8s:secret:c:s' } } });
  for (let i = 0; i < APIS; i++) {
    new ApiObject(chart, `svc-${i}`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `backend-${i}` },
      spec: { type: 'ExternalName', externalName: `b${i}.example.com`, ports: [{ name: 'https', port: 443, targetPort: 443, protocol: 'TCP' }] },
    });
    mw(`api-${i}-jwt`, { plugin: { jwt: { jwksUrl: 'https://idp.example.com/jwks', claims: 'Equals(`iss`, `i`) && Contains(`aud`, `a`)', forwardAuthorization: false } } });
    mw(`api-${i}-rewrite`, { replacePathRegex: { regex: `^/api-${i}(/.*)?$`, replacement: `/backend/${i}$1` } });
    new ApiObject(chart, `route-${i}`, {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name: `api-${i}` },
      spec: {
        entryPoints: ['websecure'],
        routes: [
          {
            kind: 'Rule',
            match: `Host(\`api.example.com\`) && (Path(\`/api-${i}\`) || PathPrefix(\`/api-${i}/\`))`,
            middlewares: [{ name: `api-${i}-jwt` }, { name: `api-${i}-rewrite` }, { name: 'token' }],
            services: [{ kind: 'Service', name: `backend-${i}`, port: 443, scheme: 'https', passHostHeader: false }],
          },
        ],
        tls: { certResolver: 'le', domains: [{ main: 'api.example.com' }] },
      },
    });
  }
  app.synth();
}

function withConstructs(outdir: string): void {
  const app = new App({ outdir });
  const chart = new Chart(app, 'gatewright', { namespace: 'gw' });
  const gateway = new TraefikHubGateway(chart, 'gateway', { tls: { certResolver: 'le' } });
  const token = new UpstreamOAuth(chart, 'token', {
    tokenUrl: 'https://idp.example.com/token',
    clientId: SecretRef.fromSecret('c', 'id'),
    clientSecret: SecretRef.fromSecret('c', 's'),
  });
  const clientAuth = ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'i', audience: 'a' });
  for (let i = 0; i < APIS; i++) {
    new SecuredApi(chart, `api-${i}`, {
      gateway,
      host: 'api.example.com',
      backend: new ExternalNameBackend(chart, `backend-${i}`, { externalName: `b${i}.example.com` }),
      endpoint: new VirtualEndpoint(chart, `ep-${i}`, { path: `/api-${i}`, target: `/backend/${i}` }),
      clientAuth,
      upstreamAuth: token,
    });
  }
  app.synth();
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(name: string, fn: (outdir: string) => void): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const outdir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
    const start = process.hrtime.bigint();
    fn(outdir);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    rmSync(outdir, { recursive: true, force: true });
    if (run > 0) times.push(ms); // the first run warms the JIT and module caches
  }
  const m = median(times);
  console.log(`${name.padEnd(34)} median ${m.toFixed(0).padStart(5)} ms over ${RUNS} runs (${times.map((t) => t.toFixed(0)).join(', ')})`);
  return m;
}

console.log(`synth benchmark: ${APIS} APIs x 5 objects, cdk8s App.synth() to a temp dir`);
const base = measure('plain cdk8s ApiObjects', plain);
const ours = measure('gatewright constructs', withConstructs);
const ratio = ours / base;
const verdict = ratio <= 1.5 ? 'PASS' : 'FAIL';
console.log(`ratio ${ratio.toFixed(2)}x (target <= 1.50x): ${verdict}`);
console.log(`heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);

/**
 * Synth cost: N APIs (BENCH_APIS, 4,000) through gatewright constructs vs. exactly the same
 * documents written as plain cdk8s `ApiObject`s — the baseline is built from the constructs'
 * own output, and the two YAML outputs are checked to be byte-identical before any number is
 * reported. Each synthesis runs in a fresh process, as `cdk8s synth` does, the two variants
 * interleaved over BENCH_RUNS (3) rounds; reported: wall time of building the tree and
 * `app.synth()`, and the process's peak RSS, as median (min–max). Targets (issue 10): ≤ 1.3×
 * the time and ≤ 1.5× the peak RSS of the baseline.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { formatSpread, spread } from './stats';

const APIS = Number(process.env.BENCH_APIS ?? 4000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CHART = 'gatewright';
const NAMESPACE = 'gw';

type Gatewright = typeof import('../src');

/** Loaded on demand (outside the timed part), so the plain variant's process never loads gatewright. */
function loadGatewright(): Gatewright {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../src') as Gatewright;
}

/** The app under test: N SecuredApis on Traefik Hub with JWT, a virtual endpoint and OAuth. */
function constructsApp(gw: Gatewright, outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, CHART, { namespace: NAMESPACE });
  const gateway = new gw.TraefikHubGateway(chart, 'gateway', { tls: { certResolver: 'le' } });
  const token = new gw.UpstreamOAuth(chart, 'token', {
    tokenUrl: 'https://idp.example.com/token',
    clientId: gw.SecretRef.fromSecret('c', 'id'),
    clientSecret: gw.SecretRef.fromSecret('c', 's'),
    audience: 'https://backend.example.com',
  });
  const clientAuth = gw.ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'i', audience: 'a' });
  for (let i = 0; i < APIS; i++) {
    new gw.SecuredApi(chart, `api-${i}`, {
      gateway,
      host: 'api.example.com',
      backend: new gw.ExternalNameBackend(chart, `backend-${i}`, { externalName: `b${i}.example.com` }),
      endpoint: new gw.VirtualEndpoint(chart, `ep-${i}`, { path: `/api-${i}`, target: `/backend/${i}` }),
      clientAuth,
      upstreamAuth: token,
    });
  }
  return app;
}

/** The baseline: every document the constructs produce, as a plain ApiObject in the same order. */
function plainApp(outdir: string, documents: readonly Record<string, unknown>[]): App {
  const app = new App({ outdir });
  const chart = new Chart(app, CHART, { namespace: NAMESPACE });
  documents.forEach((doc, i) => {
    const { apiVersion, kind, metadata, ...rest } = doc as { apiVersion: string; kind: string; metadata: Record<string, unknown> };
    new ApiObject(chart, `o${i}`, { apiVersion, kind, metadata, ...rest });
  });
  return app;
}

/** sha256 over the synthesized files, by name: what "byte-identical" is checked on. */
function outputDigest(outdir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(outdir).sort()) h.update(f).update(readFileSync(join(outdir, f)));
  return h.digest('hex');
}

/** One synthesis in this process; prints its numbers as JSON. */
function runOne(variant: 'constructs' | 'plain', docsFile: string, outdir: string): void {
  // What each variant needs before it starts: its documents, or the gatewright modules.
  const documents = variant === 'plain' ? (JSON.parse(readFileSync(docsFile, 'utf8')) as Record<string, unknown>[]) : [];
  const gw = variant === 'constructs' ? loadGatewright() : undefined;
  const start = process.hrtime.bigint();
  const app = gw ? constructsApp(gw, outdir) : plainApp(outdir, documents);
  app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const objects = app.charts.reduce((n, c) => n + c.apiObjects.length, 0);
  process.stdout.write(`${JSON.stringify({ ms, peakRssMb: process.resourceUsage().maxRSS / 1024, digest: outputDigest(outdir), objects })}\n`);
}

/** Synthesizes the constructs once and keeps their documents for the baseline. */
function capture(docsFile: string, outdir: string): void {
  const app = constructsApp(loadGatewright(), outdir);
  const documents = app.charts.flatMap((c) => c.toJson());
  writeFileSync(docsFile, JSON.stringify(documents));
}

interface RunResult {
  readonly ms: number;
  readonly peakRssMb: number;
  readonly digest: string;
  readonly objects: number;
}

function child(args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  if (r.status !== 0) throw new Error(`synth bench child ${args[0]} failed: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

function main(): void {
  const tmp = mkdtempSync(join(tmpdir(), 'gw-synth-'));
  try {
    const docsFile = join(tmp, 'documents.json');
    child(['--capture', docsFile, join(tmp, 'capture')]);
    const results: Record<'plain' | 'constructs', RunResult[]> = { plain: [], constructs: [] };
    for (let round = 0; round < RUNS; round++) {
      // Interleaved, and each round starting with the other variant.
      const order: ('plain' | 'constructs')[] = round % 2 === 0 ? ['plain', 'constructs'] : ['constructs', 'plain'];
      for (const variant of order) {
        const outdir = join(tmp, `${variant}-${round}`);
        mkdirSync(outdir);
        results[variant].push(JSON.parse(child(['--run', variant, docsFile, outdir]).trim()) as RunResult);
        rmSync(outdir, { recursive: true, force: true });
      }
    }
    const digests = new Set([...results.plain, ...results.constructs].map((r) => r.digest));
    if (digests.size !== 1) throw new Error('the baseline and the constructs synthesized different YAML; the comparison would be unfair');
    const objects = results.plain[0].objects;
    console.log(`synth benchmark: ${APIS} APIs, ${objects} documents (byte-identical YAML from both variants), one synthesis per fresh process, ${RUNS} interleaved rounds`);
    const time = { plain: spread(results.plain.map((r) => r.ms)), constructs: spread(results.constructs.map((r) => r.ms)) };
    const rss = { plain: spread(results.plain.map((r) => r.peakRssMb)), constructs: spread(results.constructs.map((r) => r.peakRssMb)) };
    const timeRatio = spread(results.constructs.map((r, i) => r.ms / results.plain[i].ms));
    const rssRatio = spread(results.constructs.map((r, i) => r.peakRssMb / results.plain[i].peakRssMb));
    console.log('| variant | synth time ms | peak RSS MiB |');
    console.log('|---|---|---|');
    console.log(`| plain cdk8s ApiObjects | ${formatSpread(time.plain, 0)} | ${formatSpread(rss.plain, 0)} |`);
    console.log(`| gatewright constructs | ${formatSpread(time.constructs, 0)} | ${formatSpread(rss.constructs, 0)} |`);
    console.log(`| ratio | ${formatSpread(timeRatio, 2, '×')} (target ≤ 1.30×: ${timeRatio.median <= 1.3 ? 'met' : 'not met'}) | ${formatSpread(rssRatio, 2, '×')} (target ≤ 1.50×: ${rssRatio.median <= 1.5 ? 'met' : 'not met'}) |`);
    const resultsDir = join(__dirname, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `synth-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ apis: APIS, objects, runs: RUNS, results }, null, 2)}\n`);
    console.log(`Raw results: ${file}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === '--capture') capture(rest[0], rest[1]);
else if (mode === '--run') runOne(rest[0] as 'constructs' | 'plain', rest[1], rest[2]);
else main();

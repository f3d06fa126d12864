/**
 * `npm run bench` (after the synth bench): the reference proxy side by side with a bare Node
 * `http` pass-through and nginx `proxy_pass`, on loopback, built to hold on a busy machine:
 *
 * - the process under test is pinned to core 0 with taskset; the load generator (wrk, or
 *   autocannon without it), the upstream, the identity provider and this process share core 1;
 * - targets are measured in interleaved rounds (each round visits every target, in a rotated
 *   order), so a burst of other work on the machine hits all of them alike;
 * - besides req/s, the CPU time the process under test spent per request is read from /proc:
 *   what a request costs, whatever else competes for the core;
 * - every number is reported as median (min–max) over the rounds, ratios per round, and the raw
 *   samples are written to bench/results/ as JSON.
 *
 * Scenarios: a small GET with JWT verification + OAuth token injection on warm caches; the same
 * with every token a cache miss; a streamed 1 MiB POST and a 1 MiB GET; added p99 latency at a
 * fixed 1,000 req/s. Env: BENCH_ROUNDS (3), BENCH_SECONDS (3), BENCH_PROFILE=<dir> (V8 CPU
 * profile of the warm proxy, or of the cold one with BENCH_PROFILE_TARGET=cold), BENCH_ONLY and
 * BENCH_TARGET (scenario and target name filters), BENCH_PROXY_ROOT (another checkout's proxy,
 * for A/B comparisons).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { request } from 'undici';
import { BIG_BYTES } from './bench-constants';
import { probeLatency } from './latency-probe';
import { LoadGenerator, type LoadSpec } from './load-generator';
import { NGINX, nginxWorker, startNginx } from './nginx';
import { coreCount, cpuMicros, pinned, pinProcess, rssMb, TASKSET } from './process-stats';
import { formatSpread, spread, type Spread } from './stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP_SECONDS = 1;
const CONNECTIONS = 50;
const BIG_CONNECTIONS = 10;
const LATENCY_RATE = 1000;
const COLD_TOKENS = 2000;
const ROOT = join(__dirname, '..');
/** Another checkout's proxy to measure instead (A/B comparisons): its root directory. */
const PROXY_ROOT = process.env.BENCH_PROXY_ROOT ?? ROOT;
/** Only the scenarios whose name contains this (e.g. "small GET"), for profiling. */
const ONLY = process.env.BENCH_ONLY;
/** Only the targets whose name contains this (e.g. "warm"), for profiling. */
const ONLY_TARGET = process.env.BENCH_TARGET;
const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));

/** Where the process under test runs, and where everything else does. */
const UNDER_TEST_CORE = 0;
const REST_CORE = 1;

interface Target {
  readonly name: string;
  readonly pid: number | undefined;
  readonly origin: string;
  readonly headers?: Record<string, string>;
  readonly rotateTokens?: readonly string[];
}

interface Scenario {
  readonly name: string;
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly body?: Buffer;
  readonly connections: number;
  /** Bytes moved per request, for MB/s. */
  readonly bytesPerRequest?: number;
  readonly targets: readonly Target[];
}

interface Sample {
  readonly round: number;
  readonly scenario: string;
  readonly target: string;
  readonly rps: number;
  readonly requests: number;
  readonly cpuMicrosPerRequest?: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly mbPerSecond?: number;
}

interface LatencySample {
  readonly round: number;
  readonly target: string;
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
  readonly failures: number;
}

const children: ChildProcess[] = [];
const cleanups: (() => void)[] = [];

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  const pinning = TASKSET !== undefined && coreCount() >= 2 && pinProcess(process.pid, REST_CORE);
  const underTest = pinning ? UNDER_TEST_CORE : undefined;
  const rest = pinning ? REST_CORE : undefined;

  // Identity provider and token endpoint live in this process: with warm caches they are idle.
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };
  const counts = { jwks: 0, token: 0 };
  const idp = await listen(
    createServer((req, res) => {
      if (req.url === '/jwks') {
        counts.jwks++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else if (req.url === '/token') {
        counts.token++;
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `bench-upstream-token-${counts.token}`, token_type: 'Bearer', expires_in: 3600 }));
      } else res.writeHead(404).end();
    }),
  );
  const sign = (sub: string) =>
    new SignJWT({ scope: 'bench:read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench-1' })
      .setIssuer('https://idp.bench.test/')
      .setAudience('api.bench.test')
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(privateKey);
  const jwt = await sign('bench-client');
  const coldTokens: string[] = [];
  for (let i = 0; i < COLD_TOKENS; i++) coldTokens.push(await sign(`bench-client-${i}`));

  const [upstreamPort, barePort, nginxPort, warmPort, warmAdmin, coldPort, coldAdmin] = await freePorts(7);
  await startChild('echo', rest, [join(__dirname, 'servers.ts'), 'echo', String(upstreamPort)]);
  const bare = await startChild('bare', underTest, [join(__dirname, 'servers.ts'), 'bare', String(barePort), String(upstreamPort)]);
  const proxyConfig = (port: number, adminPort: number, cacheEntries: number) => ({
    version: 1,
    listen: { host: '127.0.0.1', port, adminPort },
    forwardAuthEnabled: false,
    limits: { verifiedTokenCacheEntries: cacheEntries },
    originOverrides: { 'https://idp.bench.test': `http://127.0.0.1:${idp}`, 'https://backend.bench.test': `http://127.0.0.1:${upstreamPort}` },
    routes: [
      {
        name: 'bench',
        path: 'bench/api',
        host: 'api.bench.test',
        pathPrefix: '/',
        clientAuth: { kind: 'jwt', jwksUrl: 'https://idp.bench.test/jwks', issuer: 'https://idp.bench.test/', audience: ['api.bench.test'] },
        authorization: { scopes: ['bench:read'] },
        upstreamAuth: [
          {
            kind: 'oauth2ClientCredentials',
            name: 'bench-token',
            tokenUrl: 'https://idp.bench.test/token',
            clientId: { kind: 'unsafePlaintext', value: 'bench-client' },
            clientSecret: { kind: 'secret', ref: { secretName: 'bench', key: 'client-secret' } },
          },
        ],
        backend: { kind: 'externalName', serviceName: 'backend', externalName: 'backend.bench.test', port: 443, scheme: 'https' },
      },
    ],
  });
  // The proxy as the image runs it: compiled by tsc (proxy/tsconfig.json), plain node.
  const proxyMain = buildProxy(PROXY_ROOT, join(tmp, 'proxy-build'));
  const startProxy = (name: string, port: number, adminPort: number, cacheEntries: number, profile: boolean) => {
    const file = join(tmp, `${name}.json`);
    writeFileSync(file, JSON.stringify(proxyConfig(port, adminPort, cacheEntries)));
    return startChild(name, underTest, [proxyMain, '--config', file], {
      compiled: true,
      env: { ...process.env, GW_SECRET_BENCH_CLIENT_SECRET: 'bench-client-secret', NODE_ENV: 'production' },
      waitFor: `http://127.0.0.1:${adminPort}/readyz`,
      // The proxy logs one JSON line per request, as in production; the bench discards them.
      stdout: openSync('/dev/null', 'w'),
      nodeArgs: profile && process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
    });
  };
  const warm = await startProxy('proxy-warm', warmPort, warmAdmin, 10000, process.env.BENCH_PROFILE_TARGET !== 'cold');
  // No verified-token cache and a new token on every request: every request verifies RS256.
  const cold = await startProxy('proxy-cold', coldPort, coldAdmin, 0, process.env.BENCH_PROFILE_TARGET === 'cold');

  let nginxPid: number | undefined;
  if (NGINX) {
    const { master } = startNginx(NGINX, tmp, nginxPort, upstreamPort, underTest);
    children.push(master);
    await waitFor(`http://127.0.0.1:${nginxPort}/`, 'nginx');
    nginxPid = nginxWorker(master.pid!) ?? master.pid;
  } else {
    console.log('nginx not found: skipping the nginx comparison. Install it with: apt-get install -y nginx-light');
  }

  const proxyHeaders = { host: 'api.bench.test', authorization: `Bearer ${jwt}` };
  const bareT: Target = { name: 'bare Node pass-through', pid: bare.pid, origin: `http://127.0.0.1:${barePort}` };
  const nginxT: Target | undefined = nginxPid ? { name: 'nginx proxy_pass + header', pid: nginxPid, origin: `http://127.0.0.1:${nginxPort}` } : undefined;
  const warmT: Target = { name: 'proxy JWT + OAuth (warm)', pid: warm.pid, origin: `http://127.0.0.1:${warmPort}`, headers: proxyHeaders };
  const coldT: Target = { name: 'proxy JWT + OAuth (every token a miss)', pid: cold.pid, origin: `http://127.0.0.1:${coldPort}`, headers: { host: 'api.bench.test' }, rotateTokens: coldTokens };
  const directT: Target = { name: 'upstream direct', pid: undefined, origin: `http://127.0.0.1:${upstreamPort}` };

  // Sanity: the proxies really verify (401 without a token) and inject.
  for (const t of [warmT, coldT]) {
    const res = await request(`${t.origin}/orders`, { headers: { host: 'api.bench.test' } });
    await res.body.dump();
    if (res.statusCode !== 401) throw new Error(`${t.name} answered ${res.statusCode} without a token; expected 401`);
  }

  const scenarios: Scenario[] = [
    { name: 'small GET', path: '/orders', connections: CONNECTIONS, targets: [bareT, ...(nginxT ? [nginxT] : []), warmT, coldT] },
    { name: '1 MiB POST (streamed)', path: '/upload', method: 'POST', body: Buffer.alloc(BIG_BYTES, 'x'), connections: BIG_CONNECTIONS, bytesPerRequest: BIG_BYTES, targets: [bareT, warmT] },
    { name: '1 MiB GET', path: '/big', connections: BIG_CONNECTIONS, bytesPerRequest: BIG_BYTES, targets: [bareT, warmT] },
  ];
  const latencyTargets = ONLY && !'latency'.includes(ONLY) ? [] : [directT, bareT, warmT];
  if (ONLY) scenarios.splice(0, scenarios.length, ...scenarios.filter((s) => s.name.includes(ONLY)));
  const measured = (targets: readonly Target[]) => (ONLY_TARGET ? targets.filter((x) => x.name.includes(ONLY_TARGET)) : targets);
  const load = LoadGenerator.create(WRK, tmp, rest);

  console.log(
    `proxy bench: ${ROUNDS} interleaved rounds, ${SECONDS} s per target after a ${WARMUP_SECONDS} s warm-up; load by ${load.kind}; ${
      pinning ? `process under test pinned to core ${UNDER_TEST_CORE}, everything else to core ${REST_CORE}` : 'not pinned (taskset or a second core missing)'
    }`,
  );
  const samples: Sample[] = [];
  const latency: LatencySample[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of scenarios) {
      for (const target of rotate(measured(scenario.targets), round)) {
        const spec: LoadSpec = {
          url: `${target.origin}${scenario.path}`,
          connections: scenario.connections,
          seconds: WARMUP_SECONDS,
          headers: target.headers,
          method: scenario.method,
          body: scenario.body,
          rotateTokens: target.rotateTokens,
        };
        await load.run(spec);
        const before = target.pid ? cpuMicros(target.pid) : undefined;
        const r = await load.run({ ...spec, seconds: SECONDS });
        const after = target.pid ? cpuMicros(target.pid) : undefined;
        const sample: Sample = {
          round,
          scenario: scenario.name,
          target: target.name,
          rps: r.rps,
          requests: r.requests,
          errors: r.errors,
          non2xx: r.non2xx,
          ...(before !== undefined && after !== undefined ? { cpuMicrosPerRequest: (after - before) / Math.max(1, r.requests) } : {}),
          ...(scenario.bytesPerRequest ? { mbPerSecond: (r.rps * scenario.bytesPerRequest) / 1e6 } : {}),
        };
        samples.push(sample);
        console.log(
          `  round ${round}  ${scenario.name.padEnd(22)} ${target.name.padEnd(40)} ${Math.round(r.rps).toString().padStart(6)} req/s  ${sample.cpuMicrosPerRequest?.toFixed(1).padStart(6) ?? '     —'} µs CPU/req${
            r.errors || r.non2xx ? `  (errors ${r.errors}, non-2xx ${r.non2xx})` : ''
          }`,
        );
      }
    }
    for (const target of rotate(measured(latencyTargets), round)) {
      const url = `${target.origin}/orders`;
      await probeLatency(url, target.headers, LATENCY_RATE, WARMUP_SECONDS);
      const r = await probeLatency(url, target.headers, LATENCY_RATE, SECONDS);
      latency.push({ round, target: target.name, ...r });
      console.log(`  round ${round}  ${'latency @1,000 req/s'.padEnd(22)} ${target.name.padEnd(40)} p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  (${r.samples} samples${r.failures ? `, ${r.failures} failed` : ''})`);
    }
  }

  const rss = { bare: rssMb(bare.pid!), warm: rssMb(warm.pid!), cold: rssMb(cold.pid!), nginx: nginxPid ? rssMb(nginxPid) : undefined };
  const report = summarize(scenarios, samples, latency, { warmT, coldT, bareT, nginxT, directT });
  console.log(report.text);
  console.log(`\nRSS after the run: proxy ${rss.warm?.toFixed(0)} MiB (warm), ${rss.cold?.toFixed(0)} MiB (cold); bare ${rss.bare?.toFixed(0)} MiB; nginx worker ${rss.nginx?.toFixed(0) ?? '—'} MiB.`);
  console.log(`Token endpoint called ${counts.token} time(s) for 2 proxies (one token lifetime each); JWKS fetched ${counts.jwks} time(s).`);

  const resultsDir = join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `proxy-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ rounds: ROUNDS, seconds: SECONDS, loadGenerator: load.kind, pinned: pinning, node: process.version, samples, latency, rss, tokenRequests: counts.token, jwksFetches: counts.jwks, checks: report.checks }, null, 2)}\n`,
  );
  console.log(`Raw results: ${file}`);
}

interface Check {
  readonly target: string;
  readonly measured: Spread;
  readonly met: boolean;
  readonly detail: string;
}

function summarize(
  scenarios: readonly Scenario[],
  samples: readonly Sample[],
  latency: readonly LatencySample[],
  t: { warmT: Target; coldT: Target; bareT: Target; nginxT?: Target; directT: Target },
): { text: string; checks: Check[] } {
  const lines: string[] = ['', '| scenario | target | req/s | CPU µs/req | MB/s | errors |', '|---|---|---|---|---|---|'];
  for (const s of scenarios) {
    for (const target of s.targets) {
      const mine = samples.filter((x) => x.scenario === s.name && x.target === target.name);
      const cpu = spread(mine.map((x) => x.cpuMicrosPerRequest ?? NaN));
      const mb = spread(mine.map((x) => x.mbPerSecond ?? NaN));
      const errors = mine.reduce((a, x) => a + x.errors + x.non2xx, 0);
      lines.push(`| ${s.name} | ${target.name} | ${formatSpread(spread(mine.map((x) => x.rps)), 0)} | ${formatSpread(cpu, 1)} | ${s.bytesPerRequest ? formatSpread(mb, 0) : '—'} | ${errors} |`);
    }
  }
  lines.push('', '| latency at 1,000 req/s | p50 ms | p99 ms |', '|---|---|---|');
  for (const name of [t.directT.name, t.bareT.name, t.warmT.name]) {
    const mine = latency.filter((x) => x.target === name);
    lines.push(`| ${name} | ${formatSpread(spread(mine.map((x) => x.p50)), 2)} | ${formatSpread(spread(mine.map((x) => x.p99)), 2)} |`);
  }

  /** Per-round ratio of a measure of two targets in one scenario. */
  const ratio = (scenario: string, a: string, b: string, measure: (x: Sample) => number | undefined): Spread => {
    const rounds = [...new Set(samples.map((x) => x.round))];
    return spread(
      rounds.map((round) => {
        const va = samples.find((x) => x.round === round && x.scenario === scenario && x.target === a);
        const vb = samples.find((x) => x.round === round && x.scenario === scenario && x.target === b);
        const ma = va && measure(va);
        const mb = vb && measure(vb);
        return ma !== undefined && mb !== undefined && mb > 0 ? ma / mb : NaN;
      }),
    );
  };
  const checks: Check[] = [];
  const check = (target: string, measured: Spread, met: (v: number) => boolean, unit: string, decimals = 2) =>
    checks.push({ target, measured, met: met(measured.median), detail: formatSpread(measured, decimals, unit) });
  const rps = (x: Sample) => x.rps;
  const cpu = (x: Sample) => x.cpuMicrosPerRequest;
  const mbs = (x: Sample) => x.mbPerSecond;
  check('JWT + OAuth warm: req/s ≥ 1.2× bare Node pass-through', ratio('small GET', t.warmT.name, t.bareT.name, rps), (v) => v >= 1.2, '×');
  check('JWT + OAuth warm: CPU per request ≤ 0.85× bare Node pass-through', ratio('small GET', t.warmT.name, t.bareT.name, cpu), (v) => v <= 0.85, '×');
  if (t.nginxT) check('JWT + OAuth warm: req/s ≥ 0.45× nginx', ratio('small GET', t.warmT.name, t.nginxT.name, rps), (v) => v >= 0.45, '×');
  check('1 MiB streamed POST: MB/s ≥ 0.9× bare', ratio('1 MiB POST (streamed)', t.warmT.name, t.bareT.name, mbs), (v) => v >= 0.9, '×');
  check('1 MiB GET: MB/s ≥ 0.9× bare', ratio('1 MiB GET', t.warmT.name, t.bareT.name, mbs), (v) => v >= 0.9, '×');
  check('every token a cache miss: req/s ≥ 0.7× warm', ratio('small GET', t.coldT.name, t.warmT.name, rps), (v) => v >= 0.7, '×');
  const rounds = [...new Set(latency.map((x) => x.round))];
  const added = spread(
    rounds.map((round) => {
      const p = latency.find((x) => x.round === round && x.target === t.warmT.name);
      const b = latency.find((x) => x.round === round && x.target === t.bareT.name);
      return p && b ? p.p99 - b.p99 : NaN;
    }),
  );
  check('p99 added latency at 1,000 req/s ≤ 1 ms over the bare pass-through', added, (v) => v <= 1, ' ms');
  const proxyErrors = samples.filter((x) => x.target.startsWith('proxy')).reduce((a, x) => a + x.errors + x.non2xx, 0);
  lines.push('', '| target | measured: median (min–max) over rounds | met |', '|---|---|---|');
  for (const c of checks) lines.push(`| ${c.target} | ${c.detail} | ${c.met ? 'yes' : 'no'} |`);
  lines.push(`| no errors or non-2xx from the proxy | ${proxyErrors} | ${proxyErrors === 0 ? 'yes' : 'no'} |`);
  return { text: lines.join('\n'), checks };
}

/** The targets in the order of this round: each round starts one further along. */
function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Compiles a checkout's proxy with its own proxy/tsconfig.json; the path of main.js. */
function buildProxy(root: string, outDir: string): string {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'proxy', 'tsconfig.json'), '--outDir', outDir, '--sourceMap', 'false'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`compiling the proxy failed: ${r.stdout}${r.stderr}`);
  // Compiled outside the checkout, the output resolves its packages from the bench's node_modules.
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'));
  return join(outDir, 'proxy', 'main.js');
}

async function startChild(
  name: string,
  core: number | undefined,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; waitFor?: string; stdout?: number; nodeArgs?: string[]; compiled?: boolean } = {},
): Promise<ChildProcess> {
  const [cmd, ...rest] = pinned(core, [process.execPath, ...(options.nodeArgs ?? []), ...(options.compiled ? [] : ['--import', 'tsx']), ...args]);
  const child = spawn(cmd, rest, { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', options.stdout ?? 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  if (options.waitFor) await waitFor(options.waitFor, name, child);
  else {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', () => reject(new Error(`${name} exited`)));
    });
  }
  return child;
}

async function waitFor(url: string, name: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await request(url)
      .then(async (r) => {
        await r.body.dump();
        return r.statusCode;
      })
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline || (child && child.exitCode !== null)) throw new Error(`${name} did not become ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((r) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => r(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function stopAll(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  for (const f of cleanups) f();
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

main().then(
  () => {
    stopAll();
    process.exit(0);
  },
  (err) => {
    console.error(`bench failed: ${(err as Error).message}`);
    stopAll();
    process.exit(1);
  },
);

/**
 * `npm run bench`: one side-by-side run on loopback with autocannon —
 * upstream direct, a bare Node pass-through, nginx `proxy_pass` (when installed) and the
 * reference proxy verifying a JWT and injecting an OAuth token, on warm caches — then checks
 * the targets from issue 4. Two phases: throughput at saturation (autocannon, 50 connections),
 * and latency at a fixed moderate rate (same offered load for every target, up to 50
 * connections, microsecond timer), where "added latency" is meaningful. Also reports each
 * server's CPU time per request, which is steadier than req/s on a shared machine. About a
 * minute and a half.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Pool } from 'undici';

const CONNECTIONS = 50;
const SATURATION_SECONDS = 6;
const LATENCY_SECONDS = 5;
const LATENCY_RATE = 1000;
const WARMUP_SECONDS = 1;
const ROOT = join(__dirname, '..');

interface Target {
  readonly name: string;
  readonly url: string;
  readonly pid?: number;
  readonly headers?: Record<string, string>;
}

interface Measured {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  rssMb?: number;
  /** CPU time of the target process per request: robust on a shared machine, unlike req/s. */
  cpuMicrosPerRequest?: number;
  latP50?: number;
  latP99?: number;
}

const children: ChildProcess[] = [];
const cleanups: (() => void)[] = [];

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));

  // Identity provider and token endpoint live in this process: with warm caches they are idle.
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };
  let jwksCalls = 0;
  let tokenCalls = 0;
  const idp = await listen(
    createServer((req, res) => {
      if (req.url === '/jwks') {
        jwksCalls++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else if (req.url === '/token') {
        tokenCalls++;
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `bench-upstream-token-${tokenCalls}`, token_type: 'Bearer', expires_in: 3600 }));
      } else res.writeHead(404).end();
    }),
  );
  const jwt = await new SignJWT({ scope: 'bench:read' })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench-1' })
    .setIssuer('https://idp.bench.test/')
    .setAudience('api.bench.test')
    .setSubject('bench-client')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);

  const [upstreamPort, barePort, nginxPort, proxyPort, adminPort] = await freePorts(5);
  await startChild('echo', [join(__dirname, 'servers.ts'), 'echo', String(upstreamPort)]);
  const bare = await startChild('bare', [join(__dirname, 'servers.ts'), 'bare', String(barePort), String(upstreamPort)]);

  const config = {
    version: 1,
    listen: { host: '127.0.0.1', port: proxyPort, adminPort },
    originOverrides: {
      'https://idp.bench.test': `http://127.0.0.1:${idp}`,
      'https://backend.bench.test': `http://127.0.0.1:${upstreamPort}`,
    },
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
  };
  const configFile = join(tmp, 'proxy.json');
  writeFileSync(configFile, JSON.stringify(config));
  const proxy = await startChild('reference proxy', [join(ROOT, 'src/proxy/main.ts'), '--config', configFile], {
    env: { ...process.env, GW_SECRET_BENCH_CLIENT_SECRET: 'bench-client-secret' },
    waitFor: `http://127.0.0.1:${adminPort}/readyz`,
    // The proxy logs one JSON line per request, as in production; the bench discards them.
    stdout: openSync('/dev/null', 'w'),
    // BENCH_PROFILE=<dir> writes a V8 CPU profile of the proxy there when it exits.
    nodeArgs: process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
  });

  const targets: Target[] = [
    { name: 'upstream direct', url: `http://127.0.0.1:${upstreamPort}/orders` },
    { name: 'bare Node pass-through', url: `http://127.0.0.1:${barePort}/orders`, pid: bare.pid },
  ];
  const nginx = findOnPath('nginx');
  if (nginx) {
    const pid = await startNginx(nginx, tmp, nginxPort, upstreamPort);
    targets.push({ name: 'nginx proxy_pass + header', url: `http://127.0.0.1:${nginxPort}/orders`, pid });
  } else {
    console.log('nginx not found: skipping the nginx comparison. Install it with: apt-get install -y nginx');
  }
  targets.push({
    name: 'reference proxy (JWT + OAuth)',
    url: `http://127.0.0.1:${proxyPort}/orders`,
    pid: proxy.pid,
    headers: { host: 'api.bench.test', authorization: `Bearer ${jwt}` },
  });

  // Sanity: the reference proxy really verifies and injects.
  const check = await fetchStatus(`http://127.0.0.1:${proxyPort}/orders`, { host: 'api.bench.test' });
  if (check !== 401) throw new Error(`reference proxy answered ${check} without a token; expected 401`);

  console.log(`\nthroughput: ${CONNECTIONS} connections, ${SATURATION_SECONDS} s each, after a ${WARMUP_SECONDS} s warm-up`);
  const results: Measured[] = [];
  for (const t of targets) {
    await load(t, WARMUP_SECONDS);
    const cpuBefore = t.pid ? cpuMillis(t.pid) : undefined;
    const r = await load(t, SATURATION_SECONDS);
    const cpuAfter = t.pid ? cpuMillis(t.pid) : undefined;
    const m: Measured = { name: t.name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
    if (t.pid) m.rssMb = rssMb(t.pid);
    if (cpuBefore !== undefined && cpuAfter !== undefined) m.cpuMicrosPerRequest = ((cpuAfter - cpuBefore) * 1000) / Math.max(1, r.requests.total);
    results.push(m);
    console.log(`  ${t.name.padEnd(32)} ${Math.round(m.rps).toString().padStart(7)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms${m.non2xx || m.errors ? `  (non-2xx ${m.non2xx}, errors ${m.errors})` : ''}`);
  }

  console.log(`\nlatency: up to ${CONNECTIONS} connections, fixed ${LATENCY_RATE} req/s, ${LATENCY_SECONDS} s each, microsecond timer`);
  for (const t of targets) {
    await probeLatency(t, LATENCY_RATE, WARMUP_SECONDS);
    const r = await probeLatency(t, LATENCY_RATE, LATENCY_SECONDS);
    const m = results.find((x) => x.name === t.name)!;
    m.latP50 = r.p50;
    m.latP99 = r.p99;
    console.log(`  ${t.name.padEnd(32)} p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  (${r.samples} samples)`);
  }

  report(results, tokenCalls, jwksCalls);
}

function report(results: Measured[], tokenCalls: number, jwksCalls: number): void {
  const direct = results.find((r) => r.name === 'upstream direct')!;
  const bare = results.find((r) => r.name.startsWith('bare'))!;
  const nginx = results.find((r) => r.name.startsWith('nginx'));
  const ref = results.find((r) => r.name.startsWith('reference'))!;
  console.log('\n| target | req/s (saturated) | p50 / p99 ms (saturated) | p50 / p99 ms (fixed rate) | added p50 / p99 vs direct | CPU µs/req | RSS MB | req/s vs bare | req/s vs nginx |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const added = r === direct ? '—' : `${(r.latP50! - direct.latP50!).toFixed(2)} / ${(r.latP99! - direct.latP99!).toFixed(2)} ms`;
    console.log(
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} / ${r.p99} | ${r.latP50!.toFixed(2)} / ${r.latP99!.toFixed(2)} | ${added} | ${r.cpuMicrosPerRequest?.toFixed(0) ?? '—'} | ${r.rssMb?.toFixed(0) ?? '—'} | ${(r.rps / bare.rps).toFixed(2)}× | ${nginx ? `${(r.rps / nginx.rps).toFixed(2)}×` : '—'} |`,
    );
  }
  const ratio = ref.rps / bare.rps;
  const addedP99 = ref.latP99! - direct.latP99!;
  const checks: [string, boolean, string][] = [
    ['throughput ≥ 70% of bare Node pass-through', ratio >= 0.7, `${(ratio * 100).toFixed(0)}%`],
    [`p99 added latency < 2 ms (up to ${CONNECTIONS} connections, fixed ${LATENCY_RATE} req/s)`, addedP99 < 2, `${addedP99.toFixed(2)} ms`],
    ['token endpoint called once per token lifetime', tokenCalls === 1, `${tokenCalls} call(s) for 1 lifetime`],
    ['no errors or non-2xx from the reference proxy', ref.errors === 0 && ref.non2xx === 0, `${ref.errors} errors, ${ref.non2xx} non-2xx`],
  ];
  console.log(`\nJWKS fetched ${jwksCalls} time(s).`);
  for (const [name, ok, detail] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
}

function load(t: Target, duration: number): Promise<autocannon.Result> {
  return autocannon({ url: t.url, connections: CONNECTIONS, duration, headers: t.headers });
}

/**
 * Open-loop latency probe: `rate` requests per second over a pool of up to CONNECTIONS
 * keep-alive connections, each timed with a microsecond clock from send to last body byte.
 * autocannon's histogram has 1 ms resolution, too coarse for a 2 ms target.
 */
async function probeLatency(t: Target, rate: number, seconds: number): Promise<{ p50: number; p99: number; samples: number }> {
  const url = new URL(t.url);
  const pool = new Pool(url.origin, { connections: CONNECTIONS, keepAliveTimeout: 10_000 });
  const samples: number[] = [];
  const pending: Promise<void>[] = [];
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  const one = async () => {
    const start = process.hrtime.bigint();
    const res = await pool.request({ path: url.pathname, method: 'GET', headers: t.headers });
    await res.body.dump();
    if (res.statusCode === 200) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  };
  const started = Date.now();
  for (let i = 0; i < ticks; i++) {
    for (let j = 0; j < perTick; j++) pending.push(one().catch(() => undefined));
    // Schedule against the wall clock so a slow tick does not lower the offered rate.
    await sleep(Math.max(0, started + (i + 1) * tickMs - Date.now()));
  }
  await Promise.all(pending);
  await pool.close();
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), samples: samples.length };
}

function cpuMillis(pid: number): number | undefined {
  try {
    // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 Hz on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function startChild(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; waitFor?: string; stdout?: number; nodeArgs?: string[] } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', options.stdout ?? 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  if (options.waitFor) {
    const deadline = Date.now() + 20_000;
    while ((await fetchStatus(options.waitFor).catch(() => 0)) !== 200) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${name} did not become ready`);
      await sleep(100);
    }
  } else {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', () => reject(new Error(`${name} exited`)));
    });
  }
  return child;
}

async function startNginx(bin: string, dir: string, port: number, upstreamPort: number): Promise<number> {
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream echo { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://echo;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
      proxy_set_header X-Backend-Key "bench-injected-key";
    }
  }
}
`,
  );
  const child = spawn(bin, ['-c', conf, '-p', dir], { stdio: 'ignore' });
  children.push(child);
  const deadline = Date.now() + 10_000;
  while ((await fetchStatus(`http://127.0.0.1:${port}/`).catch(() => 0)) !== 200) {
    if (Date.now() > deadline) throw new Error('nginx did not start');
    await sleep(100);
  }
  // The master forks one worker: measure the worker's RSS, which serves the traffic.
  const worker = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  return Number(worker) || child.pid!;
}

function findOnPath(bin: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const d of dirs) {
    try {
      const p = join(d, bin);
      readFileSync(p, { flag: 'r' }).length;
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function rssMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function fetchStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const { request } = await import('undici');
  const res = await request(url, { headers });
  await res.body.dump();
  return res.statusCode;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<Server>((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => r(s)); })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
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

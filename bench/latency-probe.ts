/**
 * Open-loop latency at a fixed rate: `rate` requests per second over a pool of keep-alive
 * connections, each timed with a microsecond clock from send to last body byte. The same
 * offered load for every target, so "added latency" means something; a saturating load
 * generator's histogram mostly measures its own queue.
 */
import { Pool } from 'undici';

export interface LatencyResult {
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
  readonly failures: number;
}

export async function probeLatency(url: string, headers: Record<string, string> | undefined, rate: number, seconds: number, connections = 50): Promise<LatencyResult> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections, keepAliveTimeout: 10_000 });
  const samples: number[] = [];
  let failures = 0;
  const pending: Promise<void>[] = [];
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  const one = async () => {
    const start = process.hrtime.bigint();
    try {
      const res = await pool.request({ path: target.pathname, method: 'GET', headers });
      await res.body.dump();
      if (res.statusCode === 200) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      else failures++;
    } catch {
      failures++;
    }
  };
  const started = Date.now();
  for (let i = 0; i < ticks; i++) {
    for (let j = 0; j < perTick; j++) pending.push(one());
    // Scheduled against the wall clock, so a slow tick does not lower the offered rate.
    await new Promise((r) => setTimeout(r, Math.max(0, started + (i + 1) * tickMs - Date.now())));
  }
  await Promise.all(pending);
  await pool.close();
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), samples: samples.length, failures };
}

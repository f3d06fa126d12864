/**
 * Saturating load: wrk (Debian's `wrk`, C, one thread) when installed, so the load generator
 * costs the shared core little; autocannon otherwise. Both report completed requests, req/s
 * and errors for a fixed duration.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { pinned } from './process-stats';

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly method?: 'GET' | 'POST';
  /** Request body, sent with every request. */
  readonly body?: Buffer;
  /** Bearer tokens used in turn, one per request (for the every-token-a-miss case). */
  readonly rotateTokens?: readonly string[];
}

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly errors: number;
  readonly non2xx: number;
}

export class LoadGenerator {
  private scripts = new Map<string, string>();

  private constructor(
    readonly kind: 'wrk' | 'autocannon',
    private readonly wrk: string | undefined,
    private readonly dir: string,
    private readonly core: number | undefined,
  ) {}

  static create(wrk: string | undefined, dir: string, core: number | undefined): LoadGenerator {
    return new LoadGenerator(wrk ? 'wrk' : 'autocannon', wrk, dir, core);
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    return this.wrk ? this.runWrk(spec) : this.runAutocannon(spec);
  }

  private async runWrk(spec: LoadSpec): Promise<LoadResult> {
    const args = ['-t1', `-c${spec.connections}`, `-d${spec.seconds}s`];
    // wrk adds its own Host unless it finds "Host" spelled so: a lower-case one would make two.
    for (const [k, v] of Object.entries(spec.headers ?? {})) args.push('-H', `${canonical(k)}: ${v}`);
    const script = this.scriptFor(spec);
    if (script) args.push('-s', script);
    args.push(spec.url);
    const [cmd, ...rest] = pinned(this.core, [this.wrk!, ...args]);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text.slice(-300)}`))));
    });
    // "123456 requests in 3.00s, 45.6MB read"
    const m = /(\d+) requests in ([\d.]+)(ms|s|m),/.exec(out);
    if (!m) throw new Error(`cannot read wrk's output: ${out.slice(0, 300)}`);
    const requests = Number(m[1]);
    const seconds = Number(m[2]) * (m[3] === 'ms' ? 0.001 : m[3] === 'm' ? 60 : 1);
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const errors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    return { requests, seconds, rps: requests / seconds, errors, non2xx };
  }

  /** A Lua script for what wrk's flags cannot say: a body, or a token per request. */
  private scriptFor(spec: LoadSpec): string | undefined {
    if (!spec.body && !spec.rotateTokens) return undefined;
    const key = `${spec.method ?? 'GET'}:${spec.body?.length ?? 0}:${spec.rotateTokens?.length ?? 0}:${JSON.stringify(spec.headers ?? {})}`;
    let file = this.scripts.get(key);
    if (file) return file;
    const lines: string[] = [];
    if (spec.method) lines.push(`wrk.method = "${spec.method}"`);
    if (spec.body) lines.push(`wrk.body = string.rep("x", ${spec.body.length})`, 'wrk.headers["Content-Type"] = "application/octet-stream"');
    if (spec.rotateTokens) {
      lines.push('local tokens = {', ...spec.rotateTokens.map((t) => `  "${t}",`), '}', 'local i = 0', 'local base = {}');
      lines.push('init = function(args) for k, v in pairs(wrk.headers) do base[k] = v end end');
      lines.push('request = function()', '  i = i % #tokens + 1', '  base["Authorization"] = "Bearer " .. tokens[i]', '  return wrk.format(nil, nil, base)', 'end');
    }
    file = join(this.dir, `wrk-${this.scripts.size}.lua`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    this.scripts.set(key, file);
    return file;
  }

  private async runAutocannon(spec: LoadSpec): Promise<LoadResult> {
    let i = 0;
    const tokens = spec.rotateTokens;
    const r = await autocannon({
      url: spec.url,
      connections: spec.connections,
      duration: spec.seconds,
      headers: { ...(spec.headers ?? {}) },
      method: spec.method,
      body: spec.body,
      ...(tokens
        ? {
            requests: [
              {
                setupRequest: (req: { headers: Record<string, string> }) => {
                  i = (i + 1) % tokens.length;
                  return { ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[i]}` } };
                },
              },
            ],
          }
        : {}),
    });
    return { requests: r.requests.total, seconds: spec.seconds, rps: r.requests.total / spec.seconds, errors: r.errors + r.timeouts, non2xx: r.non2xx };
  }
}

/** `x-backend-key` → `X-Backend-Key`. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

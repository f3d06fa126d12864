import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './free-port';

/** Debian's redis-server; tests that need it skip, saying why, when it is absent. */
export const REDIS_SERVER = '/usr/bin/redis-server';
export const redisMissing = !existsSync(REDIS_SERVER);
export const REDIS_MISSING_REASON = `${REDIS_SERVER} is not installed (apt-get install -y redis-server): Redis token store tests skipped`;

/** A throw-away redis-server on 127.0.0.1: no persistence, its own ephemeral port. */
export class TestRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(port?: number): Promise<TestRedis> {
    const chosen = port ?? (await freePort());
    const child = spawn(REDIS_SERVER, ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)));
    });
    child.stdout!.resume();
    child.stderr!.resume();
    return new TestRedis(child, chosen);
  }

  /** Kills the server at once, as a crashed or partitioned Redis would vanish. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGKILL');
    await exited;
  }
}

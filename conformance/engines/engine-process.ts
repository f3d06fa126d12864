import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { EngineLauncher } from './engine-discovery';

/** What to start. */
export interface EngineCommand {
  readonly args: readonly string[];
  /** The whole environment: nothing of the harness's own environment leaks in. */
  readonly env: Readonly<Record<string, string>>;
  /** Directories the engine reads (bind-mounted read-only for Docker). */
  readonly mounts: readonly string[];
}

/** Most log lines kept per engine (the tail is what explains a failure). */
const MAX_LOG_LINES = 4000;

/** Engine processes still running; killed if the harness itself exits (a timeout, a crash). */
const LIVE = new Set<EngineProcess>();
process.once('exit', () => {
  for (const p of LIVE) p.killNow();
});

/** A running engine process (or container). */
export class EngineProcess {
  readonly logs: string[] = [];
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitWaiters: (() => void)[] = [];

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly containerName: string | undefined,
  ) {
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.logs.push(line);
        if (this.logs.length > MAX_LOG_LINES) this.logs.splice(0, this.logs.length - MAX_LOG_LINES);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    LIVE.add(this);
    child.once('exit', (code, signal) => {
      LIVE.delete(this);
      this.exited = { code, signal };
      this.exitWaiters.splice(0).forEach((w) => w());
    });
  }

  /**
   * Starts `command` with `launcher`: the binary itself, or its official image with
   * `docker run --rm --network host` (so 127.0.0.1 is the host's loopback, as for a binary),
   * the environment passed with `-e` and every mount read-only at the same path.
   */
  static start(name: string, launcher: EngineLauncher, command: EngineCommand): EngineProcess {
    if (launcher.kind === 'binary') {
      const child = spawn(launcher.path, [...command.args], { env: { ...command.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      return new EngineProcess(name, child, undefined);
    }
    const containerName = `gw-conformance-${name}-${randomBytes(4).toString('hex')}`;
    const args = [
      'run', '--rm', '--network', 'host', '--name', containerName,
      ...Object.entries(command.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      ...command.mounts.flatMap((dir) => ['-v', `${dir}:${dir}:ro`]),
      launcher.image,
      ...command.args,
    ];
    const child = spawn('docker', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new EngineProcess(name, child, containerName);
  }

  /** Whether the process has exited, and how. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exited;
  }

  /**
   * Polls `probe` (every 200 ms) until it resolves true; fails with the log tail when the
   * process exits first or `timeoutMs` passes. The bound is generous: it only catches a hang.
   */
  async waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exited) throw new Error(`${this.name} exited (${this.exited.code ?? this.exited.signal}) before ${what}:\n${this.tail()}`);
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${this.name}: ${what} not reached within ${timeoutMs / 1000} s:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The last log lines, for error messages and the report. */
  tail(lines = 25): string {
    return this.logs.slice(-lines).join('\n');
  }

  /** SIGKILL at once, without waiting: for the harness's own exit. */
  killNow(): void {
    if (this.exited) return;
    if (this.containerName) spawn('docker', ['rm', '-f', this.containerName], { stdio: 'ignore', detached: true }).unref();
    this.child.kill('SIGKILL');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; this process only (by its pid or container name). */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    if (this.containerName) spawn('docker', ['rm', '-f', this.containerName], { stdio: 'ignore' });
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

/**
 * What the bench reads about a process under test: CPU time from /proc (so a busy machine
 * changes the req/s it can reach, but hardly the CPU each request costs), resident memory, and
 * pinning to a core with taskset.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ); 100 on every Linux the bench runs on. */
const USER_HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a process (and its reaped children), in microseconds; `undefined` off Linux. */
export function cpuMicros(pid: number): number | undefined {
  try {
    // Fields 14 and 15 (utime, stime), after the parenthesised command name.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** Peak resident set (VmHWM) in MiB. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Current resident set (VmRSS) in MiB. */
export function rssMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));

/** Cores this machine has; pinning needs two (one for the process under test, one for the rest). */
export function coreCount(): number {
  return Number(spawnSync('nproc', [], { encoding: 'utf8' }).stdout.trim()) || 1;
}

/** `[taskset, -c, core, ...command]` when pinning is possible, else the command as is. */
export function pinned(core: number | undefined, command: readonly string[]): string[] {
  return TASKSET && core !== undefined ? [TASKSET, '-c', String(core), ...command] : [...command];
}

/** Pins an already running process (the bench itself) to a core; false when not possible. */
export function pinProcess(pid: number, core: number): boolean {
  if (!TASKSET) return false;
  return spawnSync(TASKSET, ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' }).status === 0;
}

import { writeSync } from 'node:fs';

/** Bytes gathered before they are written; lines are never split across writes. */
const BATCH_BYTES = 64 * 1024;

/** Sleeps without spinning, for a non-blocking descriptor that is full. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The proxy's one writer of log lines to a file descriptor (stdout): every line, pino's and the
 * access log's, is copied once into a 64 KiB batch, and a full batch goes out with one
 * `write(2)`; the proxy flushes what is left at least every second and on shutdown. A line
 * costs a copy, not a write call: sonic-boom's asynchronous mode, pino's default, spent several
 * microseconds per line (about 5% of the proxy's CPU at saturation). Writes are synchronous on
 * purpose: whole lines, in order, by one writer; and should the reader of stdout stall, the
 * proxy slows down instead of dropping audit lines or buffering without bound.
 */
export class LogSink {
  private readonly batch = Buffer.allocUnsafe(BATCH_BYTES);
  private used = 0;

  constructor(private readonly fd: number) {}

  write(line: string): boolean {
    // At most 3 bytes per UTF-16 unit: room is checked without measuring the line first.
    if (this.used + line.length * 3 > BATCH_BYTES) {
      this.flushSync();
      if (line.length * 3 > BATCH_BYTES) {
        this.writeAll(Buffer.from(line));
        return true;
      }
    }
    this.used += this.batch.write(line, this.used);
    return true;
  }

  /** pino's `logger.flush(cb)` lands here. */
  flush(callback?: (err?: Error) => void): void {
    this.flushSync();
    callback?.();
  }

  flushSync(): void {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    this.writeAll(this.batch.subarray(0, n));
  }

  private writeAll(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      try {
        offset += writeSync(this.fd, chunk, offset, chunk.length - offset);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // A non-blocking pipe that is full: wait a moment. Anything else (EPIPE: nobody reads
        // stdout any more) drops the batch; logging must not take the proxy down.
        if (code !== 'EAGAIN') return;
        Atomics.wait(pause, 0, 0, 1);
      }
    }
  }
}

import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProxyLog, type AccessRecord } from '../../src/proxy/ops/access-log';
import { LogSink } from '../../src/proxy/ops/log-sink';

/** The log writer batches lines without ever splitting, reordering or losing one. */

const dir = mkdtempSync(join(tmpdir(), 'gw-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sinkToFile(name: string): { sink: LogSink; read: () => string; close: () => void } {
  const file = join(dir, name);
  const fd = openSync(file, 'w');
  return { sink: new LogSink(fd), read: () => readFileSync(file, 'utf8'), close: () => closeSync(fd) };
}

describe('LogSink', () => {
  it('writes every line whole and in order, across batches and for lines larger than a batch', () => {
    const { sink, read, close } = sinkToFile('order.log');
    const lines = Array.from({ length: 5000 }, (_, i) => `{"n":${i},"text":"${'ü'.repeat(i % 50)}"}\n`);
    lines.splice(2500, 0, `{"big":"${'x'.repeat(200_000)}"}\n`);
    for (const l of lines) sink.write(l);
    sink.flushSync();
    close();
    expect(read()).toBe(lines.join(''));
  });

  it('holds lines until a batch fills or a flush, and calls back once they are out', async () => {
    const { sink, read, close } = sinkToFile('flush.log');
    sink.write('{"a":1}\n');
    expect(read()).toBe('');
    await new Promise<void>((resolve) => sink.flush(() => resolve()));
    expect(read()).toBe('{"a":1}\n');
    close();
  });
});

describe('access log line', () => {
  it('has the shape of a pino line: level, time, service, the record, msg', () => {
    const lines: string[] = [];
    const { logger, access } = createProxyLog({ write: (l: string) => void lines.push(l) });
    const record: AccessRecord = { mode: 'inline', method: 'GET', path: '/orders/"quoted"/ü', route: 'orders', subject: 'user-1', outcome: 'allowed', status: 200, upstream: 'https://backend.example.test', durationMs: 1.25 };
    access.write(record);
    logger.info(record, 'request');
    const [fast, viaPino] = lines.map((l) => JSON.parse(l));
    expect(Object.keys(fast)).toEqual(Object.keys(viaPino));
    expect({ ...fast, time: 't' }).toEqual({ ...viaPino, time: 't' });
    expect(new Date(fast.time).toISOString()).toBe(fast.time);
    expect(lines[0].endsWith('}\n')).toBe(true);
  });
});

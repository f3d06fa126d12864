import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CaseRequest } from '../cases/conformance-case';
import { encodeForWire } from '../cases/path-encoding';
import type { Observation } from '../cases/verdict';
import type { LoopbackWorld } from '../world/loopback-world';

/** Where an engine takes public traffic on 127.0.0.1. */
export interface EntryPoint {
  readonly port: number;
  /** TLS entry point: the CA its certificate chains to (SNI is the case's host). */
  readonly tlsCa?: string;
}

/** Bound on one case: above every generated backend delay, far below a hang. */
const CASE_TIMEOUT_MS = 15_000;

/**
 * Sends one case exactly as written — the request target is never normalized (no URL
 * parsing; only characters that cannot be sent raw are percent-encoded), the `Host` header is
 * the case's — on a fresh connection, and collects what the
 * backends received meanwhile.
 */
export async function sendCase(entry: EntryPoint, req: CaseRequest, world: LoopbackWorld): Promise<Observation> {
  const mark = world.mark();
  const started = performance.now();
  const headers: string[] = ['Host', req.host];
  for (const [k, v] of req.headers) headers.push(k, v);
  if (req.body !== undefined) headers.push('Content-Length', String(Buffer.byteLength(req.body)));
  const options = {
    host: '127.0.0.1',
    port: entry.port,
    method: req.method,
    path: encodeForWire(req.target),
    headers,
    setHost: false,
    agent: false as const,
    ...(entry.tlsCa ? { ca: entry.tlsCa, servername: req.host.replace(/:\d+$/, '').toLowerCase() } : {}),
  };
  const result = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: string; error?: string }>((resolve) => {
    const send = entry.tlsCa ? httpsRequest : httpRequest;
    const out = send(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), error: err.message }));
    });
    out.setTimeout(CASE_TIMEOUT_MS, () => out.destroy(new Error(`no answer within ${CASE_TIMEOUT_MS / 1000} s`)));
    out.on('error', (err) => resolve({ status: 0, headers: {}, body: '', error: err.message }));
    out.end(req.body);
  });
  return {
    status: result.status,
    headers: result.headers,
    body: result.body,
    seconds: (performance.now() - started) / 1000,
    backendRequests: world.backendRequestsSince(mark),
    ...(result.error ? { error: result.error } : {}),
  };
}

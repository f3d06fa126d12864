import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the echo upstream saw. */
export interface Echo {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly rawHeaders: string[];
  readonly body: string;
}

/**
 * An upstream that answers with the request it received as JSON. `/slow?ms=N` waits first;
 * requests bearing a token in `rejectTokens` get 401 (an upstream that revoked a token).
 */
export class EchoUpstream {
  readonly requests: Echo[] = [];
  readonly rejectTokens = new Set<string>();
  /** Exchanges whose connection closed before the response was complete (the proxy gave up on them). */
  closedEarly = 0;
  url = '';
  port = 0;
  private server: Server | undefined;

  static async start(): Promise<EchoUpstream> {
    const e = new EchoUpstream();
    e.server = createServer((req, res) => {
      res.once('close', () => {
        if (!res.writableFinished) e.closedEarly++;
      });
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const echo: Echo = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
        e.requests.push(echo);
        const auth = req.headers.authorization ?? '';
        if (auth.startsWith('Bearer ') && e.rejectTokens.has(auth.slice(7))) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"token revoked"}');
          return;
        }
        if (/\/reset\b/.test(req.url ?? '')) {
          // Starts a response, then dies: an upstream crash in the middle of a body.
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('partial;');
          setTimeout(() => res.socket?.destroy(), 50);
          return;
        }
        if ((req.url ?? '').startsWith('/stream')) {
          // Two chunks 300 ms apart: a buffering proxy would deliver both at once.
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('first;');
          setTimeout(() => res.end('second'), 300);
          return;
        }
        const ms = /^\/slow\b.*[?&]ms=(\d+)/.exec(req.url ?? '')?.[1];
        const reply = () => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'echo', connection: 'keep-alive, x-upstream-private', 'x-upstream-private': 'hop' });
          res.end(JSON.stringify(echo));
        };
        if (ms) setTimeout(reply, Number(ms));
        else reply();
      });
    });
    await new Promise<void>((r) => e.server!.listen(0, '127.0.0.1', r));
    e.port = (e.server.address() as AddressInfo).port;
    e.url = `http://127.0.0.1:${e.port}`;
    return e;
  }

  last(): Echo {
    return this.requests[this.requests.length - 1];
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}

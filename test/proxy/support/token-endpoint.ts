import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequestSeen {
  readonly authorization?: string;
  readonly body: string;
  readonly at: number;
}

/**
 * An OAuth2 token endpoint with counters. `plan` decides each answer in turn (then the last
 * one repeats); tokens are `upstream-token-<n>`.
 */
export class TestTokenEndpoint {
  readonly seen: TokenRequestSeen[] = [];
  /** Status codes to answer with, in order; 200 issues a token. */
  plan: number[] = [200];
  expiresIn: number | undefined = 3600;
  delayMs = 0;
  /** Answers wait for this (a test releases them once its requests are all in flight). */
  hold: Promise<void> | undefined;
  /** The `token_type` of issued tokens. */
  tokenType: string | undefined = 'Bearer';
  issued = 0;
  private readonly waiters: (() => void)[] = [];
  url = '';
  private server: Server | undefined;

  static async start(): Promise<TestTokenEndpoint> {
    const t = new TestTokenEndpoint();
    t.server = createServer((req, res) => {
      void readBody(req).then(async (body) => {
        const index = t.seen.length;
        t.seen.push({ authorization: req.headers.authorization, body, at: Date.now() });
        for (const w of t.waiters.splice(0)) w();
        if (t.delayMs) await new Promise((r) => setTimeout(r, t.delayMs));
        if (t.hold) await t.hold;
        const status = t.plan[Math.min(index, t.plan.length - 1)];
        if (status !== 200) {
          res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":"server_error","error_description":"token-endpoint-internal-detail"}');
          return;
        }
        t.issued++;
        const payload: Record<string, unknown> = { access_token: `upstream-token-${t.issued}` };
        if (t.tokenType !== undefined) payload.token_type = t.tokenType;
        if (t.expiresIn !== undefined) payload.expires_in = t.expiresIn;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      });
    });
    await new Promise<void>((r) => t.server!.listen(0, '127.0.0.1', r));
    t.url = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
    return t;
  }

  /** Resolves once `count` token requests have arrived in all. */
  async requestsSeen(count: number): Promise<void> {
    while (this.seen.length < count) await new Promise<void>((r) => this.waiters.push(r));
  }

  reset(): void {
    this.seen.length = 0;
    this.plan = [200];
    this.expiresIn = 3600;
    this.delayMs = 0;
    this.hold = undefined;
    this.tokenType = 'Bearer';
    this.issued = 0;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

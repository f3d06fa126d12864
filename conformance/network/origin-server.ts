import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { IssuedCertificate } from './local-ca';

/** One request an origin received, as it arrived on the wire. */
export interface ObservedRequest {
  /** The origin server's id, e.g. `https://example.okta.com`. */
  readonly origin: string;
  readonly method: string;
  /** The request target exactly as received (path and query). */
  readonly url: string;
  /** Header lines in arrival order, names as sent. */
  readonly headers: readonly (readonly [string, string])[];
  /** Whether it arrived over TLS, and the SNI name the client asked for. */
  readonly tls: boolean;
  readonly sni?: string;
  readonly body: string;
}

/** Answers one path of an origin (a JWKS document, a token endpoint). */
export type OriginHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;

export interface OriginServerOptions {
  /** Stable id used in results, e.g. `https://example.okta.com`. */
  readonly id: string;
  /** TLS certificate for the names clients reach this origin by; without one, no TLS listener. */
  readonly certificate?: IssuedCertificate;
  /**
   * Answer unknown paths with an echo of the request (a backend), rather than 404.
   * @default true
   */
  readonly echo?: boolean;
}

/** Longest delay an echo honours, so a broken case can never hang the run. */
const MAX_ECHO_DELAY_MS = 10_000;

/**
 * A stand-in for one remote origin (a SaaS API, an identity provider, an in-cluster Service)
 * on 127.0.0.1: a plain listener (what the reference proxy's `originOverrides` point at) and,
 * with a certificate, a TLS listener (what Go engines reach through the loopback network's
 * CONNECT tunnel). Both record every request and share the same handlers.
 *
 * As a backend it echoes the request as JSON. Two path segments steer it, so cases can ask
 * for upstream behaviour through any gateway's rewrite: `conformance-delay-<ms>` answers late
 * and `conformance-status-<code>` answers with that status.
 */
export class OriginServer {
  readonly id: string;
  readonly seen: ObservedRequest[] = [];
  plainPort = 0;
  tlsPort = 0;
  private readonly handlers = new Map<string, OriginHandler>();
  private readonly echo: boolean;
  private readonly servers: Server[] = [];

  private constructor(options: OriginServerOptions) {
    this.id = options.id;
    this.echo = options.echo ?? true;
  }

  static async start(options: OriginServerOptions): Promise<OriginServer> {
    const origin = new OriginServer(options);
    const listener = (req: IncomingMessage, res: ServerResponse) => origin.receive(req, res);
    const plain = createHttpServer(listener);
    origin.plainPort = await listen(plain);
    origin.servers.push(plain);
    if (options.certificate) {
      const tls = createHttpsServer({ cert: options.certificate.cert, key: options.certificate.key }, listener);
      origin.tlsPort = await listen(tls);
      origin.servers.push(tls);
    }
    return origin;
  }

  /** `http://127.0.0.1:<plain port>`: the value of a reference proxy `originOverrides` entry. */
  get plainUrl(): string {
    return `http://127.0.0.1:${this.plainPort}`;
  }

  /** Serves `path` (exact, query ignored) with `handler` instead of the echo. */
  handle(path: string, handler: OriginHandler): void {
    this.handlers.set(path, handler);
  }

  /** Every request seen since `mark` (an index from {@link seen}.length). */
  since(mark: number): ObservedRequest[] {
    return this.seen.slice(mark);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const socket = req.socket as Partial<TLSSocket>;
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      const observed: ObservedRequest = {
        origin: this.id,
        method: req.method ?? '',
        url: req.url ?? '',
        headers,
        tls: socket.encrypted === true,
        ...(typeof socket.servername === 'string' ? { sni: socket.servername } : {}),
        body: body.toString('utf8'),
      };
      const path = (req.url ?? '').split('?')[0];
      const handler = this.handlers.get(path);
      if (handler) {
        // Identity-provider traffic is not a backend call: kept apart from `seen`.
        void Promise.resolve(handler(req, body, res)).catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
        return;
      }
      if (!this.echo) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      this.seen.push(observed);
      this.answerEcho(observed, res);
    });
  }

  private answerEcho(observed: ObservedRequest, res: ServerResponse): void {
    const delay = Math.min(Number(/conformance-delay-(\d+)/.exec(observed.url)?.[1] ?? 0), MAX_ECHO_DELAY_MS);
    const status = Number(/conformance-status-(\d{3})/.exec(observed.url)?.[1] ?? 200);
    const reply = () => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', 'x-conformance-origin': this.id });
      res.end(JSON.stringify(observed));
    };
    if (delay > 0) setTimeout(reply, delay);
    else reply();
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** A request for an address the network does not know: evidence that an engine called somewhere unexpected. */
export interface UnroutedRequest {
  readonly method: string;
  /** `host:port` as the client named it. */
  readonly authority: string;
}

/** Proxy-only request headers (RFC 9110 §7.6.1 and the de-facto `Proxy-Connection`). */
const PROXY_HEADERS = new Set(['proxy-connection', 'proxy-authorization']);

/**
 * The network the engines live in during a run: an HTTP forward proxy on 127.0.0.1 that
 * every engine process is started behind (`HTTP_PROXY`/`HTTPS_PROXY`, honoured by Go's
 * `http.ProxyFromEnvironment` in Traefik, Oathkeeper and OAuth2 Proxy, and Chromium's
 * `--proxy-server`). It knows which local listener stands in for each `host:port` the
 * synthesized objects name (a SaaS API, an identity provider, an in-cluster Service DNS name)
 * and tunnels or forwards there; nothing in the engines' configuration is rewritten to reach
 * a stand-in, so the Host header and TLS server name an engine sends are exactly its own.
 *
 * `CONNECT host:port` is tunnelled byte for byte (TLS end to end with the stand-in);
 * absolute-form `GET http://host:port/...` is forwarded with the client's headers.
 * Loopback addresses never pass through here: Go's proxy selection skips them.
 */
export class LoopbackNetwork {
  readonly unrouted: UnroutedRequest[] = [];
  private readonly routes = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  static async start(): Promise<LoopbackNetwork> {
    const network = new LoopbackNetwork();
    const server = createServer((req, res) => network.forward(req, res));
    server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => network.tunnel(req, socket, head));
    server.on('connection', (s: Socket) => {
      network.sockets.add(s);
      s.once('close', () => network.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    network.server = server;
    network.port = (server.address() as AddressInfo).port;
    return network;
  }

  /** `http://127.0.0.1:<port>`: the value of `HTTP_PROXY`, `HTTPS_PROXY` and `--proxy-server`. */
  get proxyUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Sends connections for `host:port` to the local listener on `localPort`. */
  route(host: string, port: number, localPort: number): void {
    this.routes.set(authority(host, port), localPort);
  }

  /** The local port standing in for `host:port`, if any. */
  lookup(host: string, port: number): number | undefined {
    return this.routes.get(authority(host, port));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private tunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
    const target = req.url ?? '';
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    const localPort = m ? this.routes.get(authority(m[1], Number(m[2]))) : undefined;
    if (localPort === undefined) {
      this.unrouted.push({ method: 'CONNECT', authority: target });
      client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const upstream = connect(localPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.sockets.add(upstream);
    upstream.once('close', () => this.sockets.delete(upstream));
    const drop = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', drop);
    client.on('error', drop);
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('absolute-form request target required');
      return;
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const localPort = this.routes.get(authority(url.hostname, port));
    if (localPort === undefined) {
      this.unrouted.push({ method: req.method ?? '', authority: authority(url.hostname, port) });
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`no stand-in for ${url.host}`);
      return;
    }
    const headers: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (!PROXY_HEADERS.has(req.rawHeaders[i].toLowerCase())) headers.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    const out = request({ host: '127.0.0.1', port: localPort, method: req.method, path: `${url.pathname}${url.search}`, headers, setHost: false }, (upstream) => {
      const back: string[] = [];
      for (let i = 0; i < upstream.rawHeaders.length; i += 2) back.push(upstream.rawHeaders[i], upstream.rawHeaders[i + 1]);
      res.writeHead(upstream.statusCode ?? 502, back);
      upstream.pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('stand-in unreachable');
      else res.destroy();
    });
    req.pipe(out);
  }
}

function authority(host: string, port: number): string {
  return `${host.toLowerCase()}:${port}`;
}

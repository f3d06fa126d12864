/**
 * Child processes for the benchmark, so the load generator, the upstream and each proxy run in
 * processes of their own: `echo <port>` (the upstream: a small JSON answer, `GET /big` answers
 * 1 MiB, any request body is read to its end) and `bare <port> <upstreamPort>` (a bare Node
 * keep-alive pass-through that injects one header: the baseline the targets refer to).
 */
import { Agent, createServer, request } from 'node:http';
import { BIG_BYTES } from './bench-constants';

const [kind, portArg, upstreamArg] = process.argv.slice(2);
const port = Number(portArg);

if (kind === 'echo') {
  const body = JSON.stringify({ ok: true, service: 'bench-echo' });
  const big = Buffer.alloc(BIG_BYTES, 'y');
  createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
        res.end(big);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  }).listen(port, '127.0.0.1', () => process.send?.('ready'));
} else if (kind === 'bare') {
  const upstreamPort = Number(upstreamArg);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  createServer((req, res) => {
    const headers = { ...req.headers, 'x-backend-key': 'bench-injected-key' };
    delete headers.authorization;
    const up = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers, agent }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(up);
  }).listen(port, '127.0.0.1', () => process.send?.('ready'));
} else {
  process.stderr.write(`unknown server kind ${kind}\n`);
  process.exit(2);
}

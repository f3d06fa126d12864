import { request } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCertificateAuthority } from '../../conformance/network/local-ca';
import { LoopbackNetwork } from '../../conformance/network/loopback-network';
import { OriginServer } from '../../conformance/network/origin-server';

let ca: LocalCertificateAuthority;
let network: LoopbackNetwork;
let saas: OriginServer;

beforeAll(async () => {
  ca = LocalCertificateAuthority.create();
  network = await LoopbackNetwork.start();
  saas = await OriginServer.start({ id: 'https://api.saas.example:443', certificate: ca.issue(['api.saas.example']) });
  network.route('api.saas.example', 443, saas.tlsPort);
  network.route('svc.ns.svc.cluster.local', 8080, saas.plainPort);
});
afterAll(async () => {
  await saas?.close();
  await network?.close();
  ca?.dispose();
});

/** CONNECT through the network, then TLS to `host` verified against the run's CA: what Go does behind HTTPS_PROXY. */
function viaTunnel(host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: network.port, method: 'CONNECT', path: `${host}:443` })
      .on('connect', (res, socket) => {
        if (res.statusCode !== 200) return resolve({ status: res.statusCode ?? 0, body: '' });
        const tls = tlsConnect({ socket, servername: host, ca: ca.caCert }, () => {
          // HTTP/1.0: an unchunked answer this reader can take as it is.
          tls.write(`GET ${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
        });
        let text = '';
        tls.on('data', (c) => (text += c));
        tls.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
        tls.on('error', reject);
      })
      .on('error', reject)
      .end();
  });
}

describe('the loopback network engines run behind', () => {
  it('tunnels CONNECT to the stand-in, whose certificate verifies for the real host name', async () => {
    const res = await viaTunnel('api.saas.example', '/v1/x?q=1');
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.body);
    expect(echo).toMatchObject({ origin: 'https://api.saas.example:443', method: 'GET', url: '/v1/x?q=1', tls: true, sni: 'api.saas.example' });
    expect(saas.seen.at(-1)?.headers).toContainEqual(['Host', 'api.saas.example']);
  });

  it('forwards absolute-form HTTP requests with the Host header the client sent', async () => {
    const status = await new Promise<number>((resolve, reject) =>
      request({ host: '127.0.0.1', port: network.port, path: 'http://svc.ns.svc.cluster.local:8080/ping', headers: { host: 'svc.ns.svc.cluster.local:8080', 'proxy-connection': 'keep-alive' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(200);
    const seen = saas.seen.at(-1)!;
    expect(seen.url).toBe('/ping');
    expect(seen.tls).toBe(false);
    expect(seen.headers).toContainEqual(['host', 'svc.ns.svc.cluster.local:8080']);
    expect(seen.headers.map(([k]) => k.toLowerCase())).not.toContain('proxy-connection');
  });

  it('answers 502 for hosts it has no stand-in for, and records them as evidence', async () => {
    const res = await viaTunnel('unknown.example', '/');
    expect(res.status).toBe(502);
    expect(network.unrouted).toContainEqual({ method: 'CONNECT', authority: 'unknown.example:443' });
  });

  it('lets a stand-in answer late or with another status, as a case asks through the path', async () => {
    const res = await viaTunnel('api.saas.example', '/x/conformance-status-401');
    expect(res.status).toBe(401);
  });
});

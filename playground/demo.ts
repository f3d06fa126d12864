/**
 * `npm run demo`: the reference proxy on 127.0.0.1 with everything it talks to —
 * an identity provider (JWKS + `/token` minting short-lived RS256 JWTs), an OAuth2 token
 * endpoint for the backend, and an echo backend — configured from an ordinary `SecuredApi`.
 * Prints curl commands: 401 without a token, 200 with one, and the echoed request showing the
 * caller's JWT replaced by the backend's OAuth token. Ctrl-C stops everything.
 *
 * Options: `--port-base N` (default 18080: proxy N, admin N+1, idp N+2, oauth N+3, echo N+4;
 * 0 picks free ports).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, Chart } from 'cdk8s';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { DestinationStream } from 'pino';
import { ClientAuth } from '../src/constructs/auth/client-auth';
import { UpstreamOAuth } from '../src/constructs/auth/upstream-oauth';
import { ExternalNameBackend } from '../src/constructs/backends/external-name-backend';
import { TraefikHubGateway } from '../src/constructs/gateways/traefik-hub-gateway';
import { SecretRef } from '../src/constructs/secrets/secret-ref';
import { SecuredApi } from '../src/constructs/secured-api';
import { VirtualEndpoint } from '../src/constructs/virtual-endpoint';
import { secretEnvName } from '../src/plan/derived-secrets';
import { startProxy } from '../src/proxy/proxy-server';
import { renderProxyConfig } from '../src/targets/proxy/render-config';

export const DEMO_HOST = 'api.demo.test';
const ISSUER = 'https://idp.demo.test/';
const CLIENT_ID = 'demo-gateway';

export interface DemoOptions {
  /** First of five consecutive ports; 0 picks free ports. @default 18080 */
  readonly portBase?: number;
  /** Where the proxy's JSON access log goes. @default stdout */
  readonly logDestination?: DestinationStream;
}

export interface RunningDemo {
  readonly proxyUrl: string;
  readonly adminUrl: string;
  readonly idpUrl: string;
  /** Ready-to-paste shell commands. */
  readonly commands: string;
  /** Mints a caller JWT like the idp's `/token`. */
  mintToken(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the whole playground; resolves when every server listens. */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const base = options.portBase ?? 18080;
  const port = (offset: number) => (base === 0 ? 0 : base + offset);
  // A fresh client secret per run: nothing secret is ever committed or reused.
  const clientSecret = randomUUID();
  const servers: Server[] = [];

  // Identity provider: the caller's side.
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'demo-key-1', alg: 'RS256', use: 'sig' };
  const mintToken = () =>
    new SignJWT({ scope: 'echo:read', client_id: 'demo-caller' })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(DEMO_HOST)
      .setSubject('demo-user')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  const idp = await listen(
    servers,
    createServer((req, res) => {
      if (req.url === '/jwks') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      if (req.url === '/token') return void mintToken().then((t) => res.writeHead(200, { 'content-type': 'text/plain' }).end(t));
      res.writeHead(404).end();
    }),
    port(2),
  );

  // OAuth2 token endpoint: the backend's side (client credentials, opaque tokens).
  let issued = 0;
  const oauth = await listen(
    servers,
    createServer((req, res) => {
      void readBody(req).then((body) => {
        const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${clientSecret}`).toString('base64')}`;
        if (req.url !== '/oauth2/token' || req.headers.authorization !== expected || !body.includes('grant_type=client_credentials')) {
          return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        }
        issued++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `backend-token-${issued}-${randomUUID().slice(0, 8)}`, token_type: 'Bearer', expires_in: 300 }));
      });
    }),
    port(3),
  );

  // Echo backend: shows exactly what the gateway sent.
  const echo = await listen(
    servers,
    createServer((req, res) => {
      void readBody(req).then((body) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }, null, 2));
      });
    }),
    port(4),
  );

  // The API, declared exactly as a user would for a cluster.
  const app = new App();
  const chart = new Chart(app, 'playground', { namespace: 'demo' });
  const gateway = new TraefikHubGateway(chart, 'gateway', { entryPoints: ['websecure'] });
  const api = new SecuredApi(chart, 'echo', {
    gateway,
    host: DEMO_HOST,
    backend: new ExternalNameBackend(chart, 'backend', { externalName: 'echo.demo.test', port: 443 }),
    endpoint: new VirtualEndpoint(chart, 'echo-endpoint', { path: '/echo', target: '/api/v1/echo' }),
    clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.demo.test/jwks', issuer: ISSUER, audience: DEMO_HOST }),
    scopes: ['echo:read'],
    upstreamAuth: new UpstreamOAuth(chart, 'backend-token', {
      tokenUrl: 'https://auth.demo.test/oauth2/token',
      clientId: SecretRef.fromSecret('demo-oauth-client', 'clientID'),
      clientSecret: SecretRef.fromSecret('demo-oauth-client', 'clientSecret'),
      audience: 'https://api.demo.test',
    }),
  });
  const config = renderProxyConfig([api.route], {
    secretsDir: '/nonexistent/gatewright-demo-secrets',
    listen: { host: '127.0.0.1', port: port(0), adminPort: port(1), forwardAuthPort: port(5) },
    // Inline only: no listener that would hand out the backend token to whoever asks.
    forwardAuthEnabled: false,
    originOverrides: {
      'https://idp.demo.test': `http://127.0.0.1:${idp}`,
      'https://auth.demo.test': `http://127.0.0.1:${oauth}`,
      'https://echo.demo.test': `http://127.0.0.1:${echo}`,
    },
  });
  const proxy = await startProxy(config, {
    // Secrets arrive as the env variables a Kubernetes Deployment would set.
    env: {
      [secretEnvName({ secretName: 'demo-oauth-client', key: 'clientID' })]: CLIENT_ID,
      [secretEnvName({ secretName: 'demo-oauth-client', key: 'clientSecret' })]: clientSecret,
    },
    logDestination: options.logDestination,
  });

  const idpUrl = `http://127.0.0.1:${idp}`;
  const commands = [
    '# 1. No token: 401 with an RFC 6750 challenge',
    `curl -i -H 'Host: ${DEMO_HOST}' ${proxy.url}/echo/hello`,
    '',
    '# 2. Get a short-lived RS256 JWT from the local identity provider',
    `TOKEN=$(curl -s ${idpUrl}/token)`,
    '',
    '# 3. With the token: 200. The echo backend shows the request it got: path rewritten to',
    '#    /api/v1/echo/hello, and Authorization is the backend OAuth token, not your JWT',
    `curl -s -H 'Host: ${DEMO_HOST}' -H "Authorization: Bearer $TOKEN" ${proxy.url}/echo/hello`,
    '',
    '# Health, readiness and metrics on the admin port',
    `curl -s ${proxy.adminUrl}/readyz; curl -s ${proxy.adminUrl}/metrics | grep gatewright_proxy_requests_total`,
  ].join('\n');

  return {
    proxyUrl: proxy.url,
    adminUrl: proxy.adminUrl,
    idpUrl,
    commands,
    mintToken,
    stop: async () => {
      await proxy.shutdown();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((r) => {
              s.closeAllConnections();
              s.close(() => r());
            }),
        ),
      );
    },
  };
}

function listen(servers: Server[], server: Server, port: number): Promise<number> {
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

if (require.main === module) {
  const i = process.argv.indexOf('--port-base');
  const portBase = i === -1 ? 18080 : Number(process.argv[i + 1]);
  startDemo({ portBase, logDestination: process.stdout }).then(
    (demo) => {
      process.stdout.write(`\ngatewright playground is up (proxy ${demo.proxyUrl}, admin ${demo.adminUrl}, idp ${demo.idpUrl}).\nPaste these:\n\n${demo.commands}\n\nCtrl-C stops everything. Access log follows:\n\n`);
      const stop = () => {
        process.stdout.write('\nstopping…\n');
        void demo.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err) => {
      process.stderr.write(`demo failed to start: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}

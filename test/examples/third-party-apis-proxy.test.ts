/**
 * The third-party example's routes, unchanged, executed by the reference proxy against local
 * stand-ins for the four SaaS hosts (one echo server on 127.0.0.1): each credential arrives,
 * on the rewritten path, and the caller's JWT does not.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareThirdPartyApis, THIRD_PARTY_HOST, thirdPartySecretStore } from '../../examples/third-party-apis';
import { ReferenceProxyGateway } from '../../src';
import { startProxy, validateProxyConfig, type RunningProxy } from '../../src/proxy';

const ISSUER = 'https://auth.internal.example.com/';
const SAAS_ORIGINS = ['https://example.atlassian.net', 'https://example.okta.com', 'https://api.datadoghq.com', 'https://example.my.salesforce.com'];
const SECRETS: Record<string, Record<string, string>> = {
  'jira-credentials': { email: 'ci-bot@example.com', 'api-token': 'jira-api-token-1' },
  'okta-credentials': { 'api-token': 'okta-ssws-token-1' },
  'datadog-credentials': { 'api-key': 'dd-api-key-1' },
  'salesforce-credentials': { 'access-token': 'sf-access-token-1' },
};

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

let servers: Server[] = [];
let proxy: RunningProxy;
let secretsDir: string;
let sign: (scope: string) => Promise<string>;
const seen: Seen[] = [];
const client = new Agent({ keepAliveTimeout: 1000 });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const issuerUrl = await listen(
    createServer((req, res) => {
      if (req.url === '/.well-known/jwks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end();
    }),
  );
  sign = (scope) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, aud: 'saas-gateway', sub: 'ci-pipeline', scope, iat: now, exp: now + 300 })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
      .sign(privateKey);
  };
  const echoUrl = await listen(
    createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    }),
  );

  // The same declarations as the Oathkeeper chart, on the reference proxy gateway.
  const chart = new Chart(Testing.app(), 'third-party-apis', { namespace: 'saas-gateway' });
  const gateway = new ReferenceProxyGateway(chart, 'gateway');
  declareThirdPartyApis(chart, gateway, thirdPartySecretStore(chart));

  secretsDir = mkdtempSync(join(tmpdir(), 'gw-third-party-'));
  for (const [secret, keys] of Object.entries(SECRETS)) {
    mkdirSync(join(secretsDir, secret));
    for (const [key, value] of Object.entries(keys)) writeFileSync(join(secretsDir, secret, key), value);
  }
  const config = validateProxyConfig({
    version: 1,
    secretsDir,
    listen: { host: '127.0.0.1', port: 0, adminPort: 0 },
    originOverrides: { 'https://auth.internal.example.com': issuerUrl, ...Object.fromEntries(SAAS_ORIGINS.map((o) => [o, echoUrl])) },
    routes: [...gateway.routes],
  });
  proxy = await startProxy(config, { env: {}, logDestination: { write: () => undefined } });
});

afterAll(async () => {
  await proxy?.shutdown();
  await Promise.all(servers.map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
  servers = [];
  if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
});

async function call(method: string, path: string, token?: string): Promise<{ status: number; echo?: Seen }> {
  const before = seen.length;
  const res = await request(`${proxy.url}${path}`, {
    method: method as 'GET',
    headers: { host: THIRD_PARTY_HOST, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
    body: method === 'GET' ? undefined : '{}',
    dispatcher: client,
  });
  await res.body.text();
  return { status: res.statusCode, echo: seen.length > before ? seen[seen.length - 1] : undefined };
}

describe('examples/third-party-apis through the reference proxy', () => {
  it('Jira: Basic auth from the e-mail and API token, on /rest/api/3, without the JWT', async () => {
    const token = await sign('jira:read');
    const { status, echo } = await call('GET', '/jira/issue/OPS-1', token);
    expect(status).toBe(200);
    expect(echo!.url).toBe('/rest/api/3/issue/OPS-1');
    expect(echo!.headers.authorization).toBe(`Basic ${Buffer.from('ci-bot@example.com:jira-api-token-1').toString('base64')}`);
    expect(JSON.stringify(echo!.headers)).not.toContain(token);
  });

  it('Okta: SSWS token on /api/v1/users for POST', async () => {
    const token = await sign('okta:users:write');
    const { status, echo } = await call('POST', '/okta/users', token);
    expect(status).toBe(200);
    expect(echo!.method).toBe('POST');
    expect(echo!.url).toBe('/api/v1/users');
    expect(echo!.headers.authorization).toBe('SSWS okta-ssws-token-1');
    expect(JSON.stringify(echo!.headers)).not.toContain(token);
  });

  it('Datadog: DD-API-KEY on POST /api/v2/series, and no Authorization at all', async () => {
    const token = await sign('datadog:metrics:write');
    const { status, echo } = await call('POST', '/datadog/series', token);
    expect(status).toBe(200);
    expect(echo!.url).toBe('/api/v2/series');
    expect(echo!.headers['dd-api-key']).toBe('dd-api-key-1');
    expect(echo!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(echo!.headers)).not.toContain(token);
  });

  it('Salesforce: bearer token on the analytics path', async () => {
    const token = await sign('salesforce:read');
    const { status, echo } = await call('GET', '/salesforce/analytics/reports', token);
    expect(status).toBe(200);
    expect(echo!.url).toBe('/services/data/v60.0/analytics/reports');
    expect(echo!.headers.authorization).toBe('Bearer sf-access-token-1');
  });

  it('refuses a token without the route scope, a method the route does not allow, and no token, reaching no SaaS host', async () => {
    const before = seen.length;
    expect((await call('GET', '/jira/issue/OPS-1', await sign('okta:users:write'))).status).toBe(403);
    expect((await call('GET', '/datadog/series', await sign('datadog:metrics:write'))).status).toBeGreaterThanOrEqual(400);
    expect((await call('GET', '/salesforce/analytics')).status).toBe(401);
    expect(seen.length).toBe(before);
  });
});

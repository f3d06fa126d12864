import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request, type Dispatcher } from 'undici';
import type { ApiRouteInput, ProxyConfigInput } from '../../../src/model';
import { validateProxyConfig } from '../../../src/proxy/config/load-proxy-config';
import { startProxy, type RunningProxy } from '../../../src/proxy/proxy-server';
import type { EchoUpstream } from './echo-upstream';
import { AUDIENCE, ISSUER, type TestIssuer } from './issuer';
import type { TestTokenEndpoint } from './token-endpoint';

export const API_HOST = 'api.example.test';
export const JWKS_URL = 'https://idp.example.test/jwks';
export const TOKEN_URL = 'https://auth.example.test/oauth2/token';

/** Route defaults: JWT client auth against the test issuer, echo backend. */
export function route(overrides: Partial<ApiRouteInput> & { name: string }): ApiRouteInput {
  return {
    path: `test/${overrides.name}`,
    host: API_HOST,
    pathPrefix: `/${overrides.name}`,
    clientAuth: { kind: 'jwt', jwksUrl: JWKS_URL, issuer: ISSUER, audience: [AUDIENCE] },
    backend: { kind: 'externalName', serviceName: 'backend', externalName: 'backend.example.test', port: 443, scheme: 'https' },
    ...overrides,
  };
}

export interface TestProxy {
  readonly proxy: RunningProxy;
  /** Every JSON log line written so far. */
  readonly logs: string[];
  readonly secretsDir: string;
  writeSecret(secretName: string, key: string, value: string): void;
  stop(): Promise<void>;
}

export interface TestWorld {
  readonly issuer: TestIssuer;
  readonly token: TestTokenEndpoint;
  readonly echo: EchoUpstream;
}

/** Starts a proxy on 127.0.0.1 with random ports, secrets in a temp dir and logs captured. */
export async function startTestProxy(
  world: TestWorld,
  routes: ApiRouteInput[],
  options: { secrets?: Record<string, Record<string, string>>; env?: Record<string, string>; config?: Partial<ProxyConfigInput> } = {},
): Promise<TestProxy> {
  const secretsDir = mkdtempSync(join(tmpdir(), 'gw-secrets-'));
  const writeSecret = (secretName: string, key: string, value: string) => {
    mkdirSync(join(secretsDir, secretName), { recursive: true });
    writeFileSync(join(secretsDir, secretName, key), value);
  };
  for (const [name, keys] of Object.entries(options.secrets ?? {})) for (const [k, v] of Object.entries(keys)) writeSecret(name, k, v);
  const config = validateProxyConfig({
    version: 1,
    secretsDir,
    listen: { host: '127.0.0.1', port: 0, adminPort: 0, forwardAuthPort: 0 },
    tokenRequests: { retries: 3, backoffMillis: 20, timeoutSeconds: 2 },
    ...options.config,
    originOverrides: {
      'https://idp.example.test': world.issuer.url,
      'https://auth.example.test': world.token.url,
      'https://backend.example.test': world.echo.url,
      ...(options.config?.originOverrides ?? {}),
    },
    routes,
  });
  const logs: string[] = [];
  const proxy = await startProxy(config, {
    env: options.env ?? {},
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  return {
    proxy,
    logs,
    secretsDir,
    writeSecret,
    stop: async () => {
      await proxy.shutdown();
      rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}

const client = new Agent({ keepAliveTimeout: 1000 });

export interface CallResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = any>(): T;
}

/** One request to the proxy with an explicit Host (fetch cannot set it). */
export async function call(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string | string[]>; body?: string; host?: string; dispatcher?: Dispatcher } = {},
): Promise<CallResult> {
  const res = await request(`${base}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers: { host: init.host ?? API_HOST, ...(init.headers ?? {}) },
    body: init.body,
    dispatcher: init.dispatcher ?? client,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers as CallResult['headers'], text, json: () => JSON.parse(text) };
}

/** One request on a connection of its own: proves the proxy still accepts new connections. */
export async function callOnNewConnection(base: string, path: string, init: { host?: string } = {}): Promise<CallResult> {
  const fresh = new Agent();
  try {
    return await call(base, path, { ...init, dispatcher: fresh });
  } finally {
    await fresh.destroy();
  }
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DEMO_HOST, startDemo, type RunningDemo } from '../../playground/demo';

let demo: RunningDemo;
const logs: string[] = [];

beforeAll(async () => {
  demo = await startDemo({ portBase: 0, logDestination: { write: (l: string) => void logs.push(l) } });
});

afterAll(async () => {
  await demo?.stop();
});

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers: { host: DEMO_HOST, ...headers } });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('playground demo', () => {
  it('prints curl commands for the three steps', () => {
    expect(demo.commands).toContain(`curl -i -H 'Host: ${DEMO_HOST}' ${demo.proxyUrl}/echo/hello`);
    expect(demo.commands).toContain(`TOKEN=$(curl -s ${demo.idpUrl}/token)`);
    expect(demo.commands).toContain('-H "Authorization: Bearer $TOKEN"');
  });

  it('answers 401 without a token', async () => {
    const res = await get(`${demo.proxyUrl}/echo/hello`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="gatewright"');
  });

  it('answers 200 with a token from the idp, and the backend sees its OAuth token instead of the JWT', async () => {
    const token = (await request(`${demo.idpUrl}/token`).then((r) => r.body.text())).trim();
    const res = await get(`${demo.proxyUrl}/echo/hello?x=1`, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    const echoed = JSON.parse(res.text);
    expect(echoed.url).toBe('/api/v1/echo/hello?x=1');
    expect(echoed.headers.authorization).toMatch(/^Bearer backend-token-1-/);
    expect(res.text).not.toContain(token);
    expect(logs.join('')).not.toContain(token);
  });
});

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServerStandIn } from '../../conformance/kubernetes/api-server-stand-in';

const OBJECTS = [
  { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'echo', namespace: 'a' }, spec: { routes: [] } },
  { apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { name: 'echo-auth', namespace: 'a' }, spec: {} },
  { apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { name: 'other', namespace: 'b' }, spec: {} },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mine', namespace: 'a' }, data: {} },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'release', namespace: 'a', labels: { owner: 'helm' } }, data: {} },
];

let api: ApiServerStandIn;
beforeAll(async () => {
  api = await ApiServerStandIn.start(OBJECTS);
});
afterAll(async () => api?.close());

async function get(path: string): Promise<{ status: number; lines: any[]; body: any }> {
  return new Promise((resolve, reject) => {
    request(`${api.url}${path}`, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
        resolve({ status: res.statusCode ?? 0, lines, body: lines[0] });
      });
    })
      .on('error', reject)
      .end();
  });
}

describe('Kubernetes API stand-in (list and watch as client-go informers use them)', () => {
  it('lists a kind across namespaces and in one, as a typed List with a resourceVersion', async () => {
    const all = await get('/apis/traefik.io/v1alpha1/middlewares?limit=500&resourceVersion=0');
    expect(all.status).toBe(200);
    expect(all.body.kind).toBe('MiddlewareList');
    expect(all.body.apiVersion).toBe('traefik.io/v1alpha1');
    expect(Number(all.body.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(all.body.items.map((o: any) => o.metadata.name).sort()).toEqual(['echo-auth', 'other']);
    for (const o of all.body.items) expect(o.metadata).toMatchObject({ uid: expect.any(String), resourceVersion: expect.any(String) });
    const one = await get('/apis/traefik.io/v1alpha1/namespaces/b/middlewares');
    expect(one.body.items.map((o: any) => o.metadata.name)).toEqual(['other']);
  });

  it("applies Traefik's Secret label selector", async () => {
    const res = await get(`/api/v1/secrets?labelSelector=${encodeURIComponent('owner!=helm')}`);
    expect(res.body.items.map((o: any) => o.metadata.name)).toEqual(['mine']);
  });

  it('answers a watch-list request with ADDED events, then a BOOKMARK ending the initial events', async () => {
    const res = await get('/apis/traefik.io/v1alpha1/ingressroutes?allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=1&watch=true');
    expect(res.lines.map((l) => l.type)).toEqual(['ADDED', 'BOOKMARK']);
    expect(res.lines[0].object).toMatchObject({ kind: 'IngressRoute', apiVersion: 'traefik.io/v1alpha1', metadata: { name: 'echo' } });
    expect(res.lines[1].object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  it('keeps a plain watch open without events until timeoutSeconds (objects never change)', async () => {
    const started = Date.now();
    const res = await get('/api/v1/services?watch=true&resourceVersion=5&timeoutSeconds=1');
    expect(res.lines).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('answers unknown kinds with an empty list and unknown paths with a 404 Status, recording every request', async () => {
    expect((await get('/apis/traefik.io/v1alpha1/tlsstores')).body.items).toEqual([]);
    const missing = await get('/healthz');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    expect(api.requests).toContainEqual({ verb: 'list', resource: 'v1/secrets', labelSelector: 'owner!=helm' });
    expect(api.requests).toContainEqual({ verb: 'watch', resource: 'traefik.io/v1alpha1/ingressroutes', initialEvents: true });
    expect(api.requests).toContainEqual({ verb: 'unknown', resource: '/healthz' });
  });

  it('is read-only', async () => {
    const status = await new Promise<number>((resolve) => request(`${api.url}/api/v1/secrets`, { method: 'POST' }, (res) => resolve(res.statusCode ?? 0)).end());
    expect(status).toBe(405);
  });
});

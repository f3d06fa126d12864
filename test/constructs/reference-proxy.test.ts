import { describe, expect, it } from 'vitest';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  CONFIG_HASH_ANNOTATION,
  DEFAULT_REFERENCE_PROXY_IMAGE,
  ErrorCode,
  ExternalNameBackend,
  ReferenceProxy,
  ReferenceProxyGateway,
  SecretRef,
  SecuredApi,
  UpstreamCredential,
  UpstreamOAuth,
} from '../../src';
import { proxyConfigSchema } from '../../src/model';
import { findObject, synthObjects, testChart, toYaml, type KubeObject } from '../support/synth';
import { catchError } from '../support/errors';

function configOf(objects: KubeObject[], name = 'edge-config') {
  const cm = findObject(objects, 'ConfigMap', name);
  return proxyConfigSchema.parse(JSON.parse(cm.data!['config.json']));
}

function podSpecOf(objects: KubeObject[], name = 'edge') {
  return findObject(objects, 'Deployment', name).spec.template.spec;
}

/** A chart with a proxy serving two routes: an API key route and a JWT + OAuth route. */
function twoRouteChart() {
  const chart = testChart('edge-ns');
  const proxy = new ReferenceProxy(chart, 'edge');
  const gateway = new ReferenceProxyGateway(chart, 'gateway', { proxy });
  const aws = AwsSecretsManagerStore.fromClusterSecretStore('aws-sm');
  new SecuredApi(chart, 'orders', {
    gateway,
    host: 'api.example.com',
    path: '/orders',
    backend: new ExternalNameBackend(chart, 'orders-backend', { externalName: 'orders.example.net' }),
    clientAuth: ClientAuth.apiKey({ keys: [SecretRef.fromSecret('caller-keys', 'partner-a')] }),
    upstreamAuth: UpstreamCredential.basicAuth(
      aws.secretRef({ remoteKey: 'prod/orders', property: 'user', secretName: 'orders-upstream', key: 'username' }),
      aws.secretRef({ remoteKey: 'prod/orders', property: 'pass', secretName: 'orders-upstream', key: 'password' }),
    ),
  });
  const token = new UpstreamOAuth(chart, 'crm-token', {
    tokenUrl: 'https://auth.example.com/token',
    clientId: SecretRef.fromSecret('crm-oauth', 'client-id'),
    clientSecret: SecretRef.fromSecret('crm-oauth', 'client-secret'),
  });
  new SecuredApi(chart, 'crm', {
    gateway,
    host: 'api.example.com',
    path: '/crm',
    backend: new ExternalNameBackend(chart, 'crm-backend', { externalName: 'crm.example.net' }),
    clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'api' }),
    upstreamAuth: token,
  });
  return { chart, proxy };
}

describe('ReferenceProxy', () => {
  it('runs a hardened, non-root pod with a read-only root file system', () => {
    const chart = testChart('edge-ns');
    new ReferenceProxy(chart, 'edge');
    const pod = podSpecOf(synthObjects(chart));
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    // The config's shutdownDelaySeconds (5) and shutdownGraceSeconds (25) plus a margin: the
    // drain finishes before SIGKILL.
    expect(pod.terminationGracePeriodSeconds).toBe(35);
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.image).toBe(DEFAULT_REFERENCE_PROXY_IMAGE);
    expect(c.image).toBe('ghcr.io/gatewright/reference-proxy:0.1.0');
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(c.env).toEqual([
      { name: 'GATEWRIGHT_CONFIG', value: '/etc/gatewright/config.json' },
      { name: 'NODE_ENV', value: 'production' },
    ]);
  });

  it('probes /healthz and /readyz on the admin port, never the traffic port', () => {
    const chart = testChart();
    new ReferenceProxy(chart, 'edge', { port: 8000, adminPort: 9100 });
    const c = podSpecOf(synthObjects(chart)).containers[0];
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 8000, protocol: 'TCP' },
      { name: 'admin', containerPort: 9100, protocol: 'TCP' },
    ]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'admin' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'admin' });
  });

  it('keeps serving, not ready, for shutdownDelaySeconds after SIGTERM, and gives the pod time for it', () => {
    const defaults = testChart();
    new ReferenceProxy(defaults, 'edge');
    const objects = synthObjects(defaults);
    expect(configOf(objects).shutdownDelaySeconds).toBe(5);

    const chart = testChart();
    new ReferenceProxy(chart, 'edge', { shutdownDelaySeconds: 12 });
    const synthed = synthObjects(chart);
    expect(configOf(synthed).shutdownDelaySeconds).toBe(12);
    expect(podSpecOf(synthed).terminationGracePeriodSeconds).toBe(12 + 25 + 5);

    const off = testChart();
    new ReferenceProxy(off, 'edge', { shutdownDelaySeconds: 0 });
    expect(podSpecOf(synthObjects(off)).terminationGracePeriodSeconds).toBe(30);
    expect(catchError(() => new ReferenceProxy(testChart(), 'edge', { shutdownDelaySeconds: -1 })).message).toMatch(/shutdownDelaySeconds/);
  });

  it('rolls out without ever dropping below the current replica count', () => {
    const chart = testChart();
    new ReferenceProxy(chart, 'edge', { replicas: 3 });
    const spec = findObject(synthObjects(chart), 'Deployment', 'edge').spec;
    expect(spec.replicas).toBe(3);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'reference-proxy', 'app.kubernetes.io/instance': 'edge' });
    expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
  });

  it('serves traffic and admin ports on a ClusterIP Service selecting its pods', () => {
    const chart = testChart('edge-ns');
    new ReferenceProxy(chart, 'edge');
    const svc = findObject(synthObjects(chart), 'Service', 'edge');
    expect(svc.metadata.namespace).toBe('edge-ns');
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'reference-proxy', 'app.kubernetes.io/instance': 'edge' },
      ports: [
        { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
        { name: 'admin', port: 9090, targetPort: 'admin', protocol: 'TCP' },
      ],
    });
  });

  it('writes routes added after construction into the config, valid for the proxy schema', () => {
    const { chart } = twoRouteChart();
    const objects = synthObjects(chart);
    const config = configOf(objects);
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080, adminPort: 9090, forwardAuthPort: 8081 });
    expect(config.secretsDir).toBe('/var/run/secrets/gatewright');
    expect(config.forwardAuthPath).toBe('/_gatewright/forward-auth');
    expect(config.routes.map((r) => r.name)).toEqual(['orders', 'crm']);
    expect(config.routes[0].clientAuth).toEqual({ kind: 'apiKey', header: 'X-API-Key', keys: [{ secretName: 'caller-keys', key: 'partner-a' }] });
    expect(config.routes[1].upstreamAuth[0]).toMatchObject({ kind: 'oauth2ClientCredentials', name: 'crm-token', tokenUrl: 'https://auth.example.com/token' });
  });

  it('mounts each Secret at <secretsDir>/<secret> with exactly the keys routes use', () => {
    const { chart } = twoRouteChart();
    const pod = podSpecOf(synthObjects(chart));
    const secretVolumes = pod.volumes.filter((v: { projected?: unknown }) => v.projected);
    expect(secretVolumes).toEqual([
      {
        name: 'secret-caller-keys',
        projected: { defaultMode: 0o440, sources: [{ secret: { name: 'caller-keys', items: [{ key: 'partner-a', path: 'partner-a' }] } }] },
      },
      {
        name: 'secret-crm-oauth',
        projected: {
          defaultMode: 0o440,
          sources: [{ secret: { name: 'crm-oauth', items: [{ key: 'client-id', path: 'client-id' }, { key: 'client-secret', path: 'client-secret' }] } }],
        },
      },
      {
        name: 'secret-orders-upstream',
        projected: {
          defaultMode: 0o440,
          sources: [{ secret: { name: 'orders-upstream', items: [{ key: 'password', path: 'password' }, { key: 'username', path: 'username' }] } }],
        },
      },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/gatewright', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'secret-caller-keys', mountPath: '/var/run/secrets/gatewright/caller-keys', readOnly: true },
      { name: 'secret-crm-oauth', mountPath: '/var/run/secrets/gatewright/crm-oauth', readOnly: true },
      { name: 'secret-orders-upstream', mountPath: '/var/run/secrets/gatewright/orders-upstream', readOnly: true },
    ]);
    expect(pod.volumes[0]).toEqual({ name: 'config', configMap: { name: 'edge-config', items: [{ key: 'config.json', path: 'config.json' }] } });
  });

  it('has ExternalSecrets sync the sourced keys, only those, in the proxy namespace', () => {
    const { chart } = twoRouteChart();
    const objects = synthObjects(chart);
    const es = findObject(objects, 'ExternalSecret', 'orders-upstream');
    expect(es.metadata.namespace).toBe('edge-ns');
    expect(es.spec.data).toEqual([
      { secretKey: 'password', remoteRef: { key: 'prod/orders', property: 'pass' } },
      { secretKey: 'username', remoteRef: { key: 'prod/orders', property: 'user' } },
    ]);
    // Secrets created by hand get no ExternalSecret; no Secret is ever synthesized.
    expect(objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name)).toEqual(['orders-upstream']);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('never writes a secret value into the manifests', () => {
    const { chart } = twoRouteChart();
    const yaml = toYaml(synthObjects(chart));
    expect(yaml).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
    expect(yaml).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
  });

  it('rolls the pods when the config changes, and only then', () => {
    const hashOf = (routes: number) => {
      const chart = testChart();
      const gateway = new ReferenceProxyGateway(chart, 'gateway');
      for (let i = 0; i < routes; i++) {
        new SecuredApi(chart, `api${i}`, {
          gateway,
          host: 'api.example.com',
          path: `/v${i}`,
          backend: new ExternalNameBackend(chart, `b${i}`, { externalName: 'b.example.net' }),
          clientAuth: ClientAuth.none(),
        });
      }
      const objects = synthObjects(chart);
      const annotation = findObject(objects, 'Deployment', 'gateway-proxy').spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
      const json = findObject(objects, 'ConfigMap', 'gateway-proxy-config').data!['config.json'];
      return { annotation, json };
    };
    const one = hashOf(1);
    expect(one.annotation).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf(1).annotation).toBe(one.annotation);
    expect(hashOf(2).annotation).not.toBe(one.annotation);
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    expect(createHash('sha256').update(one.json).digest('hex')).toBe(one.annotation);
  });

  it('adds an autoscaler (and leaves replicas to it) and a disruption budget when asked', () => {
    const chart = testChart('edge-ns');
    new ReferenceProxy(chart, 'edge', { autoscaling: { maxReplicas: 5 }, disruptionBudget: {} });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'Deployment', 'edge').spec.replicas).toBeUndefined();
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'edge');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'edge' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    const pdb = findObject(objects, 'PodDisruptionBudget', 'edge');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'reference-proxy', 'app.kubernetes.io/instance': 'edge' } } });
  });

  it('creates neither autoscaler nor budget by default', () => {
    const chart = testChart();
    new ReferenceProxy(chart, 'edge');
    expect(synthObjects(chart).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/edge-config', 'Deployment/edge', 'Service/edge']);
  });

  it('rejects an unpinned image', () => {
    const err = catchError(() => new ReferenceProxy(testChart(), 'edge', { image: 'ghcr.io/gatewright/reference-proxy:latest' }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.field).toBe('image');
    expect(err.message).toContain('pin a version or a digest');
    expect(() => new ReferenceProxy(testChart(), 'edge', { image: 'registry.example.com/proxy@sha256:' + 'a'.repeat(64) })).not.toThrow();
  });

  it('rejects a disruption budget that would block every node drain', () => {
    const err = catchError(() => new ReferenceProxy(testChart(), 'edge', { replicas: 1, disruptionBudget: { minAvailable: 1 } }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.field).toBe('disruptionBudget.minAvailable');
    expect(err.message).toContain('blocks every node drain');
  });

  it('rejects an admin port equal to the traffic port', () => {
    const err = catchError(() => new ReferenceProxy(testChart(), 'edge', { port: 8080, adminPort: 8080 }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.field).toBe('adminPort');
  });

  it('rejects two routes with one name, since forwardAuth endpoints are addressed by name', () => {
    const chart = testChart();
    const proxy = new ReferenceProxy(chart, 'edge');
    const a = new ReferenceProxyGateway(chart, 'a', { proxy });
    const b = new ReferenceProxyGateway(chart, 'b', { proxy });
    const api = (id: string, gateway: ReferenceProxyGateway, path: string) =>
      new SecuredApi(chart, id, {
        gateway,
        name: 'orders',
        host: 'api.example.com',
        path,
        backend: new ExternalNameBackend(chart, `${id}-backend`, { externalName: 'orders.example.net' }),
        clientAuth: ClientAuth.none(),
      });
    api('first', a, '/one');
    const err = catchError(() => api('second', b, '/two'));
    expect(err.code).toBe(ErrorCode.DUPLICATE_ROUTE);
    expect(err.message).toContain('route name "orders" is already served by this reference proxy for test/first');
  });

  it('fails synth when the config outgrows a ConfigMap (1 MiB)', () => {
    const chart = testChart();
    const gateway = new ReferenceProxyGateway(chart, 'gateway');
    new SecuredApi(chart, 'huge', {
      gateway,
      host: 'api.example.com',
      backend: new ExternalNameBackend(chart, 'b', { externalName: 'b.example.net' }),
      clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com/', audience: 'api', requiredClaims: { blob: 'x'.repeat(1_000_000) } }),
    });
    expect(() => synthObjects(chart)).toThrow(/\[test\/gateway\/proxy\] routes: the config document of 1 routes is \d+ bytes; a ConfigMap holds at most 1000000\. Fix: spread the APIs/);
  });

  it('renders a stable manifest', async () => {
    const { chart } = twoRouteChart();
    await expect(toYaml(synthObjects(chart))).toMatchFileSnapshot('./__snapshots__/reference-proxy.yaml');
  });
});

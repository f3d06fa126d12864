import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, shopEnvironment } from '../../../examples/multi-environment';
import {
  CONTENT_HASH_ANNOTATION,
  DEFAULT_REFRESH_INTERVAL,
  ErrorCode,
  RELOADER_AUTO_ANNOTATION,
  RELOADER_CONFIGMAPS_ANNOTATION,
  RELOADER_SECRETS_ANNOTATION,
  RestartOnChange,
  contentHash,
} from '../../../src';
import { findObject, synthObjects } from '../../support/synth';

function rawDeployment(chart: Chart, withTemplateMetadata = true): ApiObject {
  return new ApiObject(chart, 'proxy', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'proxy' },
    spec: {
      selector: { matchLabels: { app: 'proxy' } },
      template: {
        ...(withTemplateMetadata ? { metadata: { labels: { app: 'proxy' }, annotations: { keep: 'me' } } } : {}),
        spec: { containers: [{ name: 'proxy', image: 'proxy:1' }] },
      },
    },
  });
}

function configMap(chart: Chart, data: Record<string, string>): ApiObject {
  return new ApiObject(chart, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'proxy-config' }, data });
}

function hashOf(data: Record<string, string>): string {
  const chart = new Chart(Testing.app(), 'c');
  const cm = configMap(chart, data);
  const d = rawDeployment(chart);
  RestartOnChange.contentHash(cm).applyTo(d);
  return findObject(synthObjects(chart), 'Deployment', 'proxy').spec.template.metadata.annotations[CONTENT_HASH_ANNOTATION];
}

describe('RestartOnChange', () => {
  it('opts a workload in to Reloader for every referenced Secret and ConfigMap', () => {
    const chart = new Chart(Testing.app(), 'c');
    RestartOnChange.reloader().applyTo(rawDeployment(chart));
    expect(findObject(synthObjects(chart), 'Deployment', 'proxy').metadata.annotations).toEqual({ [RELOADER_AUTO_ANNOTATION]: 'true' });
  });

  it('names Secrets and ConfigMaps for Reloader, sorted', () => {
    const chart = new Chart(Testing.app(), 'c');
    RestartOnChange.reloaderFor({ secrets: ['oauth2-proxy', 'api-keys'], configMaps: ['rules'] }).applyTo(rawDeployment(chart));
    expect(findObject(synthObjects(chart), 'Deployment', 'proxy').metadata.annotations).toEqual({
      [RELOADER_SECRETS_ANNOTATION]: 'api-keys,oauth2-proxy',
      [RELOADER_CONFIGMAPS_ANNOTATION]: 'rules',
    });
  });

  it('refuses an empty Reloader target list', () => {
    expect(() => RestartOnChange.reloaderFor({})).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_PROPS }));
  });

  it('puts a content hash on the pod template that changes only with the content', () => {
    const a = hashOf({ RULES: 'v1' });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(hashOf({ RULES: 'v1' })).toBe(a);
    expect(hashOf({ RULES: 'v2' })).not.toBe(a);
  });

  it('keeps existing pod-template annotations and creates the metadata when missing', () => {
    const chart = new Chart(Testing.app(), 'c');
    const cm = configMap(chart, { A: '1' });
    RestartOnChange.contentHash(cm).applyTo(rawDeployment(chart));
    const with_ = findObject(synthObjects(chart), 'Deployment', 'proxy').spec.template.metadata;
    expect(with_.annotations.keep).toBe('me');
    expect(with_.labels).toEqual({ app: 'proxy' });

    const bare = new Chart(Testing.app(), 'c');
    RestartOnChange.contentHash({ any: 'json' }).applyTo(rawDeployment(bare, false));
    expect(Object.keys(findObject(synthObjects(bare), 'Deployment', 'proxy').spec.template.metadata.annotations)).toEqual([CONTENT_HASH_ANNOTATION]);
  });

  it('computes the hash of a cdk8s-plus workload at synth, so later changes count', () => {
    const chart = new Chart(Testing.app(), 'c');
    const cm = new kplus.ConfigMap(chart, 'cm', { data: { A: '1' } });
    const d = new kplus.Deployment(chart, 'app', { containers: [{ image: 'app:1', portNumber: 8080 }] });
    RestartOnChange.combine(RestartOnChange.reloader(), RestartOnChange.contentHash(cm)).applyTo(d);
    const before = findObject(synthObjects(chart), 'Deployment', d.name);
    cm.addData('B', '2');
    const after = findObject(synthObjects(chart), 'Deployment', d.name);
    expect(before.metadata.annotations).toEqual({ [RELOADER_AUTO_ANNOTATION]: 'true' });
    expect(before.spec.template.metadata.annotations[CONTENT_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{32}$/);
    expect(after.spec.template.metadata.annotations[CONTENT_HASH_ANNOTATION]).not.toBe(before.spec.template.metadata.annotations[CONTENT_HASH_ANNOTATION]);
  });

  it('refuses to hash a Secret (a hash of a value is a guessing oracle)', () => {
    const chart = new Chart(Testing.app(), 'c');
    const secret = new kplus.Secret(chart, 's', { stringData: { password: 'x' } });
    expect(() => RestartOnChange.contentHash(secret)).toThrow(expect.objectContaining({ code: ErrorCode.PLAINTEXT_SECRET }));
  });

  it('refuses a workload without a pod template', () => {
    const chart = new Chart(Testing.app(), 'c');
    const svc = new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} });
    expect(() => RestartOnChange.contentHash({ a: 1 }).applyTo(svc)).toThrow(/without spec.template/);
  });

  it('hashes JSON values independently of key order', () => {
    expect(contentHash([{ a: 1, b: [1, { c: 2, d: 3 }] }])).toBe(contentHash([{ b: [1, { d: 3, c: 2 }], a: 1 }]));
  });

  it('rolls the multi-environment orders pods when their ConfigMap changes', () => {
    const chart = shopEnvironment(Testing.app(), ENVIRONMENTS.staging);
    const deployment = synthObjects(chart).find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.template.metadata.annotations[CONTENT_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('syncs ExternalSecrets every DEFAULT_REFRESH_INTERVAL (1h), how soon a rotated secret reaches the cluster', () => {
    expect(DEFAULT_REFRESH_INTERVAL).toBe('1h');
    const chart = shopEnvironment(Testing.app(), ENVIRONMENTS.production);
    const es = findObject(synthObjects(chart), 'ExternalSecret', 'payments-upstream');
    expect(es.spec.refreshInterval).toBe('1h');
    expect(es.spec.data).toEqual([{ secretKey: 'api-key', remoteRef: { key: 'production/shop/payments', property: 'api_key' } }]);
  });
});

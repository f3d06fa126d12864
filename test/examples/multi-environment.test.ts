import * as fs from 'node:fs';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, shopEnvironment } from '../../examples/multi-environment';
import { examples } from '../../examples';
import { findObject, synthObjects, toYaml } from '../support/synth';

describe('multi-environment example', () => {
  for (const env of [ENVIRONMENTS.staging, ENVIRONMENTS.production]) {
    it(`synthesizes ${env.id} to its snapshot`, async () => {
      const objects = synthObjects(shopEnvironment(Testing.app(), env));
      await expect(toYaml(objects)).toMatchFileSnapshot(`__snapshots__/${env.id}.k8s.yaml`);
    });
  }

  it('writes one file per environment', () => {
    const app = Testing.app();
    examples.staging(app);
    examples.production(app);
    app.synth();
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['production.k8s.yaml', 'staging.k8s.yaml']);
  });

  it('uses the per-environment host, issuer, secret path and replica count', () => {
    const prod = synthObjects(shopEnvironment(Testing.app(), ENVIRONMENTS.production));
    expect(findObject(prod, 'IngressRoute', 'orders').spec.routes[0].match).toContain('Host(`api.shop.example.com`)');
    expect(findObject(prod, 'Middleware', 'orders-jwt').spec.plugin.jwt.claims).toContain('https://login.shop.example.com/');
    expect(findObject(prod, 'ExternalSecret', 'payments-upstream').spec.data[0].remoteRef.key).toBe('production/shop/payments');
    expect(prod.find((o) => o.kind === 'Deployment')!.spec.replicas).toBe(3);
    const staging = synthObjects(shopEnvironment(Testing.app(), ENVIRONMENTS.staging));
    expect(staging.find((o) => o.kind === 'Deployment')!.spec.replicas).toBe(1);
    expect(staging.every((o) => o.metadata.namespace === undefined || o.metadata.namespace === 'shop-staging')).toBe(true);
  });
});

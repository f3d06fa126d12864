import { ConfigMap } from '@pulumi/kubernetes/core/v1';
import { Provider } from '@pulumi/kubernetes/provider';
import * as pulumi from '@pulumi/pulumi';
import { App, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { oicOnOke } from '../../examples/oic-on-oke';
import { thirdPartyApisOnOathkeeper } from '../../examples/third-party-apis';
import { EdgeSource, GatewayNetworkPolicies, GatewrightError } from '../../src';
import { GatewrightChart, stageOf, synthesizeObjects, WAIT_FOR_ANNOTATION } from '../../src/pulumi';
import { installPulumiMocks, settle, valueOf, type PulumiMockHarness } from '../support/pulumi-mocks';

let mocks: PulumiMockHarness;
let provider: Provider;
beforeAll(() => {
  mocks = installPulumiMocks();
  provider = new Provider('cluster', { kubeconfig: '{}' });
});

const ids = (objs: { kind: string; metadata: { name: string } }[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);

describe('GatewrightChart (third-party APIs on Oathkeeper)', () => {
  let deployed: GatewrightChart;
  let helmStandIn: pulumi.CustomResource;

  beforeAll(async () => {
    const chart = thirdPartyApisOnOathkeeper(Testing.app());
    new GatewayNetworkPolicies(chart, 'fence', {
      gateway: { namespace: 'saas-gateway', podLabels: { 'app.kubernetes.io/name': 'oathkeeper' } },
      gatewayPorts: [4455],
      edge: EdgeSource.namespace('traefik'),
      clusterCidrs: ['10.0.0.0/16', '172.20.0.0/16'],
    });
    deployed = new GatewrightChart('saas', {
      chart,
      provider,
      // Stands in for the Oathkeeper Helm release that must start between the stages.
      beforeRouting: (foundation) => [(helmStandIn = new ConfigMap('oathkeeper-release', { data: {} }, { provider, dependsOn: [foundation] }))],
    });
    await settle(deployed.resources, helmStandIn.id);
  });

  it('deploys foundation objects first: stores, ExternalSecrets, Services, NetworkPolicies, config', () => {
    expect(ids(deployed.foundationObjects as any)).toEqual([
      'ConfigMap/oathkeeper-config',
      'SecretStore/aws-secrets-manager',
      'Service/jira-cloud',
      'ExternalSecret/jira-credentials',
      'ExternalSecret/okta-credentials',
      'ExternalSecret/datadog-credentials',
      'ExternalSecret/salesforce-credentials',
      'Service/okta-org',
      'Service/datadog-intake',
      'Service/salesforce-org',
      'NetworkPolicy/fence-gateway-ingress',
      'NetworkPolicy/fence-gateway-egress',
    ]);
  });

  it('puts the routes (Oathkeeper Rules) in the second stage', () => {
    expect(ids(deployed.routingObjects as any)).toEqual(['jira', 'okta', 'datadog', 'salesforce'].flatMap((r) => [`Rule/${r}`, `Rule/${r}-deny-other-methods`]));
  });

  it('hands the synthesized objects to two yaml/v2 ConfigGroups with the given provider', () => {
    const groups = mocks.ofType('kubernetes:yaml/v2:ConfigGroup').filter((g) => g.name.startsWith('saas-'));
    expect(groups.map((g) => g.name)).toEqual(['saas-foundation', 'saas-routing']);
    expect(ids(groups[0].inputs.objs)).toEqual(ids(deployed.foundationObjects as any));
    expect(ids(groups[1].inputs.objs)).toEqual(ids(deployed.routingObjects as any));
    expect(groups[0].inputs.skipAwait).toBe(false);
    const rule = groups[1].inputs.objs.find((o: any) => o.metadata.name === 'jira');
    expect(rule.apiVersion).toBe('oathkeeper.ory.sh/v1alpha1');
    expect(rule.metadata.namespace).toBe('saas-gateway');
    for (const g of groups) expect(g.parent).toContain('gatewright:k8s:Chart::saas');
  });

  it('makes the routing stage depend on the foundation and on what runs between the stages', () => {
    const [foundation, routing] = mocks.ofType('kubernetes:yaml/v2:ConfigGroup').filter((g) => g.name.startsWith('saas-'));
    const between = mocks.find('kubernetes:core/v1:ConfigMap', 'oathkeeper-release');
    expect(routing.dependencies).toEqual(expect.arrayContaining([foundation.urn, between.urn]));
    expect(between.dependencies).toContain(foundation.urn);
    expect(foundation.dependencies).not.toContain(routing.urn);
  });

  it('asks Pulumi to wait until each ExternalSecret is Ready (its Secret exists)', () => {
    const externalSecrets = deployed.foundationObjects.filter((o) => o.kind === 'ExternalSecret');
    expect(externalSecrets).toHaveLength(4);
    for (const es of externalSecrets) expect(es.metadata.annotations).toEqual({ [WAIT_FOR_ANNOTATION]: 'condition=Ready' });
    expect(deployed.foundationObjects.find((o) => o.kind === 'SecretStore')!.metadata.annotations).toBeUndefined();
  });

  it('exposes the created resources of both stages', async () => {
    expect(await valueOf(deployed.resources)).toEqual([...ids(deployed.foundationObjects as any), ...ids(deployed.routingObjects as any)]);
  });

  it('never carries a secret value: no core Secret objects, credentials only as env references', () => {
    expect(deployed.foundationObjects.some((o) => o.kind === 'Secret')).toBe(false);
    const text = stringify([...deployed.foundationObjects, ...deployed.routingObjects]);
    expect(text).toMatch(/GW_SECRET_SALESFORCE_CREDENTIALS_GW_BEARER_ACCESS_TOKEN_[0-9A-F]{12}/);
  });
});

describe('GatewrightChart (OIC on OKE, Traefik Hub)', () => {
  it('stages Middlewares and IngressRoutes after the ExternalName Service', async () => {
    const deployed = new GatewrightChart('oic', { chart: oicOnOke(Testing.app()), provider, waitForSecrets: false });
    await settle(deployed.resources);
    expect(ids(deployed.foundationObjects as any)).toEqual(['Service/oic']);
    expect(ids(deployed.routingObjects as any)).toEqual([
      'Middleware/gateway-untrusted-headers',
      'Middleware/oic-token',
      'ServersTransport/gateway-transport-30s',
      'Middleware/echo-jwt',
      'Middleware/echo-rewrite',
      'Middleware/echo-strip-caller',
      'IngressRoute/echo',
    ]);
  });

  it('skips the routing group when there are no routes', async () => {
    const app = new App();
    const chart = new (require('cdk8s').Chart)(app, 'bare', { namespace: 'x' });
    new GatewayNetworkPolicies(chart, 'fence', { gateway: { namespace: 'x' }, gatewayPorts: [8443], edge: EdgeSource.anywhere(), clusterCidrs: ['10.0.0.0/8'] });
    const deployed = new GatewrightChart('bare', { chart: app, provider });
    await settle(deployed.resources);
    expect(deployed.routing).toBeUndefined();
  });
});

describe('GatewrightChart with a core Secret in the chart', () => {
  it('marks the stage objects as a Pulumi secret, so state stores them encrypted', async () => {
    const chart = Testing.chart();
    const { ApiObject } = require('cdk8s') as typeof import('cdk8s');
    new ApiObject(chart, 'unsafe', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unsafe', namespace: 'x' }, stringData: { token: 'not-a-real-token' } });
    const deployed = new GatewrightChart('with-secret', { chart, provider });
    await settle(deployed.resources);
    const rpc = require('@pulumi/pulumi/runtime/rpc') as { specialSigKey: string; specialSecretSig: string };
    const objs = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'with-secret-foundation').inputs.objs;
    expect(objs[rpc.specialSigKey]).toBe(rpc.specialSecretSig);
    const plain = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'saas-foundation').inputs.objs;
    expect(Array.isArray(plain)).toBe(true);
  });
});

describe('staging and synthesis', () => {
  it('classifies by API group', () => {
    expect(stageOf({ apiVersion: 'traefik.io/v1alpha1' })).toBe('routing');
    expect(stageOf({ apiVersion: 'hub.traefik.io/v1alpha1' })).toBe('routing');
    expect(stageOf({ apiVersion: 'oathkeeper.ory.sh/v1alpha1' })).toBe('routing');
    expect(stageOf({ apiVersion: 'external-secrets.io/v1' })).toBe('foundation');
    expect(stageOf({ apiVersion: 'networking.k8s.io/v1' })).toBe('foundation');
    expect(stageOf({ apiVersion: 'v1' })).toBe('foundation');
  });

  it('runs the construct tree validations before deploying anything', () => {
    const chart = Testing.chart();
    new GatewayNetworkPolicies(chart, 'fence', {
      gateway: { namespace: 'x' },
      gatewayPorts: [8443],
      edge: EdgeSource.anywhere(),
      clusterCidrs: ['10.0.0.0/8'],
      ciliumFqdnEgress: {},
    });
    expect(() => synthesizeObjects(chart)).toThrow(GatewrightError);
  });
});

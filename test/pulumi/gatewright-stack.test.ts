import { Provider } from '@pulumi/kubernetes/provider';
import * as pulumi from '@pulumi/pulumi';
import { App, Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { thirdPartyApisOnOathkeeper } from '../../examples/third-party-apis';
import { AwsSecretsManagerStore, ClientAuth, ErrorCode, ExternalNameBackend, OathkeeperGateway, SecuredApi, UpstreamCredential } from '../../src';
import { GatewrightStack, OkeSecretAccess, resolveApp } from '../../src/pulumi';
import { AwsSecretAccess } from '../../src/pulumi/aws';
import { catchError } from '../support/errors';
import { installPulumiMocks, settle, valueOf, type PulumiMockHarness } from '../support/pulumi-mocks';
import { build as oicVaultApp } from './fixtures/oic-vault-app';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123';

let harness: PulumiMockHarness;
let provider: Provider;
beforeAll(() => {
  harness = installPulumiMocks({
    'aws:eks/getCluster:getCluster': { name: 'prod', identities: [{ oidcs: [{ issuer: ISSUER }] }] },
    'aws:index/getCallerIdentity:getCallerIdentity': { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/ci', userId: 'X' },
    'aws:index/getPartition:getPartition': { partition: 'aws', dnsSuffix: 'amazonaws.com' },
    'aws:index/getRegion:getRegion': { region: 'eu-west-1', name: 'eu-west-1' },
  });
  provider = new Provider('cluster', { kubeconfig: '{}', enableServerSideApply: true });
});

/** Stands in for `oci.identity.Policy` (gatewright does not depend on @pulumi/oci). */
class StandInPolicy extends pulumi.CustomResource {
  constructor(name: string, statements: string[], opts: pulumi.CustomResourceOptions) {
    super('test:index:Policy', name, { statements }, opts);
  }
}

/** A chart whose one API reads an AWS secret through a store that does (or does not) name a service account. */
function awsApp(storeServiceAccount: string | undefined): (app: App) => void {
  return (app) => {
    const chart = new Chart(app, 'orders', { namespace: 'orders' });
    const store = new AwsSecretsManagerStore(chart, 'aws', { region: 'eu-west-1', ...(storeServiceAccount ? { serviceAccountName: storeServiceAccount } : {}) });
    new SecuredApi(chart, 'api', {
      gateway: new OathkeeperGateway(chart, 'gateway'),
      host: 'orders.example.com',
      backend: new ExternalNameBackend(chart, 'backend', { externalName: 'orders.example.net' }),
      clientAuth: ClientAuth.jwt({ jwksUrl: 'https://login.example.com/jwks.json', issuer: 'https://login.example.com/', audience: 'orders' }),
      scopes: ['orders:read'],
      methods: ['GET'],
      upstreamAuth: UpstreamCredential.header('X-Api-Key', store.secretRef({ remoteKey: 'prod/orders', property: 'key', secretName: 'orders-upstream', key: 'api-key' })),
    });
  };
}

describe('GatewrightStack app sources', () => {
  it('takes an App, a Chart of an App, or a function that declares charts', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    expect(resolveApp(app)).toBe(app);
    expect(resolveApp(chart)).toBe(app);
    const built = resolveApp((a) => new Chart(a, 'from-builder', { namespace: 'x' }));
    expect(built.charts.map((c) => c.node.id)).toEqual(['from-builder']);
  });

  it('rejects a builder that declares no chart, saying what to do', () => {
    const err = catchError(() => resolveApp(() => undefined));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toBe(
      'app: the app builder declared no chart. Fix: create your charts in the App the function receives: (app) => { new Chart(app, "gateway", ...) }',
    );
  });
});

describe('GatewrightStack with IRSA, a new OIDC provider and External Secrets Operator', () => {
  let mocks: ReturnType<PulumiMockHarness['fromNow']>;
  let stack: GatewrightStack;
  beforeAll(async () => {
    mocks = harness.fromNow();
    stack = new GatewrightStack('irsa', {
      app: (app) => thirdPartyApisOnOathkeeper(app),
      provider,
      secretAccess: AwsSecretAccess.irsa({ clusterName: 'prod', createOidcProvider: true }),
      externalSecrets: { install: true },
    });
    await settle(stack.resources, ...(stack.outputs.irsaRoleArns as pulumi.Output<string>[]));
  });

  it('creates the IAM OIDC provider for the cluster issuer and trusts the role through it', async () => {
    const oidc = mocks.find('aws:iam/openIdConnectProvider:OpenIdConnectProvider', 'irsa-oidc');
    expect(oidc.inputs).toMatchObject({ url: ISSUER, clientIdLists: ['sts.amazonaws.com'] });
    const role = mocks.find('aws:iam/role:Role', 'aws-secrets-manager-irsa-role');
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement[0].Principal.Federated).toBe('arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123');
    expect(await valueOf(stack.outputs.oidcProviderArn as pulumi.Output<string>)).toBe(trust.Statement[0].Principal.Federated);
    // The role waits for the provider: its ARN is an output of the created resource.
    expect(role.dependencies).toContain(oidc.urn);
  });

  it('installs External Secrets Operator at the pinned version before the foundation', () => {
    const eso = mocks.find('kubernetes:helm.sh/v4:Chart', 'irsa-external-secrets');
    expect(eso.inputs).toMatchObject({ chart: 'external-secrets', version: '2.9.0', namespace: 'external-secrets', repositoryOpts: { repo: 'https://charts.external-secrets.io' } });
    const ns = mocks.find('kubernetes:core/v1:Namespace', 'irsa-ns-external-secrets');
    expect(eso.dependencies).toContain(ns.urn);
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'irsa-foundation');
    expect(foundation.dependencies).toContain(eso.urn);
  });

  it('waits for every ExternalSecret to be Ready by default', () => {
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'irsa-foundation');
    const externalSecrets = foundation.inputs.objs.filter((o: any) => o.kind === 'ExternalSecret');
    expect(externalSecrets).toHaveLength(4);
    for (const es of externalSecrets) expect(es.metadata.annotations['pulumi.com/waitFor']).toBe('condition=Ready');
  });

  it('reports no ungranted secret when every store has its own service account', () => {
    expect(stack.outputs.ungrantedSecrets).toEqual([]);
    expect(stack.referencedSecrets.map((s) => s.remoteKey)).toEqual(['gatewright/saas/datadog', 'gatewright/saas/jira', 'gatewright/saas/okta', 'gatewright/saas/salesforce']);
  });
});

describe('GatewrightStack with Pod Identity', () => {
  let mocks: ReturnType<PulumiMockHarness['fromNow']>;
  let stack: GatewrightStack;
  beforeAll(async () => {
    mocks = harness.fromNow();
    stack = new GatewrightStack('pod', { app: awsApp(undefined), provider, secretAccess: AwsSecretAccess.podIdentity({ clusterName: 'prod' }), createNamespaces: false });
    await settle(stack.resources, stack.outputs.grantedPolicy as pulumi.Output<string>);
  });

  it('associates one role with ESO’s own service account and grants exactly the referenced secret', async () => {
    const association = mocks.find('aws:eks/podIdentityAssociation:PodIdentityAssociation', 'pod-pod-identity-association');
    expect(association.inputs).toMatchObject({ clusterName: 'prod', namespace: 'external-secrets', serviceAccount: 'external-secrets' });
    const policy = JSON.parse(await valueOf(stack.outputs.grantedPolicy as pulumi.Output<string>));
    expect(policy.Statement[0].Resource).toEqual(['arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders-??????']);
  });

  it('creates no namespace when told not to', () => {
    expect(stack.namespaces).toEqual([]);
    expect(mocks.ofType('kubernetes:core/v1:Namespace')).toEqual([]);
  });

  it('refuses a store that authenticates as its own service account (IRSA), naming the store and the fix', () => {
    const err = catchError(() => new GatewrightStack('pod-conflict', { app: awsApp('eso-orders'), provider, secretAccess: AwsSecretAccess.podIdentity({ clusterName: 'prod' }) }));
    expect(err.code).toBe(ErrorCode.CONFLICT);
    expect(err.message).toBe(
      '[SecretStore/orders/aws] serviceAccountName: authenticates as service account "eso-orders" (IRSA), but the stack grants access through Pod Identity. ' +
        'Fix: drop serviceAccountName from the AwsSecretsManagerStore (ESO then uses its Pod Identity credentials), or use AwsSecretAccess.irsa',
    );
  });
});

describe('GatewrightStack on OKE', () => {
  let mocks: ReturnType<PulumiMockHarness['fromNow']>;
  let given: string[] | undefined;
  beforeAll(async () => {
    mocks = harness.fromNow();
    const stack = new GatewrightStack('oke', {
      app: oicVaultApp,
      provider,
      waitForSecrets: false,
      secretAccess: OkeSecretAccess.workloadIdentity({
        compartmentOcid: 'ocid1.compartment.oc1..aaaaaaaacompartment',
        clusterOcid: 'ocid1.cluster.oc1.eu-frankfurt-1.aaaaaaaacluster',
        // Stands in for oci.identity.Policy: any resource the foundation must wait for.
        createPolicy: (statements, opts) => {
          given = statements;
          return new StandInPolicy('eso-read', statements, opts);
        },
      }),
    });
    await settle(stack.resources);
  });

  it('hands the computed statements to createPolicy and applies the ExternalSecrets after the policy', () => {
    expect(given).toHaveLength(3);
    expect(given!.every((s) => s.includes("request.principal.service_account = 'external-secrets-oci'"))).toBe(true);
    const policy = mocks.find('test:index:Policy', 'eso-read');
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'oke-foundation');
    expect(foundation.dependencies).toContain(policy.urn);
  });
});

describe('GatewrightStack chart versions and Oathkeeper releases', () => {
  it('refuses a chart version that is a range', () => {
    const err = catchError(() => new GatewrightStack('ranged', { app: (app) => thirdPartyApisOnOathkeeper(app), provider, oathkeeper: { version: '^0.62' } }));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toBe(
      '[ranged/oathkeeper] version: "^0.62" is not one exact chart version, so every pulumi up could install another chart. ' +
        'Fix: give an exact version such as "0.62.1" (helm search repo <chart> --versions lists them)',
    );
  });

  it('refuses two OathkeeperGateways in one namespace: one release serves one namespace', () => {
    const twoGateways = (app: App) => {
      thirdPartyApisOnOathkeeper(app, 'a');
      thirdPartyApisOnOathkeeper(app, 'b');
    };
    const err = catchError(() => new GatewrightStack('two', { app: twoGateways, provider }));
    expect(err.code).toBe(ErrorCode.CONFLICT);
    expect(err.message).toBe(
      '[b/oathkeeper] is a second OathkeeperGateway in namespace "saas-gateway" (the first is a/oathkeeper); one Oathkeeper release serves one namespace. ' +
        'Fix: give each OathkeeperGateway its own namespace, or serve all routes from one gateway',
    );
  });

  // Issue 11 §2.2: with maester delivery the chart mounts ConfigMap `<release>-rules`, which
  // maester writes when it reconciles the first Rule; Oathkeeper cannot start before that. The
  // Rules go in the routing stage, after the release, so the release must not be awaited — and
  // the routing stage must still come after it (the Rule CRD is in the chart).
  it('§2.2 does not wait for Oathkeeper to be ready when maester delivers the rules, and applies the Rules after the release', async () => {
    const mocks = harness.fromNow();
    const stack = new GatewrightStack('maester', { app: (app) => thirdPartyApisOnOathkeeper(app), provider });
    await settle(stack.resources);
    const release = mocks.find('kubernetes:helm.sh/v4:Chart', 'maester-oathkeeper');
    expect(release.inputs.values.maester).toEqual({ enabled: true });
    expect(release.inputs.skipAwait).toBe(true);
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'maester-foundation');
    const routing = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'maester-routing');
    expect(release.dependencies).toContain(foundation.urn);
    expect(routing.dependencies).toContain(release.urn);
    expect(routing.inputs.objs.filter((o: any) => o.kind === 'Rule').length).toBeGreaterThan(0);
    // Nothing in the foundation is the rules ConfigMap maester owns.
    expect(foundation.inputs.objs.filter((o: any) => o.kind === 'ConfigMap').map((o: any) => o.metadata.name)).not.toContain('oathkeeper-rules');
  });

  it('waits for Oathkeeper when its rules are gatewright’s own ConfigMap, deployed in the foundation before the release', async () => {
    const mocks = harness.fromNow();
    const stack = new GatewrightStack('configmap', { app: awsApp('orders-eso'), provider });
    await settle(stack.resources);
    const release = mocks.find('kubernetes:helm.sh/v4:Chart', 'configmap-oathkeeper');
    expect(release.inputs.values.maester).toEqual({ enabled: false });
    expect(release.inputs.skipAwait).toBeUndefined();
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'configmap-foundation');
    const rulesName = release.inputs.values.oathkeeper.accessRulesOverride.nameOverride;
    expect(foundation.inputs.objs.find((o: any) => o.kind === 'ConfigMap' && o.metadata.name === rulesName)).toBeDefined();
    expect(release.dependencies).toContain(foundation.urn);
  });

  it('installs no Oathkeeper when told not to', async () => {
    const mocks = harness.fromNow();
    const stack = new GatewrightStack('no-oathkeeper', { app: (app) => thirdPartyApisOnOathkeeper(app), provider, oathkeeper: { install: false } });
    await settle(stack.resources);
    expect(stack.oathkeeperReleases).toEqual([]);
    expect(mocks.ofType('kubernetes:helm.sh/v4:Chart')).toEqual([]);
  });
});

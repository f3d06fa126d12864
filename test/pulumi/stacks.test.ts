import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, GatewrightError } from '../../src';
import { deployEks, readEksConfig, type EksStackConfig } from '../../stacks/eks/program';
import { deployOke, readOkeConfig, type OkeStackConfig } from '../../stacks/oke/program';
import { catchError } from '../support/errors';
import { installPulumiMocks, settle, valueOf, type PulumiMockHarness } from '../support/pulumi-mocks';

/**
 * The bundled stacks are thin programs over GatewrightStack: they load the app from the module
 * `gatewright:app` names (relative to the Pulumi project folder, here the repository root) and
 * pick the secret access for their cloud.
 */
const ROOT = path.resolve(__dirname, '../..');
const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123';

let harness: PulumiMockHarness;
/** What the describe block deployed (both stacks use the same resource names). */
let mocks: Pick<PulumiMockHarness, 'resources' | 'ofType' | 'find'>;
beforeAll(() => {
  harness = installPulumiMocks({
    'aws:eks/getCluster:getCluster': {
      name: 'prod',
      endpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
      certificateAuthorities: [{ data: 'Q0E=' }],
      identities: [{ oidcs: [{ issuer: ISSUER }] }],
    },
    'aws:index/getCallerIdentity:getCallerIdentity': { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/ci', userId: 'X' },
    'aws:index/getPartition:getPartition': { partition: 'aws', dnsSuffix: 'amazonaws.com' },
    'aws:index/getRegion:getRegion': { region: 'eu-west-1', name: 'eu-west-1' },
  });
});

const eksConfig: EksStackConfig = {
  app: 'examples/third-party-apis.ts',
  appExport: 'thirdPartyApisOnOathkeeper',
  clusterName: 'prod',
  secretAccess: 'irsa',
  createOidcProvider: false,
  createNamespaces: true,
  waitForSecrets: true,
  installExternalSecrets: false,
};

describe('stacks/eks', () => {
  let outputs: Awaited<ReturnType<typeof deployEks>> & Record<string, any>;
  beforeAll(async () => {
    mocks = harness.fromNow();
    outputs = await deployEks(eksConfig, ROOT);
    await settle(...(outputs.irsaRoleArns as pulumi.Output<string>[]), ...(outputs.grantedPolicies as pulumi.Output<string>[]));
  });

  it('deploys the app the module path names, in its own namespace', () => {
    expect(outputs.namespaces).toEqual(['saas-gateway']);
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'gatewright-foundation');
    expect(foundation.inputs.objs.filter((o: any) => o.kind === 'ExternalSecret').map((o: any) => o.metadata.name)).toEqual([
      'jira-credentials',
      'okta-credentials',
      'datadog-credentials',
      'salesforce-credentials',
    ]);
  });

  it('creates one IRSA role, for the service account the SecretStore names, trusted through the cluster OIDC provider', () => {
    expect(outputs.irsaRoleArns).toHaveLength(1);
    const role = mocks.find('aws:iam/role:Role', 'aws-secrets-manager-irsa-role');
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement[0].Principal.Federated).toBe('arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123');
    expect(trust.Statement[0].Condition.StringEquals['oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123:sub']).toBe('system:serviceaccount:saas-gateway:external-secrets');
    const sa = mocks.find('kubernetes:core/v1:ServiceAccount', 'aws-secrets-manager-irsa-sa');
    expect(sa.inputs.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/aws-secrets-manager-irsa-role-1234567');
    const namespace = mocks.find('kubernetes:core/v1:Namespace', 'gatewright-ns-saas-gateway');
    expect(sa.dependencies).toContain(namespace.urn);
    // The provider exists already unless createOidcProvider is set.
    expect(mocks.ofType('aws:iam/openIdConnectProvider:OpenIdConnectProvider')).toEqual([]);
  });

  it('grants exactly the four SaaS credentials the routes use', async () => {
    const policy = JSON.parse(await valueOf(outputs.grantedPolicies[0]));
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Resource).toEqual(['datadog', 'jira', 'okta', 'salesforce'].map((n) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:gatewright/saas/${n}-??????`));
  });

  it('orders: IRSA role → foundation → Oathkeeper release (pinned) → routes', () => {
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'gatewright-foundation');
    const routing = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'gatewright-routing');
    const helm = mocks.find('kubernetes:helm.sh/v4:Chart', 'gatewright-oathkeeper');
    const irsa = mocks.resources.find((r) => r.type === 'gatewright:eks:IrsaRole')!;
    expect(helm.dependencies).toContain(foundation.urn);
    expect(routing.dependencies).toEqual(expect.arrayContaining([foundation.urn, helm.urn]));
    const irsaChildren = mocks.resources.filter((r) => r.parent === irsa.urn).map((r) => r.urn);
    expect(irsaChildren.length).toBeGreaterThan(0);
    expect(foundation.dependencies).toEqual(expect.arrayContaining(irsaChildren));
    expect(helm.inputs).toMatchObject({ chart: 'oathkeeper', name: 'oathkeeper', version: '0.62.1', namespace: 'saas-gateway', repositoryOpts: { repo: 'https://k8s.ory.sh/helm/charts' } });
    expect(helm.inputs.values.maester).toEqual({ enabled: true });
  });

  it('builds a kubeconfig that authenticates with aws eks get-token in the stack region, without a credential', () => {
    const provider = mocks.find('pulumi:providers:kubernetes', 'eks');
    expect(provider.inputs.enableServerSideApply).toBe('true');
    const kubeconfig = JSON.parse(provider.inputs.kubeconfig);
    expect(kubeconfig.users[0].user.exec.args).toEqual(['eks', 'get-token', '--cluster-name', 'prod', '--region', 'eu-west-1', '--output', 'json']);
    expect(kubeconfig.users[0].user.token).toBeUndefined();
  });

  it('names the config key, the module and its exports when the app export does not exist', async () => {
    const err = await deployEks({ ...eksConfig, appExport: 'noSuchExport' }, ROOT).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatewrightError);
    expect((err as GatewrightError).code).toBe(ErrorCode.INVALID_PROPS);
    expect((err as GatewrightError).message).toMatch(/^\[gatewright:app\] .*examples\/third-party-apis\.ts exports no function "noSuchExport"; it exports: .*thirdPartyApisOnOathkeeper/);
  });

  it('names the config key and the path when the module is missing', async () => {
    const err = (await deployEks({ ...eksConfig, app: 'no/such/app.ts' }, ROOT).catch((e: unknown) => e)) as GatewrightError;
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toContain('[gatewright:app] could not load the app module');
    expect(err.message).toContain(path.join(ROOT, 'no/such/app.ts'));
  });
});

describe('stacks/oke', () => {
  const cfg: OkeStackConfig = {
    app: 'test/pulumi/fixtures/oic-vault-app.ts',
    kubeconfig: pulumi.secret('apiVersion: v1\nkind: Config\n'),
    clusterOcid: 'ocid1.cluster.oc1.eu-frankfurt-1.aaaaaaaacluster',
    compartmentOcid: 'ocid1.compartment.oc1..aaaaaaaacompartment',
    createServiceAccounts: true,
    createNamespaces: true,
    waitForSecrets: false,
    installExternalSecrets: false,
  };
  let outputs: Awaited<ReturnType<typeof deployOke>> & Record<string, any>;
  beforeAll(async () => {
    mocks = harness.fromNow();
    outputs = await deployOke(cfg, ROOT);
    await settle();
  });

  it('outputs one OCI policy statement per vault secret, for ESO’s workload identity', () => {
    expect(outputs.ociPolicyStatements).toHaveLength(3);
    for (const [i, name] of ['oic-client-id', 'oic-client-secret', 'oic-scope'].entries()) {
      expect(outputs.ociPolicyStatements[i]).toBe(
        'Allow any-user to read secret-bundles in compartment id ocid1.compartment.oc1..aaaaaaaacompartment where all {' +
          "request.principal.type = 'workload', request.principal.namespace = 'integrations', request.principal.service_account = 'external-secrets-oci', " +
          "request.principal.cluster_id = 'ocid1.cluster.oc1.eu-frankfurt-1.aaaaaaaacluster', target.vault.id = 'ocid1.vault.oc1.eu-frankfurt-1.aaaaaaaavault', " +
          `target.secret.name = '${name}'}`,
      );
    }
  });

  it('creates the chart namespace and the store’s service account, but not Traefik’s namespace', () => {
    expect(outputs.namespaces).toEqual(['integrations']);
    expect(mocks.ofType('kubernetes:core/v1:Namespace').map((n) => n.inputs.metadata.name)).not.toContain('traefik');
    const sa = mocks.find('kubernetes:core/v1:ServiceAccount', 'gatewright-external-secrets-oci');
    expect(sa.inputs.metadata).toMatchObject({ name: 'external-secrets-oci', namespace: 'integrations' });
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'gatewright-foundation');
    expect(foundation.dependencies).toContain(sa.urn);
  });

  it('deploys the oracle SecretStore with workload principal and the ExternalSecret first, the Traefik Hub routes second', () => {
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'gatewright-foundation');
    const routing = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'gatewright-routing');
    const store = foundation.inputs.objs.find((o: any) => o.kind === 'SecretStore');
    expect(store.spec.provider.oracle).toEqual({
      vault: 'ocid1.vault.oc1.eu-frankfurt-1.aaaaaaaavault',
      region: 'eu-frankfurt-1',
      principalType: 'Workload',
      serviceAccountRef: { name: 'external-secrets-oci' },
    });
    const es = foundation.inputs.objs.find((o: any) => o.kind === 'ExternalSecret');
    expect(es.spec.data.map((d: any) => d.remoteRef.key).sort()).toEqual(['oic-client-id', 'oic-client-secret', 'oic-scope']);
    expect(routing.inputs.objs.map((o: any) => o.kind)).toEqual(['Middleware', 'Middleware', 'ServersTransport', 'Middleware', 'Middleware', 'Middleware', 'IngressRoute']);
    // No OathkeeperGateway, no Oathkeeper release.
    expect(mocks.ofType('kubernetes:helm.sh/v4:Chart')).toEqual([]);
  });

  it('does not wait for the ExternalSecrets by default: the OCI policy they need is created after the first pulumi up', () => {
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'gatewright-foundation');
    const es = foundation.inputs.objs.find((o: any) => o.kind === 'ExternalSecret');
    expect(es.metadata.annotations?.['pulumi.com/waitFor']).toBeUndefined();
  });
});

describe('stack config', () => {
  it('reads the EKS keys from the gatewright namespace, IRSA by default', () => {
    pulumi.runtime.setAllConfig({ 'gatewright:clusterName': 'prod', 'gatewright:app': './gateway.ts' });
    expect(readEksConfig()).toEqual({
      app: './gateway.ts',
      appExport: undefined,
      clusterName: 'prod',
      secretAccess: 'irsa',
      createOidcProvider: false,
      kubeconfig: undefined,
      createNamespaces: true,
      waitForSecrets: true,
      oathkeeperChartVersion: undefined,
      installExternalSecrets: false,
    });
  });

  it('refuses an unknown secret access', () => {
    pulumi.runtime.setAllConfig({ 'gatewright:clusterName': 'prod', 'gatewright:app': './gateway.ts', 'gatewright:secretAccess': 'keys' });
    const err = catchError(() => readEksConfig());
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toBe('[gatewright:secretAccess] "keys" is not a secret access. Fix: pulumi config set gatewright:secretAccess irsa (or podIdentity)');
  });

  it('reads the OKE kubeconfig as a secret, refuses to run without it, and does not wait for secrets by default', async () => {
    pulumi.runtime.setAllConfig({ 'gatewright:app': './gateway.ts' });
    expect(() => readOkeConfig()).toThrow(/kubeconfig/);
    pulumi.runtime.setAllConfig(
      {
        'gatewright:app': './gateway.ts',
        'gatewright:kubeconfig': 'apiVersion: v1',
        'gatewright:clusterOcid': 'c',
        'gatewright:compartmentOcid': 'p',
      },
      ['gatewright:kubeconfig'],
    );
    const cfg = readOkeConfig();
    expect(await pulumi.isSecret(cfg.kubeconfig)).toBe(true);
    expect(cfg).toMatchObject({ app: './gateway.ts', clusterOcid: 'c', compartmentOcid: 'p', createServiceAccounts: true, waitForSecrets: false });
  });
});

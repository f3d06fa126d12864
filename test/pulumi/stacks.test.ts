import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployEks, readEksConfig } from '../../stacks/eks/program';
import { deployOke, readOkeConfig, type OkeStackConfig } from '../../stacks/oke/program';
import { installPulumiMocks, settle, valueOf, type PulumiMockHarness } from '../support/pulumi-mocks';

const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123';

let mocks: PulumiMockHarness;
beforeAll(() => {
  mocks = installPulumiMocks({
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

describe('stacks/eks', () => {
  let outputs: ReturnType<typeof deployEks>;
  beforeAll(async () => {
    outputs = deployEks({ clusterName: 'prod', clusterCidrs: ['10.0.0.0/16', '172.20.0.0/16'], edgeNamespace: 'traefik', installOathkeeper: true, createNamespace: true });
    await settle(outputs.resources, ...outputs.irsaRoleArns, ...outputs.grantedPolicies);
  });

  it('creates one IRSA role, for the service account the SecretStore names, trusted through the cluster OIDC provider', () => {
    expect(outputs.irsaRoleArns).toHaveLength(1);
    const role = mocks.find('aws:iam/role:Role', 'aws-secrets-manager-irsa-role');
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement[0].Principal.Federated).toBe('arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123');
    expect(trust.Statement[0].Condition.StringEquals['oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123:sub']).toBe('system:serviceaccount:saas-gateway:external-secrets');
    const sa = mocks.find('kubernetes:core/v1:ServiceAccount', 'aws-secrets-manager-irsa-sa');
    expect(sa.inputs.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/aws-secrets-manager-irsa-role-1234567');
    const namespace = mocks.resources.find((r) => r.type === 'kubernetes:core/v1:Namespace' && r.inputs.metadata.name === 'saas-gateway')!;
    expect(sa.dependencies).toContain(namespace.urn);
  });

  it('grants exactly the four SaaS credentials the routes use', async () => {
    const policy = JSON.parse(await valueOf(outputs.grantedPolicies[0]));
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Resource).toEqual(['datadog', 'jira', 'okta', 'salesforce'].map((n) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:gatewright/saas/${n}-??????`));
  });

  it('orders: IRSA role → foundation → Oathkeeper release → routes', () => {
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'third-party-apis-foundation');
    const routing = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'third-party-apis-routing');
    const helm = mocks.find('kubernetes:helm.sh/v4:Chart', 'oathkeeper');
    const irsa = mocks.resources.find((r) => r.type === 'gatewright:eks:IrsaRole')!;
    expect(helm.dependencies).toContain(foundation.urn);
    expect(routing.dependencies).toEqual(expect.arrayContaining([foundation.urn, helm.urn]));
    // dependsOn a component resolves to its children: the role, policy and ServiceAccount.
    const irsaChildren = mocks.resources.filter((r) => r.parent === irsa.urn).map((r) => r.urn);
    expect(irsaChildren.length).toBeGreaterThan(0);
    expect(foundation.dependencies).toEqual(expect.arrayContaining(irsaChildren));
    expect(helm.inputs.values.maester).toEqual({ enabled: true });
    expect(helm.inputs.namespace).toBe('saas-gateway');
  });

  it('deploys the NetworkPolicies around Oathkeeper in the foundation stage', () => {
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'third-party-apis-foundation');
    const policies = foundation.inputs.objs.filter((o: any) => o.kind === 'NetworkPolicy');
    expect(policies.map((p: any) => p.metadata.name)).toEqual(['saas-fence-gateway-ingress', 'saas-fence-gateway-egress']);
    expect(policies[0].spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'oathkeeper', 'app.kubernetes.io/instance': 'oathkeeper' });
  });

  it('builds a kubeconfig that authenticates with aws eks get-token in the stack region, without a credential', () => {
    const provider = mocks.find('pulumi:providers:kubernetes', 'eks');
    const kubeconfig = JSON.parse(provider.inputs.kubeconfig);
    // The exec plugin does not see aws:region from the stack config: the region must be in the args.
    expect(kubeconfig.users[0].user.exec.args).toEqual(['eks', 'get-token', '--cluster-name', 'prod', '--region', 'eu-west-1', '--output', 'json']);
    expect(kubeconfig.users[0].user.token).toBeUndefined();
  });
});

describe('stacks/oke', () => {
  const cfg: OkeStackConfig = {
    kubeconfig: pulumi.secret('apiVersion: v1\nkind: Config\n'),
    clusterOcid: 'ocid1.cluster.oc1.eu-frankfurt-1.aaaaaaaacluster',
    compartmentOcid: 'ocid1.compartment.oc1..aaaaaaaacompartment',
    vaultOcid: 'ocid1.vault.oc1.eu-frankfurt-1.aaaaaaaavault',
    ociRegion: 'eu-frankfurt-1',
    clusterCidrs: ['10.0.0.0/16', '10.244.0.0/16', '10.96.0.0/16'],
    apiServerCidrs: ['10.0.0.10/32'],
    namespace: 'integrations',
    traefikNamespace: 'traefik',
    esoServiceAccount: 'external-secrets-oci',
    apiHost: 'api.example.com',
    oicHost: 'myinst.integration.ocp.oraclecloud.com',
    oicPath: '/ic/api/integration/v2/flows/rest/project/P/ECHO/1.0',
    idcsUrl: 'https://idcs-abc.identity.oraclecloud.com',
    issuer: 'https://identity.oraclecloud.com/',
    certResolver: 'le',
    vaultSecrets: { clientId: 'oic-client-id', clientSecret: 'oic-client-secret', scope: 'oic-scope' },
    ciliumFqdnEgress: false,
    createNamespace: true,
  };
  let outputs: ReturnType<typeof deployOke>;
  beforeAll(async () => {
    outputs = deployOke(cfg);
    await settle(outputs.resources);
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

  it('deploys the oracle SecretStore with workload principal and the ExternalSecret first, the Traefik Hub routes second', () => {
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'oic-on-oke-foundation');
    const routing = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'oic-on-oke-routing');
    const store = foundation.inputs.objs.find((o: any) => o.kind === 'SecretStore');
    expect(store.spec.provider.oracle).toEqual({
      vault: cfg.vaultOcid,
      region: 'eu-frankfurt-1',
      principalType: 'Workload',
      serviceAccountRef: { name: 'external-secrets-oci' },
    });
    const es = foundation.inputs.objs.find((o: any) => o.kind === 'ExternalSecret');
    expect(es.spec.data.map((d: any) => d.remoteRef.key).sort()).toEqual(['oic-client-id', 'oic-client-secret', 'oic-scope']);
    expect(routing.inputs.objs.map((o: any) => o.kind)).toEqual(['Middleware', 'Middleware', 'ServersTransport', 'Middleware', 'Middleware', 'Middleware', 'IngressRoute']);
    const sa = mocks.find('kubernetes:core/v1:ServiceAccount', 'eso-oci');
    expect(foundation.dependencies).toContain(sa.urn);
  });

  it('does not wait for the ExternalSecrets by default: the OCI policy they need is created after the first pulumi up', () => {
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'oic-on-oke-foundation');
    const es = foundation.inputs.objs.find((o: any) => o.kind === 'ExternalSecret');
    expect(es.metadata.annotations?.['pulumi.com/waitFor']).toBeUndefined();
  });

  it('fences Traefik: open on its ports, egress to DNS, the API server on 6443 and the internet on 443 outside the cluster', () => {
    const foundation = mocks.find('kubernetes:yaml/v2:ConfigGroup', 'oic-on-oke-foundation');
    const egress = foundation.inputs.objs.find((o: any) => o.metadata.name === 'traefik-fence-gateway-egress');
    expect(egress.metadata.namespace).toBe('traefik');
    expect(egress.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] });
    expect(egress.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: cfg.clusterCidrs } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });
});

describe('stack config', () => {
  it('reads the EKS keys from the gatewright namespace', () => {
    pulumi.runtime.setAllConfig({ 'gatewright:clusterName': 'prod', 'gatewright:clusterCidrs': '["10.0.0.0/16"]' });
    expect(readEksConfig()).toMatchObject({ clusterName: 'prod', clusterCidrs: ['10.0.0.0/16'], edgeNamespace: 'traefik', installOathkeeper: true, createNamespace: true });
  });

  it('reads the OKE kubeconfig as a secret and refuses to run without it', async () => {
    expect(() => readOkeConfig()).toThrow(/kubeconfig/);
    pulumi.runtime.setAllConfig(
      {
        'gatewright:kubeconfig': 'apiVersion: v1',
        'gatewright:clusterOcid': 'c',
        'gatewright:compartmentOcid': 'p',
        'gatewright:vaultOcid': 'v',
        'gatewright:ociRegion': 'eu-frankfurt-1',
        'gatewright:clusterCidrs': '["10.0.0.0/16"]',
        'gatewright:apiServerCidrs': '["10.0.0.10/32"]',
        'gatewright:apiHost': 'api.example.com',
        'gatewright:oicHost': 'x.example.com',
        'gatewright:oicPath': '/p',
        'gatewright:idcsUrl': 'https://idcs.example.com',
      },
      ['gatewright:kubeconfig'],
    );
    const cfg = readOkeConfig();
    expect(await pulumi.isSecret(cfg.kubeconfig)).toBe(true);
    expect(cfg.vaultSecrets).toEqual({ clientId: 'oic-client-id', clientSecret: 'oic-client-secret', scope: 'oic-scope' });
    expect(cfg.waitForSecrets).toBe(false);
  });
});

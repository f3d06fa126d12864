/**
 * EKS: the third-party-API scenario (examples/third-party-apis.ts) on Ory Oathkeeper, with
 * credentials synced by External Secrets Operator from AWS Secrets Manager through an IRSA role
 * that can read exactly the secrets the routes reference, and NetworkPolicies that make
 * Oathkeeper the only way from the edge to the SaaS hosts.
 *
 * Prerequisites in the cluster (installed by the platform, not here): External Secrets Operator
 * (its CRDs), Traefik as the edge in namespace `edgeNamespace`, a NetworkPolicy-enforcing CNI
 * (VPC CNI with network policy enabled, or Cilium/Calico).
 */
import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { thirdPartyApisOnOathkeeper } from '../../examples/third-party-apis';
import { EdgeSource, GatewayNetworkPolicies, OathkeeperGateway } from '../../src';
import { GatewrightChart, IrsaRole } from '../../src/pulumi';

/** Config namespace shared by both stacks and by the top-level project. */
export const CONFIG_NAMESPACE = 'gatewright';

/** Everything the EKS stack reads from `pulumi config` (namespace `gatewright`). */
export interface EksStackConfig {
  /** `gatewright:clusterName` — the EKS cluster. */
  readonly clusterName: string;
  /** `gatewright:clusterCidrs` — VPC, pod and service CIDRs (JSON list). */
  readonly clusterCidrs: string[];
  /** `gatewright:edgeNamespace` — where Traefik (the edge) runs. Default `traefik`. */
  readonly edgeNamespace: string;
  /** `gatewright:kubeconfig` (secret, optional) — overrides the kubeconfig built from the cluster. */
  readonly kubeconfig?: pulumi.Output<string>;
  /** `gatewright:installOathkeeper` — install the ory/oathkeeper Helm chart. Default true. */
  readonly installOathkeeper: boolean;
  /** `gatewright:oathkeeperChartVersion` — pin the chart version. Default: latest. */
  readonly oathkeeperChartVersion?: string;
  /** `gatewright:createNamespace` — create the gateway namespace. Default true. */
  readonly createNamespace: boolean;
}

export function readEksConfig(): EksStackConfig {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  return {
    clusterName: config.require('clusterName'),
    clusterCidrs: config.requireObject<string[]>('clusterCidrs'),
    edgeNamespace: config.get('edgeNamespace') ?? 'traefik',
    kubeconfig: config.getSecret('kubeconfig'),
    installOathkeeper: config.getBoolean('installOathkeeper') ?? true,
    oathkeeperChartVersion: config.get('oathkeeperChartVersion'),
    createNamespace: config.getBoolean('createNamespace') ?? true,
  };
}

/** Oathkeeper pods as the ory/oathkeeper chart labels them (release name `oathkeeper`). */
const OATHKEEPER_PODS = { 'app.kubernetes.io/name': 'oathkeeper', 'app.kubernetes.io/instance': 'oathkeeper' };

export function deployEks(cfg: EksStackConfig = readEksConfig()) {
  const app = new App();
  const chart = thirdPartyApisOnOathkeeper(app);
  const namespace = chart.namespace!;
  const gateway = chart.node.findChild('oathkeeper') as OathkeeperGateway;
  new GatewayNetworkPolicies(chart, 'saas-fence', {
    gateway: { namespace, podLabels: OATHKEEPER_PODS },
    gatewayPorts: [4455],
    edge: EdgeSource.namespace(cfg.edgeNamespace),
    clusterCidrs: cfg.clusterCidrs,
  });

  const cluster = aws.eks.getClusterOutput({ name: cfg.clusterName });
  const identity = aws.getCallerIdentityOutput();
  const partition = aws.getPartitionOutput();
  const region = aws.getRegionOutput();
  const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs[0].issuer);
  const oidcProviderArn = pulumi.interpolate`arn:${partition.partition}:iam::${identity.accountId}:oidc-provider/${issuerUrl.apply((u) => u.replace(/^https:\/\//, ''))}`;
  const kubeconfig = cfg.kubeconfig ?? kubeconfigFor(cfg.clusterName, cluster, region.region);
  const provider = new k8s.Provider('eks', { kubeconfig, enableServerSideApply: true });

  const ns = cfg.createNamespace
    ? [new k8s.core.v1.Namespace('gateway-namespace', { metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'gatewright' } } }, { provider })]
    : [];

  // One IRSA role per AWS store in the chart, for the service account the store authenticates as,
  // granted exactly the secrets read through it.
  const roles = IrsaRole.forChart(chart, {
    oidcProviderArn,
    oidcIssuerUrl: issuerUrl,
    accountId: identity.accountId,
    region: region.region,
    provider,
    serviceAccountDependsOn: ns,
  });

  const deployed = new GatewrightChart('third-party-apis', {
    chart: app,
    provider,
    dependsOn: [...ns, ...roles],
    beforeRouting: (foundation) =>
      cfg.installOathkeeper
        ? [
            // After the foundation: Oathkeeper's env reads the synced Secrets; the routes need its Rule CRD.
            new k8s.helm.v4.Chart(
              'oathkeeper',
              {
                chart: 'oathkeeper',
                name: 'oathkeeper',
                namespace,
                version: cfg.oathkeeperChartVersion,
                repositoryOpts: { repo: 'https://k8s.ory.sh/helm/charts' },
                values: gateway.helmValues(),
              },
              { provider, dependsOn: [foundation] },
            ),
          ]
        : [],
  });

  return {
    namespace,
    irsaRoleArns: roles.map((r) => r.roleArn),
    grantedPolicies: roles.map((r) => r.permissionPolicy),
    resources: deployed.resources,
  };
}

/**
 * A kubeconfig that authenticates with `aws eks get-token` (no credential in state). The region
 * is passed explicitly: the exec plugin does not see `aws:region` from the stack config, and
 * without a region in the environment `get-token` fails or signs for another region.
 */
function kubeconfigFor(clusterName: string, cluster: pulumi.Output<aws.eks.GetClusterResult>, region: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.all([cluster.endpoint, cluster.certificateAuthorities, region]).apply(([endpoint, cas, region]) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: clusterName, cluster: { server: endpoint, 'certificate-authority-data': cas[0].data } }],
      contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
      'current-context': clusterName,
      users: [
        {
          name: clusterName,
          user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', clusterName, '--region', region, '--output', 'json'] } },
        },
      ],
    }),
  );
}

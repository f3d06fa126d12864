import { getClusterOutput, type GetClusterResult } from '@pulumi/aws/eks';
import { getCallerIdentityOutput } from '@pulumi/aws/getCallerIdentity';
import { getPartitionOutput } from '@pulumi/aws/getPartition';
import { getRegionOutput } from '@pulumi/aws/getRegion';
import * as pulumi from '@pulumi/pulumi';

/** What the IRSA and Pod Identity grants need to know about an EKS cluster and its account. */
export interface EksClusterFacts {
  /** The cluster as `aws.eks.getCluster` returns it. */
  readonly cluster: pulumi.Output<GetClusterResult>;
  /** The cluster's OIDC issuer URL (`https://oidc.eks.REGION.amazonaws.com/id/ID`). */
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** Account the stack runs in (owns the secrets and roles). */
  readonly accountId: pulumi.Output<string>;
  /** AWS partition (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: pulumi.Output<string>;
  /** The provider's region. */
  readonly region: pulumi.Output<string>;
}

/** Looks up an EKS cluster, the account and the region (data sources only; nothing is created). */
export function lookUpEksCluster(clusterName: pulumi.Input<string>, opts: pulumi.InvokeOutputOptions = {}): EksClusterFacts {
  const cluster = getClusterOutput({ name: clusterName }, opts);
  return {
    cluster,
    oidcIssuerUrl: cluster.identities.apply((ids) => ids[0].oidcs[0].issuer),
    accountId: getCallerIdentityOutput({}, opts).accountId,
    partition: getPartitionOutput({}, opts).partition,
    region: getRegionOutput({}, opts).region,
  };
}

/** Options of {@link eksKubeconfig}. */
export interface EksKubeconfigOptions {
  /** Name of the EKS cluster. */
  readonly clusterName: string;
  /**
   * Region of the cluster, passed to `aws eks get-token`.
   * @default - the provider's region
   */
  readonly region?: pulumi.Input<string>;
}

/**
 * A kubeconfig for an EKS cluster that authenticates with `aws eks get-token` (so no credential
 * is stored in the Pulumi state). The region is passed explicitly: the exec plugin does not see
 * `aws:region` from the stack config, and without a region in its environment `get-token`
 * fails or signs for another region.
 */
export function eksKubeconfig(options: EksKubeconfigOptions, opts: pulumi.InvokeOutputOptions = {}): pulumi.Output<string> {
  const { clusterName } = options;
  const cluster = getClusterOutput({ name: clusterName }, opts);
  const region = options.region ?? getRegionOutput({}, opts).region;
  return pulumi.all([cluster.endpoint, cluster.certificateAuthorities, region]).apply(([endpoint, cas, r]) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: clusterName, cluster: { server: endpoint, 'certificate-authority-data': cas[0].data } }],
      contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
      'current-context': clusterName,
      users: [
        {
          name: clusterName,
          user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', clusterName, '--region', r, '--output', 'json'] } },
        },
      ],
    }),
  );
}

import * as eks from '@pulumi/aws/eks';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { podIdentityTrustPolicy } from './aws-policies';
import { permissionPolicyJson, type SecretReadGrantArgs } from './irsa-role';

/** Arguments of {@link PodIdentityRole}. */
export interface PodIdentityRoleArgs extends SecretReadGrantArgs {
  /** Name of the EKS cluster (the Pod Identity Agent add-on must be installed). */
  readonly clusterName: pulumi.Input<string>;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account. */
  readonly serviceAccountName: string;
}

/**
 * The EKS Pod Identity alternative to {@link IrsaRole}: the same exact permission policy, a
 * trust policy for `pods.eks.amazonaws.com` pinned by session tags to one cluster, namespace and
 * service account, and an `eks.PodIdentityAssociation`. No annotation is needed.
 *
 * Pod Identity gives credentials to the *pod's own* service account only: with External
 * Secrets Operator, associate ESO's controller service account and leave the SecretStore's
 * `serviceAccountName` unset (ESO then uses its own credentials).
 */
export class PodIdentityRole extends pulumi.ComponentResource {
  /** The IAM role. */
  readonly role: iam.Role;
  /** ARN of the role. */
  readonly roleArn: pulumi.Output<string>;
  /** The inline permission policy. */
  readonly policy: iam.RolePolicy;
  /** The Pod Identity association of the role with the service account. */
  readonly association: eks.PodIdentityAssociation;
  /** Trust policy JSON, for review. */
  readonly trustPolicy: pulumi.Output<string>;
  /** Permission policy JSON, for review. */
  readonly permissionPolicy: pulumi.Output<string>;

  constructor(name: string, args: PodIdentityRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('gatewright:eks:PodIdentityRole', name, {}, opts);
    this.trustPolicy = pulumi.all([args.accountId, args.clusterName]).apply(([accountId, clusterName]) =>
      JSON.stringify(podIdentityTrustPolicy({ accountId, clusterName, namespace: args.namespace, serviceAccountName: args.serviceAccountName })),
    );
    this.permissionPolicy = permissionPolicyJson(args);
    this.role = new iam.Role(`${name}-role`, { assumeRolePolicy: this.trustPolicy, description: `gatewright: ${args.namespace}/${args.serviceAccountName} reads its referenced secrets` }, { parent: this });
    this.policy = new iam.RolePolicy(`${name}-read-secrets`, { role: this.role.name, policy: this.permissionPolicy }, { parent: this });
    this.roleArn = this.role.arn;
    this.association = new eks.PodIdentityAssociation(
      `${name}-association`,
      { clusterName: args.clusterName, namespace: args.namespace, serviceAccount: args.serviceAccountName, roleArn: this.roleArn },
      { parent: this, dependsOn: [this.policy] },
    );
    this.registerOutputs({ roleArn: this.roleArn, trustPolicy: this.trustPolicy, permissionPolicy: this.permissionPolicy });
  }
}

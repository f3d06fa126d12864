import * as iam from '@pulumi/aws/iam';
import { ServiceAccount, ServiceAccountPatch } from '@pulumi/kubernetes/core/v1';
import type { Provider } from '@pulumi/kubernetes/provider';
import * as pulumi from '@pulumi/pulumi';
import { ErrorCode, GatewrightError } from '../../model';
import { irsaTrustPolicy, secretsReadPolicy, type S3ObjectRef } from './aws-policies';
import type { IConstruct } from 'constructs';
import { collectReferencedSecrets, collectSecretStores, secretsManagerArns, type ReferencedSecret, type SecretStoreDescriptor } from '../referenced-secrets';

/** Annotation the EKS pod identity webhook reads to inject the role into a pod. */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

/** What the component does with the Kubernetes ServiceAccount. */
export enum ServiceAccountMode {
  /** Create the ServiceAccount, annotated (the SecretStore's `auth.jwt.serviceAccountRef`). */
  CREATE = 'create',
  /** Add the annotation to an existing ServiceAccount with server-side apply (e.g. one a Helm chart owns). */
  PATCH = 'patch',
  /** Leave the ServiceAccount alone; use `roleArn` yourself (e.g. in Helm values). */
  NONE = 'none',
}

/** Permissions shared by the IRSA and Pod Identity roles. */
export interface SecretReadGrantArgs {
  /**
   * Remote secrets to grant, computed from the chart with `collectReferencedSecrets(chart)`;
   * only the AWS Secrets Manager ones are used.
   */
  readonly secrets: readonly ReferencedSecret[];
  /** Account owning the secrets, for name-only references (`aws.getCallerIdentityOutput().accountId`). */
  readonly accountId: pulumi.Input<string>;
  /** Region for name-only references whose store names none. */
  readonly region: pulumi.Input<string>;
  /**
   * AWS partition.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * One S3 object to read (Oathkeeper access rules).
   * @default - none
   */
  readonly s3Object?: S3ObjectRef;
  /**
   * Customer-managed KMS keys of the secrets.
   * @default - none
   */
  readonly kmsKeyArns?: readonly string[];
}

/** Arguments of {@link IrsaRole}. */
export interface IrsaRoleArgs extends SecretReadGrantArgs {
  /** ARN of the cluster's IAM OIDC provider. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL (`eks.getClusterOutput(...).identities[0].oidcs[0].issuer`). */
  readonly oidcIssuerUrl: pulumi.Input<string>;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account (ESO's, or the gateway's). */
  readonly serviceAccountName: string;
  /**
   * What to do with the ServiceAccount.
   * @default ServiceAccountMode.CREATE
   */
  readonly serviceAccountMode?: ServiceAccountMode;
  /**
   * Kubernetes provider for the ServiceAccount.
   * @default - required unless serviceAccountMode is NONE
   */
  readonly provider?: Provider;
  /**
   * What the ServiceAccount must wait for, typically its Namespace.
   * @default []
   */
  readonly serviceAccountDependsOn?: readonly pulumi.Resource[];
}

/** {@link IrsaRoleArgs} without what {@link IrsaRole.forChart} reads from each store. */
export type IrsaRolesForChartArgs = Omit<IrsaRoleArgs, 'namespace' | 'serviceAccountName' | 'secrets'>;

/** @internal the permission policy as JSON, resolved once account and region are known */
export function permissionPolicyJson(args: SecretReadGrantArgs): pulumi.Output<string> {
  return pulumi.all([args.accountId, args.region]).apply(([accountId, region]) =>
    JSON.stringify(
      secretsReadPolicy({
        secretArns: secretsManagerArns(args.secrets, { accountId, region, partition: args.partition }),
        s3Object: args.s3Object,
        kmsKeyArns: args.kmsKeyArns,
        partition: args.partition,
      }),
    ),
  );
}

/**
 * An IAM role for one Kubernetes service account (IRSA): trusted only by that service account's
 * tokens, allowed to read exactly the Secrets Manager secrets the chart references, and the
 * ServiceAccount annotated with its ARN.
 */
export class IrsaRole extends pulumi.ComponentResource {
  /**
   * One role per AWS Secrets Manager `SecretStore` in `chart` that authenticates as a service
   * account (`auth.jwt.serviceAccountRef`), each granted exactly the secrets read through that
   * store. The grants are computed from the construct tree, never listed by hand. A store
   * nothing reads through gets no role (it would grant nothing).
   */
  static forChart(chart: IConstruct, args: IrsaRolesForChartArgs, opts: pulumi.ComponentResourceOptions = {}): IrsaRole[] {
    const secrets = collectReferencedSecrets(chart);
    const readThrough = (store: SecretStoreDescriptor) =>
      secrets.filter((s) => s.store.name === store.name && s.store.kind === store.kind && s.store.namespace === store.namespace);
    const stores = collectSecretStores(chart).filter(
      (store) => store.provider === 'awsSecretsManager' && store.serviceAccountName && store.namespace && readThrough(store).length > 0,
    );
    // Stores of one name in several namespaces (one chart per team or environment) need distinct
    // Pulumi names; a name used once keeps the short form, so existing stacks do not replace roles.
    const nameOf = (store: SecretStoreDescriptor) =>
      stores.filter((s) => s.name === store.name).length > 1 ? `${store.namespace}-${store.name}-irsa` : `${store.name}-irsa`;
    return stores
      .map(
        (store) =>
          new IrsaRole(
            nameOf(store),
            {
              ...args,
              namespace: store.namespace!,
              serviceAccountName: store.serviceAccountName!,
              secrets: readThrough(store),
            },
            opts,
          ),
      );
  }

  /** The IAM role. */
  readonly role: iam.Role;
  /** ARN of the role. */
  readonly roleArn: pulumi.Output<string>;
  /** The inline permission policy. */
  readonly policy: iam.RolePolicy;
  /** Trust policy JSON, for review. */
  readonly trustPolicy: pulumi.Output<string>;
  /** Permission policy JSON, for review. */
  readonly permissionPolicy: pulumi.Output<string>;
  /** The ServiceAccount (CREATE) or its patch (PATCH). */
  readonly serviceAccount?: ServiceAccount | ServiceAccountPatch;

  constructor(name: string, args: IrsaRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('gatewright:eks:IrsaRole', name, {}, opts);
    const mode = args.serviceAccountMode ?? ServiceAccountMode.CREATE;
    if (mode !== ServiceAccountMode.NONE && !args.provider) {
      throw new GatewrightError({
        code: ErrorCode.INVALID_PROPS,
        path: `gatewright:eks:IrsaRole/${name}`,
        field: 'provider',
        problem: `is required to ${mode} the ServiceAccount`,
        fix: 'pass a Provider for the cluster, or serviceAccountMode: ServiceAccountMode.NONE and annotate the service account yourself',
      });
    }
    this.trustPolicy = pulumi.all([args.oidcProviderArn, args.oidcIssuerUrl]).apply(([oidcProviderArn, oidcIssuerUrl]) =>
      JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcIssuerUrl, namespace: args.namespace, serviceAccountName: args.serviceAccountName })),
    );
    this.permissionPolicy = permissionPolicyJson(args);
    this.role = new iam.Role(`${name}-role`, { assumeRolePolicy: this.trustPolicy, description: `gatewright: ${args.namespace}/${args.serviceAccountName} reads its referenced secrets` }, { parent: this });
    this.policy = new iam.RolePolicy(`${name}-read-secrets`, { role: this.role.name, policy: this.permissionPolicy }, { parent: this });
    this.roleArn = this.role.arn;

    const metadata = { name: args.serviceAccountName, namespace: args.namespace, annotations: { [IRSA_ROLE_ANNOTATION]: this.roleArn } };
    // The policy must exist before a pod can use the annotation, or the first sync fails with AccessDenied.
    const saOpts = { parent: this, provider: args.provider, dependsOn: [this.policy, ...(args.serviceAccountDependsOn ?? [])] };
    if (mode === ServiceAccountMode.CREATE) this.serviceAccount = new ServiceAccount(`${name}-sa`, { metadata }, saOpts);
    if (mode === ServiceAccountMode.PATCH) this.serviceAccount = new ServiceAccountPatch(`${name}-sa`, { metadata }, saOpts);

    this.registerOutputs({ roleArn: this.roleArn, trustPolicy: this.trustPolicy, permissionPolicy: this.permissionPolicy });
  }
}

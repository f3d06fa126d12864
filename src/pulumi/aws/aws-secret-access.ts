import { OpenIdConnectProvider } from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { ErrorCode, GatewrightError } from '../../model';
import type { ReferencedSecret, SecretStoreDescriptor } from '../referenced-secrets';
import type { ISecretAccess, SecretAccessContext, SecretAccessGrant } from '../secret-access';
import { IRSA_AUDIENCE } from './aws-policies';
import { lookUpEksCluster } from './eks-cluster';
import { IrsaRole, ServiceAccountMode } from './irsa-role';
import { PodIdentityRole } from './pod-identity-role';

/** Options of {@link AwsSecretAccess.irsa}. */
export interface IrsaSecretAccessOptions {
  /** Name of the EKS cluster (its OIDC issuer is looked up). */
  readonly clusterName: pulumi.Input<string>;
  /**
   * Create the cluster's IAM OIDC identity provider (`aws.iam.OpenIdConnectProvider` for the
   * issuer, client `sts.amazonaws.com`). Leave off when it exists (`eksctl utils
   * associate-iam-oidc-provider`, or the cluster's own Pulumi/Terraform code made it): an
   * account can hold only one provider per issuer.
   * @default false
   */
  readonly createOidcProvider?: boolean;
  /**
   * What to do with each store's ServiceAccount.
   * @default ServiceAccountMode.CREATE
   */
  readonly serviceAccountMode?: ServiceAccountMode;
  /**
   * Customer-managed KMS keys the secrets are encrypted with.
   * @default - none (secrets under the AWS-managed key need no KMS grant)
   */
  readonly kmsKeyArns?: readonly string[];
}

/** Options of {@link AwsSecretAccess.podIdentity}. */
export interface PodIdentitySecretAccessOptions {
  /** Name of the EKS cluster (the Pod Identity Agent add-on must be installed). */
  readonly clusterName: pulumi.Input<string>;
  /**
   * Namespace of External Secrets Operator's controller.
   * @default 'external-secrets'
   */
  readonly namespace?: string;
  /**
   * Service account of External Secrets Operator's controller (the Helm chart's default name).
   * @default 'external-secrets'
   */
  readonly serviceAccountName?: string;
  /**
   * Customer-managed KMS keys the secrets are encrypted with.
   * @default - none
   */
  readonly kmsKeyArns?: readonly string[];
}

/** Secret access on Amazon EKS for AWS Secrets Manager secrets. */
export class AwsSecretAccess {
  /**
   * IAM Roles for Service Accounts: one role per `AwsSecretsManagerStore` that names a service
   * account, trusted only by that service account (through the cluster's OIDC provider, audience
   * `sts.amazonaws.com`) and allowed to read exactly the secrets read through the store; the
   * ServiceAccount is created annotated with the role. Outputs `irsaRoleArns`,
   * `grantedPolicies`, `oidcProviderArn` and `ungrantedSecrets` (secrets read through stores
   * without a service account of their own, which IRSA cannot cover).
   */
  static irsa(options: IrsaSecretAccessOptions): ISecretAccess {
    return {
      grant(name: string, context: SecretAccessContext): SecretAccessGrant {
        const facts = lookUpEksCluster(options.clusterName, { parent: context.parent });
        const issuerHost = facts.oidcIssuerUrl.apply((u) => u.replace(/^https:\/\//, ''));
        const provider = options.createOidcProvider
          ? new OpenIdConnectProvider(`${name}-oidc`, { url: facts.oidcIssuerUrl, clientIdLists: [IRSA_AUDIENCE] }, { parent: context.parent })
          : undefined;
        const oidcProviderArn = provider?.arn ?? pulumi.interpolate`arn:${facts.partition}:iam::${facts.accountId}:oidc-provider/${issuerHost}`;
        const roles = IrsaRole.forChart(
          context.app,
          {
            oidcProviderArn,
            oidcIssuerUrl: facts.oidcIssuerUrl,
            accountId: facts.accountId,
            region: facts.region,
            provider: context.provider,
            serviceAccountMode: options.serviceAccountMode,
            serviceAccountDependsOn: [...context.namespaces],
            kmsKeyArns: options.kmsKeyArns,
          },
          { parent: context.parent },
        );
        const ungranted = awsSecrets(context.secrets).filter((s) => !s.store.serviceAccountName);
        if (ungranted.length) {
          void pulumi.log.warn(
            `IRSA grants nothing for ${ungranted.length} AWS secret(s) read through stores without a service account (${describe(ungranted)}); ` +
              'give the store a serviceAccountName, or grant External Secrets Operator itself (AwsSecretAccess.podIdentity)',
            context.parent,
          );
        }
        return {
          resources: [...(provider ? [provider] : []), ...roles],
          outputs: {
            oidcProviderArn,
            irsaRoleArns: roles.map((r) => r.roleArn),
            grantedPolicies: roles.map((r) => r.permissionPolicy),
            ungrantedSecrets: ungranted.map((s) => s.remoteKey),
          },
        };
      },
    };
  }

  /**
   * EKS Pod Identity: one role for External Secrets Operator's own service account, trusted by
   * `pods.eks.amazonaws.com` for that cluster, namespace and service account only, allowed to
   * read exactly the AWS secrets the app references, plus the Pod Identity association. Stores
   * must then leave `serviceAccountName` unset (ESO uses its own credentials); a store that names
   * one is an error, because its reads would go through IRSA instead. Outputs
   * `podIdentityRoleArn` and `grantedPolicy`.
   */
  static podIdentity(options: PodIdentitySecretAccessOptions): ISecretAccess {
    return {
      grant(name: string, context: SecretAccessContext): SecretAccessGrant {
        const withAccount = context.stores.filter((s) => s.provider === 'awsSecretsManager' && s.serviceAccountName);
        if (withAccount.length) {
          const s = withAccount[0];
          throw new GatewrightError({
            code: ErrorCode.CONFLICT,
            path: `${s.kind}/${s.namespace ? `${s.namespace}/` : ''}${s.name}`,
            field: 'serviceAccountName',
            problem: `authenticates as service account "${s.serviceAccountName}" (IRSA), but the stack grants access through Pod Identity`,
            fix: 'drop serviceAccountName from the AwsSecretsManagerStore (ESO then uses its Pod Identity credentials), or use AwsSecretAccess.irsa',
          });
        }
        const secrets = awsSecrets(context.secrets);
        if (secrets.length === 0) return { resources: [], outputs: {} };
        const facts = lookUpEksCluster(options.clusterName, { parent: context.parent });
        const role = new PodIdentityRole(
          `${name}-pod-identity`,
          {
            clusterName: options.clusterName,
            namespace: options.namespace ?? 'external-secrets',
            serviceAccountName: options.serviceAccountName ?? 'external-secrets',
            secrets,
            accountId: facts.accountId,
            region: facts.region,
            kmsKeyArns: options.kmsKeyArns,
          },
          { parent: context.parent },
        );
        return { resources: [role], outputs: { podIdentityRoleArn: role.roleArn, grantedPolicy: role.permissionPolicy } };
      },
    };
  }
}

function awsSecrets(secrets: readonly ReferencedSecret[]): ReferencedSecret[] {
  return secrets.filter((s) => s.store.provider === 'awsSecretsManager');
}

function describe(secrets: readonly ReferencedSecret[]): string {
  const stores = [...new Set(secrets.map((s) => storeLabel(s.store)))];
  return `stores ${stores.join(', ')}`;
}

function storeLabel(s: SecretStoreDescriptor): string {
  return `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}

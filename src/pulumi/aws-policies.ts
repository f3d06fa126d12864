import { ErrorCode, GatewrightError } from '../model';

/** An IAM policy document, as AWS reads it. */
export interface IamPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly IamPolicyStatement[];
}

export interface IamPolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Record<string, string | string[]>;
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** The two actions External Secrets Operator's AWS provider calls to read one secret. */
export const SECRETS_MANAGER_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] as const;

/** Audience of the projected token IRSA exchanges with STS. */
export const IRSA_AUDIENCE = 'sts.amazonaws.com';

/** One S3 object the workload may read (e.g. Oathkeeper's access rules). */
export interface S3ObjectRef {
  readonly bucket: string;
  /** Exact object key, no wildcard. */
  readonly key: string;
}

export interface IrsaTrustPolicyArgs {
  /** ARN of the cluster's IAM OIDC provider (`arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID`). */
  readonly oidcProviderArn: string;
  /** The cluster's OIDC issuer URL, with or without `https://`. */
  readonly oidcIssuerUrl: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
}

/**
 * Trust policy for IAM Roles for Service Accounts: only tokens the cluster issued for exactly
 * `system:serviceaccount:NS:SA`, with audience `sts.amazonaws.com`, may assume the role.
 * `StringEquals`, never `StringLike`: a wildcard subject would let every service account of
 * the namespace (or cluster) in.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 */
export function irsaTrustPolicy(args: IrsaTrustPolicyArgs): IamPolicyDocument {
  const issuer = args.oidcIssuerUrl.replace(/^https:\/\//, '');
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AssumeFromServiceAccount',
        Effect: 'Allow',
        Principal: { Federated: args.oidcProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccountName}`,
            [`${issuer}:aud`]: IRSA_AUDIENCE,
          },
        },
      },
    ],
  };
}

export interface PodIdentityTrustPolicyArgs {
  readonly accountId: string;
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
}

/**
 * Trust policy for EKS Pod Identity. The session-tag conditions pin the role to one service
 * account of one cluster: without them any Pod Identity association in the account could use it.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 */
export function podIdentityTrustPolicy(args: PodIdentityTrustPolicyArgs): IamPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AssumeFromPodIdentity',
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: {
            'aws:SourceAccount': args.accountId,
            'aws:RequestTag/eks-cluster-name': args.clusterName,
            'aws:RequestTag/kubernetes-namespace': args.namespace,
            'aws:RequestTag/kubernetes-service-account': args.serviceAccountName,
          },
        },
      },
    ],
  };
}

export interface SecretsReadPolicyArgs {
  /** Exact Secrets Manager ARNs (see `secretsManagerArns`). */
  readonly secretArns: readonly string[];
  /**
   * One S3 object to read, e.g. Oathkeeper's rules file.
   * @default - none
   */
  readonly s3Object?: S3ObjectRef;
  /**
   * Customer-managed KMS keys the secrets are encrypted with; decrypt is allowed only when
   * Secrets Manager calls KMS on the workload's behalf (`kms:ViaService`).
   * @default - none (secrets under the AWS-managed key need no KMS grant)
   */
  readonly kmsKeyArns?: readonly string[];
  /**
   * AWS partition, for the S3 ARN.
   * @default 'aws'
   */
  readonly partition?: string;
}

/**
 * The permission policy: read exactly these secrets (and optionally one S3 object). Throws when
 * there is nothing to grant or when a resource would be a wildcard.
 */
export function secretsReadPolicy(args: SecretsReadPolicyArgs): IamPolicyDocument {
  const statements: IamPolicyStatement[] = [];
  for (const arn of [...args.secretArns, ...(args.kmsKeyArns ?? [])]) {
    // `?` is allowed only as the six-character suffix of a name-based secret ARN.
    const body = arn.endsWith('-??????') ? arn.slice(0, -7) : arn;
    if (body.includes('*') || body.includes('?')) throw wildcard(arn);
  }
  if (args.secretArns.length) {
    statements.push({ Sid: 'ReadReferencedSecrets', Effect: 'Allow', Action: [...SECRETS_MANAGER_READ_ACTIONS], Resource: [...new Set(args.secretArns)].sort() });
  }
  if (args.kmsKeyArns?.length) {
    const regions = [...new Set(args.secretArns.map((a) => a.split(':')[3]))].sort();
    statements.push({
      Sid: 'DecryptReferencedSecrets',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: [...args.kmsKeyArns].sort(),
      Condition: { StringEquals: { 'kms:ViaService': regions.map((r) => `secretsmanager.${r}.amazonaws.com`) } },
    });
  }
  if (args.s3Object) {
    const { bucket, key } = args.s3Object;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new GatewrightError({ code: ErrorCode.INVALID_PROPS, field: 's3Object.bucket', problem: `"${bucket}" is not an S3 bucket name`, fix: 'give the bucket name only, e.g. "oathkeeper-rules"' });
    }
    if (!key || key.includes('*') || key.includes('?') || key.startsWith('/')) throw wildcard(`s3://${bucket}/${key}`);
    statements.push({ Sid: 'ReadOneObject', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:${args.partition ?? 'aws'}:s3:::${bucket}/${key}` });
  }
  if (!statements.length) {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      field: 'secrets',
      problem: 'the role would grant nothing: the chart references no AWS Secrets Manager secret and no S3 object was given',
      fix: 'read secrets through AwsSecretsManagerStore#secretRef(...) in the chart, or drop the role',
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

function wildcard(resource: string): GatewrightError {
  return new GatewrightError({
    code: ErrorCode.INVALID_PROPS,
    field: 'Resource',
    problem: `"${resource}" contains a wildcard; gatewright grants exact resources only`,
    fix: 'name the exact secret, key or object',
  });
}

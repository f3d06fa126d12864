import { ErrorCode, GatewrightError } from '../../model';

/** An IAM policy document, as AWS reads it. */
export interface IamPolicyDocument {
  /** Policy language version; `2012-10-17` is the only one that supports variables and conditions. */
  readonly Version: '2012-10-17';
  /** The statements, evaluated together (an explicit `Deny` wins). */
  readonly Statement: readonly IamPolicyStatement[];
}

/**
 * One statement of an {@link IamPolicyDocument}, spelled as AWS spells it.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
export interface IamPolicyStatement {
  /**
   * Statement id, for humans reading the policy.
   * @default - no Sid
   */
  readonly Sid?: string;
  /** Whether the statement allows or denies. */
  readonly Effect: 'Allow' | 'Deny';
  /**
   * Who may act (trust policies only), e.g. `{ Federated: oidcProviderArn }`.
   * @default - none (permission policies name no principal)
   */
  readonly Principal?: Record<string, string | string[]>;
  /** The API actions, e.g. `secretsmanager:GetSecretValue`. */
  readonly Action: string | string[];
  /**
   * Exact resource ARNs the actions apply to.
   * @default - none (trust policies name no resource)
   */
  readonly Resource?: string | string[];
  /**
   * Conditions that must all hold, e.g. `{ StringEquals: { 'aws:SourceAccount': '…' } }`.
   * @default - unconditional
   */
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** The two actions External Secrets Operator's AWS provider calls to read one secret. */
export const SECRETS_MANAGER_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] as const;

/** Audience of the projected token IRSA exchanges with STS. */
export const IRSA_AUDIENCE = 'sts.amazonaws.com';

/** One S3 object the workload may read (e.g. Oathkeeper's access rules). */
export interface S3ObjectRef {
  /** Bucket name (not its ARN). */
  readonly bucket: string;
  /** Exact object key, no wildcard. */
  readonly key: string;
}

/** Arguments of {@link irsaTrustPolicy}. */
export interface IrsaTrustPolicyArgs {
  /** ARN of the cluster's IAM OIDC provider (`arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID`). */
  readonly oidcProviderArn: string;
  /** The cluster's OIDC issuer URL, with or without `https://`. */
  readonly oidcIssuerUrl: string;
  /** Namespace of the service account allowed to assume the role. */
  readonly namespace: string;
  /** Name of the service account allowed to assume the role (the token's `sub`). */
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

/** Arguments of {@link podIdentityTrustPolicy}. */
export interface PodIdentityTrustPolicyArgs {
  /** AWS account the role and the cluster live in (`aws:SourceAccount`). */
  readonly accountId: string;
  /** Name of the EKS cluster whose Pod Identity associations may use the role. */
  readonly clusterName: string;
  /** Namespace of the service account allowed to assume the role. */
  readonly namespace: string;
  /** Name of the service account allowed to assume the role. */
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

/** Arguments of {@link secretsReadPolicy}. */
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
  for (const arn of args.secretArns) {
    // `?` is allowed only as the six-character suffix of a name-based secret ARN.
    const body = arn.endsWith('-??????') ? arn.slice(0, -7) : arn;
    if (body.includes('*') || body.includes('?')) throw wildcard(arn);
    if (!SECRET_ARN.test(body)) throw notAn('secretArns', arn, 'a Secrets Manager secret ARN', 'arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME');
  }
  for (const arn of args.kmsKeyArns ?? []) {
    // A key ARN is always exact: the `-??????` suffix belongs to secret names only.
    if (arn.includes('*') || arn.includes('?')) throw wildcard(arn);
    if (!KMS_KEY_ARN.test(arn)) throw notAn('kmsKeyArns', arn, 'a KMS key ARN', 'arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (an alias ARN does not match kms:Decrypt requests)');
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

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

function notAn(field: string, resource: string, what: string, example: string): GatewrightError {
  return new GatewrightError({ code: ErrorCode.INVALID_PROPS, field, problem: `"${resource}" is not ${what}`, fix: `give the exact ARN, e.g. ${example}` });
}

function wildcard(resource: string): GatewrightError {
  return new GatewrightError({
    code: ErrorCode.INVALID_PROPS,
    field: 'Resource',
    problem: `"${resource}" contains a wildcard; gatewright grants exact resources only`,
    fix: 'name the exact secret, key or object',
  });
}

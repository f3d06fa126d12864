import { Provider } from '@pulumi/kubernetes/provider';
import { Chart, Testing } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { thirdPartyApisOnOathkeeper } from '../../examples/third-party-apis';
import { AwsSecretsManagerStore, ClientAuth, ErrorCode, ExternalNameBackend, SecuredApi, TraefikHubGateway, UpstreamCredential } from '../../src';
import { collectReferencedSecrets } from '../../src/pulumi';
import {
  IRSA_ROLE_ANNOTATION,
  IrsaRole,
  irsaTrustPolicy,
  PodIdentityRole,
  secretsReadPolicy,
  ServiceAccountMode,
  type IamPolicyDocument,
} from '../../src/pulumi/aws';
import { installPulumiMocks, settle, valueOf, type PulumiMockHarness } from '../support/pulumi-mocks';
import { catchError } from '../support/errors';

const OIDC_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const OIDC_PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const EXPECTED_ARNS = ['datadog', 'jira', 'okta', 'salesforce'].map((n) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:gatewright/saas/${n}-??????`);

let mocks: PulumiMockHarness;
beforeAll(() => {
  mocks = installPulumiMocks();
});

describe('IrsaRole', () => {
  const secrets = collectReferencedSecrets(thirdPartyApisOnOathkeeper(Testing.app()));
  let role: IrsaRole;
  let trust: IamPolicyDocument;
  let permissions: IamPolicyDocument;

  beforeAll(async () => {
    const provider = new Provider('cluster', { kubeconfig: '{}' });
    role = new IrsaRole('eso', {
      oidcProviderArn: OIDC_PROVIDER_ARN,
      oidcIssuerUrl: OIDC_ISSUER,
      namespace: 'saas-gateway',
      serviceAccountName: 'external-secrets',
      secrets,
      accountId: '123456789012',
      region: 'eu-west-1',
      s3Object: { bucket: 'saas-gateway-rules', key: 'oathkeeper/rules.json' },
      provider,
    });
    trust = JSON.parse(await valueOf(role.trustPolicy));
    permissions = JSON.parse(await valueOf(role.permissionPolicy));
    await settle(role.roleArn);
  });

  it('trusts only the service account, through the cluster OIDC provider, with StringEquals on sub and aud', () => {
    expect(trust.Statement).toHaveLength(1);
    const s = trust.Statement[0];
    expect(s.Effect).toBe('Allow');
    expect(s.Principal).toEqual({ Federated: OIDC_PROVIDER_ARN });
    expect(s.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(s.Condition).toEqual({
      StringEquals: {
        'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub': 'system:serviceaccount:saas-gateway:external-secrets',
        'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud': 'sts.amazonaws.com',
      },
    });
  });

  it('grants GetSecretValue and DescribeSecret on exactly the referenced secrets', () => {
    const read = permissions.Statement.find((s) => s.Sid === 'ReadReferencedSecrets')!;
    expect(read.Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    expect(read.Resource).toEqual(EXPECTED_ARNS);
  });

  it('grants nothing broader: no wildcard resource, no other action, s3:GetObject on one object only', () => {
    expect(permissions.Statement.map((s) => s.Sid)).toEqual(['ReadReferencedSecrets', 'ReadOneObject']);
    const resources = permissions.Statement.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource!]));
    for (const r of resources) {
      expect(r).not.toContain('*');
      expect(r.replace(/-\?{6}$/, '')).not.toContain('?');
    }
    expect(permissions.Statement.flatMap((s) => s.Action)).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 's3:GetObject']);
    expect(permissions.Statement[1].Resource).toBe('arn:aws:s3:::saas-gateway-rules/oathkeeper/rules.json');
  });

  it('registers the role with that trust policy and the inline policy on it', () => {
    const r = mocks.find('aws:iam/role:Role', 'eso-role');
    expect(JSON.parse(r.inputs.assumeRolePolicy)).toEqual(trust);
    const p = mocks.find('aws:iam/rolePolicy:RolePolicy', 'eso-read-secrets');
    expect(JSON.parse(p.inputs.policy)).toEqual(permissions);
    expect(p.inputs.role).toBe('eso-role-1234567');
    expect(r.parent).toContain('gatewright:eks:IrsaRole');
  });

  it('annotates the ServiceAccount with the role ARN, after the policy exists', () => {
    const sa = mocks.find('kubernetes:core/v1:ServiceAccount', 'eso-sa');
    expect(sa.inputs.metadata).toEqual({
      name: 'external-secrets',
      namespace: 'saas-gateway',
      annotations: { [IRSA_ROLE_ANNOTATION]: 'arn:aws:iam::123456789012:role/eso-role-1234567' },
    });
    const policy = mocks.find('aws:iam/rolePolicy:RolePolicy', 'eso-read-secrets');
    expect(sa.dependencies).toContain(policy.urn);
  });

  it('requires a provider unless the ServiceAccount is left alone', () => {
    const err = catchError(
      () =>
        new IrsaRole('no-provider', {
          oidcProviderArn: OIDC_PROVIDER_ARN,
          oidcIssuerUrl: OIDC_ISSUER,
          namespace: 'saas-gateway',
          serviceAccountName: 'external-secrets',
          secrets,
          accountId: '123456789012',
          region: 'eu-west-1',
        }),
    );
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.field).toBe('provider');
    expect(
      () =>
        new IrsaRole('annotate-yourself', {
          oidcProviderArn: OIDC_PROVIDER_ARN,
          oidcIssuerUrl: OIDC_ISSUER,
          namespace: 'saas-gateway',
          serviceAccountName: 'external-secrets',
          secrets,
          accountId: '123456789012',
          region: 'eu-west-1',
          serviceAccountMode: ServiceAccountMode.NONE,
        }),
    ).not.toThrow();
  });
});

describe('IrsaRole.forChart', () => {
  it('gives same-named stores of two namespaces one role each, each granted only its own namespace’s secrets', async () => {
    const app = Testing.app();
    for (const ns of ['team-a', 'team-b']) {
      const chart = new Chart(app, ns, { namespace: ns });
      const store = new AwsSecretsManagerStore(chart, 'aws-sm', { region: 'eu-west-1', serviceAccountName: 'eso' });
      new SecuredApi(chart, 'partner', {
        gateway: new TraefikHubGateway(chart, 'gw'),
        host: `${ns}.example.com`,
        backend: new ExternalNameBackend(chart, 'partner-api', { externalName: 'api.partner.example.net' }),
        clientAuth: ClientAuth.none(),
        upstreamAuth: UpstreamCredential.header('X-Key', store.secretRef({ remoteKey: `${ns}/partner`, secretName: 'partner', key: 'key' })),
      });
    }
    const roles = IrsaRole.forChart(app, {
      oidcProviderArn: OIDC_PROVIDER_ARN,
      oidcIssuerUrl: OIDC_ISSUER,
      accountId: '123456789012',
      region: 'eu-west-1',
      serviceAccountMode: ServiceAccountMode.NONE,
    });
    await settle(...roles.map((r) => r.roleArn));
    expect(mocks.resources.filter((r) => r.type === 'gatewright:eks:IrsaRole').map((r) => r.name)).toEqual(expect.arrayContaining(['team-a-aws-sm-irsa', 'team-b-aws-sm-irsa']));
    const granted = await Promise.all(roles.map(async (r) => JSON.parse(await valueOf(r.permissionPolicy)).Statement[0].Resource));
    expect(granted).toEqual([
      ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:team-a/partner-??????'],
      ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:team-b/partner-??????'],
    ]);
    const trusts = await Promise.all(roles.map(async (r) => JSON.parse(await valueOf(r.trustPolicy)).Statement[0].Condition.StringEquals[`${OIDC_ISSUER.replace('https://', '')}:sub`]));
    expect(trusts).toEqual(['system:serviceaccount:team-a:eso', 'system:serviceaccount:team-b:eso']);
  });
});

describe('PodIdentityRole', () => {
  const secrets = collectReferencedSecrets(thirdPartyApisOnOathkeeper(Testing.app()));
  let role: PodIdentityRole;

  beforeAll(async () => {
    role = new PodIdentityRole('eso-pod-identity', {
      clusterName: 'prod',
      namespace: 'external-secrets',
      serviceAccountName: 'external-secrets',
      secrets,
      accountId: '123456789012',
      region: 'eu-west-1',
    });
    await settle(role.roleArn, role.association.id);
  });

  it('trusts pods.eks.amazonaws.com, pinned by session tags to one cluster, namespace and service account', async () => {
    const trust = JSON.parse(await valueOf(role.trustPolicy)) as IamPolicyDocument;
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:SourceAccount': '123456789012',
          'aws:RequestTag/eks-cluster-name': 'prod',
          'aws:RequestTag/kubernetes-namespace': 'external-secrets',
          'aws:RequestTag/kubernetes-service-account': 'external-secrets',
        },
      },
    });
  });

  it('grants the same exact secrets', async () => {
    const permissions = JSON.parse(await valueOf(role.permissionPolicy)) as IamPolicyDocument;
    expect(permissions.Statement).toEqual([
      { Sid: 'ReadReferencedSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: EXPECTED_ARNS },
    ]);
  });

  it('associates the role with the service account', () => {
    const a = mocks.find('aws:eks/podIdentityAssociation:PodIdentityAssociation', 'eso-pod-identity-association');
    expect(a.inputs).toMatchObject({ clusterName: 'prod', namespace: 'external-secrets', serviceAccount: 'external-secrets', roleArn: 'arn:aws:iam::123456789012:role/eso-pod-identity-role-1234567' });
  });
});

describe('policy documents', () => {
  it('strips https:// from the issuer for the condition keys', () => {
    const doc = irsaTrustPolicy({ oidcProviderArn: OIDC_PROVIDER_ARN, oidcIssuerUrl: 'oidc.example.com/id/X', namespace: 'n', serviceAccountName: 's' });
    expect(Object.keys(doc.Statement[0].Condition!.StringEquals)).toEqual(['oidc.example.com/id/X:sub', 'oidc.example.com/id/X:aud']);
  });

  it('refuses to grant nothing', () => {
    expect(catchError(() => secretsReadPolicy({ secretArns: [] })).code).toBe(ErrorCode.INVALID_PROPS);
  });

  it('refuses wildcard secret ARNs and S3 keys', () => {
    expect(() => secretsReadPolicy({ secretArns: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:*'] })).toThrow(/wildcard/);
    expect(() => secretsReadPolicy({ secretArns: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:a?b-??????'] })).toThrow(/wildcard/);
    expect(() => secretsReadPolicy({ secretArns: [], s3Object: { bucket: 'rules', key: 'rules/*' } })).toThrow(/wildcard/);
  });

  it('allows the -?????? suffix on secret names only: never on a KMS key, never on a resource that is not a secret', () => {
    const kmsPattern = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-??????';
    expect(() => secretsReadPolicy({ secretArns: EXPECTED_ARNS, kmsKeyArns: [kmsPattern] })).toThrow(/wildcard/);
    expect(() => secretsReadPolicy({ secretArns: EXPECTED_ARNS, kmsKeyArns: ['arn:aws:kms:eu-west-1:123456789012:alias/secrets'] })).toThrow(/KMS key ARN/);
    expect(() => secretsReadPolicy({ secretArns: ['arn:aws:ssm:eu-west-1:123456789012:parameter/prod-??????'] })).toThrow(/Secrets Manager secret ARN/);
    expect(secretsReadPolicy({ secretArns: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-??????'] }).Statement[0].Resource).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-??????',
    ]);
  });

  it('limits KMS decrypt to calls made through Secrets Manager in the secrets’ regions', () => {
    const doc = secretsReadPolicy({ secretArns: EXPECTED_ARNS, kmsKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'] });
    expect(doc.Statement[1]).toEqual({
      Sid: 'DecryptReferencedSecrets',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: ['arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
      Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com'] } },
    });
  });
});

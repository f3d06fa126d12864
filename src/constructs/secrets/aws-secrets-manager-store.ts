import type { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { SecretStore, SecretStoreSpecProviderAwsService } from '../../../imports/external-secrets.io';
import { dnsLabel, dnsSubdomain, parseOrThrow, type StoreRefModel } from '../../model';
import { parentChartOf } from '../parent-chart';
import type { SecretRef } from './secret-ref';
import { storeRegistryOf } from './store-registry';
import { ExistingSecretStore, sourcedSecretRef, type ISecretStore, type SecretRefFromStoreOptions } from './secret-store';
import { z } from 'zod';
import { keysOf, rejectUnknownProps } from '../props/check-props';

/** Props of {@link AwsSecretsManagerStore}. */
export interface AwsSecretsManagerStoreProps {
  /** AWS region of the secrets, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Service account whose IRSA / Pod Identity role External Secrets Operator assumes
   * (`auth.jwt.serviceAccountRef`). Grant it exactly the secrets in use (see `stacks/eks`).
   * @default - ESO's own credentials (controller pod identity)
   */
  readonly serviceAccountName?: string;
  /**
   * Name of the SecretStore object.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the SecretStore; ExternalSecrets using it must live there too.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

const propsSchema = z.object({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region such as "eu-west-1"' }),
  serviceAccountName: dnsSubdomain.optional(),
  name: dnsSubdomain,
  namespace: dnsLabel.optional(),
});

const AWS_SECRETS_MANAGER_STORE_PROPS = keysOf<AwsSecretsManagerStoreProps>()(['region', 'serviceAccountName', 'name', 'namespace']);

/**
 * A namespaced External Secrets `SecretStore` for AWS Secrets Manager. Use
 * {@link AwsSecretsManagerStore.fromClusterSecretStore} to reference a store the platform
 * team already runs.
 */
export class AwsSecretsManagerStore extends Construct implements ISecretStore {
  /** Reference an existing `ClusterSecretStore` backed by AWS Secrets Manager. */
  static fromClusterSecretStore(name: string): ISecretStore {
    return new ExistingSecretStore({ name, kind: 'ClusterSecretStore', provider: 'awsSecretsManager' });
  }

  /** Reference an existing namespaced `SecretStore` backed by AWS Secrets Manager. */
  static fromSecretStore(name: string): ISecretStore {
    return new ExistingSecretStore({ name, kind: 'SecretStore', provider: 'awsSecretsManager' });
  }

  readonly storeRef: StoreRefModel;
  /** The AWS region. */
  readonly region: string;

  constructor(scope: Construct, id: string, props: AwsSecretsManagerStoreProps) {
    super(scope, id);
    rejectUnknownProps(props, AWS_SECRETS_MANAGER_STORE_PROPS, this.node.path, 'AwsSecretsManagerStore');
    const p = parseOrThrow(propsSchema, { ...props, name: props.name ?? id }, this.node.path);
    this.region = p.region;
    this.storeRef = { name: p.name, kind: 'SecretStore', provider: 'awsSecretsManager' };
    const namespace = p.namespace ?? parentChartOf(this).namespace;
    storeRegistryOf(this).push({ name: p.name, kind: 'SecretStore', ...(namespace ? { namespace } : {}), path: this.node.path });
    const metadata: ApiObjectMetadata = { name: p.name, ...(namespace ? { namespace } : {}) };
    new SecretStore(this, 'Resource', {
      metadata,
      spec: {
        provider: {
          aws: {
            service: SecretStoreSpecProviderAwsService.SECRETS_MANAGER,
            region: p.region,
            ...(p.serviceAccountName ? { auth: { jwt: { serviceAccountRef: { name: p.serviceAccountName } } } } : {}),
          },
        },
      },
    });
  }

  secretRef(options: SecretRefFromStoreOptions): SecretRef {
    return sourcedSecretRef(this.storeRef, options);
  }
}

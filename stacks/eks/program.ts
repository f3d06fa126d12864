/**
 * EKS: deploys the cdk8s app named by `gatewright:app` with GatewrightStack, External Secrets
 * Operator reading AWS Secrets Manager through IRSA roles (or Pod Identity) that can read
 * exactly the secrets the app references. The whole program is the few lines of deployEks;
 * in your own project, write them against `gatewright/pulumi` and `gatewright/pulumi/aws`.
 */
import { Provider } from '@pulumi/kubernetes/provider';
import * as pulumi from '@pulumi/pulumi';
import { ErrorCode, GatewrightError } from '../../src';
import { GatewrightStack, loadAppBuilder } from '../../src/pulumi';
import { AwsSecretAccess, eksKubeconfig } from '../../src/pulumi/aws';
import { CONFIG_NAMESPACE, readAppStackConfig, type AppStackConfig } from '../app-config';

/** Everything the EKS stack reads from `pulumi config` (namespace `gatewright`). */
export interface EksStackConfig extends AppStackConfig {
  /** `gatewright:clusterName` — the EKS cluster. */
  readonly clusterName: string;
  /** `gatewright:secretAccess` — `irsa` (default) or `podIdentity`. */
  readonly secretAccess: 'irsa' | 'podIdentity';
  /** `gatewright:createOidcProvider` — create the cluster's IAM OIDC provider (IRSA). Default false. */
  readonly createOidcProvider: boolean;
  /** `gatewright:kubeconfig` (secret, optional) — overrides the kubeconfig built from the cluster. */
  readonly kubeconfig?: pulumi.Output<string>;
}

export function readEksConfig(config = new pulumi.Config(CONFIG_NAMESPACE)): EksStackConfig {
  const secretAccess = config.get('secretAccess') ?? 'irsa';
  if (secretAccess !== 'irsa' && secretAccess !== 'podIdentity') {
    throw new GatewrightError({
      code: ErrorCode.INVALID_PROPS,
      path: 'gatewright:secretAccess',
      problem: `"${secretAccess}" is not a secret access`,
      fix: 'pulumi config set gatewright:secretAccess irsa (or podIdentity)',
    });
  }
  return {
    ...readAppStackConfig(config, true),
    clusterName: config.require('clusterName'),
    secretAccess,
    createOidcProvider: config.getBoolean('createOidcProvider') ?? false,
    kubeconfig: config.getSecret('kubeconfig'),
  };
}

export async function deployEks(cfg: EksStackConfig = readEksConfig(), baseDir = process.cwd()) {
  const build = await loadAppBuilder(cfg.app, { exportName: cfg.appExport, baseDir, source: 'gatewright:app' });
  const { clusterName } = cfg;
  const provider = new Provider('eks', { kubeconfig: cfg.kubeconfig ?? eksKubeconfig({ clusterName }), enableServerSideApply: true });
  const stack = new GatewrightStack('gatewright', {
    app: build,
    provider,
    secretAccess:
      cfg.secretAccess === 'podIdentity' ? AwsSecretAccess.podIdentity({ clusterName }) : AwsSecretAccess.irsa({ clusterName, createOidcProvider: cfg.createOidcProvider }),
    createNamespaces: cfg.createNamespaces,
    waitForSecrets: cfg.waitForSecrets,
    oathkeeper: cfg.oathkeeperChartVersion ? { version: cfg.oathkeeperChartVersion } : {},
    externalSecrets: { install: cfg.installExternalSecrets },
  });
  return { namespaces: stack.namespaces, ...stack.outputs };
}

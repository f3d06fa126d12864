/**
 * The config keys both stacks share (namespace `gatewright`): which cdk8s app to deploy and how.
 * Your own Pulumi program can skip this file and pass the app to GatewrightStack directly.
 */
import * as pulumi from '@pulumi/pulumi';

/** Config namespace shared by both stacks and by the top-level project. */
export const CONFIG_NAMESPACE = 'gatewright';

/** What both stacks read from `pulumi config`. */
export interface AppStackConfig {
  /** `gatewright:app` — module that exports `build(app)`, relative to the Pulumi project folder. */
  readonly app: string;
  /** `gatewright:appExport` — the export to call instead of `build` (or the default export). */
  readonly appExport?: string;
  /** `gatewright:createNamespaces` — create the namespaces of the app's charts. Default true. */
  readonly createNamespaces: boolean;
  /** `gatewright:waitForSecrets` — apply routes only once every ExternalSecret is Ready. */
  readonly waitForSecrets: boolean;
  /** `gatewright:oathkeeperChartVersion` — exact ory/oathkeeper chart version. Default: the pinned one. */
  readonly oathkeeperChartVersion?: string;
  /** `gatewright:installExternalSecrets` — install External Secrets Operator (pinned chart). Default false. */
  readonly installExternalSecrets: boolean;
}

/** Reads the shared keys; `waitForSecretsDefault` differs per cloud. */
export function readAppStackConfig(config: pulumi.Config, waitForSecretsDefault: boolean): AppStackConfig {
  return {
    app: config.require('app'),
    appExport: config.get('appExport'),
    createNamespaces: config.getBoolean('createNamespaces') ?? true,
    waitForSecrets: config.getBoolean('waitForSecrets') ?? waitForSecretsDefault,
    oathkeeperChartVersion: config.get('oathkeeperChartVersion'),
    installExternalSecrets: config.getBoolean('installExternalSecrets') ?? false,
  };
}

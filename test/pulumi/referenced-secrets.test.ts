import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { thirdPartyApisOnOathkeeper } from '../../examples/third-party-apis';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  ErrorCode,
  ExternalNameBackend,
  OciVaultStore,
  SecuredApi,
  TraefikHubGateway,
  UpstreamCredential,
} from '../../src';
import { collectReferencedSecrets, collectSecretStores, ociVaultSecretNames, secretsManagerArns } from '../../src/pulumi';
import { catchError } from '../support/errors';

const CTX = { accountId: '123456789012', region: 'us-east-1' };

describe('collectReferencedSecrets', () => {
  it('finds every remote secret the third-party example reads, from routes and ExternalSecrets', () => {
    const secrets = collectReferencedSecrets(thirdPartyApisOnOathkeeper(Testing.app()));
    expect(secrets.map((s) => `${s.store.provider}:${s.store.name}:${s.remoteKey}`)).toEqual([
      'awsSecretsManager:aws-secrets-manager:gatewright/saas/datadog',
      'awsSecretsManager:aws-secrets-manager:gatewright/saas/jira',
      'awsSecretsManager:aws-secrets-manager:gatewright/saas/okta',
      'awsSecretsManager:aws-secrets-manager:gatewright/saas/salesforce',
    ]);
    const jira = secrets.find((s) => s.remoteKey === 'gatewright/saas/jira')!;
    expect(jira.store).toMatchObject({ kind: 'SecretStore', namespace: 'saas-gateway', region: 'eu-west-1', serviceAccountName: 'external-secrets' });
    expect(jira.usedBy).toContain('third-party-apis/jira');
  });

  it('turns names into exact suffix-pinned ARNs in the store region, never a wildcard', () => {
    const arns = secretsManagerArns(collectReferencedSecrets(thirdPartyApisOnOathkeeper(Testing.app())), CTX);
    expect(arns).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gatewright/saas/datadog-??????',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gatewright/saas/jira-??????',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gatewright/saas/okta-??????',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gatewright/saas/salesforce-??????',
    ]);
    for (const arn of arns) expect(arn).not.toContain('*');
  });

  it('uses a known ARN as is', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'apis' });
    const store = new AwsSecretsManagerStore(chart, 'sm', { region: 'eu-west-1', serviceAccountName: 'eso' });
    const gateway = new TraefikHubGateway(chart, 'gw');
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:partner/key-AbCdEf';
    new SecuredApi(chart, 'partner', {
      gateway,
      host: 'api.example.com',
      backend: new ExternalNameBackend(chart, 'partner-api', { externalName: 'api.partner.example.net' }),
      clientAuth: ClientAuth.none(),
      upstreamAuth: UpstreamCredential.header('X-Key', store.secretRef({ remoteKey: 'partner/key', arn, secretName: 'partner', key: 'key' })),
    });
    const secrets = collectReferencedSecrets(chart);
    expect(secrets).toHaveLength(1);
    expect(secrets[0].arn).toBe(arn);
    expect(secretsManagerArns(secrets, CTX)).toEqual([arn]);
  });

  it('walks a whole app, chart by chart', () => {
    const app = new App();
    thirdPartyApisOnOathkeeper(app, 'one');
    const secrets = collectReferencedSecrets(app);
    expect(secrets).toHaveLength(4);
  });

  it('attributes a route secret to the store of its own namespace when two charts name their stores alike', () => {
    const app = Testing.app();
    for (const [ns, region] of [['team-a', 'eu-west-1'], ['team-b', 'us-east-1']] as const) {
      const chart = new Chart(app, ns, { namespace: ns });
      const store = new AwsSecretsManagerStore(chart, 'aws-sm', { region, serviceAccountName: 'eso' });
      new SecuredApi(chart, 'partner', {
        gateway: new TraefikHubGateway(chart, 'gw'),
        host: `${ns}.example.com`,
        backend: new ExternalNameBackend(chart, 'partner-api', { externalName: 'api.partner.example.net' }),
        clientAuth: ClientAuth.none(),
        upstreamAuth: UpstreamCredential.header('X-Key', store.secretRef({ remoteKey: `${ns}/partner`, secretName: 'partner', key: 'key' })),
      });
    }
    const secrets = collectReferencedSecrets(app);
    expect(secrets.map((s) => `${s.store.namespace}:${s.store.region}:${s.remoteKey}`).sort()).toEqual(['team-a:eu-west-1:team-a/partner', 'team-b:us-east-1:team-b/partner']);
    const roles = collectSecretStores(app).map((store) =>
      secretsManagerArns(
        secrets.filter((s) => s.store.name === store.name && s.store.namespace === store.namespace),
        CTX,
      ),
    );
    expect(roles).toEqual([
      ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:team-a/partner-??????'],
      ['arn:aws:secretsmanager:us-east-1:123456789012:secret:team-b/partner-??????'],
    ]);
    // An ExternalSecret in a third namespace naming "aws-sm" finds no store there: not team-a's.
    const { ApiObject } = require('cdk8s') as typeof import('cdk8s');
    new ApiObject(new Chart(app, 'team-c', { namespace: 'team-c' }), 'stray', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'stray' },
      spec: { secretStoreRef: { name: 'aws-sm', kind: 'SecretStore' }, data: [{ secretKey: 'k', remoteRef: { key: 'team-c/partner' } }] },
    });
    expect(catchError(() => collectReferencedSecrets(app)).message).toContain('aws-sm');
  });

  it('rejects an ExternalSecret whose store it cannot attribute to a secret manager', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'apis' });
    const store = AwsSecretsManagerStore.fromClusterSecretStore('platform-aws');
    const gateway = new TraefikHubGateway(chart, 'gw');
    new SecuredApi(chart, 'partner', {
      gateway,
      host: 'api.example.com',
      backend: new ExternalNameBackend(chart, 'partner-api', { externalName: 'api.partner.example.net' }),
      clientAuth: ClientAuth.none(),
      upstreamAuth: UpstreamCredential.header('X-Key', store.secretRef({ remoteKey: 'partner/key', secretName: 'partner', key: 'key' })),
    });
    // The route names the store and its provider, so the ExternalSecret is attributed through it.
    expect(collectReferencedSecrets(chart).map((s) => s.store.provider)).toEqual(['awsSecretsManager']);
    // A hand-written ExternalSecret naming an unknown store is not.
    const { ApiObject } = require('cdk8s') as typeof import('cdk8s');
    new ApiObject(chart, 'stray', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'stray' },
      spec: { secretStoreRef: { name: 'mystery', kind: 'ClusterSecretStore' }, data: [{ secretKey: 'k', remoteRef: { key: 'x' } }] },
    });
    const err = catchError(() => collectReferencedSecrets(chart));
    expect(err.code).toBe(ErrorCode.INVALID_PROPS);
    expect(err.message).toContain('mystery');
    expect(collectReferencedSecrets(chart, { stores: [{ name: 'mystery', kind: 'ClusterSecretStore', provider: 'ociVault' }] })).toHaveLength(2);
  });

  it('refuses a remote key with wildcard characters', () => {
    const secrets = [{ store: { name: 's', kind: 'SecretStore' as const, provider: 'awsSecretsManager' as const }, remoteKey: 'prod/*', usedBy: ['c/x'] }];
    expect(catchError(() => secretsManagerArns(secrets, CTX)).code).toBe(ErrorCode.INVALID_PROPS);
  });

  it('describes OCI Vault stores and groups secret names per vault', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'integrations' });
    const vault = 'ocid1.vault.oc1.eu-frankfurt-1.amaaaaaa';
    const store = new OciVaultStore(chart, 'oci', { vaultOcid: vault, region: 'eu-frankfurt-1', serviceAccountName: 'eso-oci' });
    const gateway = new TraefikHubGateway(chart, 'gw');
    new SecuredApi(chart, 'echo', {
      gateway,
      host: 'api.example.com',
      backend: new ExternalNameBackend(chart, 'oic', { externalName: 'myinst.integration.ocp.oraclecloud.com' }),
      clientAuth: ClientAuth.none(),
      upstreamAuth: UpstreamCredential.header('X-Key', store.secretRef({ remoteKey: 'oic-key', secretName: 'oic', key: 'key' })),
    });
    expect(collectSecretStores(chart)).toEqual([
      { name: 'oci', kind: 'SecretStore', namespace: 'integrations', provider: 'ociVault', region: 'eu-frankfurt-1', vaultOcid: vault, serviceAccountName: 'eso-oci' },
    ]);
    const secrets = collectReferencedSecrets(chart);
    expect(ociVaultSecretNames(secrets)).toEqual(new Map([[vault, ['oic-key']]]));
    expect(secretsManagerArns(secrets, CTX)).toEqual([]);
  });
});

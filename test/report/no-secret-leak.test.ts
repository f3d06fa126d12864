import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, type App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AwsSecretsManagerStore, CredentialValue, OciVaultStore, TOPOLOGY_OUT_ENV, UpstreamCredential, UpstreamOAuth } from '../../src';
import { diffTopologies, findings, renderAccessReport, renderTopologyDiff } from '../../src/report';
import { api, gatewayChart, topologyOf } from './support';

/** Fake secret values seeded into the app; none may appear in any output. */
const SEEDED = ['s3cr3t-header-value-4f9a', 's3cr3t-query-password-77c1', 's3cr3t-client-id-0d2e', 's3cr3t-client-secret-b5e8'];

function seededApp(app: App, variant = ''): void {
  const { chart, gateway } = gatewayChart(app);
  const aws = AwsSecretsManagerStore.fromClusterSecretStore('aws-secrets-manager');
  const vault = OciVaultStore.fromClusterSecretStore('oci-vault');
  api(chart, gateway, 'plain-header', { upstreamAuth: UpstreamCredential.header('X-Api-Key', CredentialValue.unsafePlaintext(SEEDED[0] + variant)) });
  api(chart, gateway, 'plain-query', {
    upstreamAuth: UpstreamCredential.combine(
      UpstreamCredential.header('X-User', aws.secretRef({ remoteKey: 'prod/legacy', property: 'username', secretName: 'legacy', key: 'username' })),
      UpstreamCredential.queryParam('password', CredentialValue.unsafePlaintext(SEEDED[1] + variant)),
    ),
  });
  const token = new UpstreamOAuth(chart, 'token', {
    tokenUrl: 'https://auth.example.com/oauth2/token',
    clientId: CredentialValue.unsafePlaintext(SEEDED[2] + variant),
    clientSecret: vault.secretRef({ remoteKey: 'crm-client-secret', secretName: 'crm', key: 'client-secret' }),
    scopes: ['crm.read'],
    audience: 'https://api.crm.example.com',
  });
  api(chart, gateway, 'oauth', { upstreamAuth: token });
}

function expectNoSeededValue(text: string): void {
  for (const s of SEEDED) expect(text).not.toContain(s);
  expect(text).not.toMatch(/s3cr3t/);
}

describe('no secret value in any output', () => {
  const t = topologyOf((app) => seededApp(app));

  it('keeps seeded plaintext values out of the topology itself', () => {
    expectNoSeededValue(JSON.stringify(t));
  });

  it('shows plaintext as plaintext, without the value, in the Markdown and JSON report', () => {
    const md = renderAccessReport(t);
    const json = renderAccessReport(t, { format: 'json' });
    expectNoSeededValue(md);
    expectNoSeededValue(json);
    expect(md).toContain('X-Api-Key value: PLAINTEXT in the manifests (value hidden)');
    expect(md).toContain('password value: PLAINTEXT in the manifests (value hidden)');
    expect(md).toContain('token clientId: PLAINTEXT in the manifests (value hidden)');
    expect(JSON.parse(json).gateways[0].routes[0].upstream[0].values.value).toEqual({ kind: 'plaintext' });
  });

  it('still names the secret-manager paths and keys', () => {
    const md = renderAccessReport(t);
    expect(md).toContain('X-User value: AWS Secrets Manager prod/legacy#username (ClusterSecretStore aws-secrets-manager) → Secret legacy/username');
    expect(md).toContain('OCI Vault crm-client-secret (ClusterSecretStore oci-vault) → Secret crm/client-secret');
    expect(md).toContain('scopes `crm.read`');
  });

  it('raises plaintext findings without the values', () => {
    const fs = findings(t);
    expect(fs.filter((f) => f.kind === 'plaintext-credential')).toHaveLength(3);
    expectNoSeededValue(JSON.stringify(fs));
  });

  it('keeps values out of the diff, in Markdown and JSON, whether they are added or changed', () => {
    const empty = topologyOf((app) => gatewayChart(app));
    const changed = topologyOf((app) => seededApp(app, '-rotated'));
    for (const [base, head] of [[empty, t], [t, empty], [t, changed]]) {
      const d = diffTopologies(base, head);
      expectNoSeededValue(renderTopologyDiff(d, 'markdown'));
      expectNoSeededValue(renderTopologyDiff(d, 'json'));
    }
  });

  it('keeps plaintext Basic-auth user and password out of the report, findings and diff', () => {
    const basic = (variant: string) =>
      topologyOf((app) => {
        const { chart, gateway } = gatewayChart(app);
        api(chart, gateway, 'legacy', {
          upstreamAuth: UpstreamCredential.basicAuth(CredentialValue.unsafePlaintext(`s3cr3t-basic-user${variant}`), CredentialValue.unsafePlaintext(`s3cr3t-basic-pass${variant}`)),
        });
      });
    const t1 = basic('');
    const t2 = basic('-rotated');
    for (const text of [JSON.stringify(t1), renderAccessReport(t1), renderAccessReport(t1, { format: 'json' }), JSON.stringify(findings(t1)), renderTopologyDiff(diffTopologies(t1, t2)), renderTopologyDiff(diffTopologies(t1, t2), 'json')]) {
      expectNoSeededValue(text);
    }
    expect(findings(t1).filter((f) => f.kind === 'plaintext-credential').map((f) => f.message)).toEqual([
      'upstream basicAuth Authorization username is written into the manifests in plaintext (value not shown)',
      'upstream basicAuth Authorization password is written into the manifests in plaintext (value not shown)',
    ]);
  });

  it('keeps values out of the topology file written at synth', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-leak-'));
    const out = path.join(dir, 'topology.json');
    process.env[TOPOLOGY_OUT_ENV] = out;
    try {
      const app = Testing.app();
      seededApp(app);
      app.synth();
      const written = fs.readFileSync(out, 'utf8');
      expectNoSeededValue(written);
      expect(written).toContain('[redacted]');
      // The manifests themselves do carry the plaintext: that is what "unsafe" means.
      const manifests = fs.readdirSync(app.outdir).map((f) => fs.readFileSync(path.join(app.outdir, f), 'utf8')).join('\n');
      expect(manifests).toContain(SEEDED[0]);
    } finally {
      delete process.env[TOPOLOGY_OUT_ENV];
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

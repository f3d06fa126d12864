import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ClientAuth, ErrorCode, ExternalNameBackend, OciVaultStore, SecuredApi, TraefikHubGateway, UpstreamOAuth } from '../../src';
import { collectReferencedSecrets, okeWorkloadPolicyFromSecrets, okeWorkloadPolicyStatements } from '../../src/pulumi';
import { catchError } from '../support/errors';

const COMPARTMENT = 'ocid1.compartment.oc1..aaaaaaaacompartment';
const CLUSTER = 'ocid1.cluster.oc1.eu-frankfurt-1.aaaaaaaacluster';
const VAULT = 'ocid1.vault.oc1.eu-frankfurt-1.aaaaaaaavault';
const PRINCIPAL =
  "request.principal.type = 'workload', request.principal.namespace = 'integrations', request.principal.service_account = 'eso-oci', " +
  `request.principal.cluster_id = '${CLUSTER}', target.vault.id = '${VAULT}'`;

describe('okeWorkloadPolicyStatements', () => {
  const base = { compartmentOcid: COMPARTMENT, clusterOcid: CLUSTER, namespace: 'integrations', serviceAccountName: 'eso-oci', vaultOcid: VAULT };

  it('writes one statement per secret, pinned to the workload and the vault', () => {
    expect(okeWorkloadPolicyStatements({ ...base, secretNames: ['oic-client-secret', 'oic-client-id', 'oic-client-id'] })).toEqual([
      `Allow any-user to read secret-bundles in compartment id ${COMPARTMENT} where all {${PRINCIPAL}, target.secret.name = 'oic-client-id'}`,
      `Allow any-user to read secret-bundles in compartment id ${COMPARTMENT} where all {${PRINCIPAL}, target.secret.name = 'oic-client-secret'}`,
    ]);
  });

  it('scopes to the whole vault only when no names are given', () => {
    expect(okeWorkloadPolicyStatements(base)).toEqual([`Allow any-user to read secret-bundles in compartment id ${COMPARTMENT} where all {${PRINCIPAL}}`]);
  });

  it('rejects values that could break out of the quoted literals', () => {
    expect(catchError(() => okeWorkloadPolicyStatements({ ...base, secretNames: ["x', target.vault.id = 'y"] })).field).toBe('secretNames');
    expect(catchError(() => okeWorkloadPolicyStatements({ ...base, namespace: "a'b" })).field).toBe('namespace');
    expect(catchError(() => okeWorkloadPolicyStatements({ ...base, vaultOcid: 'vault' })).code).toBe(ErrorCode.INVALID_PROPS);
  });

  it('accepts real OCIDs: a vault OCID with its extra segment, a tenancy OCID (location `tenancy`)', () => {
    const vault = 'ocid1.vault.oc1.eu-frankfurt-1.b5qvocelaaaao.abtheljs5kjow2l2xkiv2w3c4daptizehxbjavnvnmr42qaqqic';
    const tenancy = 'ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq';
    const [statement] = okeWorkloadPolicyStatements({ ...base, vaultOcid: vault, compartmentOcid: tenancy, secretNames: ['oic-client-id'] });
    expect(statement).toMatch(/^Allow any-user to read secret-bundles in tenancy where all \{request\.principal\.type = 'workload', /);
    expect(statement).toContain(`target.vault.id = '${vault}'`);
    expect(catchError(() => okeWorkloadPolicyStatements({ ...base, vaultOcid: `${vault}.'` })).field).toBe('vaultOcid');
    expect(catchError(() => okeWorkloadPolicyStatements({ ...base, clusterOcid: 'ocid1.cluster.oc1.eu-frankfurt-1.a.b.c' })).field).toBe('clusterOcid');
  });

  it('refuses an empty name list rather than widening to the vault', () => {
    expect(catchError(() => okeWorkloadPolicyStatements({ ...base, secretNames: [] })).field).toBe('secretNames');
  });
});

describe('okeWorkloadPolicyFromSecrets', () => {
  it('derives the statements from the chart: store service account, namespace, vault and names', () => {
    const chart = new Chart(Testing.app(), 'oic', { namespace: 'integrations' });
    const vault = new OciVaultStore(chart, 'oci-vault', { vaultOcid: VAULT, region: 'eu-frankfurt-1', serviceAccountName: 'eso-oci' });
    const secret = (remoteKey: string, key: string) => vault.secretRef({ remoteKey, secretName: 'oauth2-client-creds', key });
    new SecuredApi(chart, 'echo', {
      gateway: new TraefikHubGateway(chart, 'gw'),
      host: 'api.example.com',
      backend: new ExternalNameBackend(chart, 'oic', { externalName: 'myinst.integration.ocp.oraclecloud.com' }),
      clientAuth: ClientAuth.jwt({ jwksUrl: 'https://idcs.example.com/jwk', issuer: 'https://identity.oraclecloud.com/', audience: 'api.example.com' }),
      upstreamAuth: new UpstreamOAuth(chart, 'oic-token', {
        tokenUrl: 'https://idcs.example.com/oauth2/v1/token',
        clientId: secret('oic-client-id', 'clientID'),
        clientSecret: secret('oic-client-secret', 'clientSecret'),
        audience: 'https://oic.example.com',
      }),
    });
    const statements = okeWorkloadPolicyFromSecrets({ compartmentOcid: COMPARTMENT, clusterOcid: CLUSTER, secrets: collectReferencedSecrets(chart) });
    expect(statements).toEqual([
      `Allow any-user to read secret-bundles in compartment id ${COMPARTMENT} where all {${PRINCIPAL}, target.secret.name = 'oic-client-id'}`,
      `Allow any-user to read secret-bundles in compartment id ${COMPARTMENT} where all {${PRINCIPAL}, target.secret.name = 'oic-client-secret'}`,
    ]);
  });
});

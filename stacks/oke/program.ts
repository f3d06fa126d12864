/**
 * OKE: the Oracle Integration Cloud scenario (examples/oic-on-oke.ts) on Traefik Hub, with the
 * OAuth client credentials synced by External Secrets Operator from OCI Vault through OKE
 * workload identity (no API key in the cluster), and NetworkPolicies around Traefik.
 *
 * The example itself reads hand-made Secrets (`SecretRef.fromSecret`); this stack declares the
 * same API with `OciVaultStore#secretRef`, so ExternalSecrets are generated and the OCI IAM
 * policy can name exactly the vault secrets in use. Hosts and paths come from config.
 *
 * Prerequisites (installed by the platform): an *enhanced* OKE cluster (workload identity),
 * External Secrets Operator, Traefik Hub in `traefikNamespace`, a NetworkPolicy-enforcing CNI.
 * The OCI IAM policy is an output (`ociPolicyStatements`): create it with `oci iam policy create`
 * or `oci.identity.Policy` (`@pulumi/oci` is not a dependency of gatewright).
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App, Chart } from 'cdk8s';
import { ClientAuth, EdgeSource, ExternalNameBackend, GatewayNetworkPolicies, OciVaultStore, SecuredApi, TraefikHubGateway, UpstreamOAuth, VirtualEndpoint } from '../../src';
import { collectReferencedSecrets, GatewrightChart, okeWorkloadPolicyFromSecrets } from '../../src/pulumi';

/** Everything the OKE stack reads from `pulumi config` (namespace `gatewright`). */
export interface OkeStackConfig {
  /** `gatewright:kubeconfig` (secret) — e.g. from `oci ce cluster create-kubeconfig`. */
  readonly kubeconfig: pulumi.Output<string>;
  /** `gatewright:clusterOcid`, `gatewright:compartmentOcid`, `gatewright:vaultOcid`, `gatewright:ociRegion`. */
  readonly clusterOcid: string;
  readonly compartmentOcid: string;
  readonly vaultOcid: string;
  readonly ociRegion: string;
  /** `gatewright:clusterCidrs` — VCN, pod and service CIDRs (JSON list). */
  readonly clusterCidrs: string[];
  /** `gatewright:apiServerCidrs` — the API server endpoint(s); Traefik watches CRDs (JSON list). */
  readonly apiServerCidrs: string[];
  /** `gatewright:namespace` — Middlewares, Secrets, stores. Default `integrations`. */
  readonly namespace: string;
  /** `gatewright:traefikNamespace` — where Traefik Hub runs. Default `traefik`. */
  readonly traefikNamespace: string;
  /** `gatewright:esoServiceAccount` — the workload-identity service account ESO uses. Default `external-secrets-oci`. */
  readonly esoServiceAccount: string;
  /** `gatewright:apiHost` — public host, e.g. `api.example.com`. */
  readonly apiHost: string;
  /** `gatewright:oicHost` — `myinst.integration.ocp.oraclecloud.com`. */
  readonly oicHost: string;
  /** `gatewright:oicPath` — the integration's REST path the clean `/echo` maps to. */
  readonly oicPath: string;
  /** `gatewright:idcsUrl` — `https://idcs-….identity.oraclecloud.com` (token and JWKS endpoints). */
  readonly idcsUrl: string;
  /** `gatewright:issuer` — default `https://identity.oraclecloud.com/`. */
  readonly issuer: string;
  /** `gatewright:certResolver` — Traefik ACME resolver. Default `le`. */
  readonly certResolver: string;
  /** `gatewright:vaultSecrets` — vault secret names `{ clientId, clientSecret, scope }`. */
  readonly vaultSecrets: { readonly clientId: string; readonly clientSecret: string; readonly scope: string };
  /** `gatewright:ciliumFqdnEgress` — also emit the Cilium toFQDNs policy. Default false. */
  readonly ciliumFqdnEgress: boolean;
  /** `gatewright:createNamespace` — create `namespace`. Default true. */
  readonly createNamespace: boolean;
  /**
   * `gatewright:waitForSecrets` — wait until every ExternalSecret is Ready before the routes are
   * applied. Default false: the OCI policy that lets ESO read the vault is an *output* of this
   * stack, created by a tenancy admin afterwards, so on the first `pulumi up` the ExternalSecrets
   * cannot become Ready and waiting would time out. Set it once the policy exists.
   */
  readonly waitForSecrets?: boolean;
}

export function readOkeConfig(): OkeStackConfig {
  const config = new pulumi.Config('gatewright');
  return {
    kubeconfig: config.requireSecret('kubeconfig'),
    clusterOcid: config.require('clusterOcid'),
    compartmentOcid: config.require('compartmentOcid'),
    vaultOcid: config.require('vaultOcid'),
    ociRegion: config.require('ociRegion'),
    clusterCidrs: config.requireObject<string[]>('clusterCidrs'),
    apiServerCidrs: config.requireObject<string[]>('apiServerCidrs'),
    namespace: config.get('namespace') ?? 'integrations',
    traefikNamespace: config.get('traefikNamespace') ?? 'traefik',
    esoServiceAccount: config.get('esoServiceAccount') ?? 'external-secrets-oci',
    apiHost: config.require('apiHost'),
    oicHost: config.require('oicHost'),
    oicPath: config.require('oicPath'),
    idcsUrl: config.require('idcsUrl'),
    issuer: config.get('issuer') ?? 'https://identity.oraclecloud.com/',
    certResolver: config.get('certResolver') ?? 'le',
    vaultSecrets: config.getObject<OkeStackConfig['vaultSecrets']>('vaultSecrets') ?? { clientId: 'oic-client-id', clientSecret: 'oic-client-secret', scope: 'oic-scope' },
    ciliumFqdnEgress: config.getBoolean('ciliumFqdnEgress') ?? false,
    createNamespace: config.getBoolean('createNamespace') ?? true,
    waitForSecrets: config.getBoolean('waitForSecrets') ?? false,
  };
}

/** Traefik pods as the Traefik (Hub) Helm chart labels them; web/websecure container ports. */
const TRAEFIK_PODS = { 'app.kubernetes.io/name': 'traefik' };
const TRAEFIK_PORTS = [8000, 8443];

/** The OIC API of examples/oic-on-oke.ts, its credentials from OCI Vault. */
export function oicChart(app: App, cfg: OkeStackConfig): Chart {
  const chart = new Chart(app, 'oic-on-oke', { namespace: cfg.namespace });
  const vault = new OciVaultStore(chart, 'oci-vault', { vaultOcid: cfg.vaultOcid, region: cfg.ociRegion, serviceAccountName: cfg.esoServiceAccount });
  const creds = (remoteKey: string, key: string) => vault.secretRef({ remoteKey, secretName: 'oauth2-client-creds', key });
  const gateway = new TraefikHubGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: cfg.certResolver } });
  const idcs = cfg.idcsUrl.replace(/\/+$/, '');
  new SecuredApi(chart, 'echo', {
    gateway,
    host: cfg.apiHost,
    backend: new ExternalNameBackend(chart, 'oic', { externalName: cfg.oicHost, port: 443 }),
    endpoint: new VirtualEndpoint(chart, 'echo-endpoint', { path: '/echo', target: cfg.oicPath }),
    clientAuth: ClientAuth.jwt({ jwksUrl: `${idcs}/admin/v1/SigningCert/jwk`, issuer: cfg.issuer, audience: cfg.apiHost }),
    upstreamAuth: new UpstreamOAuth(chart, 'oic-token', {
      tokenUrl: `${idcs}/oauth2/v1/token`,
      clientId: creds(cfg.vaultSecrets.clientId, 'clientID'),
      clientSecret: creds(cfg.vaultSecrets.clientSecret, 'clientSecret'),
      scopes: [creds(cfg.vaultSecrets.scope, 'scope')],
      audience: `https://${cfg.oicHost}:443`,
    }),
  });
  new GatewayNetworkPolicies(chart, 'traefik-fence', {
    gateway: { namespace: cfg.traefikNamespace, podLabels: TRAEFIK_PODS },
    gatewayPorts: TRAEFIK_PORTS,
    // Traefik Hub is the edge: clients reach it through the OCI load balancer.
    edge: EdgeSource.anywhere(),
    clusterCidrs: cfg.clusterCidrs,
    apiServerCidrs: cfg.apiServerCidrs,
    apiServerPort: 6443,
    ...(cfg.ciliumFqdnEgress ? { ciliumFqdnEgress: { gateways: [gateway] } } : {}),
  });
  return chart;
}

export function deployOke(cfg: OkeStackConfig = readOkeConfig()) {
  const app = new App();
  const chart = oicChart(app, cfg);
  const provider = new k8s.Provider('oke', { kubeconfig: cfg.kubeconfig, enableServerSideApply: true });

  const labels = { 'app.kubernetes.io/managed-by': 'gatewright' };
  const ns = cfg.createNamespace ? [new k8s.core.v1.Namespace('gateway-namespace', { metadata: { name: cfg.namespace, labels } }, { provider })] : [];
  // OKE workload identity needs no annotation: the IAM policy names the service account.
  const esoServiceAccount = new k8s.core.v1.ServiceAccount('eso-oci', { metadata: { name: cfg.esoServiceAccount, namespace: cfg.namespace, labels } }, { provider, dependsOn: ns });
  const ociPolicyStatements = okeWorkloadPolicyFromSecrets({
    compartmentOcid: cfg.compartmentOcid,
    clusterOcid: cfg.clusterOcid,
    secrets: collectReferencedSecrets(chart),
  });
  const deployed = new GatewrightChart('oic-on-oke', { chart: app, provider, dependsOn: [esoServiceAccount], waitForSecrets: cfg.waitForSecrets ?? false });

  return { namespace: cfg.namespace, ociPolicyStatements, resources: deployed.resources };
}

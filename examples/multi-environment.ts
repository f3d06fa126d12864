/**
 * One definition, several environments: `staging` and `production` are built from the same
 * SecuredApi declarations; only the per-environment settings below differ (hosts, issuer,
 * secret-manager paths, replica counts). `gatewright report --environments staging,production`
 * shows that the policy (routes, methods, scopes, credential kinds) is identical and lists
 * exactly these intended differences.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AwsSecretsManagerStore,
  ClientAuth,
  ExternalNameBackend,
  RestartOnChange,
  SecuredApi,
  ServiceBackend,
  TraefikHubGateway,
  UpstreamCredential,
} from '../src';

/** What may differ between environments. Everything else is policy and is shared. */
export interface EnvironmentSettings {
  /** Chart id and file name (`dist/<id>.k8s.yaml`). */
  readonly id: string;
  /** Namespace of the gateway's objects and the orders service. */
  readonly namespace: string;
  /** Public host of the APIs. */
  readonly host: string;
  /** The callers' identity provider for this environment. */
  readonly issuer: string;
  /** That identity provider's JWKS (`https://`). */
  readonly jwksUrl: string;
  /** Prefix of every secret-manager path, e.g. `staging/shop`. */
  readonly secretPrefix: string;
  /** Replicas of the in-cluster orders service. */
  readonly ordersReplicas: number;
  /** The payment provider's endpoint (sandbox vs live). */
  readonly paymentsHost: string;
}

/** The two environments `main.ts` synthesizes. */
export const ENVIRONMENTS: Record<'staging' | 'production', EnvironmentSettings> = {
  staging: {
    id: 'staging',
    namespace: 'shop-staging',
    host: 'api.staging.shop.example.com',
    issuer: 'https://login.staging.shop.example.com/',
    jwksUrl: 'https://login.staging.shop.example.com/.well-known/jwks.json',
    secretPrefix: 'staging/shop',
    ordersReplicas: 1,
    paymentsHost: 'sandbox.payments.example.net',
  },
  production: {
    id: 'production',
    namespace: 'shop',
    host: 'api.shop.example.com',
    issuer: 'https://login.shop.example.com/',
    jwksUrl: 'https://login.shop.example.com/.well-known/jwks.json',
    secretPrefix: 'production/shop',
    ordersReplicas: 3,
    paymentsHost: 'api.payments.example.net',
  },
};

/** The shop's APIs, declared once. */
export function shopEnvironment(app: App, env: EnvironmentSettings): Chart {
  const chart = new Chart(app, env.id, { namespace: env.namespace });
  const gateway = new TraefikHubGateway(chart, 'gateway', { entryPoints: ['websecure'], tls: { certResolver: 'le' } });
  const secrets = AwsSecretsManagerStore.fromClusterSecretStore('aws-secrets-manager');
  const callers = ClientAuth.jwt({ jwksUrl: env.jwksUrl, issuer: env.issuer, audience: 'shop-api' });

  // The in-cluster orders service; its configuration rolls the pods when it changes.
  const ordersConfig = new kplus.ConfigMap(chart, 'orders-config', { data: { LOG_LEVEL: 'info', CURRENCY: 'EUR' } });
  const orders = new kplus.Deployment(chart, 'orders-app', {
    replicas: env.ordersReplicas,
    containers: [{ image: 'ghcr.io/example/orders:1.4.2', portNumber: 8080, envFrom: [kplus.Env.fromConfigMap(ordersConfig)] }],
  });
  orders.exposeViaService({ name: 'orders', ports: [{ port: 8080 }] });
  RestartOnChange.contentHash(ordersConfig).applyTo(orders);

  new SecuredApi(chart, 'orders', {
    gateway,
    host: env.host,
    path: '/orders',
    backend: ServiceBackend.fromServiceName('orders', { port: 8080 }),
    clientAuth: callers,
    methods: ['GET', 'HEAD'],
    scopes: ['orders:read'],
  });

  new SecuredApi(chart, 'payments', {
    gateway,
    host: env.host,
    path: '/payments',
    backend: new ExternalNameBackend(chart, 'payments-backend', { externalName: env.paymentsHost }),
    clientAuth: callers,
    methods: ['POST'],
    scopes: ['payments:write'],
    upstreamAuth: UpstreamCredential.header(
      'Authorization',
      secrets.secretRef({ remoteKey: `${env.secretPrefix}/payments`, property: 'api_key', secretName: 'payments-upstream', key: 'api-key' }),
      { prefix: 'Bearer ' },
    ),
  });

  new SecuredApi(chart, 'status', {
    gateway,
    host: env.host,
    path: '/status',
    backend: ServiceBackend.fromServiceName('orders', { port: 8080 }),
    clientAuth: ClientAuth.none(),
    methods: ['GET'],
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  shopEnvironment(app, ENVIRONMENTS.staging);
  shopEnvironment(app, ENVIRONMENTS.production);
  app.synth();
}

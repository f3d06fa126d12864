import type { SecretRefModel } from '../../model';
import { OAUTH2_PROXY_ENV } from './args';

/** Pinned OAuth2 Proxy image: v7.15.3 is the newest release of the project (checked against its tags). */
export const OAUTH2_PROXY_IMAGE = 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.3';

/** The port OAuth2 Proxy listens on. */
export const OAUTH2_PROXY_PORT = 4180;

export interface OAuth2ProxyWorkloadInput {
  readonly name: string;
  readonly namespace?: string;
  readonly image: string;
  readonly replicas: number;
  readonly args: readonly string[];
  readonly clientId: SecretRefModel;
  readonly clientSecret: SecretRefModel;
  readonly cookieSecret: SecretRefModel;
}

/** Pod labels the Service selects on. */
export function oauth2ProxySelector(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'oauth2-proxy', 'app.kubernetes.io/instance': name };
}

/**
 * OAuth2 Proxy's Deployment and Service: non-root, read-only root file system, no
 * capabilities, no service-account token, credentials from Secrets as environment variables
 * (never on the command line, which `ps` shows). Sessions live in the encrypted cookie, so
 * replicas share nothing.
 */
export function renderOAuth2ProxyWorkload(input: OAuth2ProxyWorkloadInput): { deployment: Record<string, unknown>; service: Record<string, unknown> } {
  const ns = input.namespace ? { namespace: input.namespace } : {};
  const selector = oauth2ProxySelector(input.name);
  const labels = { ...selector, 'app.kubernetes.io/managed-by': 'gatewright' };
  const secretEnv = (name: string, ref: SecretRefModel) => ({ name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } });
  return {
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: input.name, ...ns, labels },
      spec: {
        replicas: input.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'oauth2-proxy',
                image: input.image,
                args: [...input.args],
                env: [
                  secretEnv(OAUTH2_PROXY_ENV.clientId, input.clientId),
                  secretEnv(OAUTH2_PROXY_ENV.clientSecret, input.clientSecret),
                  secretEnv(OAUTH2_PROXY_ENV.cookieSecret, input.cookieSecret),
                ],
                ports: [{ name: 'http', containerPort: OAUTH2_PROXY_PORT, protocol: 'TCP' }],
                readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/ping', port: 'http' }, periodSeconds: 20 },
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: input.name, ...ns, labels },
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: OAUTH2_PROXY_PORT, targetPort: 'http', protocol: 'TCP' }] },
    },
  };
}

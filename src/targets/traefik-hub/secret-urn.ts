import type { SecretRefModel } from '../../model';

/**
 * `urn:k8s:secret:<name>:<key>`: how Traefik Hub middlewares reference one key of a Secret in
 * the Middleware's own namespace. Secret names and keys cannot contain `:`.
 */
export function toSecretUrn(ref: Pick<SecretRefModel, 'secretName' | 'key'>): string {
  return `urn:k8s:secret:${ref.secretName}:${ref.key}`;
}

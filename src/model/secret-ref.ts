import { z } from 'zod';
import { dnsSubdomain, secretKey } from './names';

/** Which External Secrets store a synced secret is read from. */
export const storeRefSchema = z.object({
  /** Name of the SecretStore / ClusterSecretStore. */
  name: dnsSubdomain,
  /** `SecretStore` (namespaced) or `ClusterSecretStore`. */
  kind: z.enum(['SecretStore', 'ClusterSecretStore']),
  /** The secret manager behind the store, for reports and least-privilege grants. */
  provider: z.enum(['awsSecretsManager', 'ociVault']),
});
export type StoreRefModel = z.infer<typeof storeRefSchema>;

/** Where a Kubernetes Secret's value comes from when it is not created by hand. */
export const secretSourceSchema = z.object({
  store: storeRefSchema,
  /** Secret id / name / ARN in the secret manager. */
  remoteKey: z.string().min(1, { message: 'must name the secret in the secret manager' }),
  /** JSON property inside the remote secret, when it holds a JSON document. */
  property: z.string().min(1).optional(),
  /**
   * ARN of the remote secret when known (AWS), so IAM grants can name it exactly.
   */
  arn: z.string().startsWith('arn:').optional(),
});
export type SecretSourceModel = z.infer<typeof secretSourceSchema>;

/**
 * A reference to one key of a Kubernetes Secret. The value never enters the model: engines
 * get references (`urn:k8s:secret:`, env vars, mounted files) that the cluster resolves.
 */
export const secretRefSchema = z.object({
  secretName: dnsSubdomain,
  key: secretKey,
  /** Set when an ExternalSecret must materialize the Secret from a secret manager. */
  source: secretSourceSchema.optional(),
});
export type SecretRefModel = z.infer<typeof secretRefSchema>;

/**
 * A value an engine sends on the caller's behalf: a Secret reference, a copy of a request
 * header, or — only when the user said so by name — a plaintext literal.
 */
export const credentialValueSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('secret'), ref: secretRefSchema }),
  z.object({ kind: z.literal('requestHeader'), header: z.string().min(1) }),
  z.object({ kind: z.literal('unsafePlaintext'), value: z.string() }),
]);
export type CredentialValueModel = z.infer<typeof credentialValueSchema>;

/** Every Secret reference inside a credential value (zero or one). */
export function secretRefsOf(value: CredentialValueModel): SecretRefModel[] {
  return value.kind === 'secret' ? [value.ref] : [];
}

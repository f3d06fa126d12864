import { ErrorCode, GatewrightError, parseOrThrow, secretRefSchema, type SecretRefModel, type SecretSourceModel } from '../../model';

/**
 * A reference to one key of a Kubernetes Secret. gatewright never handles the value: engines
 * receive references that the cluster resolves (`urn:k8s:secret:`, env vars, mounted files).
 *
 * Create one with {@link SecretRef.fromSecret} for a Secret you manage, or through a secret
 * store (`AwsSecretsManagerStore#secretRef`, `OciVaultStore#secretRef`) to have an
 * ExternalSecret materialize it from a secret manager.
 */
export class SecretRef {
  /**
   * Reference a key of an existing Kubernetes Secret in the gateway's namespace.
   * @param secretName name of the Secret (DNS-1123 subdomain)
   * @param key data key inside the Secret
   */
  static fromSecret(secretName: string, key: string): SecretRef {
    return new SecretRef({ secretName, key });
  }

  /** @internal used by secret stores */
  static _fromSource(secretName: string, key: string, source: SecretSourceModel): SecretRef {
    return new SecretRef({ secretName, key, source });
  }

  /** Name of the Kubernetes Secret. */
  readonly secretName: string;
  /** Data key inside the Secret. */
  readonly key: string;
  /** Where the value is synced from, when an ExternalSecret provides it. */
  readonly source?: SecretSourceModel;

  private constructor(model: SecretRefModel) {
    const parsed = parseOrThrow(secretRefSchema, model, `SecretRef(${model.secretName}:${model.key})`);
    this.secretName = parsed.secretName;
    this.key = parsed.key;
    this.source = parsed.source;
  }

  /** @internal */
  _toModel(): SecretRefModel {
    return { secretName: this.secretName, key: this.key, ...(this.source ? { source: this.source } : {}) };
  }

  /** Never the value: a SecretRef prints as its address. */
  toString(): string {
    return `SecretRef(${this.secretName}:${this.key})`;
  }
}

/** Throws the plaintext error for a bare string where a secret was expected. */
export function rejectPlaintext(path: string, field: string): never {
  throw new GatewrightError({
    code: ErrorCode.PLAINTEXT_SECRET,
    path,
    field,
    problem: 'is a plain string; credentials must not be written into manifests',
    fix: 'pass SecretRef.fromSecret("<secret>", "<key>") (or a secret store\'s secretRef(...)); only if you accept the risk, CredentialValue.unsafePlaintext(...)',
  });
}

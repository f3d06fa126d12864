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
    // Validated where it is used, so an error names the construct and prop it was given to —
    // and never repeats a name that may be a pasted secret.
    this.secretName = model.secretName;
    this.key = model.key;
    this.source = model.source;
  }

  /**
   * @internal the validated model
   * @param usedBy construct path of the construct the ref was given to
   * @param field the prop it was given as (`upstreamAuth.header(X-Key)`)
   */
  _toModel(usedBy = 'SecretRef', field = ''): SecretRefModel {
    const at = (f: string) => (field ? `${field}.${f}` : f);
    const as = (what: string) => `${field ? `${field}: ` : ''}${what}`;
    return parseOrThrow(secretRefSchema, { secretName: this.secretName, key: this.key, ...(this.source ? { source: this.source } : {}) }, usedBy, field, [
      [at('secretName'), as('SecretRef secretName')],
      [at('key'), as('SecretRef key')],
      [at('source.remoteKey'), as('secretRef remoteKey')],
      [at('source.property'), as('secretRef property')],
      [at('source.arn'), as('secretRef arn')],
    ]);
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

import { ErrorCode, GatewrightError, type CredentialValueModel } from '../../model';
import { rejectPlaintext, SecretRef } from './secret-ref';

/**
 * A value the gateway sends toward a backend that is not (only) a Secret reference.
 * Prefer a {@link SecretRef}; these exist for the cases a real integration needs.
 */
export class CredentialValue {
  /**
   * Copy the value of a header of the incoming request (e.g. a tenant id that a backend
   * expects as a query parameter). The caller controls it: never use it for a secret.
   */
  static fromRequestHeader(header: string): CredentialValue {
    return new CredentialValue({ kind: 'requestHeader', header });
  }

  /**
   * A literal value written into the manifests in clear text. The name is the warning:
   * anyone who can read the manifests or the Git history can read it.
   */
  static unsafePlaintext(value: string): CredentialValue {
    return new CredentialValue({ kind: 'unsafePlaintext', value });
  }

  private constructor(private readonly model: CredentialValueModel) {}

  /** @internal */
  _toModel(): CredentialValueModel {
    return this.model;
  }

  /** Names the kind of value, never the value itself (a plaintext stays out of logs). */
  toString(): string {
    return this.model.kind === 'unsafePlaintext' ? 'CredentialValue(unsafePlaintext)' : `CredentialValue(${this.model.kind})`;
  }
}

/** What credential props accept. A bare `string` is rejected at synth with a clear error. */
export type CredentialInput = SecretRef | CredentialValue;

/** Model form of a credential prop, rejecting plaintext strings passed from untyped code. */
export function toCredentialValueModel(value: CredentialInput | string | undefined, path: string, field: string): CredentialValueModel {
  if (value instanceof SecretRef) return { kind: 'secret', ref: value._toModel(path, field) };
  if (value instanceof CredentialValue) return value._toModel();
  if (typeof value === 'string') rejectPlaintext(path, field);
  return rejectMissing(path, field);
}

function rejectMissing(path: string, field: string): never {
  throw new GatewrightError({
    code: ErrorCode.INVALID_PROPS,
    path,
    field,
    problem: 'is required',
    fix: 'pass SecretRef.fromSecret("<secret>", "<key>")',
  });
}

import type { SecretRefModel } from '../model';

/**
 * A Secret key that rendered manifests point at. Either a key the user declared, or a key
 * derived from declared keys (e.g. `Basic base64(user:pass)`) that the secret's
 * ExternalSecret computes with a template, so no engine ever needs the value at synth time.
 */
export type RenderedSecretKey =
  | { readonly kind: 'declared'; readonly ref: SecretRefModel }
  | {
      readonly kind: 'derived';
      readonly secretName: string;
      readonly key: string;
      /** ESO (engine v2, Go template) text producing the value from `inputs`. */
      readonly template: string;
      readonly inputs: readonly SecretRefModel[];
    };

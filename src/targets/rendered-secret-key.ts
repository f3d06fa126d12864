import type { SecretRefModel } from '../model';
import type { DerivedSecretKey } from '../plan/derived-secrets';

/**
 * A Secret key that rendered manifests point at. Either a key the user declared, or a key
 * derived from declared keys (`Basic base64(user:pass)`, `SSWS <token>`) that the Secret's
 * ExternalSecret computes with a template, so no engine ever needs the value at synth time.
 */
export type RenderedSecretKey =
  | { readonly kind: 'declared'; readonly ref: SecretRefModel }
  | {
      readonly kind: 'derived';
      /** Where the value lands (allocated by the plan, injective in its inputs). */
      readonly derived: DerivedSecretKey;
      /** ESO (engine v2, Go template) text producing the value from the inputs. */
      readonly template: string;
    };

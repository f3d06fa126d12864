import type { DerivedSecretKey } from '../../plan/derived-secrets';
import { esoKeyValue, esoLiteralText, type ValueLocation } from '../grammars';

/**
 * The External Secrets template (engine v2) computing a derived key from the declared keys it
 * is synced next to. User text enters only through the ESO grammar functions.
 */
export function derivedValueTemplate(derived: DerivedSecretKey, at: ValueLocation): string {
  const v = derived.value;
  switch (v.kind) {
    case 'prefixed':
      return `${esoLiteralText(v.prefix, at)}{{ ${esoKeyValue(v.input.key, at)} }}`;
    case 'basic':
      // RFC 7617: base64 of "user:pass".
      return `Basic {{ printf "%s:%s" ${esoKeyValue(v.username.key, at)} ${esoKeyValue(v.password.key, at)} | b64enc }}`;
  }
}

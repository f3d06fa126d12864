import { createHash } from 'node:crypto';
import type { SecretRefModel } from '../model';

/**
 * Secret keys and environment-variable names that gatewright computes rather than the user
 * declares. Both are allocated here, for every engine, *injectively from their full inputs*:
 * two different inputs never share a name, so one backend can never be sent another backend's
 * credential because two derived values landed in the same key. A readable part helps a
 * reviewer; a digest of the exact inputs makes the name unique.
 */

/** A value an ExternalSecret template computes from declared keys of one Secret. */
export type DerivedValue =
  /** `<prefix><value>`, e.g. `SSWS <token>` for Okta: a URN or env reference must be the whole header value. */
  | { readonly kind: 'prefixed'; readonly prefix: string; readonly input: SecretRefModel }
  /** `Basic base64(<username>:<password>)` (RFC 7617). */
  | { readonly kind: 'basic'; readonly username: SecretRefModel; readonly password: SecretRefModel };

/** A derived key: where the computed value lands, and what it is computed from. */
export interface DerivedSecretKey {
  /** The Secret holding the inputs and, next to them, the computed key. */
  readonly secretName: string;
  readonly key: string;
  readonly value: DerivedValue;
  /** The declared keys the value is computed from, in template order. */
  readonly inputs: readonly SecretRefModel[];
}

/** Longest Kubernetes Secret data key. */
const MAX_SECRET_KEY = 253;
/** Hex digits of the digest: 48 bits, so an accidental collision would need ~16 million derived keys. */
const DIGEST_CHARS = 12;

function digest(parts: readonly string[]): string {
  // JSON keeps the parts apart: ["a.b","c"] and ["a","b.c"] hash differently.
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, DIGEST_CHARS);
}

/** Lower-case letters, digits and single dashes: a readable hint of free text in a key name. */
function slug(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

function inputsOf(value: DerivedValue): SecretRefModel[] {
  return value.kind === 'prefixed' ? [value.input] : [value.username, value.password];
}

/** Everything that determines the computed value, in a fixed order. */
function identityOf(value: DerivedValue): string[] {
  return value.kind === 'prefixed'
    ? ['prefixed', value.input.secretName, value.input.key, value.prefix]
    : ['basic', value.username.secretName, value.username.key, value.password.secretName, value.password.key];
}

/**
 * The Secret key a derived value is written to. Same inputs, same key (several routes can share
 * it); any difference in inputs — another key, another prefix, even only in letter case
 * (`SSWS ` vs `ssws `) — gives another key. Always a valid Secret data key of at most 253
 * characters, never `.`/`..` or `..`-prefixed.
 */
export function derivedSecretKey(value: DerivedValue): DerivedSecretKey {
  const inputs = inputsOf(value);
  const hint =
    value.kind === 'prefixed'
      ? [slug(value.prefix, 24) || 'prefixed', slug(value.input.key, 80)].filter(Boolean).join('-')
      : ['basic', slug(value.username.key, 60), slug(value.password.key, 60)].filter(Boolean).join('-');
  const key = `gw-${hint}.${digest(identityOf(value))}`;
  return { secretName: inputs[0].secretName, key: key.length <= MAX_SECRET_KEY ? key : `gw-${digest(identityOf(value))}`, value, inputs };
}

/** Upper-case letters, digits and `_` only, at most `max` characters: the readable part of a variable name. */
function envPart(text: string, max: number): string {
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, max);
}

/**
 * `GW_SECRET_<SECRET>_<KEY>_<digest>`: the environment variable through which engines that read
 * credentials from their environment (Oathkeeper's `{{ env }}`, the reference proxy's fallback)
 * receive one Secret key. The digest covers the exact Secret name and key, so
 * `a-b`/`c` and `a`/`b-c`, or `apiKey` and `APIKEY`, get different variables.
 */
export function secretEnvName(ref: Pick<SecretRefModel, 'secretName' | 'key'>): string {
  const readable = [envPart(ref.secretName, 40), envPart(ref.key, 40)].filter(Boolean).join('_');
  return `GW_SECRET_${readable}_${digest([ref.secretName, ref.key]).toUpperCase()}`;
}

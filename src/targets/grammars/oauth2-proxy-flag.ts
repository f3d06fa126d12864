import { CONTROL_CHARACTER, hasLoneSurrogate, unrepresentable, type ValueLocation } from './value-location';

const GRAMMAR = "an OAuth2 Proxy command-line flag";

function refuseUnprintable(value: string, at: ValueLocation): void {
  if (CONTROL_CHARACTER.test(value) || hasLoneSurrogate(value)) {
    throw unrepresentable(at, GRAMMAR, 'contains a control character or an unpaired surrogate', 'remove it');
  }
}

/**
 * `--name=value` for a single-valued flag. Container args reach the process without a shell,
 * and pflag takes everything after the first `=` as the value, so only unprintable text needs
 * refusing.
 */
export function flagArgument(name: string, value: string, at: ValueLocation): string {
  refuseUnprintable(value, at);
  return `--${name}=${value}`;
}

/**
 * `--name=value` for one element of a list flag (pflag `StringSlice`: `--allowed-group`,
 * `--email-domain`, `--cookie-domain`, `--whitelist-domain`). pflag reads each occurrence as a
 * CSV record, so `admins,everyone` would grant two groups: a value with a comma, a double quote
 * or surrounding white space is written as one quoted CSV field (`"a,b"`, inner quotes doubled).
 */
export function listFlagArgument(name: string, value: string, at: ValueLocation): string {
  refuseUnprintable(value, at);
  const needsQuotes = /[,"]/.test(value) || value !== value.trim() || value === '';
  return `--${name}=${needsQuotes ? `"${value.replace(/"/g, '""')}"` : value}`;
}

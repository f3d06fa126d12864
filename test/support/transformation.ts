import { expect } from 'vitest';
import { GATEWAY_WRITTEN_FORWARDING_HEADERS, REWRITE_TRACE_HEADERS, untrustedCallerHeaders } from '../../src/plan/request-transformation';

/**
 * What the plan's request transformation looks like on each engine, for tests that check one
 * route's own headers without restating the gateway-wide removals on every line.
 */

/**
 * Forwarding facts Traefik writes itself and X-Replaced-Path, which a Traefik strip Middleware
 * removes before an external backend (a caller's `Forwarded`, `X-Forwarded-Prefix`,
 * `X-Forwarded-Method` and `X-Forwarded-Uri` already went with the gateway's untrusted-headers
 * Middleware).
 */
export const TRAEFIK_HIDDEN: Readonly<Record<string, string>> = Object.fromEntries(
  [...GATEWAY_WRITTEN_FORWARDING_HEADERS, ...REWRITE_TRACE_HEADERS].map((h) => [h, '']),
);

/** {@link TRAEFIK_HIDDEN} plus the `Host` Traefik's strip Middleware sets for an external backend. */
export function traefikTowardThirdParty(externalName: string): Record<string, string> {
  return { ...TRAEFIK_HIDDEN, Host: externalName };
}

/** What an Oathkeeper rule blanks toward an external backend beyond the untrusted headers (it drops X-Forwarded-* itself). */
export const OATHKEEPER_HIDDEN: Readonly<Record<string, string>> = { 'X-Real-Ip': '', 'X-Replaced-Path': '' };

/**
 * The headers an Oathkeeper rule's header mutator sets, minus the caller-supplied identity and
 * override headers every rule blanks (checked to be there, each empty).
 */
export function oathkeeperOwnHeaders(ruleSpec: { mutators: { config?: { headers?: Record<string, string> } }[] }): Record<string, string> {
  const headers: Record<string, string> = { ...(ruleSpec.mutators[0].config?.headers ?? {}) };
  for (const r of untrustedCallerHeaders()) {
    if (r.header === 'Forwarded' || r.header.toLowerCase().startsWith('x-forwarded-')) continue;
    expect(headers[r.header], `${r.header} blanked`).toBe('');
    delete headers[r.header];
  }
  return headers;
}

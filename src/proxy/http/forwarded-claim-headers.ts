import type { CompiledRoute } from '../routing/compiled-route';
import { claimHeaderValue } from '../upstream/upstream-headers';

/** Upstream headers for a route's forwarded JWT claims (`forwardClaims`). */
export function forwardedClaimHeaders(route: CompiledRoute, claims: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!claims) return out;
  for (const [header, claim] of route.forwardClaims) {
    const value = claimHeaderValue(claims[claim]);
    if (value !== undefined) out[header] = value;
  }
  return out;
}

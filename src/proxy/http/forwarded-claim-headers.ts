import type { CompiledRoute } from '../routing/compiled-route';

/** Upstream headers for a route's forwarded JWT claims (`forwardClaims`). */
export function forwardedClaimHeaders(route: CompiledRoute, claims: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!claims) return out;
  for (const [header, claim] of route.forwardClaims) {
    const v = claims[claim];
    if (v === undefined) continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (!/[\r\n\0]/.test(text)) out[header] = text;
  }
  return out;
}

import type { IncomingMessage } from 'node:http';
import { ForwardingHeaderPolicy } from '../../plan';
import type { CompiledRoute } from '../routing/compiled-route';
import type { Injection } from '../upstream/credential-injector';
import { injectQuery } from '../upstream/upstream-headers';
import type { Admitted } from './admission';
import { forwardedClaimHeaders } from './forwarded-claim-headers';
import { writeForwardingHeaders } from './forwarding-headers';
import type { RequestAddress } from './request-address';
import type { HandlerContext } from './request-context';

/**
 * The rest of the request transformation once the caller is admitted, onto the caller's
 * remaining headers (`headers`, already without what the route removes): the `Host` sent
 * upstream, the forwarding headers of the route's policy, the forwarded claims, then the
 * upstream credential. Returns the path and query the upstream receives, rewritten and with
 * the caller's copies of removed query parameters dropped.
 */
export function completeUpstreamRequest(
  ctx: HandlerContext,
  route: CompiledRoute,
  req: IncomingMessage,
  address: Extract<RequestAddress, { ok: true }>,
  headers: Record<string, string | string[]>,
  auth: Admitted,
  injection: Injection,
): string {
  headers.host = route.model.preserveHost ? address.authority : route.upstreamHost;
  if (route.transformation.forwarding === ForwardingHeaderPolicy.OVERWRITE) writeForwardingHeaders(headers, req, address.authority, ctx.trust);
  if (route.forwardClaims.length > 0) Object.assign(headers, forwardedClaimHeaders(route, auth.claims));
  Object.assign(headers, injection.headers);
  const target = address.target;
  const path = route.rewrite(target.encodedPath);
  const query = route.removedQuery.size > 0 || injection.query.length > 0 ? injectQuery(target.query, route.removedQuery, injection.query) : target.query;
  return query === '' ? path : `${path}?${query}`;
}

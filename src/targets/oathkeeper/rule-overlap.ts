import type { ApiRouteModel } from '../../model';

/**
 * Oathkeeper has no rule priority: a request that matches two rules is answered 500
 * ("Expected exactly one rule but found multiple rules", rule/repository_memory.go). Traefik
 * and the reference proxy pick the longest prefix instead, so `/okta` next to `/okta/users`
 * is fine there and broken here. True when some request could match both routes.
 */
export function routesOverlap(a: ApiRouteModel, b: ApiRouteModel): boolean {
  return urlsOverlap(a, b) && methodsOverlap(a, b);
}

/** True when some URL could match both routes, whatever the method. */
export function urlsOverlap(a: ApiRouteModel, b: ApiRouteModel): boolean {
  return hostsOverlap(a.host, b.host) && prefixesOverlap(a.pathPrefix, b.pathPrefix);
}

function hostsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const covers = (wild: string, host: string) => wild.startsWith('*.') && host.endsWith(wild.slice(1)) && !host.slice(0, -wild.length + 1).includes('.');
  return covers(a, b.startsWith('*.') ? `x${b.slice(1)}` : b) || covers(b, a.startsWith('*.') ? `x${a.slice(1)}` : a);
}

function prefixesOverlap(a: string, b: string): boolean {
  const within = (outer: string, inner: string) => outer === '/' || inner === outer || inner.startsWith(`${outer}/`);
  return within(a, b) || within(b, a);
}

function methodsOverlap(a: ApiRouteModel, b: ApiRouteModel): boolean {
  const ma = a.authorization.methods;
  const mb = b.authorization.methods;
  return ma.length === 0 || mb.length === 0 || ma.some((m) => mb.includes(m));
}

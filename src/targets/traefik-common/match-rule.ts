import type { ApiRouteModel } from '../../model';

/**
 * The router rule for a route. A prefix `/echo` matches `/echo` and `/echo/...` but never
 * `/echoes`: a plain `PathPrefix(`/echo`)` would let `/echoes` through un-rewritten.
 */
export function renderMatchRule(route: ApiRouteModel): string {
  const parts = [hostMatcher(route.host)];
  if (route.pathPrefix !== '/') {
    parts.push(`(Path(\`${route.pathPrefix}\`) || PathPrefix(\`${route.pathPrefix}/\`))`);
  }
  const methods = route.authorization.methods;
  if (methods.length === 1) parts.push(`Method(\`${methods[0]}\`)`);
  if (methods.length > 1) parts.push(`(${methods.map((m) => `Method(\`${m}\`)`).join(' || ')})`);
  return parts.join(' && ');
}

function hostMatcher(host: string): string {
  if (host.startsWith('*.')) {
    // HostRegexp takes a Go regexp in Traefik v3; anchor it and escape the dots.
    const suffix = host.slice(2).replace(/\./g, '\\.');
    return `HostRegexp(\`^[a-z0-9-]+\\.${suffix}$\`)`;
  }
  return `Host(\`${host}\`)`;
}

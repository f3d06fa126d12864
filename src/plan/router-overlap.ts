import { ErrorCode, GatewrightError } from '../model';

/** One route as a shared Traefik router table sees it. */
export interface RouterClaim {
  /** Construct path of the gateway that renders it. */
  readonly gateway: string;
  /** Construct path of the route (the SecuredApi). */
  readonly route: string;
  /** Traefik entry points the IngressRoute is served on. */
  readonly entryPoints: readonly string[];
  readonly host: string;
  readonly pathPrefix: string;
}

/**
 * Routes of different gateways that one Traefik would serve with identical rules. Every
 * TraefikGateway, TraefikHubGateway and Traefik-exposed ReferenceProxyGateway of an app
 * writes IngressRoutes for the same Traefik: two of them with one host, one path prefix and
 * a shared entry point have the same rule and priority, and Traefik sends each request to
 * one of them — so a public route can stand in for a protected one. (Two routes on one
 * gateway are the gateway's own duplicate check.) Linear in the number of routes.
 */
export function findRouterConflicts(claims: readonly RouterClaim[]): GatewrightError[] {
  const first = new Map<string, RouterClaim>();
  const errors: GatewrightError[] = [];
  for (const c of claims) {
    for (const entryPoint of c.entryPoints) {
      // Hosts compare case-insensitively in Traefik's Host matcher; paths case-sensitively.
      const key = `${entryPoint}\u0000${c.host.toLowerCase()}\u0000${c.pathPrefix}`;
      const other = first.get(key);
      if (!other) {
        first.set(key, c);
        continue;
      }
      if (other.gateway === c.gateway) continue;
      errors.push(
        new GatewrightError({
          code: ErrorCode.DUPLICATE_ROUTE,
          path: c.route,
          field: 'host/path',
          problem: `${c.host}${c.pathPrefix} on entry point "${entryPoint}" is also served by ${other.route} (gateway ${other.gateway}); Traefik would send each request to one of the two, so either route's authentication may apply`,
          fix: 'give one of the routes another host or path, serve both from one gateway, or put the gateways on different entry points',
        }),
      );
      break;
    }
  }
  return errors;
}

/**
 * The one naming scheme of generated objects. No renderer makes up a name: it asks here, and
 * the app-wide identity check (`findObjectCollisions`) refuses two objects of one kind with one
 * name in one namespace, whoever made them.
 */

/** Objects generated for one route. */
export enum RouteObject {
  /** The IngressRoute (Traefik) or access rule (Oathkeeper) itself. */
  ROUTE = 'route',
  JWT = 'jwt',
  API_KEY = 'apikey',
  FORWARD_AUTH = 'forward-auth',
  /** What the backend must not see, removed after client authentication. */
  STRIP_CALLER = 'strip-caller',
  REWRITE = 'rewrite',
  UPSTREAM_HEADERS = 'upstream-headers',
  UPSTREAM_QUERY = 'upstream-query',
  UPSTREAM_CHAIN = 'upstream',
  METHOD_GUARD = 'deny-other-methods',
  /** Traefik's buffering Middleware enforcing the route's `maxBodyBytes`. */
  BODY_LIMIT = 'body-limit',
  /** The ServersTransport of a route's backend connections. */
  TRANSPORT = 'transport',
}

/** `<route>` or `<route>-<role>`. */
export function routeObjectName(routeName: string, role: RouteObject): string {
  return role === RouteObject.ROUTE ? routeName : `${routeName}-${role}`;
}

/** Objects generated once per gateway. */
export enum GatewayObject {
  /** Caller-supplied identity, override and forwarding headers, removed before anything else. */
  UNTRUSTED_HEADERS = 'untrusted-headers',
  /** Oathkeeper's configuration. */
  CONFIG = 'config',
  /** Oathkeeper's access rules file. */
  RULES = 'rules',
  /** The reference proxy's ingress policy (forwardAuth only from Traefik). */
  PROXY_INGRESS = 'proxy-ingress',
}

export function gatewayObjectName(gatewayName: string, role: GatewayObject): string {
  return `${gatewayName}-${role}`;
}
